"""What only Azure has, against Azurite on loopback: the gateway signing in with an Azure AD
identity and sharing files as user delegation SAS, and a gateway that reads with an operator's SAS
token refusing to share file URLs it cannot narrow. (The reads every store shares, with an account
key, are in test_object_stores.py.)

Azurite answers bearer tokens (``--oauth basic``: it checks a token's issuer, audience and
lifetime, not its signature) and Get User Delegation Key only over HTTPS, and the Azure SDK sends
a bearer token only over HTTPS. So this Azurite serves a certificate made here for 127.0.0.1, which
the gateway trusts through a trust store of its own and the tests through ``verify=``. The
identity is the default chain's managed identity: an App Service-style identity endpoint
(``IDENTITY_ENDPOINT``/``IDENTITY_HEADER``) served here hands out a token Azurite accepts, so the
gateway's configuration is what it would be in production: no Azure key at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import time
import urllib.parse
from pathlib import Path

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import test_object_stores as stores
from object_stores import BUCKET, TABLES, Azure, free_port, json_endpoint, start_azurite, upload_fixtures

TENANT = "72f988bf-0000-4000-8000-2d7cd011db47"
OBJECT_ID = "0b1c2d3e-0000-4000-8000-000000000042"
IDENTITY_HEADER = "identity-header-made-by-the-test"


def _certificate(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "azurite-cert.pem", tmp / "azurite-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def _trust_store(tmp: Path, cert: Path) -> Path:
    """A PKCS#12 trust store holding only the test's certificate, made with the gateway's own keytool."""
    keytool = Path(os.environ.get("JAVA", "java")).with_name("keytool")
    store = tmp / "trust.p12"
    subprocess.run([str(keytool) if keytool.parent != Path(".") else "keytool", "-importcert", "-noprompt", "-alias", "azurite",
                    "-file", str(cert), "-keystore", str(store), "-storetype", "PKCS12", "-storepass", "changeit"],
                   check=True, capture_output=True)
    return store


class IdentityEndpoint:
    """An App Service managed identity endpoint: a token for the storage resource, to a caller
    that shows the identity header. Counts what it hands out."""

    def __init__(self):
        self.issued = 0
        self.server = json_endpoint(self._answer)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/msi/token"

    def _answer(self, method, path, headers, body):
        if headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return 401, None
        resource = urllib.parse.parse_qs(urllib.parse.urlparse(path).query).get("resource", [""])[0]
        now = int(time.time())
        token = jwt.encode({"aud": resource.rstrip("/"), "iss": f"https://sts.windows.net/{TENANT}/", "iat": now, "nbf": now - 60,
                            "exp": now + 3600, "oid": OBJECT_ID, "tid": TENANT}, "azurite-checks-no-signature-of-tokens-0123456789", algorithm="HS256")
        self.issued += 1
        return 200, {"access_token": token, "expires_on": str(now + 3600), "resource": resource,
                     "token_type": "Bearer", "client_id": "00000000-0000-0000-0000-000000000000"}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class AzureOAuth(Azure):
    """Azurite over HTTPS with bearer tokens; the gateway signs in with the default chain."""

    name = "azure-oauth"

    def start(self, tmp: Path) -> None:
        self.cert, key = _certificate(tmp)
        self.trust = _trust_store(tmp, self.cert)
        port = free_port()
        self.endpoint = f"https://127.0.0.1:{port}"
        start_azurite(self, tmp, port, "--oauth", "basic", "--cert", str(self.cert), "--key", str(key))
        upload_fixtures(self.endpoint, self.KEY, connection_verify=str(self.cert))
        self.identity = IdentityEndpoint()

    def stop(self) -> None:
        identity = getattr(self, "identity", None)
        if identity:
            identity.stop()
        self._terminate()

    def gateway_env(self) -> dict[str, str]:
        return dict(
            GOLDGATE_STORAGE_AZURE_ENDPOINT=self.endpoint + "/{account}",
            IDENTITY_ENDPOINT=self.identity.url,
            IDENTITY_HEADER=IDENTITY_HEADER,
            JAVA_TOOL_OPTIONS=f"-Djavax.net.ssl.trustStore={self.trust} -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12",
        )


