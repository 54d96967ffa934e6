"""Fixtures for the Delta Sharing interoperability suite.

The suite talks to a running Goldgate gateway with the real ``delta_sharing`` Python
client and checks every answer against an independent reader of the same Delta tables
(delta-rs, ``deltalake``).

Gateway selection:
  * ``GOLDGATE_URL`` set (e.g. ``http://localhost:18181``): use that already running
    gateway. It must serve the bundled catalog ``shares/*.yaml`` of this repository.
  * otherwise: start ``$JAVA -jar $GOLDGATE_APP`` (defaults: ``java`` and
    ``target/quarkus-app/quarkus-run.jar`` relative to the repository root) on a free
    port with the repository root as working directory, wait until
    ``GET /delta-sharing/shares`` answers 401, and stop it when the session ends.

Run (from the repository root, with the venv of src/test/python/requirements.txt):
    GOLDGATE_URL=http://localhost:18181 python -m pytest src/test/python/interop -q
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

INTEROP_DIR = Path(__file__).resolve().parent
# src/test/python/interop -> repository root
REPO_ROOT = INTEROP_DIR.parents[3]
SHARES_DIR = REPO_ROOT / "shares"
LAKE_DIR = SHARES_DIR / "sample-lake"
PARTNER_PROFILE = SHARES_DIR / "sample.share"
ANALYST_TOKEN = "goldgate-sample-analyst-token-local-only"

STARTUP_TIMEOUT_S = 90
SHUTDOWN_TIMEOUT_S = 20

assert (SHARES_DIR / "sample.yaml").is_file(), f"repository root not found (looked at {REPO_ROOT})"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers_401(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/delta-sharing/shares", timeout=2).status_code == 401
    except requests.RequestException:
        return False


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


@pytest.fixture(scope="session")
def gateway_url(request, tmp_path_factory):
    """Base URL of the gateway under test, without trailing slash (e.g. http://localhost:18181)."""
    url = os.environ.get("GOLDGATE_URL")
    if url:
        url = url.rstrip("/")
        if not _answers_401(url):
            pytest.exit(f"GOLDGATE_URL={url}: GET /delta-sharing/shares without a token did not answer 401", 2)
        yield url
        return

    app = Path(os.environ.get("GOLDGATE_APP", "target/quarkus-app/quarkus-run.jar"))
    if not app.is_absolute():
        app = REPO_ROOT / app
    if not app.is_file():
        pytest.exit(f"GOLDGATE_URL is not set and the gateway jar {app} does not exist (set GOLDGATE_APP)", 2)
    java = os.environ.get("JAVA", "java")
    port = _free_port()
    url = f"http://localhost:{port}"
    log_path = tmp_path_factory.mktemp("gateway") / "gateway.log"
    cmd = [
        java,
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        f"-Dquarkus.http.port={port}",
        "-jar",
        str(app),
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _answers_401(url):
            if proc.poll() is not None:
                _startup_failure(request.config, f"gateway exited with {proc.returncode} during startup", cmd, log_path)
            if time.monotonic() > deadline:
                _startup_failure(request.config, f"gateway did not answer 401 within {STARTUP_TIMEOUT_S}s", cmd, log_path)
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _write_profile(path: Path, gateway_url: str, token: str) -> Path:
    profile = json.loads(PARTNER_PROFILE.read_text())
    profile["endpoint"] = f"{gateway_url}/delta-sharing/"
    profile["bearerToken"] = token
    path.write_text(json.dumps(profile, indent=2))
    return path


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
