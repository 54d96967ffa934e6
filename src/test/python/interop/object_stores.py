"""Object-store emulators for the interop suite, one class per provider, all on loopback.

Each store starts its emulator, uploads copies of the fixture tables (``TABLES``) under
``gold/<table>`` and tells the gateway how to reach it. ``test_object_stores.py`` runs the same
reads against every store; what differs between stores (URL shape, which tampering the emulator
notices) is stated here, next to the emulator that decides it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
import requests

import test_delta_format_and_cdf as oracle

REPO_ROOT = Path(__file__).resolve().parents[4]
EMULATORS = REPO_ROOT / "src" / "test" / "stores" / "node_modules" / ".bin"
BUCKET = "lake"
TABLES = {  # table name -> local fixture copied into the store under gold/<name>
    "sales_daily": oracle.SAMPLE_LAKE / "sales_daily",
    "customer_features": oracle.SAMPLE_LAKE / "customer_features",
    "orders_dv": oracle.FEATURE_LAKE / "orders_dv",
    "events_cdf": oracle.FEATURE_LAKE / "events_cdf",
}


def free_port() -> int:
    """A free port, never one handed out before in this session (see conftest._free_port)."""
    from conftest import _free_port

    return _free_port()


def wait_for(url: str, ok, seconds: float, what: str, log: Path | None = None) -> None:
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


def fixture_files():
    """(table, path relative to the table root, local file) for every file of every fixture table."""
    for name, root in TABLES.items():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield name, path.relative_to(root).as_posix(), path


class Store:
    """One provider's emulator. Subclasses set the class attributes and implement the methods."""

    name = ""
    #: a query parameter every pre-signed file URL of this store carries
    signature_param = ""
    #: whether the emulator refuses a URL whose signature was altered
    checks_signature = False
    #: whether the emulator refuses a URL past its expiry
    checks_expiry = False

    def start(self, tmp: Path) -> None:
        """Starts the emulator and uploads every fixture table under gold/<table>."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def location(self, table: str) -> str:
        """The table's location as a share catalog names it."""
        raise NotImplementedError

    def gateway_env(self) -> dict[str, str]:
        """Environment that points a gateway at the emulator, with credentials that can sign URLs."""
        raise NotImplementedError

    def url_prefix(self, table: str) -> str:
        """What every file URL of the table starts with: the emulator's address of the table."""
        raise NotImplementedError

    def _popen(self, args: list[str], log: Path) -> subprocess.Popen:
        self.log = log
        self.proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT)
        return self.proc

    def _terminate(self) -> None:
        proc = getattr(self, "proc", None)
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


class S3(Store):
    """s3rver (npm): enforces the expiry of pre-signed URLs but does not check their signature."""

    name = "s3"
    signature_param = "X-Amz-Signature"
    checks_expiry = True

    def start(self, tmp: Path) -> None:
        import boto3

        binary = EMULATORS / "s3rver"
        if not binary.exists():
            pytest.fail(f"{binary} is missing: run `npm ci --prefix src/test/stores` (.ci/run does)")
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self._popen([str(binary), "-d", str(tmp / "data"), "-a", "127.0.0.1", "-p", str(port), "--configure-bucket", BUCKET], tmp / "s3rver.log")
        wait_for(self.endpoint + "/", lambda r: r.status_code < 500, 30, "s3rver", self.log)
        s3 = boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER", region_name="us-east-1")
        for table, relative, path in fixture_files():
            s3.upload_file(str(path), BUCKET, f"gold/{table}/{relative}")

    def stop(self) -> None:
        self._terminate()

    def location(self, table: str) -> str:
        return f"s3://{BUCKET}/gold/{table}"

    def gateway_env(self) -> dict[str, str]:
        return dict(
            GOLDGATE_STORAGE_S3_ENDPOINT=self.endpoint,
            GOLDGATE_STORAGE_S3_PATH_STYLE_ACCESS="true",
            GOLDGATE_STORAGE_S3_ACCESS_KEY_ID="S3RVER",
            GOLDGATE_STORAGE_S3_SECRET_ACCESS_KEY="S3RVER",
        )

    def url_prefix(self, table: str) -> str:
        return f"{self.endpoint}/{BUCKET}/gold/{table}/"