class AzureSasToken(AzureOAuth):
    """The same Azurite, read by a gateway given only a SAS token for the container."""

    name = "azure-sas-token"

    def start_with(self, oauth: AzureOAuth) -> None:
        from azure.storage.blob import ContainerSasPermissions, generate_container_sas

        self.endpoint, self.trust, self.cert = oauth.endpoint, oauth.trust, oauth.cert
        self.token = generate_container_sas(self.ACCOUNT, BUCKET, account_key=self.KEY, permission=ContainerSasPermissions(read=True, list=True),
                                            expiry=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))

    def gateway_env(self) -> dict[str, str]:
        return dict(
            GOLDGATE_STORAGE_AZURE_ENDPOINT=self.endpoint + "/{account}",
            GOLDGATE_STORAGE_AZURE_SAS_TOKEN=self.token,
            JAVA_TOOL_OPTIONS=f"-Djavax.net.ssl.trustStore={self.trust} -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12",
        )


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    store = AzureOAuth()
    try:
        store.start(tmp_path_factory.mktemp("azurite-oauth"))
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="module")
def identity_gateway(tmp_path_factory, azurite):
    proc, base, profile = stores._start_gateway(tmp_path_factory.mktemp("azure-identity-gateway"), azurite, "1h")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def _local_digests(table: str) -> dict[int, list[str]]:
    digests: dict[int, list[str]] = {}
    for p in TABLES[table].rglob("*.parquet"):
        digests.setdefault(p.stat().st_size, []).append(hashlib.sha256(p.read_bytes()).hexdigest())
    return digests


def test_an_azure_ad_identity_shares_files_as_user_delegation_sas(identity_gateway, azurite):
    files = stores._query_files(identity_gateway, "sales_daily")
    assert len(files) == 14
    local = _local_digests("sales_daily")
    for f in files:
        url = f["url"]
        assert url.startswith(f"{azurite.endpoint}/{Azure.ACCOUNT}/{BUCKET}/gold/sales_daily/"), url
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        # A user delegation SAS: signed with a key of the gateway's identity, read-only, one blob, https only.
        assert query["skoid"] == [OBJECT_ID] and query["sktid"] == [TENANT], query.keys()
        assert query["sp"] == ["r"] and query["sr"] == ["b"] and query["spr"] == ["https"]
        body = requests.get(url, timeout=30, verify=str(azurite.cert))
        assert body.status_code == 200, body.text[:300]
        assert len(body.content) == f["size"] and hashlib.sha256(body.content).hexdigest() in local[f["size"]]
    # One token for the delegation key and the reads; the key is kept, not fetched per URL.
    assert azurite.identity.issued == 1
    assert _delegation_key_requests(azurite) == 1


def _delegation_key_requests(azurite: AzureOAuth) -> int:
    return azurite.log.read_text(errors="replace").count("comp=userdelegationkey")


def test_a_user_delegation_sas_with_an_altered_signature_is_refused(identity_gateway, azurite):
    url = stores._query_files(identity_gateway, "customer_features")[0]["url"]
    name, _, rest = url.partition("sig=")
    flipped = ("B" if rest[0] == "A" else "A") + rest[1:]
    assert requests.get(url, timeout=30, verify=str(azurite.cert)).status_code == 200
    assert requests.get(f"{name}sig={flipped}", timeout=30, verify=str(azurite.cert)).status_code == 403


def test_a_table_read_with_a_sas_token_is_read_but_not_shared_as_file_urls(tmp_path_factory, azurite):
    store = AzureSasToken()
    store.start_with(azurite)
    tmp = tmp_path_factory.mktemp("azure-sas-gateway")
    proc, base, _ = stores._start_gateway(tmp, store, "1h")
    try:
        auth = {"Authorization": f"Bearer {stores.TOKEN}"}
        table = f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/customer_features"
        # The log is read through the SAS token: version and metadata answer.
        assert requests.get(f"{table}/version", headers=auth, timeout=30).status_code == 200
        metadata = requests.get(f"{table}/metadata", headers=auth, timeout=30)
        assert metadata.status_code == 200, metadata.text
        refused = requests.post(f"{table}/query", headers=auth, json={}, timeout=30)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {
            "errorCode": "UNSUPPORTED_OPERATION",
            "message": "Cannot issue file URLs for table cloud.gold.customer_features: the gateway reads its Azure storage with a SAS token"
                       " (goldgate.storage.azure.sas-token), from which it cannot sign per-file URLs; configure an account key or an Azure AD"
                       " identity to share it over Delta Sharing",
        }
        signature = urllib.parse.parse_qs(store.token)["sig"][0]
        log = (tmp / "gateway.log").read_text(errors="replace")
        assert signature not in log and urllib.parse.quote(signature, safe="") not in log
    finally:
        proc.terminate()
        proc.wait(timeout=20)
