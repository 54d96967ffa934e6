"""Faults under a live gateway: a damaged commit, a deleted data file, Redis killed under load and
restarted empty. Nothing here is mocked: the tables are written by delta-rs and then damaged on
disk, and Redis is a real ``redis-server`` this module owns (the session's Redis stays up).

Catalog (share ``faults``, schema ``gold``, recipient ``reader``):

* ``good``: 40 customers, one commit; feature view ``fault_stats`` reads it.
* ``damaged``: two commits; the newest gets a line of garbage appended before the gateway starts.
* ``holed``: two commits (two data files); one data file is deleted before the gateway starts.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests
from deltalake import DeltaTable, write_deltalake

from catalogs import Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, _free_port, _redis_binary, _redis_ping, launch_gateway

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
TOKEN = "goldgate-interop-faults-reader-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# What the README promises: values are back this long after Redis returns empty.
RECOVERY_LIMIT_S = 60


def _frame(ids) -> pa.Table:
    return pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "score": pa.array([i * 1.5 for i in ids], pa.float64()),
        "updated_at": pa.array([dt.datetime(2025, 6, 1, tzinfo=UTC) + dt.timedelta(minutes=i) for i in ids],
                               pa.timestamp("us", tz="UTC")),
    })


class OwnRedis:
    """A redis-server this module can kill and start again, empty, on the same port."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.binary = _redis_binary(scratch)
        self.port = _free_port()
        self.proc = None

    def start(self) -> None:
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(self.scratch), "--logfile", str(self.scratch / "redis.log")]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not _redis_ping(self.port):
            assert self.proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def setup(request, tmp_path_factory, served_catalog, redis_server):
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: these tests start a gateway of their own")
    root = tmp_path_factory.mktemp("faults")
    own = OwnRedis(root)
    if own.binary is None:
        pytest.fail("no redis-server found: these tests need a real Redis")
    own.start()

    good, damaged, holed = root / "good", root / "damaged", root / "holed"
    write_deltalake(str(good), _frame(range(1, 41)))
    for table in (damaged, holed):
        write_deltalake(str(table), _frame(range(1, 21)))
        write_deltalake(str(table), _frame(range(21, 41)), mode="append")
    newest = sorted((damaged / "_delta_log").glob("*.json"))[-1]
    with open(newest, "a") as f:
        f.write("{this is not json\n")
    removed = sorted(DeltaTable(str(holed)).file_uris())[0]
    removed_name = os.path.basename(removed)
    os.remove(removed.removeprefix("file://"))

    shares = write_catalog(root / "shares", {"faults.gold.good": good, "faults.gold.damaged": damaged, "faults.gold.holed": holed},
                           [Recipient("reader", TOKEN, ["faults"])])
    defs = write_feature_defs(root / "feature-defs", [
        View("fault_stats", table="faults.gold.good", timestamp_column="updated_at", features={"score": "Float64"})])
    flight_port = _free_port()
    try:
        with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=own.url,
                            flight_port=flight_port, features_dir=defs,
                            extra_args=[f"-Dgoldgate.state.dir={root / 'state'}"]) as url:
            r = requests.post(f"{url}/admin/features/views/fault_stats/materialize", headers=ADMIN, timeout=120)
            assert r.status_code == 200, r.text
            yield {"url": url, "flight": f"grpc://localhost:{flight_port}", "redis": own, "removed": removed_name,
                   "log": root / "gateway.log"}
    finally:
        if own.proc is not None and own.proc.poll() is None:
            own.kill()


def _query(setup, table: str) -> requests.Response:
    return requests.post(f"{setup['url']}/delta-sharing/shares/faults/schemas/gold/tables/{table}/query",
                         headers=AUTH, json={}, timeout=30)


def _flight_read(setup, table: str) -> pa.Table:
    client = flight.FlightClient(setup["flight"])
    options = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())], timeout=30)
    try:
        info = client.get_flight_info(flight.FlightDescriptor.for_path("faults", "gold", table), options)
        return pa.concat_tables([client.do_get(e.ticket, options).read_all() for e in info.endpoints])
    finally:
        client.close()


def test_a_commit_with_a_garbage_line_is_refused_as_damaged_naming_table_and_version(setup):
    r = _query(setup, "damaged")
    assert r.status_code == 500, r.text
    body = r.json()
    assert body["errorCode"] == "INTERNAL_ERROR"
    assert "faults.gold.damaged" in body["message"] and "damaged" in body["message"], body
    assert "1" in body["message"], body
    with pytest.raises(flight.FlightError, match="faults.gold.damaged"):
        _flight_read(setup, "damaged")
    # The other tables are still served.
    assert _query(setup, "good").status_code == 200
    assert _flight_read(setup, "good").num_rows == 40


def test_a_deleted_data_file_is_named_on_every_face(setup):
    r = _query(setup, "holed")
    assert r.status_code == 200, r.text
    urls = [json.loads(line)["file"]["url"] for line in r.text.splitlines() if line.startswith('{"file"')]
    statuses = sorted(requests.get(u, timeout=30).status_code for u in urls)
    assert statuses == [200, 404], statuses
    with pytest.raises(Exception) as raised:
        _flight_read(setup, "holed")
    message = str(raised.value)
    assert "faults.gold.holed" in message and setup["removed"] in message, message
    assert "NOT_FOUND" in message or "not found" in message.lower() or "does not exist" in message.lower(), message


def _lookup(setup) -> requests.Response:
    return requests.post(f"{setup['url']}/get-online-features", headers=AUTH, timeout=10,
                         json={"features": ["fault_stats:score"], "entities": {"customer_id": [1, 2, 3]}})


def test_redis_killed_under_load_and_restarted_empty_recovers_without_an_operator(setup):
    r = _lookup(setup)
    assert r.status_code == 200, r.text
    assert r.json()["results"][1]["values"] == [1.5, 3.0, 4.5]

    seen: list[tuple[float, int, bool]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                answer = _lookup(setup)
                present = answer.status_code == 200 and answer.json()["results"][1]["statuses"] == ["PRESENT"] * 3
                seen.append((time.monotonic(), answer.status_code, present))
            except requests.RequestException:
                seen.append((time.monotonic(), -1, False))
            time.sleep(0.02)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    try:
        time.sleep(1)
        setup["redis"].kill()
        killed = time.monotonic()
        time.sleep(3)
        setup["redis"].start()  # empty: no persistence
        restarted = time.monotonic()
        back = None
        while time.monotonic() - restarted < RECOVERY_LIMIT_S:
            if seen and seen[-1][2] and seen[-1][0] > restarted:
                back = seen[-1][0]
                break
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join(timeout=15)
    assert back is not None, f"values did not come back within {RECOVERY_LIMIT_S} s of Redis returning empty"
    statuses = {s for _, s, _ in seen}
    assert statuses <= {200, 503}, statuses
    away = [s for t, s, _ in seen if killed + 0.5 < t < restarted]
    assert away and all(s == 503 for s in away), away
    # Served again: the exact values, read from the rematerialized store.
    r = _lookup(setup)
    assert r.status_code == 200 and r.json()["results"][1]["values"] == [1.5, 3.0, 4.5], r.text
    print(f"Redis away {restarted - killed:.1f} s; values back {back - restarted:.1f} s after it returned empty")
