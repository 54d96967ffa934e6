"""Object-store emulators for the interop suite, one class per provider, all on loopback.

Each store starts its emulator, uploads copies of the fixture tables (``TABLES``) under
``gold/<table>`` and tells the gateway how to reach it. ``test_object_stores.py`` runs the same
reads against every store; what differs between stores (URL shape, which tampering the emulator
notices) is stated here, next to the emulator that decides it.
"""
from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


STORES: list[type[Store]] = [S3, Azure]
