"""Fixtures for the Delta Sharing interoperability suite.

The suite talks to a running Goldgate gateway with the real ``delta_sharing`` Python
client and checks every answer against an independent reader of the same Delta tables
(delta-rs, ``deltalake``).

Gateway selection:
  * ``GOLDGATE_URL`` set (e.g. ``http://localhost:18181``): use that already running
    gateway. It must serve the bundled catalog ``shares/*.yaml`` of this repository. Its
    management interface (health, metrics, ``/q/openapi``, Swagger UI) is at
    ``GOLDGATE_MANAGEMENT_URL``, by default the same host on port 9000.
  * otherwise: start ``$JAVA -jar $GOLDGATE_APP`` (defaults: ``java`` and
    ``target/quarkus-app/quarkus-run.jar`` relative to the repository root) on a free
    port (its management interface on another) with the repository root as working
    directory, wait until
    ``GET /delta-sharing/shares`` answers 401, and stop it when the session ends.
    Its catalog (``GOLDGATE_SHARES_DIR``) is a temporary directory holding a copy of every
    ``shares/*.yaml`` with absolute table locations, plus ``zz-interop-timed.yaml``: share
    ``timed`` (schema ``delta``, table ``events_cdf``) over a temporary copy of
    shares/feature-lake/events_cdf whose commit files have known modification times
    (``TIMED_COMMITS``), granted only to recipient ``interop-timed`` (``TIMED_TOKEN``).
    The tests of that share are skipped when ``GOLDGATE_URL`` is set.
    It also holds ``zz-interop-regional.yaml``: share ``regional`` (schema ``gold``, table
    ``sales_daily`` over shares/sample-lake/sales_daily) whose rows are restricted per recipient by
    ``recipientPartitionFilter: {region: "${recipient.region}"}``, granted to one recipient per
    entry of ``REGIONAL_TOKENS`` (property ``region`` set to that key, or absent for key None).
    Those tests are skipped as well when ``GOLDGATE_URL`` is set.
    A self-started gateway keeps its online features in a real Redis (``GOLDGATE_REDIS_URL``):
    the session starts ``redis-server`` on a free loopback port (fixture ``redis_server``; see
    ``_redis_binary`` for where the binary comes from) and stops it at the end. The Feast tests
    (test_feast.py) read and write that Redis with the Feast SDK.

The OIDC federation tests (test_oidc.py) also need a real identity provider: fixture ``keycloak``
starts Keycloak (see keycloak.py; its distribution is fetched once into ``target/keycloak``) the
first time a test asks for it, whether the gateway is self-started or not, and stops it at the end.
The operator console tests (test_console.py) need a browser: fixture ``browser`` drives the system's
chromium with Playwright (never a browser Playwright downloads), per module that asks for it.

Fixtures ``gateway`` and ``gateway_url`` are the same :class:`Gateway`: a ``str`` (the public base
URL, so ``f"{gateway_url}/delta-sharing"`` works as it always did) that also carries
``management_url``; ``management_url`` is that attribute on its own. What ``launch_gateway`` yields is
a :class:`Gateway` too.

Run (from the repository root, with the venv of src/test/python/requirements.txt):
    GOLDGATE_URL=http://localhost:18181 python -m pytest src/test/python/interop -q
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from keycloak import Keycloak, KeycloakStartupError, launch_keycloak

INTEROP_DIR = Path(__file__).resolve().parent
# src/test/python/interop -> repository root
REPO_ROOT = INTEROP_DIR.parents[3]
SHARES_DIR = REPO_ROOT / "shares"
LAKE_DIR = SHARES_DIR / "sample-lake"
FEATURE_LAKE_DIR = SHARES_DIR / "feature-lake"
PARTNER_PROFILE = SHARES_DIR / "sample.share"
ANALYST_TOKEN = "goldgate-sample-analyst-token-local-only"
# Operator token of a self-started gateway (GOLDGATE_ADMIN_TOKEN); with GOLDGATE_URL, the env var's.
SELF_STARTED_ADMIN_TOKEN = "interop-admin-token-0123456789abcdef-local-only"

STARTUP_TIMEOUT_S = 90
REDIS_STARTUP_TIMEOUT_S = 20
# The redis-server the Java tests use: Linux amd64 binary inside the Maven artifact
# com.github.codemonstur:embedded-redis:1.4.3 (which the Java tests also leave extracted in /tmp).
EMBEDDED_REDIS_JAR = (
    Path.home() / ".m2/repository/com/github/codemonstur/embedded-redis/1.4.3/embedded-redis-1.4.3.jar"
)
EMBEDDED_REDIS_ENTRY = "redis-server-6.2.6-v5-linux-amd64"
EMBEDDED_REDIS_EXTRACTED = Path("/tmp/goldgate-test-redis-server-6.2.6")
SHUTDOWN_TIMEOUT_S = 20

# The "timed" share: a copy of feature-lake/events_cdf whose commit N was "made" at TIMED_COMMITS[N]
# (the modification time of _delta_log/<N>.json, which is what a Delta reader takes as the commit
# timestamp when in-commit timestamps are off), one hour apart on whole seconds.
TIMED_SHARE, TIMED_SCHEMA, TIMED_TABLE = "timed", "delta", "events_cdf"
TIMED_TOKEN = "goldgate-interop-timed-token-local-only"
TIMED_COMMITS = tuple(
    dt.datetime(2024, 5, 1, 8, 0, 0, tzinfo=dt.timezone.utc) + dt.timedelta(hours=v) for v in range(6)
)

# The "regional" share: sales_daily restricted per recipient to the partition region = its "region"
# property. Recipient region (None: the recipient has no region property) -> its token.
REGIONAL_SHARE, REGIONAL_SCHEMA, REGIONAL_TABLE = "regional", "gold", "sales_daily"
REGIONAL_TOKENS = {
    "EMEA": "goldgate-interop-regional-emea-token-local-only",
    "APAC": "goldgate-interop-regional-apac-token-local-only",
    None: "goldgate-interop-regional-unassigned-token-local-only",
}

assert (SHARES_DIR / "sample.yaml").is_file(), f"repository root not found (looked at {REPO_ROOT})"


_HANDED_OUT: set[int] = set()


def _free_port() -> int:
    """A port nothing listens on, never one handed out before in this session: ports are picked
    before the processes that bind them start, and the kernel may offer a released one again (a
    gateway once got the same port for Flight and for its management interface)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def _answers_401(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/delta-sharing/shares", timeout=2).status_code == 401
    except requests.RequestException:
        return False


class Gateway(str):
    """A gateway under test. The string itself is the public base URL without trailing slash (Delta
    Sharing, files, online features, admin); ``management_url`` is the base URL of its management
    interface, where ``/q/health/*``, ``/q/metrics``, ``/q/openapi`` and ``/q/swagger-ui`` are (the
    public port answers 404 there)."""

    management_url: str

    def __new__(cls, url: str, management_url: str) -> "Gateway":
        gateway = super().__new__(cls, url.rstrip("/"))
        gateway.management_url = management_url.rstrip("/")
        return gateway

    @property
    def url(self) -> str:
        return str(self)

    @property
    def openapi_url(self) -> str:
        """The gateway's OpenAPI document (YAML; add ``?format=json`` for JSON)."""
        return f"{self.management_url}/q/openapi"


def _management_url_of(url: str) -> str:
    """GOLDGATE_MANAGEMENT_URL, else the gateway's host on the default management port."""
    configured = os.environ.get("GOLDGATE_MANAGEMENT_URL")
    if configured:
        return configured
    m = re.match(r"^(https?://[^/:]+)", url)
    return f"{m.group(1)}:9000"


def _startup_failure(config, reason: str, cmd: list[str], log_path: Path, lines: int = 40) -> None:
    try:
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        tail = ["<no log>"]
    # pytest.exit shows only the first line of its reason: put the log on (uncaptured) stderr first
    capman = config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled() if capman else contextlib.nullcontext():
        sys.stderr.write(f"\n$ {' '.join(cmd)}\n--- last {lines} lines of {log_path} ---\n" + "\n".join(tail) + "\n")
        sys.stderr.flush()
    pytest.exit(f"{reason} (command and log tail on stderr; full log: {log_path})", 2)


@dataclass(frozen=True)
class TimedTable:
    """The copy of events_cdf served as timed.delta.events_cdf (only by a self-started gateway)."""

    path: Path  # table root of the copy
    commits: tuple[dt.datetime, ...]  # commit timestamp (file modification time) of version N
    token: str


@dataclass(frozen=True)
class ServedCatalog:
    shares_dir: Path  # GOLDGATE_SHARES_DIR of the self-started gateway
    timed: TimedTable


def _epoch_ns(instant: dt.datetime) -> int:
    return int(instant.timestamp()) * 1_000_000_000 + instant.microsecond * 1000


def _copy_timed_table(dest: Path) -> TimedTable:
    shutil.copytree(FEATURE_LAKE_DIR / TIMED_TABLE, dest)
    log = dest / "_delta_log"
    commits = sorted(log.glob("[0-9]" * 20 + ".json"))
    assert [int(p.stem) for p in commits] == list(range(len(TIMED_COMMITS))), commits
    for path, instant in zip(commits, TIMED_COMMITS):
        os.utime(path, ns=(_epoch_ns(instant), _epoch_ns(instant)))
    # checkpoints (and _last_checkpoint) are written right after their commit
    for path in [*log.glob("*.checkpoint*.parquet"), *log.glob("_last_checkpoint")]:
        version = json.loads(path.read_text())["version"] if path.name == "_last_checkpoint" else int(path.name.split(".")[0])
        later = TIMED_COMMITS[version] + dt.timedelta(milliseconds=250)
        os.utime(path, ns=(_epoch_ns(later), _epoch_ns(later)))
    return TimedTable(path=dest, commits=TIMED_COMMITS, token=TIMED_TOKEN)


def _absolute_locations(yaml_text: str, base: Path) -> str:
    """Rewrite every ``location:`` of a catalog file to an absolute path (resolved against base)."""

    def absolute(m: re.Match) -> str:
        location = m.group(2).strip().strip("'\"")
        if location.startswith("file:") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", location):
            return m.group(0)
        return m.group(1) + json.dumps(str((base / location).resolve()))

    return re.sub(r"(?m)^(\s*location:\s*)(.+?)\s*$", absolute, yaml_text)


def _build_catalog(root: Path) -> ServedCatalog:
    """shares/*.yaml with absolute locations + the timed share, in root/shares."""
    shares = root / "shares"
    shares.mkdir()
    copied = 0
    for catalog in sorted([*SHARES_DIR.glob("*.yaml"), *SHARES_DIR.glob("*.yml")]):
        (shares / catalog.name).write_text(_absolute_locations(catalog.read_text(), SHARES_DIR))
        copied += 1
    assert copied, f"no catalog file in {SHARES_DIR}"
    timed = _copy_timed_table(root / "timed-lake" / TIMED_TABLE)
    token_hash = hashlib.sha256(TIMED_TOKEN.encode()).hexdigest()
    (shares / "zz-interop-timed.yaml").write_text(
        f"""# written by src/test/python/interop/conftest.py
shares:
  - name: {TIMED_SHARE}
    comment: events_cdf with commit timestamps set by the interop suite
    schemas:
      - name: {TIMED_SCHEMA}
        tables:
          - name: {TIMED_TABLE}
            location: {json.dumps(str(timed.path))}
            historyShared: true
recipients:
  - name: interop-timed
    comment: recipient of the interop suite's timed share
    tokens:
      - hash: sha256:{token_hash}
    shares: [{TIMED_SHARE}]
"""
    )
    (shares / "zz-interop-regional.yaml").write_text(_regional_catalog())
    return ServedCatalog(shares_dir=shares, timed=timed)


def _regional_catalog() -> str:
    recipients = []
    for region, token in REGIONAL_TOKENS.items():
        name = f"interop-{(region or 'unassigned').lower()}"
        properties = f"\n    properties:\n      region: {region}" if region else ""
        recipients.append(
            f"  - name: {name}\n    tokens:\n      - hash: sha256:{hashlib.sha256(token.encode()).hexdigest()}\n"
            f"    shares: [{REGIONAL_SHARE}]{properties}\n"
        )
    recipient_lines = "".join(recipients)
    return f"""# written by src/test/python/interop/conftest.py
shares:
  - name: {REGIONAL_SHARE}
    comment: sales_daily, each recipient restricted to its own region
    schemas:
      - name: {REGIONAL_SCHEMA}
        tables:
          - name: {REGIONAL_TABLE}
            location: {json.dumps(str(LAKE_DIR / REGIONAL_TABLE))}
            historyShared: true
            recipientPartitionFilter:
              region: "${{recipient.region}}"
recipients:
{recipient_lines}"""


@pytest.fixture(scope="session")
def served_catalog(tmp_path_factory) -> ServedCatalog | None:
    """The catalog a self-started gateway serves; None when GOLDGATE_URL names a running one."""
    if os.environ.get("GOLDGATE_URL"):
        return None
    return _build_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="session")
