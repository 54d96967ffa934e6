"""The same reads against tables in object stores: for each provider (``object_stores.py``), an
emulator on loopback holds copies of the fixtures, a gateway started here reads them through the
provider's SDK, and recipients download from the store itself through URLs the gateway pre-signs.
Where the emulator checks them, the tests show that a URL really dies at its expiry and that an
altered signature is refused.

The same tables are read on the other faces too: every Flight endpoint and Flight SQL against
delta-rs's read of the local originals, and a feature view over an object-store table (the shipped
``customer_stats`` definition, pointed at ``cloud.gold.customer_features``) materializes and serves
delta-rs's newest rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

import adbc_driver_flightsql.dbapi as flightsql
import delta_sharing
import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests
from deltalake import DeltaTable

import test_delta_format_and_cdf as oracle
from object_stores import REPO_ROOT, STORES, TABLES, free_port, wait_for

TOKEN = "store-interop-token"
ADMIN_TOKEN = "store-interop-admin-token-0123456789abcdef-local"
EMEA_TOKEN = "store-interop-emea-token"  # granted only share `regional`, restricted to region EMEA


@pytest.fixture(scope="module", params=STORES, ids=lambda s: s.name)
def store(request, tmp_path_factory):
    started = request.param()
    try:
        started.start(tmp_path_factory.mktemp(f"{started.name}-emulator"))
        yield started
    finally:
        started.stop()


def for_stores_that(can, what: str):
    """Runs a test only against the stores whose emulator (or test harness) can show ``what``,
    rather than skipping it for the others."""
    chosen = [s for s in STORES if can(s)]
    assert chosen, f"no store can show {what}"
    return pytest.mark.parametrize("store", chosen, indirect=True, ids=lambda s: s.name)


def _start_gateway(tmp: Path, store, url_lifetime: str, flight_port: int | None = None, store_env: dict[str, str] | None = None):
    """With flight_port, Flight serves on it and feature view store_customer_stats is defined;
    store_env replaces the store's gateway_env()."""
    shares = tmp / "shares"
    shares.mkdir()
    tables = "\n".join(
        f"          - name: {name}\n            location: {store.location(name)}\n            historyShared: true" for name in TABLES
    )
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    (shares / "stores.yaml").write_text(
        f"shares:\n  - name: cloud\n    schemas:\n      - name: gold\n        tables:\n{tables}\n"
        f"  - name: regional\n    schemas:\n      - name: gold\n        tables:\n"
        f"          - name: sales_daily\n            location: {store.location('sales_daily')}\n"
        f"            recipientPartitionFilter:\n              region: \"${{recipient.region}}\"\n"
        f"recipients:\n  - name: store-partner\n    tokens:\n      - hash: sha256:{token_hash}\n    shares: [cloud]\n"
        f"  - name: store-emea\n    tokens:\n      - hash: sha256:{hashlib.sha256(EMEA_TOKEN.encode()).hexdigest()}\n"
        f"    shares: [regional]\n    properties:\n      region: EMEA\n"
    )
    port = free_port()
    env = dict(os.environ)
    env.update(
        GOLDGATE_SHARES_DIR=str(shares),
        GOLDGATE_SHARING_URL_LIFETIME=url_lifetime,
        GOLDGATE_ADMIN_TOKEN=ADMIN_TOKEN,
        GOLDGATE_STATE_DIR=str(tmp / "state"),
        **(store.gateway_env() if store_env is None else store_env),
    )
    app = Path(os.environ.get("GOLDGATE_APP", REPO_ROOT / "target" / "quarkus-app" / "quarkus-run.jar"))
    java = os.environ.get("JAVA", "java")
    log = tmp / "gateway.log"
    faces = ["-Dgoldgate.flight.enabled=false", "-Dgoldgate.features.enabled=false"]
    if flight_port is not None:
        defs = tmp / "feature-defs"
        defs.mkdir()
        shipped = (REPO_ROOT / "feature-defs" / "customers.yaml").read_text()
        (defs / "store.yaml").write_text(shipped.replace("retail.gold.customer_features", "cloud.gold.customer_features")
                                      .replace("name: customer_stats", "name: store_customer_stats")
                                      .replace("customer_stats:", "store_customer_stats:").replace("name: churn_model", "name: store_churn_model"))
        faces = [f"-Dgoldgate.flight.port={flight_port}", f"-Dgoldgate.features.dir={defs}", "-Dgoldgate.features.schedule-enabled=false"]
    proc = subprocess.Popen(
        [java, "--add-opens=java.base/java.nio=ALL-UNNAMED", f"-Dquarkus.http.port={port}",
         f"-Dquarkus.management.port={free_port()}", *faces, "-jar", str(app)],
        cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    wait_for(base + "/delta-sharing/shares", lambda r: r.status_code == 401, 90, "gateway", log)
    profile = tmp / "store.share"
    profile.write_text(json.dumps({"shareCredentialsVersion": 1, "endpoint": base + "/delta-sharing/", "bearerToken": TOKEN}))
    (tmp / "emea.share").write_text(json.dumps({"shareCredentialsVersion": 1, "endpoint": base + "/delta-sharing/", "bearerToken": EMEA_TOKEN}))
    return proc, base, str(profile)


@pytest.fixture(scope="module")
def flight_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory, store, flight_port):
    proc, base, profile = _start_gateway(tmp_path_factory.mktemp(f"{store.name}-gateway"), store, "1h", flight_port)
    yield base, profile
    proc.terminate()
    proc.wait(timeout=20)


