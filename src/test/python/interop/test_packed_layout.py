"""The packed online layout (``online: {layout: packed}``) against a gateway this module starts.

Catalog (written here, table by delta-rs): share ``shop`` with table ``items`` (one row per item,
partitioned by ``region``, a column of every Feast type, with nulls) and ``regional_items`` (the same
table, rows restricted per recipient by ``recipientPartitionFilter: {region: ${recipient.region}}``).
Feature definitions: ``items_hash`` (Feast's hash layout), ``items_packed`` and ``regional_packed``
(packed), all over the same rows.

* The packed view answers every value, status and event time as an independent delta-rs read says,
  and exactly as the hash view of the same table does.
* Redis holds one string per item for the packed view, starting with the encoding's version byte.
* Newer-wins: a commit with an older event time for one item and a newer one for another, then a
  materialization, changes only the second.
* A recipient whose rows are restricted reads, through the packed view, only its region's items.
* The hash view switched to the packed layout (a second gateway, same Redis) and materialized serves
  the same answer in the new layout.
"""
from __future__ import annotations

import base64
import datetime as dt

import pyarrow as pa
import pytest
import redis
import requests
from deltalake import DeltaTable, write_deltalake

from catalogs import Entity, Recipient, Table, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, launch_gateway, own_gateway_root

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
TOKENS = {"shop-reader": "goldgate-interop-packed-shop-token", "emea-reader": "goldgate-interop-packed-emea-token"}
REGIONS = ["EMEA", "APAC"]
FEATURES = (("i32", "Int32"), ("i64", "Int64"), ("f32", "Float32"), ("f64", "Float64"), ("s", "String"),
            ("b", "Bool"), ("raw", "Bytes"), ("seen", "UnixTimestamp"))
NAMES = [f for f, _ in FEATURES]
ITEM = Entity("item", {"item_id": "Int64"})
IDS = list(range(1, 61))
DB = 7
T0 = dt.datetime(2025, 3, 1, tzinfo=UTC)


def _rows(ids, minutes):
    """Every feature null for ids divisible by 7, else a value of its type."""
    def v(i, value):
        return None if i % 7 == 0 else value
    return pa.table({
        "item_id": pa.array(ids, pa.int64()),
        "region": pa.array([REGIONS[i % 2] for i in ids]),
        "i32": pa.array([v(i, -i) for i in ids], pa.int32()),
        "i64": pa.array([v(i, i * 10_000_000_000) for i in ids], pa.int64()),
        "f32": pa.array([v(i, i + 0.5) for i in ids], pa.float32()),
        "f64": pa.array([v(i, i / 3) for i in ids], pa.float64()),
        "s": pa.array([v(i, f"item-{i}-é") for i in ids]),
        "b": pa.array([v(i, i % 2 == 0) for i in ids], pa.bool_()),
        "raw": pa.array([v(i, bytes([i, 0, 255])) for i in ids], pa.binary()),
        "seen": pa.array([v(i, T0 + dt.timedelta(days=i)) for i in ids], pa.timestamp("us", tz="UTC")),
        "updated_at": pa.array([T0 + dt.timedelta(minutes=m) for m in minutes], pa.timestamp("us", tz="UTC")),
    })


def _defs(root, name, hash_layout):
    views = [("items_hash", "shop.gold.items", hash_layout), ("items_packed", "shop.gold.items", "packed"),
             ("regional_packed", "shop.gold.regional_items", "packed")]
    return write_feature_defs(root / name, [
        View(view, table=table, entities=[ITEM.name], timestamp_column="updated_at", layout=layout, features=dict(FEATURES))
        for view, table, layout in views], entities=[ITEM])


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, served_catalog, redis_server):
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "packed")
    table = root / "items"
    write_deltalake(str(table), _rows(IDS, IDS), partition_by=["region"])
    shares = write_catalog(root / "shares", {
        "shop.gold.items": table,
        "shop.gold.regional_items": Table(table, recipient_partition_filter={"region": "${recipient.region}"}),
    }, [Recipient("shop-reader", TOKENS["shop-reader"], ["shop"]),
        Recipient("emea-reader", TOKENS["emea-reader"], ["shop"], properties={"region": "EMEA"})])
    store = redis.Redis.from_url(f"{redis_server.url}/{DB}")
    store.flushdb()
    redis_url = f"{redis_server.url}/{DB}"
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=redis_url, features_dir=_defs(root, "defs", "feast")) as url:
        for view in ("items_hash", "items_packed", "regional_packed"):
            r = requests.post(f"{url}/admin/features/views/{view}/materialize", headers=ADMIN, timeout=120)
            assert r.status_code == 200, r.text
            assert r.json()["written"] == len(IDS), r.text
        yield {"url": url, "table": table, "root": root, "shares": shares, "redis": store, "redis_url": redis_url}


