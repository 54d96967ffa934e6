"""A real Keycloak for the interop suite: the OpenID provider the OIDC federation tests trust.

The distribution is Maven Central's ``org.keycloak:keycloak-quarkus-dist`` (``KEYCLOAK_VERSION``),
fetched by the repository's Maven wrapper (``dependency:copy``: from ~/.m2 when it is there) and
extracted once into ``target/keycloak/keycloak-<version>`` (``DIST_CACHE``), which later sessions
reuse; the first start there also runs Keycloak's own build step (Quarkus augmentation, ~20 s), whose
result stays in the extracted distribution.

``launch_keycloak`` runs ``bin/kc.sh start-dev`` with the JDK of ``$JAVA`` on a free loopback port, an
in-memory database (``--db=dev-mem``: every session starts from the realm files, whatever an earlier
one changed) and the realms of ``src/test/keycloak/*-realm.json`` imported (``--import-realm``); the
README there says what each realm and client is for. The bootstrap admin (``ADMIN_USERNAME``) exists
in realm ``master`` only, for the admin REST calls of ``Keycloak.rotate_keys``.

The session fixture ``keycloak`` (conftest.py) starts it the first time a test asks for it and stops it
when the session ends.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import requests

INTEROP_DIR = Path(__file__).resolve().parent
REPO_ROOT = INTEROP_DIR.parents[3]
REALM_FILES_DIR = REPO_ROOT / "src" / "test" / "keycloak"

KEYCLOAK_VERSION = "26.7.3"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{KEYCLOAK_VERSION}:tar.gz"
DIST_CACHE = REPO_ROOT / "target" / "keycloak"
DIST_HOME = DIST_CACHE / f"keycloak-{KEYCLOAK_VERSION}"

# The realms of src/test/keycloak and their confidential clients (client id -> secret).
REALM = "goldgate-test"
OTHER_REALM = "elsewhere"
CLIENT_SECRETS = {
    REALM: {
        "partner-etl": "partner-etl-secret",
        "intruder": "intruder-secret",
        "other-aud": "other-aud-secret",
        "short-lived": "short-lived-secret",
    },
    OTHER_REALM: {"stranger": "stranger-secret"},
}

ADMIN_USERNAME = "interop-admin"
ADMIN_PASSWORD = "interop-admin-password-local-only"

STARTUP_TIMEOUT_S = 180  # a cold start includes Keycloak's build step
DOWNLOAD_TIMEOUT_S = 600
SHUTDOWN_TIMEOUT_S = 20
HTTP_TIMEOUT_S = 10


class Keycloak:
    """A running Keycloak: where its realms are, and the few calls the tests make to it."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def issuer(self, realm: str = REALM) -> str:
        """The exact ``iss`` of the realm's tokens (what a federation policy names)."""
        return f"{self.base_url}/realms/{realm}"

    def token_endpoint(self, realm: str = REALM) -> str:
        return f"{self.issuer(realm)}/protocol/openid-connect/token"

    def jwks_uri(self, realm: str = REALM) -> str:
        return f"{self.issuer(realm)}/protocol/openid-connect/certs"

    def client_token(self, realm: str, client_id: str, secret: str | None = None) -> str:
        """A client credentials access token of the client (its secret from ``CLIENT_SECRETS`` unless given)."""
        secret = CLIENT_SECRETS[realm][client_id] if secret is None else secret
        r = requests.post(self.token_endpoint(realm), data={"grant_type": "client_credentials"},
                          auth=(client_id, secret), timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200, f"Keycloak refused a token to {client_id} of {realm}: {r.status_code} {r.text}"
        return r.json()["access_token"]

    def jwks(self, realm: str = REALM) -> dict:
        """The realm's JSON Web Key Set (signing and encryption keys)."""
        r = requests.get(self.jwks_uri(realm), timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200, r.text
        return r.json()

    def rotate_keys(self, realm: str = REALM) -> str:
        """Adds an ``rsa-generated`` key provider of a higher priority than every key of the realm, so
        the tokens issued from now on are signed by its new key (the older keys stay published); returns
        that key's ``kid``."""
        admin = f"{self.base_url}/admin/realms/{realm}"
        headers = self._admin_headers()
        keys = self._get(f"{admin}/keys", headers)
        priority = max(int(k.get("providerPriority", 0)) for k in keys["keys"]) + 1
        realm_id = self._get(admin, headers)["id"]
        r = requests.post(f"{admin}/components", headers=headers, timeout=HTTP_TIMEOUT_S, json={
            "name": f"rsa-rotated-{priority}",
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {"priority": [str(priority)], "enabled": ["true"], "active": ["true"],
                       "algorithm": ["RS256"], "keySize": ["2048"]},
        })
        assert r.status_code == 201, f"adding a key provider to {realm}: {r.status_code} {r.text}"
        component_id = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        keys = self._get(f"{admin}/keys", headers)
        new = [k for k in keys["keys"] if k.get("providerId") == component_id and k.get("algorithm") == "RS256"]
        assert len(new) == 1, keys
        assert keys["active"]["RS256"] == new[0]["kid"], keys
        return new[0]["kid"]

    def _admin_headers(self) -> dict:
        r = requests.post(f"{self.base_url}/realms/master/protocol/openid-connect/token", timeout=HTTP_TIMEOUT_S, data={
            "grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
        assert r.status_code == 200, f"Keycloak admin login: {r.status_code} {r.text}"
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    @staticmethod
    def _get(url: str, headers: dict) -> dict:
        r = requests.get(url, headers=headers, timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200, f"GET {url}: {r.status_code} {r.text}"
        return r.json()


class KeycloakStartupError(Exception):
    """Keycloak (or fetching it) failed; ``log_path`` holds what it said."""

    def __init__(self, reason: str, cmd: list[str], log_path: Path):
        super().__init__(reason)
        self.reason, self.cmd, self.log_path = reason, cmd, log_path


def _java_home(java: str) -> str | None:
    """The JDK home of a ``java`` launcher path (or of ``java`` on PATH)."""
    resolved = shutil.which(java)
    return str(Path(resolved).resolve().parent.parent) if resolved else None


def _environment() -> dict:
    java = os.environ.get("JAVA", "java")
    env = dict(os.environ, JAVA=shutil.which(java) or java)
    home = _java_home(java)
    if home:
        env["JAVA_HOME"] = home
    return env


def distribution(scratch: Path) -> Path:
    """``DIST_HOME``, fetched and extracted first when it is not there (by a former session)."""
    if (DIST_HOME / "bin" / "kc.sh").is_file():
        return DIST_HOME
    DIST_CACHE.mkdir(parents=True, exist_ok=True)
    download = Path(tempfile.mkdtemp(prefix="download-", dir=DIST_CACHE))
    log_path = scratch / "keycloak-download.log"
    # dependency:copy with its version pinned, as the project's POM declares none.
    cmd = [str(REPO_ROOT / "mvnw"), "-B", "-q", "org.apache.maven.plugins:maven-dependency-plugin:3.7.0:copy",
           f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={download}"]
    try:
        with open(log_path, "wb") as log:
            code = subprocess.run(cmd, cwd=REPO_ROOT, env=_environment(), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=DOWNLOAD_TIMEOUT_S).returncode
        archives = list(download.glob("*.tar.gz"))
        if code != 0 or len(archives) != 1:
            raise KeycloakStartupError(f"fetching {ARTIFACT} failed (exit {code})", cmd, log_path)
        # Extracted beside its final place, then renamed: a session never sees half a distribution.
        with tarfile.open(archives[0]) as archive:
            archive.extractall(download, filter="tar")
        extracted = download / DIST_HOME.name
        if not (extracted / "bin" / "kc.sh").is_file():
            raise KeycloakStartupError(f"{archives[0].name} holds no {DIST_HOME.name}/bin/kc.sh", cmd, log_path)
        try:
            extracted.rename(DIST_HOME)
        except OSError:
            if not (DIST_HOME / "bin" / "kc.sh").is_file():  # else: a concurrent session won the race
                raise
    finally:
        shutil.rmtree(download, ignore_errors=True)
    return DIST_HOME


def _free_port() -> int:
    from conftest import _free_port as handed_out_once

    return handed_out_once()


def _realms_served(keycloak: Keycloak, realms: list[str]) -> bool:
    try:
        return all(requests.get(f"{keycloak.issuer(realm)}/.well-known/openid-configuration", timeout=2).status_code == 200
                   for realm in realms)
    except requests.RequestException:
        return False


def _stop(proc: subprocess.Popen) -> None:
    # kc.sh forwards SIGTERM to its JVM; the process group (kc.sh's own) is the fallback.
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def launch_keycloak(scratch: Path):
    """Starts Keycloak (see the module docstring) and yields the :class:`Keycloak` once every realm of
    ``src/test/keycloak`` is served; stops it on exit. Raises :class:`KeycloakStartupError`."""
    home = distribution(scratch)
    realm_files = sorted(REALM_FILES_DIR.glob("*-realm.json"))
    assert realm_files, f"no realm file in {REALM_FILES_DIR}"
    imports = home / "data" / "import"
    imports.mkdir(parents=True, exist_ok=True)
    for stale in imports.glob("*.json"):
        stale.unlink()
    for realm_file in realm_files:
        shutil.copyfile(realm_file, imports / realm_file.name)
    realms = [f.name.removesuffix("-realm.json") for f in realm_files]
    env = dict(_environment(), KC_BOOTSTRAP_ADMIN_USERNAME=ADMIN_USERNAME, KC_BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD)
    proc, cmd, log_path = None, [], scratch / "keycloak.log"
    for _attempt in range(2):  # the free port may be taken between probe and bind
        port = _free_port()
        keycloak = Keycloak(f"http://127.0.0.1:{port}")
        log_path = scratch / f"keycloak-{port}.log"
        cmd = [str(home / "bin" / "kc.sh"), "start-dev", "--http-host=127.0.0.1", f"--http-port={port}",
               f"--hostname={keycloak.base_url}", "--db=dev-mem", "--import-realm",
               "--health-enabled=false", "--metrics-enabled=false"]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while proc.poll() is None and not _realms_served(keycloak, realms) and time.monotonic() < deadline:
            time.sleep(0.25)
        if proc.poll() is None and _realms_served(keycloak, realms):
            break
        timed_out = proc.poll() is None
        _stop(proc)
        proc = None
        if timed_out:
            raise KeycloakStartupError(f"Keycloak did not serve realms {realms} within {STARTUP_TIMEOUT_S}s", cmd, log_path)
        if "Address already in use" not in log_path.read_text(errors="replace"):
            break
    if proc is None:
        raise KeycloakStartupError("Keycloak exited during startup", cmd, log_path)
    try:
        yield keycloak
    finally:
        _stop(proc)