FLIGHT_AUTH = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())], timeout=60)


def _rows(table: pa.Table, key: str) -> dict:
    return {r[key]: r for r in table.to_pylist()}


@pytest.mark.parametrize("table,key", [("sales_daily", None), ("customer_features", "customer_id")])
def test_a_table_in_the_store_reads_through_every_flight_endpoint_equal_to_delta_rs(gateway, flight_port, table, key):
    client = flight.FlightClient(f"grpc://127.0.0.1:{flight_port}")
    info = client.get_flight_info(flight.FlightDescriptor.for_path("cloud", "gold", table), FLIGHT_AUTH)
    got = pa.concat_tables([client.do_get(e.ticket, FLIGHT_AUTH).read_all() for e in info.endpoints])
    expected = DeltaTable(str(TABLES[table])).to_pyarrow_table()
    assert got.num_rows == expected.num_rows
    assert sorted(got.schema.names) == sorted(expected.schema.names)
    columns = expected.schema.names
    normalize = lambda t: sorted(tuple(str(r[c]) for c in columns) for r in t.to_pylist())
    assert normalize(got.select(columns).cast(expected.schema)) == normalize(expected)


def test_flight_sql_select_where_limit_on_a_table_in_the_store(gateway, flight_port):
    conn = flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKEN}"})
    try:
        cur = conn.cursor()
        cur.execute("SELECT customer_id, segment FROM cloud.gold.customer_features WHERE customer_id <= 60 AND segment IS NOT NULL")
        got = sorted(cur.fetch_arrow_table().to_pylist(), key=lambda r: r["customer_id"])
        cur.execute("SELECT customer_id FROM cloud.gold.customer_features LIMIT 7")
        assert cur.fetch_arrow_table().num_rows == 7
        cur.close()
    finally:
        conn.close()
    expected = sorted(({"customer_id": r["customer_id"], "segment": r["segment"]}
                       for r in DeltaTable(str(TABLES["customer_features"])).to_pyarrow_table().to_pylist()
                       if r["customer_id"] <= 60 and r["segment"] is not None), key=lambda r: r["customer_id"])
    assert got == expected and len(got) > 10