class Gcs(Store):
    """fake-gcs-server (Go, built by src/test/stores/install-fake-gcs-server.sh): serves path-style
    downloads with Range, but checks neither the signature nor the expiry of V4 signed URLs, so
    ``verify_url`` checks each URL's signature independently (the documented V4 canonical request,
    verified with the test service account's public key).

    The gateway reads with a service-account key generated here (never committed); its token_uri
    points at a stub on loopback that checks the key's JWT grant and hands out a token the
    emulator ignores.
    """

    name = "gcs"
    signature_param = "X-Goog-Signature"
    checks_signature = False  # fake-gcs-server serves a URL whatever its X-Goog-Signature ...
    checks_expiry = False  # ... or X-Goog-Date + X-Goog-Expires say
    BINARY = REPO_ROOT / "target" / "gcs-emulator" / "fake-gcs-server"

    def start(self, tmp: Path) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if not self.BINARY.exists():
            pytest.fail(f"{self.BINARY} is missing: run src/test/stores/install-fake-gcs-server.sh (.ci/run does)")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = key.public_key()
        self.email = "goldgate-test@goldgate-test.iam.gserviceaccount.com"
        self.token_server = _token_stub(self.public_key)
        self.credentials = tmp / "service-account.json"
        self.credentials.write_text(json.dumps({
            "type": "service_account", "project_id": "goldgate-test", "private_key_id": "test-key",
            "private_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
            "client_email": self.email, "client_id": "1",
            "token_uri": f"http://127.0.0.1:{self.token_server.server_port}/token",
        }))
        data = tmp / "data"
        for table, relative, path in fixture_files():
            target = data / BUCKET / "gold" / table / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self._popen([str(self.BINARY), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port), "-public-host", f"127.0.0.1:{port}",
                     "-backend", "memory", "-data", str(data), "-log-level", "warn"], tmp / "fake-gcs-server.log")
        wait_for(f"{self.endpoint}/storage/v1/b/{BUCKET}", lambda r: r.status_code == 200, 30, "fake-gcs-server", self.log)

    def stop(self) -> None:
        self._terminate()
        server = getattr(self, "token_server", None)
        if server is not None:
            server.shutdown()
            server.server_close()

    def location(self, table: str) -> str:
        return f"gs://{BUCKET}/gold/{table}"

    def gateway_env(self) -> dict[str, str]:
        return dict(GOLDGATE_STORAGE_GCS_ENDPOINT=self.endpoint, GOLDGATE_STORAGE_GCS_CREDENTIALS_FILE=str(self.credentials))

    def url_prefix(self, table: str) -> str:
        return f"{self.endpoint}/{BUCKET}/gold/{table}/"

    def cannot_sign_env(self, tmp: Path) -> dict[str, str]:
        """Application Default Credentials of a user (gcloud's application-default login): they
        read the bucket but have no key to sign URLs with."""
        adc = tmp / "application_default_credentials.json"
        adc.write_text(json.dumps({"type": "authorized_user", "client_id": "goldgate-test", "client_secret": "stub-secret",
                                   "refresh_token": "stub-refresh", "token_uri": f"http://127.0.0.1:{self.token_server.server_port}/token"}))
        return dict(GOLDGATE_STORAGE_GCS_ENDPOINT=self.endpoint, GOLDGATE_STORAGE_GCS_PROJECT_ID="goldgate-test", GOOGLE_APPLICATION_CREDENTIALS=str(adc))

    @staticmethod
    def cannot_sign_message(table: str) -> str:
        return (f"Cannot issue file URLs for table {table}: the gateway's Google credentials (user credentials (gcloud application-default login))"
                " cannot sign URLs; set goldgate.storage.gcs.credentials-file to a service-account key, or run as a service account (GCE, GKE"
                " workload identity) that holds roles/iam.serviceAccountTokenCreator on itself")

    def verify_url(self, url: str, expiration_ms: int, lifetime_seconds: int) -> None:
        """Asserts a V4 signed URL is a GET of its object signed by the test service account, and
        lives from its signing time at least until ``expiration_ms`` and at most two seconds past
        ``lifetime_seconds`` (see below)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        # The canonical URI: the object's path, percent-encoded except / and ~ (Google's V4 sample).
        assert parts.path == quote(unquote(parts.path), safe="/~"), parts.path
        assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
        assert query["X-Goog-SignedHeaders"] == "host"
        date = query["X-Goog-Date"]
        assert query["X-Goog-Credential"] == f"{self.email}/{date[:8]}/auto/storage/goog4_request"
        signed_at = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        expires = int(query["X-Goog-Expires"])
        assert signed_at + expires >= expiration_ms / 1000, (date, expires, expiration_ms)
        # expirationTimestamp is the lifetime rounded up to a whole second, and the signing time
        # is truncated to one: each may add a second.
        assert expires <= lifetime_seconds + 2, expires
        canonical_query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(query.items()) if k != "X-Goog-Signature")
        canonical_request = "\n".join(["GET", parts.path, canonical_query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
        scope = f"{date[:8]}/auto/storage/goog4_request"
        to_sign = "\n".join(["GOOG4-RSA-SHA256", date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
        # Raises InvalidSignature unless the gateway signed exactly this request with the test key.
        self.public_key.verify(bytes.fromhex(query["X-Goog-Signature"]), to_sign.encode(), padding.PKCS1v15(), hashes.SHA256())


def json_endpoint(answer) -> ThreadingHTTPServer:
    """A JSON endpoint on loopback, served on a thread of its own: ``answer(method, path, headers,
    body)`` gives the status and the JSON body (or None for none) of each request."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            status, reply = answer(self.command, self.path, self.headers, body)
            payload = b"" if reply is None else json.dumps(reply).encode()
            self.send_response(status)
            if reply is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _reply

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _token_stub(public_key) -> ThreadingHTTPServer:
    """An OAuth token endpoint on loopback for the test service account: it verifies the JWT
    grant's RS256 signature with the account's public key (or the test user's refresh token) and
    answers with a token."""
    import jwt

    def answer(method, path, headers, body):
        form = dict(parse_qsl(body.decode()))
        if form.get("grant_type") == "refresh_token":  # the user credentials of Gcs.cannot_sign_env
            if form.get("refresh_token") != "stub-refresh":
                return 400, {"error": "invalid_grant"}
        else:
            try:
                jwt.decode(form.get("assertion", ""), public_key, algorithms=["RS256"], options={"verify_aud": False})
            except jwt.InvalidTokenError as e:
                return 400, {"error": "invalid_grant", "error_description": str(e)}
        return 200, {"access_token": "stub-token", "expires_in": 3600, "token_type": "Bearer"}

    return json_endpoint(answer)



