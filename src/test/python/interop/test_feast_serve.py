"""``feast serve``'s write surface on Goldgate, against a gateway this module starts.

Catalog (written here, tables by delta-rs): share ``crm`` with table ``customers`` (customers 1-50,
one row each, updated_at in March 2025) and table ``visits`` (customers 1-30, a row on each of
five days from 2025-03-01 at minute ``customer`` of the day, one file per day, minus the days where
``(customer + day) % 4 == 0``); recipients ``writer`` (share crm, property
``goldgate.featureWrites`` listing every view below) and ``reader`` (share crm only). Feature
views ``crm_stats`` (score Float64, tier String) over ``crm.gold.customers`` and ``crm_packed``,
the same in the packed layout, both materialized at start; ``crm_visits``, ``crm_visits_packed``
and ``crm_visits_sdk`` (the same features over ``visits``; hash, packed, hash), which only the
tests materialize, the last through the Feast SDK.

* Raw HTTP: a push with a newer event time replaces an entity's values, one with an older event
  time does not; a reader may read but not push; a bad frame is refused whole.
* Audit: a push and a refused push are each one event of ``GET /admin/audit`` (recipient, protocol
  ``features``, operation, feature view, rows written, status).
* Write grants through ``/admin/recipients/{name}/feature-writes``: a recipient created through
  the API may push once granted, and its next push after the revocation is a 403.
* Feast's SDK with ``online_store: {type: remote, path: <gateway>}`` and the writer's token as
  ``auth: {type: oidc, token: ...}`` reads (``get_online_features``) the same values delta-rs reads
  from the table, and writes (``push`` to a PushSource named like the view, and
  ``write_to_online_store``) values Goldgate then serves, newer-wins included.
* Feast's time ranges, over raw HTTP and through the SDK's remote ``materialize`` /
  ``materialize_incremental``: the visits views serve, per customer, exactly the newest row that
  delta-rs reads (filtered with pandas) among the rows of the ranges materialized so far, an older
  range never overwriting a newer one, and NOT_FOUND for customers without a row in them.
"""
from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlparse

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
from deltalake import DeltaTable, write_deltalake
from feast import Entity, FeatureStore, FeatureView, Field, FileSource, PushSource, ValueType
from feast.protos.feast.serving.ServingService_pb2 import FieldStatus
from feast.types import Float64, Int64, String

from catalogs import Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, launch_gateway, own_gateway_root

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
TOKENS = {"writer": "goldgate-interop-serve-writer-token", "reader": "goldgate-interop-serve-reader-token"}
MARCH = dt.datetime(2025, 3, 1, tzinfo=UTC)
FEATURES = {"score": "Float64", "tier": "String"}  # of every view


def _auth(recipient: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[recipient]}"}


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, served_catalog, redis_server):
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "serve")
    table = root / "customers"
    ids = list(range(1, 51))
    write_deltalake(str(table), pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "score": pa.array([i * 0.5 for i in ids], pa.float64()),
        "tier": pa.array([f"tier-{i % 4}" for i in ids]),
        "updated_at": pa.array([MARCH + dt.timedelta(minutes=i) for i in ids], pa.timestamp("us", tz="UTC")),
    }))
    visits = root / "visits"
    for day in range(5):
        kept = [i for i in range(1, 31) if (i + day) % 4 != 0]
        write_deltalake(str(visits), pa.table({
            "customer_id": pa.array(kept, pa.int64()),
            "score": pa.array([i * 10 + day + 0.25 for i in kept], pa.float64()),
            "tier": pa.array([f"day-{day}-{i}" for i in kept]),
            "updated_at": pa.array([MARCH + dt.timedelta(days=day, minutes=i) for i in kept], pa.timestamp("us", tz="UTC")),
        }), mode="append")
    views = [View(name, table=f"crm.gold.{table_name}", timestamp_column="updated_at", features=FEATURES, layout=layout)
             for name, table_name, layout in (("crm_stats", "customers", None), ("crm_packed", "customers", "packed"),
                                              ("crm_visits", "visits", None), ("crm_visits_packed", "visits", "packed"),
                                              ("crm_visits_sdk", "visits", None))]
    shares = write_catalog(root / "shares", {"crm.gold.customers": table, "crm.gold.visits": visits}, [
        Recipient("writer", TOKENS["writer"], ["crm"], properties={"goldgate.featureWrites": ",".join(v.name for v in views)}),
        Recipient("reader", TOKENS["reader"], ["crm"])])
    defs = write_feature_defs(root / "feature-defs", views)
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=f"{redis_server.url}/5", features_dir=defs) as url:
        for view in ("crm_stats", "crm_packed"):
            r = requests.post(f"{url}/admin/features/views/{view}/materialize", headers=ADMIN, timeout=120)
            assert r.status_code == 200, r.text
        yield {"url": url, "table": table, "visits": visits, "root": root}