def test_flight_sql_aggregates_and_joins_over_store_tables_through_the_engine(gateway, flight_port):
    # Beyond the simple SELECT, an object-store table reaches the SQL engine only through the
    # governed scan (DuckDB here has no store access of its own): the answers equal pandas over delta-rs reads.
    conn = flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKEN}"})
    try:
        cur = conn.cursor()
        cur.execute("SELECT segment, count(*) AS n, min(customer_id) AS lo FROM cloud.gold.customer_features "
                    "WHERE customer_id > ? GROUP BY segment ORDER BY segment NULLS LAST", parameters=(20,))
        got = cur.fetch_arrow_table().to_pylist()
        cur.execute("SELECT count(*) AS n FROM cloud.gold.customer_features a JOIN cloud.gold.customer_features b USING (customer_id)")
        joined = cur.fetch_arrow_table().to_pylist()[0]["n"]
        cur.close()
    finally:
        conn.close()
    frame = DeltaTable(str(TABLES["customer_features"])).to_pandas()
    kept = frame[frame["customer_id"] > 20]
    expected = (kept.groupby("segment", dropna=False).agg(n=("customer_id", "size"), lo=("customer_id", "min")).reset_index())
    expected = sorted(({"segment": None if isinstance(r.segment, float) else r.segment, "n": int(r.n), "lo": int(r.lo)} for r in expected.itertuples()),
                      key=lambda r: (r["segment"] is None, r["segment"] or ""))
    assert got == expected and len(got) > 1
    assert joined == len(frame) == frame["customer_id"].nunique()


def test_a_feature_view_over_a_store_table_materializes_and_serves_delta_rs_newest_rows(gateway):
    base, _ = gateway
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    r = requests.post(f"{base}/admin/features/views/store_customer_stats/materialize", headers=admin, timeout=120)
    assert r.status_code == 200, r.text
    newest = {}
    for row in DeltaTable(str(TABLES["customer_features"])).to_pyarrow_table().to_pylist():
        if row["last_order_ts"] is not None and (row["customer_id"] not in newest or row["last_order_ts"] > newest[row["customer_id"]]["last_order_ts"]):
            newest[row["customer_id"]] = row
    assert r.json()["written"] == len(newest)
    ids = sorted(newest)
    answer = requests.post(f"{base}/get-online-features", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, json={
        "features": ["store_customer_stats:segment", "store_customer_stats:orders_count"], "entities": {"customer_id": ids}})
    assert answer.status_code == 200, answer.text
    segment, orders = answer.json()["results"][1:]
    for i, customer in enumerate(ids):
        assert segment["values"][i] == newest[customer]["segment"], customer
        assert orders["values"][i] == newest[customer]["orders_count"], customer


def url(profile: str, table: str) -> str:
    return f"{profile}#cloud.gold.{table}"


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
@pytest.mark.parametrize("table", ["sales_daily", "customer_features"])
def test_a_table_in_the_store_reads_like_the_local_original(gateway, store, table, use_delta_format):
    _, profile = gateway
    df = delta_sharing.load_as_pandas(url(profile, table), use_delta_format=use_delta_format)
    columns, expected = oracle.delta_rs_table(TABLES[table])
    assert list(df.columns) == columns
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"{store.name} {table} vs delta-rs on the local copy")


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_time_travel_in_the_store_reads_the_old_version(gateway, store, use_delta_format):
    _, profile = gateway
    df = delta_sharing.load_as_pandas(url(profile, "sales_daily"), version=2, use_delta_format=use_delta_format)
    columns, expected = oracle.delta_rs_table(TABLES["sales_daily"], 2)
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"{store.name} sales_daily v2")


def test_deletion_vectors_in_the_store_travel_as_store_urls_and_apply(gateway, store):
    _, profile = gateway
    df = delta_sharing.load_as_pandas(url(profile, "orders_dv"), use_delta_format=True)
    columns, expected = oracle.spark_table("orders_dv", oracle.latest("orders_dv"))
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"{store.name} orders_dv vs Spark")


