"""Goldgate and the real Feast SDK (feast 0.67, Redis online store) share one Redis.

Goldgate materializes feature view ``customer_stats`` (feature-defs/customers.yaml) into the Redis
of the session (fixture ``redis_server``); a local Feast repository with the same project, entity,
view, feature names and types reads it with ``FeatureStore.get_online_features`` and writes it with
``FeatureStore.write_to_online_store``. Every value is checked three ways: Goldgate's
``POST /get-online-features``, Feast's SDK, and delta-rs (``deltalake`` QueryBuilder) reading
shares/sample-lake/customer_features at its latest version.

Feast's own statuses are not compared: feast 0.67's Redis store answers PRESENT even for keys it
never found. Its values and event timestamps are.
"""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

os.environ.setdefault("FEAST_USAGE", "False")  # no telemetry from the SDK under test

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import redis
import requests
from deltalake import DeltaTable, QueryBuilder
from feast import Entity, FeatureService, FeatureStore, FeatureView, Field, FileSource, ValueType
from feast.infra.online_stores.helpers import _mmh3, _redis_key
from feast.protos.feast.types.EntityKey_pb2 import EntityKey
from feast.protos.feast.types.Value_pb2 import Value
from feast.types import Bool, Float64, Int32, Int64, String, UnixTimestamp

from conftest import LAKE_DIR

UTC = dt.timezone.utc
PROJECT = "goldgate"  # goldgate.features.project
VIEW = "customer_stats"
SERVICE = "churn_model"
TABLE_PATH = LAKE_DIR / "customer_features"
EVENT_TIME = "last_order_ts"
# feature name -> Feast type, as in feature-defs/customers.yaml (avg_basket is a decimal column)
FEATURES = {
    "segment": String,
    "lifetime_value": Float64,
    "orders_count": Int32,
    "avg_basket": Float64,
    "is_active": Bool,
    "churn_score": Float64,
    "favorite_category": String,
    "last_order_ts": UnixTimestamp,
}
SERVICE_FEATURES = ["lifetime_value", "orders_count", "churn_score", "is_active"]
REFS = [f"{VIEW}:{name}" for name in FEATURES]
ZERO_TIME = "1970-01-01T00:00:00Z"
WATERMARK_KEY = f"goldgate:watermark:{PROJECT}:{VIEW}".encode()

# Written by Feast (test_goldgate_serves_what_feast_wrote): two customers of the table, whose
# Goldgate rows the newer Feast rows replace, and one customer the table does not have.
FEAST_WRITTEN = {
    168: {"segment": "feast-gold", "lifetime_value": 12345.5, "orders_count": 77, "avg_basket": 160.25,
          "is_active": False, "churn_score": 0.875, "favorite_category": None},
    169: {"segment": "feast-silver", "lifetime_value": 0.1, "orders_count": 0, "avg_basket": 0.0,
          "is_active": True, "churn_score": 0.0, "favorite_category": "feast-books"},
    9001: {"segment": "feast-only", "lifetime_value": -1.25, "orders_count": -3, "avg_basket": 1e-3,
           "is_active": True, "churn_score": 1.0, "favorite_category": "feast-toys"},
}
NEVER_WRITTEN = [9002, 0, -7]


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feast_redis(redis_server):
    if redis_server is not None:
        return redis_server
    if os.environ.get("GOLDGATE_URL"):
        pytest.skip("GOLDGATE_URL is set without GOLDGATE_REDIS_URL (the Redis that gateway uses)")
    pytest.fail("no redis-server found (PATH, /tmp/goldgate-test-redis-server-6.2.6, or the "
                "embedded-redis 1.4.3 jar in ~/.m2): run ./mvnw verify first or install redis-server")


@pytest.fixture(scope="module")
def auth(partner_token) -> dict:
    return {"Authorization": f"Bearer {partner_token}"}