def flight_location() -> str:
    """Where the gateway under test serves Arrow Flight (GOLDGATE_FLIGHT with GOLDGATE_URL)."""
    if os.environ.get("GOLDGATE_URL"):
        return os.environ.get("GOLDGATE_FLIGHT", "grpc://localhost:8815")
    return f"grpc://localhost:{_FLIGHT_PORT}"


_FLIGHT_PORT = _free_port()


# --------------------------------------------------------------------------------------------
# Redis (online store of the self-started gateway, shared with the Feast SDK in test_feast.py)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedisServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        """GOLDGATE_REDIS_URL form."""
        return f"redis://{self.host}:{self.port}"

    @property
    def connection_string(self) -> str:
        """Feast's redis online store form (host:port)."""
        return f"{self.host}:{self.port}"


def _redis_binary(scratch: Path) -> str | None:
    """redis-server from PATH, else the embedded-redis binary (already extracted, or from the jar)."""
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    if EMBEDDED_REDIS_EXTRACTED.is_file() and os.access(EMBEDDED_REDIS_EXTRACTED, os.X_OK):
        return str(EMBEDDED_REDIS_EXTRACTED)
    if EMBEDDED_REDIS_JAR.is_file():
        with zipfile.ZipFile(EMBEDDED_REDIS_JAR) as jar:
            if EMBEDDED_REDIS_ENTRY in jar.namelist():
                target = scratch / EMBEDDED_REDIS_ENTRY
                target.write_bytes(jar.read(EMBEDDED_REDIS_ENTRY))
                target.chmod(0o755)
                return str(target)
    return None


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _parse_redis_url(url: str) -> RedisServer:
    m = re.match(r"^redis://(?:[^@/]*@)?([^:/]+)(?::(\d+))?/?$", url)
    if not m:
        raise ValueError(f"cannot use GOLDGATE_REDIS_URL={url} (expected redis://host:port)")
    return RedisServer(m.group(1), int(m.group(2) or 6379))


