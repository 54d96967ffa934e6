"""A feature view that follows its table closely: ``schedule: PT1S``, no manual trigger.

The table is written by delta-rs (``write_deltalake``); the gateway is this module's own, on db 2
of the session's redis-server, with the view's schedule as the only thing that materializes it.
A commit's values (an appended customer, and a newer row of an existing one) are served within
FRESHNESS_BOUND_S of the commit; runs that find the table unchanged leave it "up to date", and
the run after a commit reads only that commit (not the whole table again).
"""
from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa
import pytest
import requests
from deltalake import write_deltalake

from catalogs import Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, launch_gateway

UTC = dt.timezone.utc
VIEW = "fresh_customer_stats"
TOKEN = "goldgate-interop-freshness-token-local-only"
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE_TIME = dt.datetime(2025, 6, 1, tzinfo=UTC)
CUSTOMERS = 1_000
# One-second schedule, plus a run's own time, plus slack for a busy two-core CI machine.
FRESHNESS_BOUND_S = 10


def _rows(ids: list[int], value: float, at: dt.datetime) -> pa.Table:
    return pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "lifetime_value": pa.array([value + i for i in ids], pa.float64()),
        "last_order_ts": pa.array([at] * len(ids), pa.timestamp("us", tz="UTC")),
    })


@pytest.fixture(scope="module")
def setup(request, tmp_path_factory, redis_server):
    if redis_server is None:
        pytest.fail("no redis-server found: these tests need a real Redis")
    root = tmp_path_factory.mktemp("freshness")
    table = root / "customers"
    write_deltalake(str(table), _rows(list(range(1, CUSTOMERS + 1)), 0.5, BASE_TIME))
    shares = write_catalog(root / "shares", {"mlops.gold.customers": table}, [Recipient("ml-service", TOKEN, ["mlops"])])
    defs = write_feature_defs(root / "feature-defs", [
        View(VIEW, table="mlops.gold.customers", timestamp_column="last_order_ts", features={"lifetime_value": "Float64"},
             schedule="PT1S")])
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=f"{redis_server.url}/2",
                        features_dir=defs) as gateway:
        yield {"gateway": gateway, "table": table, "log": root / "gateway.log"}


def _served(gateway: str, ids: list[int]) -> list:
    r = requests.post(f"{gateway}/get-online-features", headers=AUTH, timeout=10,
                      json={"features": [f"{VIEW}:lifetime_value"], "entities": {"customer_id": ids}})
    assert r.status_code == 200, r.text
    return r.json()["results"][1]["values"]


def _run(gateway: str) -> dict:
    r = requests.get(f"{gateway}/admin/features/materialization", headers=ADMIN, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()[VIEW]


def _await(condition, what: str, bound_s: float = FRESHNESS_BOUND_S) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < bound_s, f"{what} not within {bound_s} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_commit_is_served_within_the_bound_without_a_trigger_and_only_the_commit_is_read(setup):
    gateway = setup["gateway"]
    # The first scheduled run (2 s after start) loads the whole table.
    _await(lambda: _served(gateway, [1, CUSTOMERS]) == [1.5, CUSTOMERS + 0.5], "the first scheduled run", 30)
    _await(lambda: _run(gateway)["state"] == "up to date", "a run finding the table unchanged")
    unchanged = _run(gateway)
    assert unchanged["tableVersion"] == 0 and unchanged["lagVersions"] == 0, unchanged

    write_deltalake(str(setup["table"]), _rows([7, CUSTOMERS + 1], 100.0, BASE_TIME + dt.timedelta(days=1)), mode="append")
    lag = _await(lambda: _served(gateway, [7, CUSTOMERS + 1, 8]) == [107.0, CUSTOMERS + 101.0, 8.5], "the commit's values")
    print(f"commit served after {lag:.2f} s")

    _await(lambda: _run(gateway)["state"] == "up to date" and _run(gateway)["tableVersion"] == 1, "the run after the commit")
    runs = [line for line in setup["log"].read_text().splitlines() if f"Materialized {VIEW} (" in line]
    assert len(runs) == 2, runs
    assert "(FULL) from version -1 to 0: 1 files, 1000 rows read" in runs[0], runs
    assert "(INCREMENTAL) from version 0 to 1: 1 files, 2 rows read, 2 entities, 2 written" in runs[1], runs