def _rows(table) -> dict[int, dict]:
    """The table as delta-rs reads it: customer_id -> row."""
    return {r["customer_id"]: r for r in DeltaTable(str(table)).to_pyarrow_table().to_pylist()}


def _lookup(gateway, ids: list[int], recipient: str = "reader") -> dict:
    r = requests.post(f"{gateway['url']}/get-online-features", headers=_auth(recipient), timeout=30,
                      json={"features": ["crm_stats:score", "crm_stats:tier"], "entities": {"customer_id": ids}})
    assert r.status_code == 200, r.text
    return r.json()


def _push(gateway, ids, times, scores, recipient="writer", tiers=None) -> requests.Response:
    return requests.post(f"{gateway['url']}/push", headers=_auth(recipient), timeout=30, json={
        "push_source_name": "crm_stats", "to": "online",
        "df": {"customer_id": ids, "updated_at": times, "score": scores, "tier": tiers or [f"pushed-{i}" for i in ids]},
    })


def test_health_answers_without_a_token(gateway):
    assert requests.get(f"{gateway['url']}/health", timeout=10).status_code == 200


def test_push_newer_replaces_older_does_not(gateway):
    rows = _rows(gateway["table"])
    newer = (MARCH + dt.timedelta(days=30)).isoformat()
    older = (MARCH - dt.timedelta(days=30)).isoformat()
    r = _push(gateway, [1, 2, 1001], [newer, older, newer], [100.0, 200.0, 300.0])
    assert r.status_code == 200, r.text
    answer = _lookup(gateway, [1, 2, 1001, 3])
    assert answer["results"][1]["values"] == [100.0, rows[2]["score"], 300.0, rows[3]["score"]]
    assert answer["results"][2]["values"] == ["pushed-1", rows[2]["tier"], "pushed-1001", rows[3]["tier"]]
    assert answer["results"][1]["statuses"] == ["PRESENT"] * 4
    assert answer["results"][1]["event_timestamps"][:2] == ["2025-03-31T00:00:00Z", "2025-03-01T00:02:00Z"]


def test_a_push_to_a_packed_view_lands_where_its_lookups_read(gateway):
    rows = _rows(gateway["table"])
    newer = (MARCH + dt.timedelta(days=30)).isoformat()
    older = (MARCH - dt.timedelta(days=30)).isoformat()
    r = requests.post(f"{gateway['url']}/push", headers=_auth("writer"), timeout=30, json={
        "push_source_name": "crm_packed", "to": "online",
        "df": {"customer_id": [7, 8, 2002], "updated_at": [newer, older, newer], "score": [7.5, 8.5, 2.5], "tier": ["p-7", "p-8", "p-2002"]},
    })
    assert r.status_code == 200, r.text
    answer = requests.post(f"{gateway['url']}/get-online-features", headers=_auth("reader"), timeout=30,
                           json={"features": ["crm_packed:score", "crm_packed:tier"], "entities": {"customer_id": [7, 8, 2002]}}).json()
    assert answer["results"][1]["values"] == [7.5, rows[8]["score"], 2.5]
    assert answer["results"][2]["values"] == ["p-7", rows[8]["tier"], "p-2002"]
    assert answer["results"][1]["statuses"] == ["PRESENT"] * 3