@pytest.fixture(scope="module")
def lake() -> tuple[int, dict[int, dict]]:
    """(latest version, customer_id -> newest row) of customer_features, read by delta-rs."""
    table = DeltaTable(str(TABLE_PATH))
    columns = ["customer_id", *FEATURES]
    result = pa.table(
        QueryBuilder().register("t", table).execute(f"SELECT {', '.join(columns)} FROM t").read_all()
    )
    rows: dict[int, dict] = {}
    for row in result.select(columns).to_pylist():
        if row["customer_id"] is None or row[EVENT_TIME] is None:
            continue
        current = rows.get(row["customer_id"])
        if current is None or row[EVENT_TIME] > current[EVENT_TIME]:  # newest row per entity
            rows[row["customer_id"]] = row
    for row in rows.values():
        assert isinstance(row["avg_basket"], Decimal)
        row["avg_basket"] = float(row["avg_basket"])
        assert row[EVENT_TIME].tzinfo is not None
    return table.version(), rows


@pytest.fixture(scope="module")
def materialized(gateway_url, admin_auth, feast_redis, lake) -> dict:
    """Goldgate's answer to POST /admin/features/views/customer_stats/materialize."""
    r = requests.post(f"{gateway_url}/admin/features/views/{VIEW}/materialize", headers=admin_auth, timeout=60)
    assert r.status_code == 200, r.text
    progress = r.json()
    assert progress["view"] == VIEW and progress["tableVersion"] == lake[0], progress
    return progress