def _lookup(url, view, ids, recipient="shop-reader"):
    r = requests.post(f"{url}/get-online-features", headers={"Authorization": f"Bearer {TOKENS[recipient]}"},
                      json={"features": [f"{view}:{f}" for f in NAMES], "entities": {"item_id": ids}}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _feast_json(name, value):
    """A delta-rs value as Feast's JSON answer writes it."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if name == "f32":
        return pytest.approx(value, rel=1e-6)
    return value


def _expected(table):
    return {r["item_id"]: r for r in DeltaTable(str(table)).to_pyarrow_table().to_pylist()}


def _assert_equals_delta_rs(answer, rows, ids):
    by_name = dict(zip(answer["metadata"]["feature_names"], answer["results"]))
    for name in NAMES:
        column = by_name[name]
        for i, item in enumerate(ids):
            row = rows.get(item)
            if row is None:
                assert (column["values"][i], column["statuses"][i]) == (None, "NOT_FOUND"), (name, item)
                assert column["event_timestamps"][i] == "1970-01-01T00:00:00Z"
            elif row[name] is None:
                assert (column["values"][i], column["statuses"][i]) == (None, "NULL_VALUE"), (name, item)
            else:
                assert (column["values"][i], column["statuses"][i]) == (_feast_json(name, row[name]), "PRESENT"), (name, item)
            if row is not None:
                assert column["event_timestamps"][i] == row["updated_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), (name, item)


def test_the_packed_view_answers_what_delta_rs_reads_and_what_the_hash_view_answers(gateway):
    ids = IDS + [999, 7, 1]
    packed = _lookup(gateway["url"], "items_packed", ids)
    _assert_equals_delta_rs(packed, _expected(gateway["table"]), ids)
    assert packed["results"] == _lookup(gateway["url"], "items_hash", ids)["results"]
    statuses = packed["results"][1]["statuses"]
    assert statuses.count("NULL_VALUE") == 9 and statuses.count("NOT_FOUND") == 1


def test_redis_holds_one_versioned_string_per_item_for_the_packed_view(gateway):
    keys = gateway["redis"].keys(b"*#gg1:items_packed")
    assert len(keys) == len(IDS)
    value = gateway["redis"].get(keys[0])
    assert value[0] == 2, "version byte"
    assert gateway["redis"].type(keys[0]) == b"string"


def test_a_recipient_whose_rows_are_restricted_reads_only_its_items_through_a_packed_view(gateway):
    rows = _expected(gateway["table"])
    answer = _lookup(gateway["url"], "regional_packed", IDS, recipient="emea-reader")
    visible = {item: row for item, row in rows.items() if row["region"] == "EMEA"}
    _assert_equals_delta_rs(answer, visible, IDS)
    assert answer["results"][1]["statuses"].count("NOT_FOUND") == len(IDS) - len(visible) == 30


def test_the_hash_view_switched_to_packed_and_rematerialized_answers_the_same(request, gateway):
    before = _lookup(gateway["url"], "items_hash", IDS)
    defs = _defs(gateway["root"], "defs-switched", "packed")
    with launch_gateway(request.config, gateway["root"] / "gateway-switched.log", shares_dir=gateway["shares"], redis_url=gateway["redis_url"],
                        features_dir=defs) as url:
        r = requests.post(f"{url}/admin/features/views/items_hash/materialize", headers=ADMIN, timeout=120)
        assert r.status_code == 200, r.text
        assert (r.json()["state"], r.json()["written"]) == ("materialized", len(IDS)), r.text
        assert _lookup(url, "items_hash", IDS)["results"] == before["results"]
    assert len(gateway["redis"].keys(b"*#gg1:items_hash")) == len(IDS)


def test_an_older_event_time_never_replaces_a_newer_one(gateway):
    # Last in the module: it changes the table. Item 1 gets an older event time, item 2 a newer one.
    update = _rows([1, 2], [0, 10_000])
    update = update.set_column(update.schema.get_field_index("s"), "s", pa.array(["older", "newer"]))
    write_deltalake(str(gateway["table"]), update, mode="append", partition_by=["region"])
    r = requests.post(f"{gateway['url']}/admin/features/views/items_packed/materialize", headers=ADMIN, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["written"] == 1, r.text
    answer = _lookup(gateway["url"], "items_packed", [1, 2])
    s = dict(zip(answer["metadata"]["feature_names"], answer["results"]))["s"]
    assert s["values"] == ["item-1-é", "newer"]
    assert s["event_timestamps"] == ["2025-03-01T00:01:00Z", "2025-03-07T22:40:00Z"]