@pytest.mark.parametrize("use_delta_format", [False, True])
def test_the_change_feed_of_a_table_in_the_store(gateway, store, use_delta_format):
    _, profile = gateway
    df = delta_sharing.load_table_changes_as_pandas(url(profile, "events_cdf"), starting_version=0, use_delta_format=use_delta_format)
    columns, expected = oracle.delta_rs_cdf(0, None)
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"{store.name} events_cdf changes vs delta-rs")


def _query_files(base: str, table: str) -> list[dict]:
    lines = requests.post(
        f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/{table}/query",
        headers={"Authorization": f"Bearer {TOKEN}"}, json={}, timeout=30,
    ).text.splitlines()
    return [json.loads(l)["file"] for l in lines if l.startswith('{"file"')]


def test_file_urls_point_at_the_store_and_download_the_exact_bytes(gateway, store):
    base, _ = gateway
    files = _query_files(base, "sales_daily")
    assert len(files) == 14
    local = {p.stat().st_size: [] for p in TABLES["sales_daily"].rglob("*.parquet")}
    for p in TABLES["sales_daily"].rglob("*.parquet"):
        local[p.stat().st_size].append(hashlib.sha256(p.read_bytes()).hexdigest())
    for f in files:
        assert f["url"].startswith(store.url_prefix("sales_daily")), f["url"]
        assert f"{store.signature_param}=" in f["url"]
        body = requests.get(f["url"], timeout=30).content
        assert len(body) == f["size"]
        assert hashlib.sha256(body).hexdigest() in local[f["size"]]


@for_stores_that(lambda s: s.checks_signature, "an altered signature refused")
def test_an_altered_signature_is_refused_by_the_store(gateway, store):
    base, _ = gateway
    file = _query_files(base, "customer_features")[0]
    assert requests.get(file["url"], timeout=30).status_code == 200
    name, _, rest = file["url"].partition(f"{store.signature_param}=")
    flipped = ("B" if rest[0] == "A" else "A") + rest[1:]
    assert requests.get(f"{name}{store.signature_param}={flipped}", timeout=30).status_code == 403


@for_stores_that(lambda s: hasattr(s, "verify_url"), "an independent signature check")
def test_file_urls_carry_a_signature_that_verifies_independently(gateway, store):
    # For emulators that check no signature (fake-gcs-server): the test recomputes it.
    verify = store.verify_url
    from cryptography.exceptions import InvalidSignature

    base, _ = gateway
    files = _query_files(base, "sales_daily")
    for f in files:
        verify(f["url"], f["expirationTimestamp"], 3600)
    name, _, rest = files[0]["url"].partition(f"{store.signature_param}=")
    with pytest.raises(InvalidSignature):
        verify(f"{name}{store.signature_param}={'0' if rest[0] != '0' else '1'}{rest[1:]}", files[0]["expirationTimestamp"], 3600)


@for_stores_that(lambda s: hasattr(s, "cannot_sign_env"), "credentials that read but cannot sign")
def test_credentials_that_cannot_sign_get_an_error_naming_the_table_and_the_fix(tmp_path_factory, store):
    # Where a store's credentials can read but not sign (GCS user credentials through ADC).
    tmp = tmp_path_factory.mktemp(f"{store.name}-unsigned")
    env = store.cannot_sign_env(tmp)
    proc, base, _ = _start_gateway(tmp, store, "1h", store_env=env)
    try:
        r = requests.post(f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/customer_features/query",
                          headers={"Authorization": f"Bearer {TOKEN}"}, json={}, timeout=30)
        assert r.status_code == 500, r.text
        assert r.json() == {"errorCode": "INTERNAL_ERROR", "message": store.cannot_sign_message("cloud.gold.customer_features")}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    log = (tmp / "gateway.log").read_text()
    assert store.cannot_sign_message("cloud.gold.customer_features") in log
    assert "\tat " not in log, "logged without a stack trace"


