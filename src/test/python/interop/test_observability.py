"""Operations surface of the packaged gateway: OpenAPI document, Prometheus metrics, health probes
(all on the management interface, none on the public port), and tracing plus JSON logs switched on
through the documented environment variables.

The OpenAPI document is checked with openapi-spec-validator (pinned in requirements.txt); tracing
with a small OTLP/HTTP receiver in this process (an OpenTelemetry Collector cannot run here), which
decodes just enough protobuf to read span names and attributes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import delta_sharing
import pytest
import requests
import yaml
from openapi_spec_validator import validate

REPO_ROOT = Path(__file__).resolve().parents[4]
QUERY_ROUTE = "/delta-sharing/shares/{share}/schemas/{schema}/tables/{table}/query"


def _metrics(management_url: str) -> dict[str, float]:
    text = requests.get(f"{management_url}/q/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            samples[series] = float(value)
    return samples


def _value(samples: dict[str, float], name: str, **labels: str) -> float:
    """Sum of the series named `name` carrying every label given."""
    total = 0.0
    for series, value in samples.items():
        if series.split("{", 1)[0] == name and all(f'{k}="{v}"' in series for k, v in labels.items()):
            total += value
    return total


def test_openapi_document_is_valid_openapi_as_yaml_and_json(gateway):
    as_yaml = requests.get(gateway.openapi_url, timeout=10)
    assert as_yaml.status_code == 200
    assert as_yaml.headers["Content-Type"].startswith("application/yaml")
    as_json = requests.get(gateway.openapi_url, params={"format": "json"}, timeout=10)
    assert as_json.status_code == 200
    document = yaml.safe_load(as_yaml.text)
    assert as_json.json() == document
    validate(document)  # raises OpenAPIValidationError with the offending path
    assert QUERY_ROUTE in document["paths"] and "/admin/status" in document["paths"]
    # it describes the public port, which serves nothing under /q
    assert not [path for path in document["paths"] if path.startswith("/q/")]


@pytest.mark.parametrize("path", ["/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics",
                                  "/q/openapi", "/q/swagger-ui"])
def test_management_endpoints_are_not_on_the_public_port(gateway, path):
    public = requests.get(gateway.url + path, timeout=10)
    assert public.status_code == 404
    assert public.json() == {"errorCode": "RESOURCE_DOES_NOT_EXIST", "message": "No such endpoint"}
    assert requests.get(gateway.management_url + path, timeout=10).status_code == 200


def test_trace_and_writes_on_the_management_port_are_refused(gateway):
    for method in ("TRACE", "POST", "DELETE"):
        answer = requests.request(method, f"{gateway.management_url}/q/health/live", timeout=10)
        assert answer.status_code == 405, method
        assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_swagger_ui_page_and_its_assets_are_served(gateway):
    page = requests.get(f"{gateway.management_url}/q/swagger-ui", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    bundle = re.search(r'src="(/q/swagger-ui/([0-9.]+)/swagger-ui-bundle\.js)"', page.text)
    assert requests.get(f"{gateway.management_url}{bundle.group(1)}", timeout=10).status_code == 200
    # the webjar Quarkus would serve from every jar's META-INF/resources stays off the public port
    webjar = requests.get(f"{gateway.url}/webjars/swagger-ui/{bundle.group(2)}/index.html", timeout=10)
    assert webjar.status_code == 404


def test_a_real_client_read_shows_in_the_metrics(management_url, partner_profile):
    before = _metrics(management_url)
    table = delta_sharing.load_as_pandas(f"{partner_profile}#retail.gold.sales_daily")
    assert len(table) == 91
    after = _metrics(management_url)

    query = dict(method="POST", uri=QUERY_ROUTE, status="200", protocol="sharing")
    assert _value(after, "http_server_requests_seconds_count", **query) == _value(before, "http_server_requests_seconds_count", **query) + 1
    assert _value(after, "http_server_requests_seconds_bucket", le="+Inf", **query) >= 1
    served = _value(after, "goldgate_served_bytes_total", protocol="files") - _value(before, "goldgate_served_bytes_total", protocol="files")
    assert served > 0, "the client downloaded the data files through the gateway"
    assert _value(after, "goldgate_flight_streams_active", protocol="flight") == 0


def test_readiness_reports_each_dependency_and_liveness_is_up(management_url, redis_server):
    live = requests.get(f"{management_url}/q/health/live", timeout=10)
    assert live.status_code == 200 and live.json()["status"] == "UP"
    ready = requests.get(f"{management_url}/q/health/ready", timeout=10)
    assert ready.status_code == 200, ready.text
    checks = {c["name"]: c for c in ready.json()["checks"]}
    assert set(checks) == {"catalog", "redis", "flight"}
    assert all(c["status"] == "UP" for c in checks.values())
    expected_store = f"Redis at {redis_server.host}:{redis_server.port}" if redis_server else "embedded"
    assert checks["redis"]["data"]["store"] == expected_store


# ------------------------------------------------------------------ tracing and JSON logs by env


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[at]
        at += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, at
        shift += 7


def _fields(message: bytes):
    """(field number, int or bytes) of one protobuf message."""
    at = 0
    while at < len(message):
        tag, at = _read_varint(message, at)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, at = _read_varint(message, at)
        elif wire == 1:
            value, at = message[at : at + 8], at + 8
        elif wire == 2:
            length, at = _read_varint(message, at)
            value, at = message[at : at + length], at + length
        elif wire == 5:
            value, at = message[at : at + 4], at + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, value


def _spans(export_request: bytes) -> list[dict]:
    """Spans of an ExportTraceServiceRequest: name and string/int attributes."""
    spans = []
    for n, resource_spans in _fields(export_request):
        if n != 1:
            continue
        for m, scope_spans in _fields(resource_spans):
            if m != 2:
                continue
            for k, span in _fields(scope_spans):
                if k != 2:
                    continue
                out = {"attributes": {}}
                for f, value in _fields(span):
                    if f == 5:
                        out["name"] = value.decode()
                    elif f == 9:
                        kv = dict(_fields(value))
                        any_value = dict(_fields(kv.get(2, b"")))
                        attr = any_value.get(1, any_value.get(3))
                        out["attributes"][kv[1].decode()] = attr.decode() if isinstance(attr, bytes) else attr
                spans.append(out)
    return spans


class _OtlpReceiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/v1/traces":
            _OtlpReceiver.received.extend(_spans(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _free_port() -> int:
    from conftest import _free_port as handed_out_once

    return handed_out_once()


def test_tracing_and_json_logs_are_switched_on_by_environment(served_catalog, partner_token, tmp_path):
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: this test starts its own gateway with other environment variables")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _OtlpReceiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    port, management_port = _free_port(), _free_port()
    app = Path(os.environ.get("GOLDGATE_APP", "target/quarkus-app/quarkus-run.jar"))
    app = app if app.is_absolute() else REPO_ROOT / app
    env = dict(
        os.environ,
        GOLDGATE_SHARES_DIR=str(served_catalog.shares_dir),
        GOLDGATE_LOG_JSON="true",
        QUARKUS_OTEL_SDK_DISABLED="false",
        QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{receiver.server_address[1]}",
        QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
        QUARKUS_OTEL_BSP_SCHEDULE_DELAY="100ms",
    )
    env.pop("GOLDGATE_REDIS_URL", None)
    log_path = tmp_path / "gateway.log"
    cmd = [os.environ.get("JAVA", "java"), "--add-opens=java.base/java.nio=ALL-UNNAMED", f"-Dquarkus.http.port={port}",
           f"-Dquarkus.management.port={management_port}", "-Dgoldgate.flight.enabled=false", "-jar", str(app)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{management_port}/q/health/ready", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
            time.sleep(0.25)
        shares = requests.get(f"{url}/delta-sharing/shares", headers={"Authorization": f"Bearer {partner_token}"}, timeout=10)
        assert shares.status_code == 200

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            spans = [s for s in _OtlpReceiver.received if s["attributes"].get("http.route") == "/delta-sharing/shares"]
            if spans:
                break
            time.sleep(0.1)
        assert spans, f"no span for GET /delta-sharing/shares among {_OtlpReceiver.received}"
        assert spans[0]["name"] == "GET /delta-sharing/shares"
        assert spans[0]["attributes"].get("http.response.status_code") == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        receiver.shutdown()

    json_lines = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            json_lines.append(json.loads(line))  # every JSON-looking line must parse
    started = [j for j in json_lines if j.get("logger") == "io.quarkus" and "started in" in j.get("message", "")]
    assert started, "Quarkus' start-up line is a JSON log line:\n" + log_path.read_text(errors="replace")[-3000:]
    assert {"timestamp", "level", "logger", "message", "thread"} <= set(started[0])
    assert started[0]["level"] == "INFO"