def test_reader_may_not_push_and_bad_frames_write_nothing(gateway):
    r = _push(gateway, [4], [(MARCH + dt.timedelta(days=30)).isoformat()], [1.0], recipient="reader")
    assert r.status_code == 403
    assert r.json() == {"errorCode": "PERMISSION_DENIED",
                        "message": "You may not write feature view 'crm_stats': writes need the recipient property goldgate.featureWrites to list it"}
    r = _push(gateway, [5, 6], [(MARCH + dt.timedelta(days=30)).isoformat()] * 2, [1.0, "two"])
    assert r.status_code == 400
    assert r.json()["message"] == "df column 'score' row 1: \"two\" is not a float64"
    rows = _rows(gateway["table"])
    answer = _lookup(gateway, [4, 5, 6])
    assert answer["results"][1]["values"] == [rows[4]["score"], rows[5]["score"], rows[6]["score"]]


@pytest.fixture(scope="module")
def remote_store(gateway) -> FeatureStore:
    """A Feast repository whose online store is Goldgate, through Feast's remote online store."""
    repo = gateway["root"] / "feast-repo"
    repo.mkdir()
    source_file = repo / "customers.parquet"
    pq.write_table(pa.table({"customer_id": pa.array([0], pa.int64()),
                             "updated_at": pa.array([MARCH], pa.timestamp("us", tz="UTC"))}), source_file)
    (repo / "feature_store.yaml").write_text(f"""project: goldgate
provider: local
registry: {repo / 'registry.db'}
online_store:
  type: remote
  path: {gateway['url']}
auth:
  type: oidc
  token: {TOKENS['writer']}
entity_key_serialization_version: 3
""")
    fs = FeatureStore(repo_path=str(repo))
    customer = Entity(name="customer", join_keys=["customer_id"], value_type=ValueType.INT64)
    batch = FileSource(path=str(source_file), timestamp_field="updated_at")
    view = FeatureView(
        name="crm_stats",
        entities=[customer],
        ttl=dt.timedelta(0),
        schema=[Field(name="customer_id", dtype=Int64), Field(name="score", dtype=Float64), Field(name="tier", dtype=String)],
        source=PushSource(name="crm_stats", batch_source=batch),
        online=True,
    )
    fs.apply([customer, view])
    return fs


def test_feast_sdk_remote_store_reads_what_delta_rs_reads(gateway, remote_store):
    rows = _rows(gateway["table"])
    ids = [10, 20, 30, 999999]
    response = remote_store.get_online_features(features=["crm_stats:score", "crm_stats:tier"],
                                                entity_rows=[{"customer_id": i} for i in ids])
    got = response.to_dict()
    assert got["customer_id"] == ids
    statuses = [FieldStatus.Name(s) for s in response.proto.results[1].statuses]
    assert statuses == ["PRESENT", "PRESENT", "PRESENT", "NOT_FOUND"]
    assert got["score"] == [rows[10]["score"], rows[20]["score"], rows[30]["score"], None]
    assert got["tier"] == [rows[10]["tier"], rows[20]["tier"], rows[30]["tier"], None]