@for_stores_that(lambda s: s.checks_expiry, "an expired URL refused")
def test_pre_signed_urls_really_expire(tmp_path_factory, store):
    proc, base, _ = _start_gateway(tmp_path_factory.mktemp(f"{store.name}-short-urls"), store, "2s")
    try:
        file = _query_files(base, "customer_features")[0]
        # The lifetime (2 s), rounded up to the whole second URLs carry.
        assert file["expirationTimestamp"] % 1000 == 0
        assert file["expirationTimestamp"] - time.time() * 1000 <= 3_000
        assert requests.get(file["url"], timeout=30).status_code == 200
        # Stores count in whole seconds and round up so a URL never dies early: allow 2 more.
        time.sleep(max(0.0, file["expirationTimestamp"] / 1000 - time.time()) + 2.5)
        expired = requests.get(file["url"], timeout=30)
        assert expired.status_code == 403
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# Governance does not depend on where a table lives: the restricted recipient sees only its region's
# rows of the store's table on every face, and a table of a share it was not granted is the same
# "not found" on every face as a table that does not exist.
EMEA_AUTH = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {EMEA_TOKEN}".encode())], timeout=60)


def _emea_rows():
    columns, rows = oracle.delta_rs_table(TABLES["sales_daily"])
    region = columns.index("region")
    return columns, [r for r in rows if r[region] == "EMEA"]


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_a_row_restriction_on_a_store_table_holds_for_the_sharing_client(gateway, store, use_delta_format):
    _, profile = gateway
    emea_profile = str(Path(profile).with_name("emea.share"))
    df = delta_sharing.load_as_pandas(f"{emea_profile}#regional.gold.sales_daily", use_delta_format=use_delta_format)
    columns, expected = _emea_rows()
    assert len(expected) > 0 and set(df["region"]) == {"EMEA"}
    oracle.assert_same_rows(oracle.frame_rows(df, columns), expected, f"{store.name} EMEA rows vs delta-rs")


def test_a_row_restriction_on_a_store_table_holds_on_flight_and_flight_sql(gateway, flight_port):
    client = flight.FlightClient(f"grpc://127.0.0.1:{flight_port}")
    info = client.get_flight_info(flight.FlightDescriptor.for_path("regional", "gold", "sales_daily"), EMEA_AUTH)
    got = pa.concat_tables([client.do_get(e.ticket, EMEA_AUTH).read_all() for e in info.endpoints])
    _, expected = _emea_rows()
    assert got.num_rows == len(expected) and set(got.column("region").to_pylist()) == {"EMEA"}
    conn = flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {EMEA_TOKEN}"})
    try:
        cur = conn.cursor()
        cur.execute("SELECT region, count(*) AS n FROM regional.gold.sales_daily GROUP BY region")
        assert cur.fetch_arrow_table().to_pylist() == [{"region": "EMEA", "n": len(expected)}]
        with pytest.raises(Exception, match="does not exist or is not shared with you"):
            cur.execute("SELECT count(*) FROM cloud.gold.customer_features")
        cur.close()
    finally:
        conn.close()


def test_a_store_table_of_an_ungranted_share_is_refused_on_every_face(gateway, flight_port):
    base, _ = gateway
    emea = {"Authorization": f"Bearer {EMEA_TOKEN}"}
    r = requests.post(f"{base}/delta-sharing/shares/cloud/schemas/gold/tables/customer_features/query", headers=emea, json={}, timeout=30)
    missing = requests.post(f"{base}/delta-sharing/shares/nope/schemas/gold/tables/customer_features/query", headers=emea, json={}, timeout=30)
    assert r.status_code == missing.status_code and r.status_code in (403, 404), r.text
    client = flight.FlightClient(f"grpc://127.0.0.1:{flight_port}")
    with pytest.raises(KeyError, match="Share 'cloud' does not exist or is not shared with you"):
        client.get_flight_info(flight.FlightDescriptor.for_path("cloud", "gold", "customer_features"), EMEA_AUTH)
    with pytest.raises(KeyError, match="Share 'nope' does not exist or is not shared with you"):
        client.get_flight_info(flight.FlightDescriptor.for_path("nope", "gold", "customer_features"), EMEA_AUTH)