@pytest.fixture(scope="session")
def redis_server(request, tmp_path_factory):
    """The Redis the gateway under test keeps its online features in; None when there is none.

    * ``GOLDGATE_URL`` set: the Redis named by ``GOLDGATE_REDIS_URL`` (the one that gateway uses),
      or None (the Feast tests then skip).
    * otherwise: a fresh ``redis-server`` (no persistence) on a free loopback port, stopped at the
      end of the session; None when no binary is found (the gateway then uses its embedded store
      and the Feast tests fail, saying so).
    """
    if os.environ.get("GOLDGATE_URL"):
        url = os.environ.get("GOLDGATE_REDIS_URL")
        yield _parse_redis_url(url) if url else None
        return
    scratch = tmp_path_factory.mktemp("redis")
    binary = _redis_binary(scratch)
    if binary is None:
        yield None
        return
    proc = None
    for _attempt in range(3):  # the free port may be taken between probe and bind
        port = _free_port()
        log_path = scratch / f"redis-{port}.log"
        cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(scratch), "--logfile", str(log_path)]
        proc = subprocess.Popen(cmd, cwd=scratch, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + REDIS_STARTUP_TIMEOUT_S
        while proc.poll() is None and not _redis_ping(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc.poll() is None and _redis_ping(port):
            break
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc = None
    if proc is None:
        _startup_failure(request.config, "redis-server did not start", cmd, log_path)
    try:
        yield RedisServer("127.0.0.1", port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------------------------
# Keycloak (the OpenID provider of the OIDC federation tests, test_oidc.py; see keycloak.py)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def keycloak(request, tmp_path_factory) -> Keycloak:
    """A real Keycloak serving the realms of src/test/keycloak (see keycloak.py), started the first
    time a test asks for it and stopped when the session ends."""
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(launch_keycloak(tmp_path_factory.mktemp("keycloak")))
        except KeycloakStartupError as e:
            _startup_failure(request.config, e.reason, e.cmd, e.log_path)
        yield server


# --------------------------------------------------------------------------------------------
# Browser (the operator console tests, test_console.py)
# --------------------------------------------------------------------------------------------


def _chromium_executable() -> str | None:
    """GOLDGATE_CHROMIUM, else Debian's ``chromium`` on PATH (what .ci/run installs)."""
    configured = os.environ.get("GOLDGATE_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser(request):
    """A headless chromium driven by Playwright, started the first time a test of a module asks for
    it and stopped when that module ends.

    Playwright cannot download browsers here (``PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD``): it drives the
    system's chromium (see ``_chromium_executable``), which .ci/run installs with apt-get.
    Module scope, not session scope, on purpose: while Playwright's synchronous API is started, its
    event loop counts as running on the main thread, so ``asyncio.run`` anywhere in a later module
    (a library's internals included) would fail with "cannot be called from a running event loop".
    Starting chromium again costs about a second.
    """
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    executable = _chromium_executable()
    if executable is None:
        pytest.fail("no chromium found: install Debian's chromium (apt-get install chromium), or set GOLDGATE_CHROMIUM")
    with sync_playwright() as playwright:
        # As root (CI) chromium's sandbox cannot start; Playwright launches it without one by default.
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def gateway_url(request, tmp_path_factory, served_catalog, redis_server) -> Gateway:
    """Base URL of the gateway under test, without trailing slash (e.g. http://localhost:18181); a
    :class:`Gateway`, so ``gateway_url.management_url`` is its management interface."""
    url = os.environ.get("GOLDGATE_URL")
    if url:
        url = url.rstrip("/")
        if not _answers_401(url):
            pytest.exit(f"GOLDGATE_URL={url}: GET /delta-sharing/shares without a token did not answer 401", 2)
        yield Gateway(url, _management_url_of(url))
        return

    with launch_gateway(
        request.config,
        tmp_path_factory.mktemp("gateway") / "gateway.log",
        shares_dir=served_catalog.shares_dir,
        redis_url=redis_server.url if redis_server is not None else None,
        flight_port=_FLIGHT_PORT,
    ) as gateway:
        yield gateway


@pytest.fixture(scope="session")
def gateway(gateway_url) -> Gateway:
    """The gateway under test: ``gateway.url`` (public), ``gateway.management_url`` (health, metrics,
    the OpenAPI document at ``gateway.openapi_url``, Swagger UI)."""
    return gateway_url


@pytest.fixture(scope="session")
def management_url(gateway) -> str:
    """Base URL of the management interface of the gateway under test (e.g. http://localhost:9000)."""
    return gateway.management_url


@contextlib.contextmanager
def launch_gateway(config, log_path: Path, shares_dir: Path, redis_url: str | None, flight_port: int | None = None,
                   features_dir: Path | None = None, extra_args: list[str] = ()):
    """Starts ``$JAVA -jar $GOLDGATE_APP`` on a free port, its management interface on another;
    yields the :class:`Gateway` (a str: its base URL); stops it on exit."""
    app = Path(os.environ.get("GOLDGATE_APP", "target/quarkus-app/quarkus-run.jar"))
    if not app.is_absolute():
        app = REPO_ROOT / app
    if not app.is_file():
        pytest.exit(f"GOLDGATE_URL is not set and the gateway jar {app} does not exist (set GOLDGATE_APP)", 2)
    java = os.environ.get("JAVA", "java")
    port, management_port = _free_port(), _free_port()
    url = f"http://localhost:{port}"
    cmd = [
        java,
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        f"-Dquarkus.http.port={port}",
        f"-Dquarkus.management.port={management_port}",
        f"-Dgoldgate.flight.port={flight_port if flight_port is not None else _free_port()}",
        *extra_args,
        "-jar",
        str(app),
    ]
    # Runtime state (recipients, the audit log in embedded mode) stays out of the repository.
    env = dict(os.environ, GOLDGATE_SHARES_DIR=str(shares_dir), GOLDGATE_ADMIN_TOKEN=SELF_STARTED_ADMIN_TOKEN,
               GOLDGATE_STATE_DIR=str(log_path.parent / "state"))
    if features_dir is not None:
        env["GOLDGATE_FEATURES_DIR"] = str(features_dir)
    env.pop("GOLDGATE_REDIS_URL", None)
    if redis_url is not None:
        env["GOLDGATE_REDIS_URL"] = redis_url
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _answers_401(url):
            if proc.poll() is not None:
                _startup_failure(config, f"gateway exited with {proc.returncode} during startup", cmd, log_path)
            if time.monotonic() > deadline:
                _startup_failure(config, f"gateway did not answer 401 within {STARTUP_TIMEOUT_S}s", cmd, log_path)
            time.sleep(0.25)
        yield Gateway(url, f"http://localhost:{management_port}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def own_gateway_root(tmp_path_factory, served_catalog: ServedCatalog | None, redis_server: RedisServer | None,
                     name: str) -> Path:
    """A fresh scratch directory (``mktemp(name)``) for a module that starts its own gateway on the
    session's Redis: skips the module when GOLDGATE_URL names a running gateway instead, fails it
    when there is no Redis to use."""
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: these tests start a gateway of their own")
    if redis_server is None:
        pytest.fail("no redis-server found: these tests need a real Redis")
    return tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def admin_auth(admin_token) -> dict:
    return {"Authorization": f"Bearer {admin_token}"}


def _write_profile(path: Path, gateway_url: str, token: str) -> Path:
    profile = json.loads(PARTNER_PROFILE.read_text())
    profile["endpoint"] = f"{gateway_url}/delta-sharing/"
    profile["bearerToken"] = token
    path.write_text(json.dumps(profile, indent=2))
    return path


@pytest.fixture(scope="session")
def admin_token() -> str:
    """The gateway's operator token; skips the test when a running gateway's is not known."""
    if os.environ.get("GOLDGATE_URL"):
        token = os.environ.get("GOLDGATE_ADMIN_TOKEN")
        if not token:
            pytest.skip("GOLDGATE_URL is set without GOLDGATE_ADMIN_TOKEN: the admin API cannot be used")
        return token
    return SELF_STARTED_ADMIN_TOKEN


@pytest.fixture(scope="session")
def partner_token() -> str:
    return json.loads(PARTNER_PROFILE.read_text())["bearerToken"]


@pytest.fixture(scope="session")
def partner_profile(tmp_path_factory, gateway_url, partner_token) -> str:
    """shares/sample.share (recipient sample-partner, share retail) pointed at the gateway under test."""
    return str(_write_profile(tmp_path_factory.mktemp("profiles") / "sample-partner.share", gateway_url, partner_token))


@pytest.fixture(scope="session")
def analyst_profile(tmp_path_factory, gateway_url) -> str:
    """Profile of recipient sample-analyst (shares retail and finance)."""
    return str(_write_profile(tmp_path_factory.mktemp("profiles") / "sample-analyst.share", gateway_url, ANALYST_TOKEN))


@pytest.fixture(scope="session")
def api(gateway_url) -> str:
    """Base URL of the Delta Sharing REST API (no trailing slash)."""
    return f"{gateway_url}/delta-sharing"


@pytest.fixture(scope="session")
def timed_table(served_catalog, gateway_url) -> TimedTable:
    """timed.delta.events_cdf; skips the test when the gateway was not started by this suite."""
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: the timed share exists only in the catalog of a self-started gateway")
    return served_catalog.timed


@pytest.fixture(scope="session")
def regional_profiles(tmp_path_factory, served_catalog, gateway_url) -> dict:
    """Region (None: no region property) -> profile of that recipient of share regional; skips the
    test when the gateway was not started by this suite."""
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: the regional share exists only in the catalog of a self-started gateway")
    folder = tmp_path_factory.mktemp("regional-profiles")
    return {
        region: str(_write_profile(folder / f"interop-{(region or 'unassigned').lower()}.share", gateway_url, token))
        for region, token in REGIONAL_TOKENS.items()
    }


@pytest.fixture(scope="session")
def timed_profile(tmp_path_factory, gateway_url, timed_table) -> str:
    """Profile of recipient interop-timed (share timed only)."""
    return str(_write_profile(tmp_path_factory.mktemp("profiles") / "interop-timed.share", gateway_url, timed_table.token))


@pytest.fixture(scope="session")
def timed_url(timed_profile) -> str:
    """Client URL of timed.delta.events_cdf."""
    return f"{timed_profile}#{TIMED_SHARE}.{TIMED_SCHEMA}.{TIMED_TABLE}"