def test_feast_sdk_remote_store_pushes_and_writes(gateway, remote_store):
    rows = _rows(gateway["table"])
    newer = pd.Timestamp(MARCH + dt.timedelta(days=60))
    older = pd.Timestamp(MARCH - dt.timedelta(days=60))
    remote_store.push("crm_stats", pd.DataFrame({
        "customer_id": pd.Series([40, 41], dtype="int64"), "score": [40.5, 41.5], "tier": ["sdk-40", "sdk-41"],
        "updated_at": [newer, older],
    }))
    remote_store.write_to_online_store("crm_stats", pd.DataFrame({
        "customer_id": pd.Series([42, 2002], dtype="int64"), "score": [42.5, 2002.5], "tier": ["sdk-42", "sdk-2002"],
        "updated_at": [newer, newer],
    }))
    got = remote_store.get_online_features(features=["crm_stats:score", "crm_stats:tier"],
                                           entity_rows=[{"customer_id": i} for i in (40, 41, 42, 2002)]).to_dict()
    assert got["score"] == [40.5, rows[41]["score"], 42.5, 2002.5]
    assert got["tier"] == ["sdk-40", rows[41]["tier"], "sdk-42", "sdk-2002"]
    # Goldgate's own API serves the same, with the pushed event times.
    answer = _lookup(gateway, [40, 41, 42, 2002])
    assert answer["results"][1]["values"] == got["score"]
    assert answer["results"][1]["event_timestamps"] == ["2025-04-30T00:00:00Z", "2025-03-01T00:41:00Z", "2025-04-30T00:00:00Z", "2025-04-30T00:00:00Z"]


def test_feast_materialize_endpoints_answer_as_feasts(gateway):
    url = gateway["url"]
    stats = {"feature_views": ["crm_stats", "crm_packed"]}
    r = requests.post(f"{url}/materialize", headers=_auth("writer"), timeout=120,
                      json={"start_ts": "2025-01-01T00:00:00", "end_ts": "2026-01-01T00:00:00", **stats})
    assert (r.status_code, r.text) == (200, "")
    r = requests.post(f"{url}/materialize-incremental", headers=_auth("writer"), timeout=120, json={"end_ts": "2026-01-01T00:00:00", **stats})
    assert (r.status_code, r.text) == (200, "")
    r = requests.post(f"{url}/materialize", headers=_auth("writer"), timeout=120, json=stats)
    assert (r.status_code, r.text) == (200, "")
    r = requests.post(f"{url}/materialize", headers=_auth("reader"), timeout=120, json={"feature_views": ["crm_stats"]})
    assert r.status_code == 403
    r = requests.post(f"{url}/materialize", headers=_auth("writer"), timeout=120,
                      json={"start_ts": "2025-03-02T00:00:00", "end_ts": "2025-03-01T00:00:00", **stats})
    assert r.status_code == 400
    assert r.json() == {"errorCode": "INVALID_PARAMETER_VALUE",
                        "message": "start_ts (2025-03-02T00:00:00Z) must be before end_ts (2025-03-01T00:00:00Z)"}
    r = requests.post(f"{url}/materialize-incremental", headers=_auth("writer"), timeout=120, json={"end_ts": "soon", **stats})
    assert r.status_code == 400
    assert r.json()["message"].startswith("end_ts: 'soon' is not an ISO-8601 time")


def _latest_in(table, start: dt.datetime, end: dt.datetime) -> dict[int, dict]:
    """delta-rs reads the table, pandas keeps the rows in [start, end] and the newest per customer."""
    df = DeltaTable(str(table)).to_pandas()
    df = df[(df["updated_at"] >= pd.Timestamp(start)) & (df["updated_at"] <= pd.Timestamp(end))]
    latest = df.sort_values("updated_at").groupby("customer_id").tail(1)
    return {int(r["customer_id"]): r for r in latest.to_dict("records")}


VISITORS = list(range(1, 31)) + [999]


def _assert_serves(gateway, view: str, expected: dict[int, dict]):
    """The view serves, for customers 1-30 and 999, exactly ``expected``: its rows' values and event
    times, NOT_FOUND for every other customer."""
    r = requests.post(f"{gateway['url']}/get-online-features", headers=_auth("reader"), timeout=30,
                      json={"features": [f"{view}:score", f"{view}:tier"], "entities": {"customer_id": VISITORS}})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    want = [expected.get(i) for i in VISITORS]
    assert results[1]["statuses"] == ["PRESENT" if w is not None else "NOT_FOUND" for w in want]
    assert results[1]["values"] == [w["score"] if w is not None else None for w in want]
    assert results[2]["values"] == [w["tier"] if w is not None else None for w in want]
    assert [t for t, w in zip(results[1]["event_timestamps"], want) if w is not None] == \
        [w["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ") for w in want if w is not None]


