"""Materialization as an operator relies on it, against a table written by a real Delta writer.

The table ``mlops.gold.customers_cdf`` is written by delta-rs (``deltalake``) with the change data
feed on: 40,000 customers. Its feature view ``cdf_customer_stats`` has no schedule, so only the
admin trigger materializes it. The gateways here are started by this module (``launch_gateway``)
on their own Redis database (db 1 of the session's redis-server), so nothing they write meets the
Feast tests' keys.

* While a full materialization runs, online lookups keep answering 200, each value either not
  yet there (NOT_FOUND) or exactly the table's.
* After the gateway stops, delta-rs UPDATEs the table (an UPDATE with the change data feed on
  writes ``_change_data`` files). A new gateway process resumes from the watermark in Redis: it
  reads only the change data feed, writes exactly the customers whose rows got newer, and keeps
  the stored values of customers whose update carries an older event time.
"""
from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pyarrow as pa
import pytest
import requests
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from catalogs import Recipient, Table, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, launch_gateway

UTC = dt.timezone.utc
CUSTOMERS = 40_000
VIEW = "cdf_customer_stats"
TOKEN = "goldgate-interop-mlops-token-local-only"
BASE_TIME = dt.datetime(2025, 6, 1, tzinfo=UTC)
NEWER = [11, 222, 3_333, 4_444, 25_000, 39_998, 40_000]  # updated with a newer event time
OLDER = [7, 8_000, 30_001]  # updated with an older event time: must not replace what is served
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _segment(i: int) -> str:
    return ("bronze", "silver", "gold")[i % 3]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, redis_server):
    if redis_server is None:
        pytest.fail("no redis-server found: these tests need a real Redis")
    root = tmp_path_factory.mktemp("materialization")
    table = root / "customers_cdf"
    ids = list(range(1, CUSTOMERS + 1))
    write_deltalake(
        str(table),
        pa.table({
            "customer_id": pa.array(ids, pa.int64()),
            "segment": pa.array([_segment(i) for i in ids]),
            "lifetime_value": pa.array([i * 1.5 for i in ids], pa.float64()),
            "last_order_ts": pa.array([BASE_TIME + dt.timedelta(seconds=i) for i in ids], pa.timestamp("us", tz="UTC")),
        }),
        configuration={"delta.enableChangeDataFeed": "true"},
    )
    shares = write_catalog(root / "shares", {"mlops.gold.customers_cdf": Table(table, history_shared=True)},
                           [Recipient("ml-service", TOKEN, ["mlops"])])
    defs = write_feature_defs(root / "feature-defs", [
        View(VIEW, table="mlops.gold.customers_cdf", timestamp_column="last_order_ts",
             features={"segment": "String", "lifetime_value": "Float64"})])
    return {"root": root, "table": table, "shares": shares, "defs": defs, "redis": f"{redis_server.url}/1"}


def _gateway(request, setup, name: str):
    return launch_gateway(request.config, setup["root"] / f"{name}.log", shares_dir=setup["shares"],
                          redis_url=setup["redis"], features_dir=setup["defs"])


def _table_rows(table) -> dict[int, dict]:
    result = QueryBuilder().register("t", DeltaTable(str(table))).execute(
        "SELECT customer_id, segment, lifetime_value, last_order_ts FROM t").read_all()
    return {r["customer_id"]: r for r in pa.table(result).to_pylist()}


def _lookup(url: str, ids: list[int]) -> dict:
    r = requests.post(f"{url}/get-online-features", headers=AUTH, timeout=10,
                      json={"features": [f"{VIEW}:segment", f"{VIEW}:lifetime_value"], "entities": {"customer_id": ids}})
    assert r.status_code == 200, f"{r.status_code} {r.text}"
    return r.json()


def _check(answer: dict, ids: list[int], rows: dict[int, dict], allow_missing: bool) -> int:
    """Asserts every served value is the table's (or absent, when allowed); returns how many were present."""
    segment, value = answer["results"][1], answer["results"][2]
    present = 0
    for r, cid in enumerate(ids):
        if segment["statuses"][r] == "NOT_FOUND" and allow_missing:
            assert value["statuses"][r] == "NOT_FOUND", (cid, value)
            continue
        assert segment["statuses"][r] == "PRESENT", (cid, segment["statuses"][r])
        expected = rows[cid]
        assert segment["values"][r] == expected["segment"], cid
        assert value["values"][r] == expected["lifetime_value"], cid
        assert dt.datetime.fromisoformat(segment["event_timestamps"][r]) == expected["last_order_ts"], cid
        present += 1
    return present


