"""The gateway on a real three-master Redis Cluster (``goldgate.redis.cluster=true``).

The cluster (redis_cluster.py: three ``redis-server --cluster-enabled yes`` on loopback, slots
split evenly, joined with CLUSTER MEET) is this module's own, and so is the gateway. The table is
written by delta-rs; every value served is checked against an independent deltalake read.

* Materialization spreads the entity keys over every master; lookups of entities on every node
  answer in one request, values equal to the table's.
* Recipients created, activated and revoked through the admin API live in the cluster: the
  activated token reads features, the revoked one gets 401. Their admin events reach the audit
  stream and the lookups the per-recipient counters.
* A master killed while lookups run gives 503s and never a wrong value; once it is back (empty:
  nothing is persisted) the gateway notices the lost keys and serves every value again.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from urllib.parse import urlparse

import pyarrow as pa
import pytest
import requests
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from catalogs import Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, _redis_binary, launch_gateway
from redis_cluster import RedisCluster

UTC = dt.timezone.utc
CUSTOMERS = 3_000
VIEW = "cluster_customer_stats"
TOKEN = "goldgate-interop-cluster-token-local-only"
BASE_TIME = dt.datetime(2025, 6, 1, tzinfo=UTC)
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IDS = list(range(1, CUSTOMERS + 1))
RECOVERY_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("redis-cluster")
    binary = _redis_binary(root)
    if binary is None:
        pytest.fail("no redis-server found: these tests need a real Redis Cluster")
    started = RedisCluster.start(binary, root)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster-lake")
    table = root / "customers"
    write_deltalake(str(table), pa.table({
        "customer_id": pa.array(IDS, pa.int64()),
        "segment": pa.array([("bronze", "silver", "gold")[i % 3] for i in IDS]),
        "lifetime_value": pa.array([i * 1.25 for i in IDS], pa.float64()),
        "last_order_ts": pa.array([BASE_TIME + dt.timedelta(seconds=i) for i in IDS], pa.timestamp("us", tz="UTC")),
    }))
    shares = write_catalog(root / "shares", {"mlops.gold.customers": table}, [Recipient("ml-service", TOKEN, ["mlops"])])
    defs = write_feature_defs(root / "feature-defs", [
        View(VIEW, table="mlops.gold.customers", timestamp_column="last_order_ts",
             features={"segment": "String", "lifetime_value": "Float64"})])
    return {"root": root, "table": table, "shares": shares, "defs": defs}


@pytest.fixture(scope="module")
def gateway(request, cluster, lake):
    with launch_gateway(
        request.config, lake["root"] / "gateway.log", shares_dir=lake["shares"], redis_url=cluster.url,
        features_dir=lake["defs"],
        extra_args=["-Dgoldgate.redis.cluster=true", "-Dgoldgate.redis.timeout=500ms",
                    "-Dgoldgate.features.store-check-interval=1s"]) as started:
        yield started


@pytest.fixture(scope="module")
def table_rows(lake) -> dict[int, tuple]:
    result = QueryBuilder().register("t", DeltaTable(str(lake["table"]))).execute(
        "SELECT customer_id, segment, lifetime_value FROM t").read_all()
    return {r["customer_id"]: (r["segment"], r["lifetime_value"]) for r in pa.table(result).to_pylist()}


def _lookup(url: str, ids: list[int], headers=AUTH) -> requests.Response:
    return requests.post(f"{url}/get-online-features", headers=headers, timeout=10,
                         json={"features": [f"{VIEW}:segment", f"{VIEW}:lifetime_value"], "entities": {"customer_id": ids}})


def _served_all(url: str) -> dict[int, tuple | None] | None:
    """Every customer and one unknown, in requests of at most 1000 entities; None on a non-200."""
    served = {}
    for start in range(0, CUSTOMERS + 1, 1000):
        r = _lookup(url, (IDS + [999_999])[start:start + 1000])
        if r.status_code != 200:
            return None
        served.update(_served(r.json()))
    return served


def _served(answer: dict) -> dict[int, tuple | None]:
    """Entity -> (segment, lifetime_value), or None when not found."""
    ids, segment, value = answer["results"][0]["values"], answer["results"][1], answer["results"][2]
    out = {}
    for i, entity in enumerate(ids):
        present = segment["statuses"][i] == "PRESENT"
        assert present == (value["statuses"][i] == "PRESENT"), answer
        out[entity] = (segment["values"][i], value["values"][i]) if present else None
    return out


def test_materialization_spreads_the_keys_over_every_master(gateway, cluster):
    r = requests.post(f"{gateway}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "materialized"
    assert r.json()["entities"] == CUSTOMERS
    per_node = cluster.keys_per_node()
    assert all(n > CUSTOMERS // 5 for n in per_node), per_node
    assert sum(per_node) >= CUSTOMERS + 1, per_node  # one hash per customer and the watermark
    again = requests.post(f"{gateway}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=120)
    assert again.status_code == 200 and again.json()["state"] == "up to date", again.text


def test_one_lookup_of_entities_on_every_master_serves_the_tables_values(gateway, table_rows):
    served = _served_all(gateway)
    assert served is not None
    assert served.pop(999_999) is None
    assert served == table_rows


def test_recipients_created_activated_and_revoked_live_in_the_cluster(gateway, table_rows):
    name = "cluster-recipient"
    created = requests.post(f"{gateway}/admin/recipients", headers=ADMIN, timeout=30,
                            json={"name": name, "shares": ["mlops"], "tokenLifetime": "P7D"})
    assert created.status_code == 201, created.text
    activated = requests.post(f"{gateway}{urlparse(created.json()['activation']['url']).path}", timeout=30)
    assert activated.status_code == 200, activated.text
    own = {"Authorization": f"Bearer {activated.json()['bearerToken']}"}

    r = _lookup(gateway, [1, 1_500, 3_000], headers=own)
    assert r.status_code == 200, r.text
    assert _served(r.json()) == {i: table_rows[i] for i in (1, 1_500, 3_000)}

    shares = requests.get(f"{gateway}/delta-sharing/shares", headers=own, timeout=30)
    assert shares.status_code == 200, shares.text
    assert [s["name"] for s in shares.json()["items"]] == ["mlops"]

    revoked = requests.post(f"{gateway}/admin/recipients/{name}/revoke", headers=ADMIN, timeout=30)
    assert revoked.status_code == 200, revoked.text
    refused = _lookup(gateway, [1], headers=own)
    assert refused.status_code == 401, refused.text
    assert requests.get(f"{gateway}/delta-sharing/shares", headers=own, timeout=30).status_code == 401

    counted = {}
    for _ in range(100):  # the counters are written in the background
        counts = requests.get(f"{gateway}/admin/audit/feature-lookups", headers=ADMIN, timeout=30)
        assert counts.status_code == 200, counts.text
        counted = counts.json()
        if name in str(counted):
            break
        time.sleep(0.1)
    assert name in str(counted), counted


def test_the_recipients_requests_reach_the_audit_stream_on_the_cluster(gateway, cluster):
    def listed():
        return [e for e in events if e["operation"] == "listShares" and e.get("recipient") == "cluster-recipient"]

    events = []
    for _ in range(100):  # the audit writer is asynchronous
        r = requests.get(f"{gateway}/admin/audit", params={"order": "oldest", "limit": 1000}, headers=ADMIN, timeout=10)
        assert r.status_code == 200, r.text
        events = r.json()["events"]
        if listed() and events[-1]["operation"] == "listShares" and events[-1]["status"] == "401":
            break
        time.sleep(0.1)
    assert [e["status"] for e in listed()] == ["200"], events
    # The revoked token's attempt is recorded too (a token that authenticates nobody names no recipient).
    assert events[-1]["errorCode"] == "UNAUTHENTICATED", events
    assert cluster.client().xlen("goldgate:audit") == len(events)


def test_a_master_killed_mid_load_gives_503s_never_wrong_values_then_recovers(gateway, cluster, table_rows):
    statuses: list[int] = []
    wrong: list[str] = []
    stop = threading.Event()

    def load():
        ids = IDS[::7]
        while not stop.is_set():
            try:
                r = _lookup(gateway, ids)
            except requests.RequestException as e:
                wrong.append(f"no answer: {e}")
                continue
            statuses.append(r.status_code)
            if r.status_code == 200:
                for entity, got in _served(r.json()).items():
                    if got is not None and got != table_rows[entity]:
                        wrong.append(f"{entity}: {got} != {table_rows[entity]}")
            elif r.status_code != 503:
                wrong.append(f"{r.status_code} {r.text}")

    worker = threading.Thread(target=load)
    worker.start()
    try:
        time.sleep(1)
        cluster.kill(2)
        time.sleep(3)
        down = len(statuses)
        cluster.restart(2)
        time.sleep(1)
    finally:
        stop.set()
        worker.join()
    assert not wrong, wrong[:10]
    assert 503 in statuses[:down], statuses
    assert statuses.count(200) > 0, statuses

    # The restarted master is empty; the gateway notices the lost keys and serves every value again.
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while True:
        served = _served_all(gateway)
        if served is not None and served.pop(999_999) is None and served == table_rows:
            break
        assert time.monotonic() < deadline, f"not recovered: {sum(v is None for v in (served or {}).values())} missing"
        time.sleep(0.5)