@pytest.mark.parametrize("view", ["crm_visits", "crm_visits_packed"])
def test_materialize_over_a_range_serves_the_newest_row_in_it(gateway, view):
    # Day 1's rows: customers without one (3, 7, ..., 27) have rows on other days, served by no range here.
    start, end = MARCH + dt.timedelta(days=1), MARCH + dt.timedelta(days=1, hours=12)
    expected = _latest_in(gateway["visits"], start, end)
    assert len(expected) == 23, expected.keys()
    called = dt.datetime.now(UTC)
    r = requests.post(f"{gateway['url']}/materialize", headers=_auth("writer"), timeout=120,
                      json={"start_ts": start.replace(tzinfo=None).isoformat(), "end_ts": end.isoformat(), "feature_views": [view]})
    assert (r.status_code, r.text) == (200, "")
    _assert_serves(gateway, view, expected)
    # One audit event, counting the rows the store took: the 23 customers' newest rows in the range.
    [event] = [e for e in _audit(gateway, recipient="writer", **{"from": _since(called)}) if e["operation"] == "materialize"]
    assert {k: event.get(k) for k in ("protocol", "featureViews", "rows", "status")} == {
        "protocol": "features", "featureViews": [view], "rows": 23, "status": "200"}


def test_feast_sdk_materializes_ranges_and_incrementally(gateway, remote_store):
    table = gateway["visits"]
    # A narrow range first: the first ten minutes of day 3, so customers 11-30 (and those without a
    # day-3 row) stay NOT_FOUND.
    day3 = MARCH + dt.timedelta(days=3)
    remote_store.materialize(day3, day3 + dt.timedelta(minutes=10), feature_views=["crm_visits_sdk"])
    served = _latest_in(table, day3, day3 + dt.timedelta(minutes=10))
    assert 0 < len(served) < 10
    _assert_serves(gateway, "crm_visits_sdk", served)
    # An earlier range: customers with a day-3 row keep it (older rows never overwrite newer).
    remote_store.materialize(MARCH, MARCH + dt.timedelta(days=1, hours=12), feature_views=["crm_visits_sdk"])
    earlier = _latest_in(table, MARCH, MARCH + dt.timedelta(days=1, hours=12))
    assert set(earlier) & set(served)
    served = {**earlier, **served}
    _assert_serves(gateway, "crm_visits_sdk", served)
    # Incremental: from the latest end (day 3 + 10 min) to the middle of day 4: the rest of day 3.
    remote_store.materialize_incremental(MARCH + dt.timedelta(days=3, hours=12), feature_views=["crm_visits_sdk"])
    served.update(_latest_in(table, day3 + dt.timedelta(minutes=10), MARCH + dt.timedelta(days=3, hours=12)))
    _assert_serves(gateway, "crm_visits_sdk", served)
    # Again, to the end of day 4: day 4's rows, the newest of all.
    remote_store.materialize_incremental(MARCH + dt.timedelta(days=5), feature_views=["crm_visits_sdk"])
    served.update(_latest_in(table, MARCH + dt.timedelta(days=3, hours=12), MARCH + dt.timedelta(days=5)))
    _assert_serves(gateway, "crm_visits_sdk", served)
    assert len(served) == 30