def test_serving_never_fails_while_a_view_materializes(request, setup):
    rows = _table_rows(setup["table"])
    assert len(rows) == CUSTOMERS
    with _gateway(request, setup, "first") as url:
        result: dict = {}

        def materialize():
            r = requests.post(f"{url}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=300)
            result["status"], result["body"] = r.status_code, r.json()

        worker = threading.Thread(target=materialize)
        worker.start()
        rng = random.Random(7)
        lookups, seen_running, present_during = 0, False, 0
        while worker.is_alive():
            ids = rng.sample(range(1, CUSTOMERS + 1), 20)
            present_during += _check(_lookup(url, ids), ids, rows, allow_missing=True)
            lookups += 1
            status = requests.get(f"{url}/admin/features/materialization", headers=ADMIN, timeout=10)
            assert status.status_code == 200, status.text
            seen_running |= status.json()[VIEW]["state"] == "running"
        worker.join()
        assert result["status"] == 200, result
        done = result["body"]
        assert (done["mode"], done["fromVersion"], done["tableVersion"]) == ("full", -1, 0), done
        assert (done["entities"], done["written"], done["rowsRead"]) == (CUSTOMERS, CUSTOMERS, CUSTOMERS), done
        assert lookups >= 3, f"only {lookups} lookups ran during materialization ({done['millis']} ms)"
        print(f"{lookups} lookups during a {done['millis']} ms materialization; running state seen: {seen_running}; "
              f"values present during the run: {present_during}")
        sample = random.Random(11).sample(range(1, CUSTOMERS + 1), 500)
        assert _check(_lookup(url, sample), sample, rows, allow_missing=False) == 500


def test_a_restarted_gateway_resumes_from_the_watermark_with_the_change_data_feed(request, setup):
    before = _table_rows(setup["table"])
    table = DeltaTable(str(setup["table"]))
    assert table.version() == 0
    newer_ts = BASE_TIME + dt.timedelta(days=30)
    older_ts = BASE_TIME - dt.timedelta(days=30)
    table.update(predicate=f"customer_id IN ({', '.join(map(str, NEWER))})",
                 updates={"segment": "'platinum'", "lifetime_value": "lifetime_value + 1000",
                          "last_order_ts": f"'{newer_ts.isoformat()}'::timestamp"})
    table.update(predicate=f"customer_id IN ({', '.join(map(str, OLDER))})",
                 updates={"segment": "'stale'", "last_order_ts": f"'{older_ts.isoformat()}'::timestamp"})
    assert DeltaTable(str(setup["table"])).version() == 2
    after = _table_rows(setup["table"])
    assert after[NEWER[0]]["segment"] == "platinum" and after[OLDER[0]]["segment"] == "stale"

    with _gateway(request, setup, "restarted") as url:
        status = requests.get(f"{url}/admin/features/materialization", headers=ADMIN, timeout=10).json()[VIEW]
        assert (status["state"], status["fromVersion"], status["tableVersion"], status["lagVersions"]) == ("not run", 0, 2, 2), status
        assert status["lagSeconds"] >= 0

        r = requests.post(f"{url}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=120)
        assert r.status_code == 200, r.text
        done = r.json()
        assert (done["mode"], done["fromVersion"], done["tableVersion"]) == ("cdf", 0, 2), done
        # Only the _change_data files are read: pre- and post-image of each updated customer.
        assert done["rowsRead"] == 2 * (len(NEWER) + len(OLDER)), done
        assert (done["entities"], done["written"]) == (len(NEWER) + len(OLDER), len(NEWER)), done

        ids = NEWER + OLDER + [1, 2, 20_000]
        expected = {**{cid: after[cid] for cid in NEWER}, **{cid: before[cid] for cid in OLDER + [1, 2, 20_000]}}
        assert _check(_lookup(url, ids), ids, expected, allow_missing=False) == len(ids)

        status = requests.get(f"{url}/admin/features/materialization", headers=ADMIN, timeout=10).json()[VIEW]
        assert (status["lagVersions"], status["lagSeconds"], status["state"]) == (0, 0, "materialized"), status
        again = requests.post(f"{url}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=60).json()
        assert (again["state"], again["written"]) == ("up to date", 0), again
