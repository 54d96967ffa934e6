"""The same reads against tables in an S3-compatible store: s3rver (npm, src/test/s3) on loopback
holds copies of the fixtures, a gateway started here reads them through the AWS SDK, and recipients
download from S3 itself through URLs it pre-signs. s3rver enforces the expiry of pre-signed URLs
(it does not check their signature), so the test can show that a URL really dies.

The same tables are read on the other faces too: every Flight endpoint and Flight SQL against
delta-rs's read of the local originals, and a feature view over an S3 table (the shipped
``customer_stats`` definition, pointed at ``cloud.gold.customer_features``) materializes and serves
delta-rs's newest rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import adbc_driver_flightsql.dbapi as flightsql
import boto3
import delta_sharing
import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests
from deltalake import DeltaTable

import test_delta_format_and_cdf as oracle

REPO_ROOT = Path(__file__).resolve().parents[4]
S3RVER = REPO_ROOT / "src" / "test" / "s3" / "node_modules" / ".bin" / "s3rver"
BUCKET = "lake"
TOKEN = "s3-interop-token"
ADMIN_TOKEN = "s3-interop-admin-token-0123456789abcdef-local"
TABLES = {  # table name -> local fixture copied into the bucket under gold/<name>
    "sales_daily": oracle.SAMPLE_LAKE / "sales_daily",
    "customer_features": oracle.SAMPLE_LAKE / "customer_features",
    "orders_dv": oracle.FEATURE_LAKE / "orders_dv",
    "events_cdf": oracle.FEATURE_LAKE / "events_cdf",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, ok, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ok(requests.get(url, timeout=2)):
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"{what} did not come up at {url} within {seconds} s\n{tail}")


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    if not S3RVER.exists():
        pytest.fail(f"{S3RVER} is missing: run `npm ci --prefix src/test/s3` (.ci/run does)")
    data = tmp_path_factory.mktemp("s3rver-data")
    port = _free_port()
    log = data.parent / "s3rver.log"
    proc = subprocess.Popen(
        [str(S3RVER), "-d", str(data), "-a", "127.0.0.1", "-p", str(port), "--configure-bucket", BUCKET],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait(endpoint + "/", lambda r: r.status_code < 500, 30, "s3rver", log)
        s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER", region_name="us-east-1")
        for name, root in TABLES.items():
            for path in root.rglob("*"):
                if path.is_file():
                    s3.upload_file(str(path), BUCKET, f"gold/{name}/{path.relative_to(root).as_posix()}")
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _start_gateway(tmp: Path, endpoint: str, url_lifetime: str, flight_port: int | None = None):
    """With flight_port, Flight serves on it and feature view s3_customer_stats is defined."""
    shares = tmp / "shares"
    shares.mkdir()
    tables = "\n".join(
        f"          - name: {name}\n            location: s3://{BUCKET}/gold/{name}\n            historyShared: true" for name in TABLES
    )
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    (shares / "s3.yaml").write_text(
        f"shares:\n  - name: cloud\n    schemas:\n      - name: gold\n        tables:\n{tables}\n"
        f"recipients:\n  - name: s3-partner\n    tokens:\n      - hash: sha256:{token_hash}\n    shares: [cloud]\n"
    )
    port = _free_port()
    env = dict(os.environ)
    env.update(
        GOLDGATE_SHARES_DIR=str(shares),
        GOLDGATE_SHARING_URL_LIFETIME=url_lifetime,
        GOLDGATE_STORAGE_S3_ENDPOINT=endpoint,
        GOLDGATE_STORAGE_S3_PATH_STYLE_ACCESS="true",
        GOLDGATE_STORAGE_S3_ACCESS_KEY_ID="S3RVER",
        GOLDGATE_STORAGE_S3_SECRET_ACCESS_KEY="S3RVER",
        GOLDGATE_ADMIN_TOKEN=ADMIN_TOKEN,
        GOLDGATE_STATE_DIR=str(tmp / "state"),
    )
    app = Path(os.environ.get("GOLDGATE_APP", REPO_ROOT / "target" / "quarkus-app" / "quarkus-run.jar"))
    java = os.environ.get("JAVA", "java")
    log = tmp / "gateway.log"
    faces = ["-Dgoldgate.flight.enabled=false", "-Dgoldgate.features.enabled=false"]
    if flight_port is not None:
        defs = tmp / "feature-defs"
        defs.mkdir()
        shipped = (REPO_ROOT / "feature-defs" / "customers.yaml").read_text()
        (defs / "s3.yaml").write_text(shipped.replace("retail.gold.customer_features", "cloud.gold.customer_features")
                                      .replace("name: customer_stats", "name: s3_customer_stats")
                                      .replace("customer_stats:", "s3_customer_stats:").replace("name: churn_model", "name: s3_churn_model"))
        faces = [f"-Dgoldgate.flight.port={flight_port}", f"-Dgoldgate.features.dir={defs}", "-Dgoldgate.features.schedule-enabled=false"]
    proc = subprocess.Popen(
        [java, "--add-opens=java.base/java.nio=ALL-UNNAMED", f"-Dquarkus.http.port={port}",
         f"-Dquarkus.management.port={_free_port()}", *faces, "-jar", str(app)],
        cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    _wait(base + "/delta-sharing/shares", lambda r: r.status_code == 401, 90, "gateway", log)
    profile = tmp / "s3.share"
    profile.write_text(json.dumps({"shareCredentialsVersion": 1, "endpoint": base + "/delta-sharing/", "bearerToken": TOKEN}))
    return proc, base, str(profile)


@pytest.fixture(scope="module")
def flight_port() -> int:
    return _free_port()


@pytest.fixture(scope="module")
def s3_gateway(tmp_path_factory, s3_endpoint, flight_port):
    proc, base, profile = _start_gateway(tmp_path_factory.mktemp("s3-gateway"), s3_endpoint, "1h", flight_port)
    yield base, profile
    proc.terminate()
    proc.wait(timeout=20)


FLIGHT_AUTH = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())], timeout=60)


def _rows(table: pa.Table, key: str) -> dict:
    return {r[key]: r for r in table.to_pylist()}


@pytest.mark.parametrize("table,key", [("sales_daily", None), ("customer_features", "customer_id")])
def test_a_table_on_s3_reads_through_every_flight_endpoint_equal_to_delta_rs(s3_gateway, flight_port, table, key):
    client = flight.FlightClient(f"grpc://127.0.0.1:{flight_port}")
    info = client.get_flight_info(flight.FlightDescriptor.for_path("cloud", "gold", table), FLIGHT_AUTH)
    got = pa.concat_tables([client.do_get(e.ticket, FLIGHT_AUTH).read_all() for e in info.endpoints])
    expected = DeltaTable(str(TABLES[table])).to_pyarrow_table()
    assert got.num_rows == expected.num_rows
    assert sorted(got.schema.names) == sorted(expected.schema.names)
    columns = expected.schema.names
    normalize = lambda t: sorted(tuple(str(r[c]) for c in columns) for r in t.to_pylist())
    assert normalize(got.select(columns).cast(expected.schema)) == normalize(expected)


def test_flight_sql_select_where_limit_on_an_s3_table(s3_gateway, flight_port):
    conn = flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKEN}"})
    try:
        cur = conn.cursor()
        cur.execute("SELECT customer_id, segment FROM cloud.gold.customer_features WHERE customer_id <= 60 AND segment IS NOT NULL")
        got = sorted(cur.fetch_arrow_table().to_pylist(), key=lambda r: r["customer_id"])
        cur.execute("SELECT customer_id FROM cloud.gold.customer_features LIMIT 7")
        assert cur.fetch_arrow_table().num_rows == 7
        cur.close()
    finally:
        conn.close()
    expected = sorted(({"customer_id": r["customer_id"], "segment": r["segment"]}
                       for r in DeltaTable(str(TABLES["customer_features"])).to_pyarrow_table().to_pylist()
                       if r["customer_id"] <= 60 and r["segment"] is not None), key=lambda r: r["customer_id"])
    assert got == expected and len(got) > 10


def test_flight_sql_aggregates_and_joins_over_s3_tables_through_the_engine(s3_gateway, flight_port):
    # Beyond the simple SELECT, an S3 table reaches the SQL engine only through the governed scan
    # (DuckDB here has no S3 access of its own): the answers equal pandas over delta-rs reads.
    conn = flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKEN}"})
    try:
        cur = conn.cursor()
        cur.execute("SELECT segment, count(*) AS n, min(customer_id) AS lo FROM cloud.gold.customer_features "
                    "WHERE customer_id > ? GROUP BY segment ORDER BY segment NULLS LAST", parameters=(20,))
        got = cur.fetch_arrow_table().to_pylist()
        cur.execute("SELECT count(*) AS n FROM cloud.gold.customer_features a JOIN cloud.gold.customer_features b USING (customer_id)")
        joined = cur.fetch_arrow_table().to_pylist()[0]["n"]
        cur.close()
    finally:
        conn.close()
    frame = DeltaTable(str(TABLES["customer_features"])).to_pandas()
    kept = frame[frame["customer_id"] > 20]
    expected = (kept.groupby("segment", dropna=False).agg(n=("customer_id", "size"), lo=("customer_id", "min")).reset_index())
    expected = sorted(({"segment": None if isinstance(r.segment, float) else r.segment, "n": int(r.n), "lo": int(r.lo)} for r in expected.itertuples()),
                      key=lambda r: (r["segment"] is None, r["segment"] or ""))
    assert got == expected and len(got) > 1
    assert joined == len(frame) == frame["customer_id"].nunique()


def test_a_feature_view_over_an_s3_table_materializes_and_serves_delta_rs_newest_rows(s3_gateway):
    base, _ = s3_gateway
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    r = requests.post(f"{base}/admin/features/views/s3_customer_stats/materialize", headers=admin, timeout=120)
    assert r.status_code == 200, r.text
    newest = {}
    for row in DeltaTable(str(TABLES["customer_features"])).to_pyarrow_table().to_pylist():
        if row["last_order_ts"] is not None and (row["customer_id"] not in newest or row["last_order_ts"] > newest[row["customer_id"]]["last_order_ts"]):
            newest[row["customer_id"]] = row
    assert r.json()["written"] == len(newest)
    ids = sorted(newest)
    answer = requests.post(f"{base}/get-online-features", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, json={
        "features": ["s3_customer_stats:segment", "s3_customer_stats:orders_count"], "entities": {"customer_id": ids}})
    assert answer.status_code == 200, answer.text
    segment, orders = answer.json()["results"][1:]
    for i, customer in enumerate(ids):
        assert segment["values"][i] == newest[customer]["segment"], customer
        assert orders["values"][i] == newest[customer]["orders_count"], customer


def url(profile: str, table: str) -> str:
    return f"{profile}#cloud.gold.{table}"


@pytest.mark.parametrize("table", ["sales_daily", "customer_features"])
def test_a_table_on_s3_reads_like_the_local_original(s3_gateway, table):
    _, profile = s3_gateway
    df = delta_sharing.load_as_pandas(url(profile, table))
    columns, expected = oracle.delta_rs_table(TABLES[table])
    assert list(df.columns) == columns
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"s3 {table} vs delta-rs on the local copy")


def test_time_travel_on_s3_reads_the_old_version(s3_gateway):
    _, profile = s3_gateway
    df = delta_sharing.load_as_pandas(url(profile, "sales_daily"), version=2)
    columns, expected = oracle.delta_rs_table(TABLES["sales_daily"], 2)
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, "s3 sales_daily v2")


def test_deletion_vectors_on_s3_travel_as_s3_urls_and_apply(s3_gateway):
    _, profile = s3_gateway
    df = delta_sharing.load_as_pandas(url(profile, "orders_dv"), use_delta_format=True)
    columns, expected = oracle.spark_table("orders_dv", oracle.latest("orders_dv"))
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, "s3 orders_dv vs Spark")


@pytest.mark.parametrize("use_delta_format", [False, True])
def test_the_change_feed_of_a_table_on_s3(s3_gateway, use_delta_format):
    _, profile = s3_gateway
    df = delta_sharing.load_table_changes_as_pandas(url(profile, "events_cdf"), starting_version=0, use_delta_format=use_delta_format)
    columns, expected = oracle.delta_rs_cdf(0, None)
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, "s3 events_cdf changes vs delta-rs")


def test_file_urls_point_at_the_store_and_download_the_exact_bytes(s3_gateway, s3_endpoint):
    base, _ = s3_gateway
    lines = requests.post(
        f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/sales_daily/query",
        headers={"Authorization": f"Bearer {TOKEN}"}, json={},
    ).text.splitlines()
    files = [json.loads(l)["file"] for l in lines if l.startswith('{"file"')]
    assert len(files) == 14
    local = {p.stat().st_size: [] for p in TABLES["sales_daily"].rglob("*.parquet")}
    for p in TABLES["sales_daily"].rglob("*.parquet"):
        local[p.stat().st_size].append(hashlib.sha256(p.read_bytes()).hexdigest())
    for f in files:
        assert f["url"].startswith(s3_endpoint + "/" + BUCKET + "/gold/sales_daily/"), f["url"]
        assert "X-Amz-Signature=" in f["url"]
        body = requests.get(f["url"]).content
        assert len(body) == f["size"]
        assert hashlib.sha256(body).hexdigest() in local[f["size"]]


def test_pre_signed_s3_urls_really_expire(tmp_path_factory, s3_endpoint):
    proc, base, _ = _start_gateway(tmp_path_factory.mktemp("s3-short-urls"), s3_endpoint, "2s")
    try:
        lines = requests.post(
            f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/customer_features/query",
            headers={"Authorization": f"Bearer {TOKEN}"}, json={},
        ).text.splitlines()
        file = json.loads([l for l in lines if l.startswith('{"file"')][0])["file"]
        assert file["expirationTimestamp"] - time.time() * 1000 <= 2_500
        assert requests.get(file["url"]).status_code == 200
        time.sleep(max(0.0, file["expirationTimestamp"] / 1000 - time.time()) + 1.5)
        expired = requests.get(file["url"])
        assert expired.status_code == 403
        assert "expired" in expired.text.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