def _since(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _audit(gateway, **params) -> list[dict]:
    r = requests.get(f"{gateway['url']}/admin/audit", headers=ADMIN, params={"order": "oldest", **params}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["events"]


def test_a_push_and_a_refused_push_are_each_one_audit_event(gateway):
    start = dt.datetime.now(UTC)
    newer = (MARCH + dt.timedelta(days=40)).isoformat()
    assert _push(gateway, [3001, 3002, 3001], [newer, newer, newer], [1.0, 2.0, 3.0]).status_code == 200
    assert _push(gateway, [3003], [newer], [1.0], recipient="reader").status_code == 403

    [written] = _audit(gateway, recipient="writer", **{"from": _since(start)})
    assert {k: written.get(k) for k in ("recipient", "protocol", "operation", "featureViews", "rows", "status")} == {
        "recipient": "writer", "protocol": "features", "operation": "push", "featureViews": ["crm_stats"],
        "rows": 2,  # two entities: the newest row of each
        "status": "200"}
    assert "errorCode" not in written
    [refused] = _audit(gateway, recipient="reader", **{"from": _since(start)})
    assert {k: refused.get(k) for k in ("recipient", "protocol", "operation", "featureViews", "rows", "status", "errorCode", "message")} == {
        "recipient": "reader", "protocol": "features", "operation": "push", "featureViews": ["crm_stats"], "rows": None,
        "status": "403", "errorCode": "PERMISSION_DENIED",
        "message": "You may not write feature view 'crm_stats': writes need the recipient property goldgate.featureWrites to list it"}


def test_write_grants_through_the_admin_api_hold_from_the_next_push(gateway):
    url = gateway["url"]
    # A catalog recipient's grants are listed, and read-only here.
    r = requests.get(f"{url}/admin/recipients/writer/feature-writes", headers=ADMIN, timeout=30)
    assert r.json() == {"recipient": "writer", "featureViews": ["crm_stats", "crm_packed", "crm_visits", "crm_visits_packed", "crm_visits_sdk"]}
    assert requests.put(f"{url}/admin/recipients/writer/feature-writes/crm_stats", headers=ADMIN, timeout=30).status_code == 409

    name = f"pusher-{uuid.uuid4().hex[:8]}"
    created = requests.post(f"{url}/admin/recipients", headers=ADMIN, timeout=30, json={"name": name, "shares": ["crm"]})
    assert created.status_code == 201, created.text
    profile = requests.post(f"{url}{urlparse(created.json()['activation']['url']).path}", timeout=30).json()
    TOKENS[name] = profile["bearerToken"]
    start = dt.datetime.now(UTC)
    newer = (MARCH + dt.timedelta(days=50)).isoformat()
    grants = f"{url}/admin/recipients/{name}/feature-writes"

    assert requests.put(f"{grants}/nope", headers=ADMIN, timeout=30).status_code == 404
    r = requests.put(f"{grants}/crm_stats", headers=ADMIN, timeout=30)
    assert r.status_code == 200 and r.json() == {"recipient": name, "featureViews": ["crm_stats"]}
    assert _push(gateway, [3101], [newer], [31.0], recipient=name).status_code == 200
    assert _lookup(gateway, [3101])["results"][1]["values"] == [31.0]

    r = requests.delete(f"{grants}/crm_stats", headers=ADMIN, timeout=30)
    assert r.status_code == 200 and r.json() == {"recipient": name, "featureViews": []}
    assert requests.get(grants, headers=ADMIN, timeout=30).json() == {"recipient": name, "featureViews": []}
    r = _push(gateway, [3101], [(MARCH + dt.timedelta(days=51)).isoformat()], [32.0], recipient=name)
    assert r.status_code == 403
    assert r.json()["errorCode"] == "PERMISSION_DENIED"
    assert _lookup(gateway, [3101])["results"][1]["values"] == [31.0]

    events = _audit(gateway, recipient=name, **{"from": _since(start)})
    assert [(e["operation"], e["status"], e.get("rows"), e["featureViews"]) for e in events] == [
        ("push", "200", 1, ["crm_stats"]), ("push", "403", None, ["crm_stats"])]