class Azure(Store):
    """Azurite (npm): checks every SAS signature and expiry, like Azure. Tables sit in ADLS Gen2
    form (abfss://…dfs…) but for orders_dv, named in the Blob form (wasbs://…blob…): both reach the
    same account through the Blob API."""

    name = "azure"
    signature_param = "sig"
    checks_signature = True
    checks_expiry = True
    #: Azurite's well-known development account and key (published in Azurite's README).
    ACCOUNT = "devstoreaccount1"
    KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    WASBS_TABLES = {"orders_dv"}

    def start(self, tmp: Path) -> None:
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        start_azurite(self, tmp, port)
        upload_fixtures(self.endpoint, self.KEY)

    def stop(self) -> None:
        self._terminate()

    def location(self, table: str) -> str:
        if table in self.WASBS_TABLES:
            return f"wasbs://{BUCKET}@{self.ACCOUNT}.blob.core.windows.net/gold/{table}"
        return f"abfss://{BUCKET}@{self.ACCOUNT}.dfs.core.windows.net/gold/{table}"

    def gateway_env(self) -> dict[str, str]:
        return dict(
            GOLDGATE_STORAGE_AZURE_ENDPOINT=self.endpoint + "/{account}",
            GOLDGATE_STORAGE_AZURE_ACCOUNT_KEY=self.KEY,
        )

    def url_prefix(self, table: str) -> str:
        return f"{self.endpoint}/{self.ACCOUNT}/{BUCKET}/gold/{table}/"


def start_azurite(store: Store, tmp: Path, port: int, *extra: str) -> None:
    """Azurite's blob service on loopback, strict (no --loose: unknown SAS parameters are refused),
    without telemetry (it would call out), accepting the SDK's newer API versions."""
    binary = EMULATORS / "azurite-blob"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `npm ci --prefix src/test/stores` (.ci/run does)")
    store._popen([str(binary), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--disableProductStyleUrl", *extra],
                 tmp / "azurite.log")
    if "--cert" in extra:  # the test's own CA: wait for the port only
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline:
                pytest.fail(f"Azurite did not come up on {port}\n{store.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
    else:
        wait_for(f"http://127.0.0.1:{port}/{Azure.ACCOUNT}?comp=list", lambda r: r.status_code in (400, 403), 60, "Azurite", store.log)


def upload_fixtures(endpoint: str, key: str, **client_options) -> None:
    """Every fixture table into container lake of Azurite's account, under gold/<table>."""
    from azure.storage.blob import BlobServiceClient

    service = BlobServiceClient(f"{endpoint}/{Azure.ACCOUNT}", credential={"account_name": Azure.ACCOUNT, "account_key": key}, **client_options)
    container = service.get_container_client(BUCKET)
    container.create_container()
    for table, relative, path in fixture_files():
        with path.open("rb") as data:
            container.upload_blob(f"gold/{table}/{relative}", data)


STORES: list[type[Store]] = [S3, Azure, Gcs]