@pytest.fixture(scope="module")
def store(tmp_path_factory, feast_redis) -> FeatureStore:
    """A local Feast repository (project goldgate) over the session's Redis, applied with the SDK."""
    repo = tmp_path_factory.mktemp("feast-repo")
    # the offline source is never read: online reads and writes only
    source_file = repo / "customer_stats.parquet"
    pq.write_table(
        pa.table({"customer_id": pa.array([0], pa.int64()),
                  EVENT_TIME: pa.array([dt.datetime(2025, 1, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))}),
        source_file,
    )
    (repo / "feature_store.yaml").write_text(
        f"""project: {PROJECT}
provider: local
registry: {repo / 'registry.db'}
online_store:
  type: redis
  connection_string: "{feast_redis.connection_string}"
entity_key_serialization_version: 3
"""
    )
    fs = FeatureStore(repo_path=str(repo))
    customer = Entity(name="customer", join_keys=["customer_id"], value_type=ValueType.INT64)
    view = FeatureView(
        name=VIEW,
        entities=[customer],
        ttl=dt.timedelta(0),  # no max age, like the Goldgate view
        schema=[Field(name="customer_id", dtype=Int64), *(Field(name=n, dtype=t) for n, t in FEATURES.items())],
        source=FileSource(path=str(source_file), timestamp_field=EVENT_TIME),
        online=True,
    )
    service = FeatureService(name=SERVICE, features=[view[SERVICE_FEATURES]])
    fs.apply([customer, view, service])
    assert [f.name for f in fs.get_feature_view(VIEW).features] == list(FEATURES)
    return fs


@pytest.fixture(scope="module")
def feast_written(store, materialized) -> dict[int, dict]:
    """FEAST_WRITTEN, written by Feast after Goldgate materialized, with event time now (newer than
    every row of the table, microseconds included); customer_id -> row incl. last_order_ts."""
    now = dt.datetime.now(UTC)
    frame = pd.DataFrame([{"customer_id": cid, **values, EVENT_TIME: now} for cid, values in FEAST_WRITTEN.items()])
    frame["customer_id"] = frame["customer_id"].astype("int64")
    frame["orders_count"] = frame["orders_count"].astype("int32")
    store.write_to_online_store(VIEW, frame)
    return {cid: {**values, EVENT_TIME: now} for cid, values in FEAST_WRITTEN.items()}


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def goldgate(gateway_url: str, auth: dict, body: dict) -> dict:
    r = requests.post(f"{gateway_url}/get-online-features", headers=auth, json=body, timeout=30)
    assert r.status_code == 200, f"POST /get-online-features {body} -> {r.status_code} {r.text}"
    return r.json()


def columns(answer: dict) -> dict[str, dict]:
    """Goldgate's columnar answer as feature name -> {values, statuses, event_timestamps}."""
    names = answer["metadata"]["feature_names"]
    assert len(names) == len(answer["results"]), answer
    return dict(zip(names, answer["results"]))


def iso(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0), text
    return value


def goldgate_value(feature: str, value):
    """A Goldgate JSON value as the Python value Feast's to_dict() gives (timestamps as datetimes)."""
    if value is not None and FEATURES.get(feature) is UnixTimestamp:
        return iso(value)
    return value


def whole_seconds(instant: dt.datetime) -> dt.datetime:
    """A UnixTimestamp feature value keeps whole seconds only (Value.unix_timestamp_val)."""
    return instant.replace(microsecond=0)


def feast_event_times(response) -> dict[str, list[dt.datetime]]:
    proto = response.proto
    names = list(proto.metadata.feature_names.val)
    return {n: [ts.ToDatetime(tzinfo=UTC) for ts in res.event_timestamps] for n, res in zip(names, proto.results)}


def same_type(a, b) -> bool:
    return type(a) is type(b) or (isinstance(a, float) and isinstance(b, float))


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_feast_sdk_reads_what_goldgate_materialized(gateway_url, auth, store, materialized, lake):
    _, rows = lake
    ids = sorted(set(rows) - set(FEAST_WRITTEN))
    assert len(ids) > 100
    assert sum(rows[i]["favorite_category"] is None for i in ids) >= 5, "the sample should have null categories"

    answer = goldgate(gateway_url, auth, {"features": REFS, "entities": {"customer_id": ids}, "full_feature_names": False})
    got = columns(answer)
    assert answer["metadata"]["feature_names"] == ["customer_id", *FEATURES]
    assert got["customer_id"]["values"] == ids

    response = store.get_online_features(features=REFS, entity_rows=[{"customer_id": i} for i in ids])
    feast = response.to_dict()
    feast_times = feast_event_times(response)
    assert set(feast) == {"customer_id", *FEATURES}
    assert feast["customer_id"] == ids

    for feature in FEATURES:
        col = got[feature]
        for r, cid in enumerate(ids):
            lake_row = rows[cid]
            expected = lake_row[feature]
            where = f"customer {cid} {feature}"
            gg = goldgate_value(feature, col["values"][r])
            fe = feast[feature][r]
            assert fe == expected and same_type(fe, expected), f"{where}: Feast SDK {fe!r}, delta-rs {expected!r}"
            assert gg == expected and same_type(gg, expected), f"{where}: Goldgate {gg!r}, delta-rs {expected!r}"
            assert col["statuses"][r] == ("NULL_VALUE" if expected is None else "PRESENT"), f"{where}: {col['statuses'][r]}"
            event_time = lake_row[EVENT_TIME]
            assert iso(col["event_timestamps"][r]) == event_time, f"{where}: Goldgate event time {col['event_timestamps'][r]}"
            assert feast_times[feature][r] == event_time, f"{where}: Feast event time {feast_times[feature][r]}"
    # null categories really come back as None from both
    nulls = [i for i in ids if rows[i]["favorite_category"] is None]
    assert all(feast["favorite_category"][ids.index(i)] is None for i in nulls)
    assert all(got["favorite_category"]["values"][ids.index(i)] is None for i in nulls)


@pytest.mark.parametrize("full", [False, True], ids=["short-names", "full-names"])
def test_feature_service_agrees_with_feast(gateway_url, auth, store, materialized, lake, full):
    _, rows = lake
    ids = [1, 2, 3, 4, 9, 12, 83, 88]
    answer = goldgate(gateway_url, auth, {"feature_service": SERVICE, "entities": {"customer_id": ids}, "full_feature_names": full})
    names = [f"{VIEW}__{n}" if full else n for n in SERVICE_FEATURES]
    assert answer["metadata"]["feature_names"] == ["customer_id", *names]
    got = columns(answer)
    feast = store.get_online_features(
        features=store.get_feature_service(SERVICE), entity_rows=[{"customer_id": i} for i in ids], full_feature_names=full
    ).to_dict()
    assert set(feast) == {"customer_id", *names}
    for feature, name in zip(SERVICE_FEATURES, names):
        expected = [rows[i][feature] for i in ids]
        assert got[name]["values"] == expected == feast[name], name
        assert got[name]["statuses"] == ["PRESENT"] * len(ids)


def test_goldgate_serves_what_feast_wrote(gateway_url, auth, admin_auth, store, feast_written, lake):
    _, rows = lake
    ids = list(feast_written)
    assert all(rows[i][EVENT_TIME] < feast_written[i][EVENT_TIME] for i in ids if i in rows)
    assert any(i in rows for i in ids) and any(i not in rows for i in ids)

    answer = goldgate(gateway_url, auth, {"features": REFS, "entities": {"customer_id": ids}})
    got = columns(answer)
    assert got["customer_id"]["values"] == ids
    feast = store.get_online_features(features=REFS, entity_rows=[{"customer_id": i} for i in ids]).to_dict()
    for feature in FEATURES:
        col = got[feature]
        for r, cid in enumerate(ids):
            written = feast_written[cid]
            expected = whole_seconds(written[EVENT_TIME]) if feature == EVENT_TIME else written[feature]
            where = f"customer {cid} {feature}"
            gg = goldgate_value(feature, col["values"][r])
            assert gg == expected and same_type(gg, expected), f"{where}: Goldgate {gg!r}, Feast wrote {expected!r}"
            assert feast[feature][r] == expected, f"{where}: Feast SDK read back {feast[feature][r]!r}"
            assert col["statuses"][r] == ("NULL_VALUE" if expected is None else "PRESENT"), f"{where}: {col['statuses'][r]}"
            assert iso(col["event_timestamps"][r]) == written[EVENT_TIME], f"{where}: event time {col['event_timestamps'][r]}"

    # Goldgate materializing again does not bring the older table rows back over Feast's newer ones
    again = requests.post(f"{gateway_url}/admin/features/views/{VIEW}/materialize", headers=admin_auth, timeout=60)
    assert again.status_code == 200, again.text
    assert columns(goldgate(gateway_url, auth, {"features": REFS, "entities": {"customer_id": ids}})) == got


def test_customers_goldgate_never_wrote(gateway_url, auth, store, feast_written, lake):
    _, rows = lake
    feast_only = [i for i in feast_written if i not in rows]
    assert feast_only and not set(NEVER_WRITTEN) & set(rows)
    ids = [*NEVER_WRITTEN, *feast_only, 1]
    for body in ({"features": REFS}, {"feature_service": SERVICE}):
        got = columns(goldgate(gateway_url, auth, {**body, "entities": {"customer_id": ids}}))
        assert got["customer_id"]["values"] == ids
        for feature, col in got.items():
            if feature == "customer_id":
                continue
            for r, cid in enumerate(ids):
                where = f"{body} customer {cid} {feature}"
                if cid in NEVER_WRITTEN:  # nobody wrote it
                    assert (col["values"][r], col["statuses"][r], col["event_timestamps"][r]) == (None, "NOT_FOUND", ZERO_TIME), where
                elif cid in feast_only:  # only Feast wrote it
                    assert col["statuses"][r] == "PRESENT", where
                    assert iso(col["event_timestamps"][r]) == feast_written[cid][EVENT_TIME], where
                else:
                    assert col["statuses"][r] == "PRESENT", where
                    assert iso(col["event_timestamps"][r]) == rows[cid][EVENT_TIME], where
    feast = store.get_online_features(features=REFS, entity_rows=[{"customer_id": i} for i in NEVER_WRITTEN]).to_dict()
    assert all(feast[f] == [None] * len(NEVER_WRITTEN) for f in FEATURES), feast


def test_watermark_key_after_materialization(gateway_url, admin_auth, feast_redis, materialized, lake):
    version, rows = lake
    client = redis.Redis(host=feast_redis.host, port=feast_redis.port)
    try:
        assert client.type(WATERMARK_KEY) == b"string"
        assert client.get(WATERMARK_KEY) == str(version).encode()
        # one hash per customer under Feast's own key (entity key v3 + project), with the view's
        # event-time field and a murmur3-named field per feature
        ts_field = f"_ts:{VIEW}".encode()
        fields = [_mmh3(f"{VIEW}:{name}") for name in FEATURES]
        for cid in sorted(set(rows) - set(FEAST_WRITTEN)):
            key = _redis_key(PROJECT, EntityKey(join_keys=["customer_id"], entity_values=[Value(int64_val=cid)]), 3)
            assert client.type(key) == b"hash", cid
            assert set(client.hkeys(key)) == {ts_field, *fields}, cid
    finally:
        client.close()
    r = requests.post(f"{gateway_url}/admin/features/views/{VIEW}/materialize", headers=admin_auth, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "up to date" and r.json()["tableVersion"] == version, r.json()
    assert r.json()["written"] == 0
