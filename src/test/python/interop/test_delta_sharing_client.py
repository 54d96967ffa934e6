"""What a Delta Sharing recipient relies on, checked with the real ``delta_sharing`` client.

Every answer of the gateway is compared with an independent reader of the same Delta
tables: delta-rs (``deltalake``) reading shares/sample-lake directly. Row comparisons are
order-independent (both sides are normalized to plain Python values the same explicit
way and sorted by all columns).

The reference is read through ``deltalake.QueryBuilder`` on purpose: with deltalake 1.6.6
+ pyarrow 23, ``DeltaTable.to_pyarrow_table()`` / ``to_pandas()`` abort the interpreter at
exit in about half of the runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import delta_sharing
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import requests
from deltalake import DeltaTable, QueryBuilder

SHARE, SCHEMA = "retail", "gold"
TABLES = ["sales_daily", "customer_features", "inventory_levels"]
HISTORY_SHARED = ["sales_daily", "customer_features"]
# share labs (shares/feature-lake, written by Delta Spark): covered by test_delta_format_and_cdf.py
LABS_SHARE, LABS_SCHEMA = "labs", "delta"
LABS_TABLES = ["orders_dv", "customers_cm", "events_cdf", "readings_ntz", "plain_cdf_off"]
UTC = dt.timezone.utc
# src/test/python/interop -> repository root -> shares/sample-lake
LAKE_DIR = Path(__file__).resolve().parents[4] / "shares" / "sample-lake"

# pandas dtype the delta-sharing connector (parquet response format) produces per Delta type
CONNECTOR_DTYPES = {
    "byte": "int8",
    "short": "int16",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "boolean": "bool",
    "timestamp": "datetime64[us, UTC]",
    "date": "object",
    "string": "object",
    "decimal": "object",
}
# Python type of every non-null value after normalization, per Delta type
PY_TYPES = {
    "byte": int,
    "short": int,
    "integer": int,
    "long": int,
    "float": float,
    "double": float,
    "boolean": bool,
    "timestamp": dt.datetime,
    "date": dt.date,
    "string": str,
    "decimal": Decimal,
}


# ---------------------------------------------------------------------------
# independent reference: delta-rs on the local lake
# ---------------------------------------------------------------------------


def table_path(table: str) -> Path:
    return LAKE_DIR / table


@lru_cache(maxsize=None)
def delta_table(table: str, version: int | None = None) -> DeltaTable:
    path = str(table_path(table))
    return DeltaTable(path) if version is None else DeltaTable(path, version=version)


@lru_cache(maxsize=None)
def delta_schema(table: str, version: int | None = None) -> dict:
    return json.loads(delta_table(table, version).schema().to_json())


def delta_columns(table: str, version: int | None = None) -> list[tuple[str, str]]:
    """(name, Delta type) of every column, in schema order; decimal(p,s) -> 'decimal(p,s)'."""
    return [(f["name"], f["type"]) for f in delta_schema(table, version)["fields"]]


def base_type(delta_type: str) -> str:
    assert isinstance(delta_type, str), f"unexpected non-primitive Delta type {delta_type!r}"
    return "decimal" if delta_type.startswith("decimal") else delta_type


@lru_cache(maxsize=None)
def reference_rows(table: str, version: int | None = None) -> tuple[tuple, ...]:
    """All rows of the table (at version) read by delta-rs, normalized, in schema column order."""
    cols = [name for name, _ in delta_columns(table, version)]
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
    reader = QueryBuilder().register("t", delta_table(table, version)).execute(f"SELECT {select} FROM t").read_all()
    arrow = pa.table(reader)
    assert arrow.column_names == cols
    return tuple(tuple(normalize(v) for v in row) for row in zip(*(arrow.column(c).to_pylist() for c in cols)))


def latest_version(table: str) -> int:
    return delta_table(table).version()


# ---------------------------------------------------------------------------
# normalization and comparison
# ---------------------------------------------------------------------------


def normalize(v):
    """One explicit normal form for both sides: None for null, plain Python scalars,
    datetime.date for dates, Decimal for decimals, tz-aware UTC datetime for timestamps."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    elif isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, dt.datetime):
        assert v.tzinfo is not None, f"timestamp without time zone: {v!r}"
        return v.astimezone(UTC)
    return v


def client_rows(df: pd.DataFrame) -> tuple[tuple, ...]:
    return tuple(tuple(normalize(v) for v in row) for row in zip(*(df[c].tolist() for c in df.columns)))


def _sort_key(row: tuple):
    return tuple((0,) if v is None else (1, v) for v in row)


def sort_rows(rows) -> list[tuple]:
    return sorted(rows, key=_sort_key)


def check_value_types(table: str, rows, side: str, version: int | None = None) -> None:
    for i, (name, delta_type) in enumerate(delta_columns(table, version)):
        expected = PY_TYPES[base_type(delta_type)]
        for row in rows:
            v = row[i]
            if v is None:
                continue
            ok = isinstance(v, expected)
            if expected is dt.date:
                ok = ok and not isinstance(v, dt.datetime)
            if expected is int:
                ok = ok and not isinstance(v, bool)
            assert ok, f"{side}: column {name} ({delta_type}) holds {type(v).__name__} {v!r}, expected {expected.__name__}"
            if expected is Decimal:
                scale = int(delta_type[delta_type.index(",") + 1 : -1])
                assert v.as_tuple().exponent == -scale, f"{side}: {name}={v!r} does not have scale {scale}"


def assert_same_rows(actual, expected, what: str) -> None:
    actual, expected = sort_rows(actual), sort_rows(expected)
    if actual == expected:
        return
    got, want = Counter(actual), Counter(expected)
    missing = list((want - got).elements())[:5]
    extra = list((got - want).elements())[:5]
    pytest.fail(
        f"{what}: gateway returned {len(actual)} rows, delta-rs has {len(expected)}; "
        f"missing (first 5): {missing}; unexpected (first 5): {extra}"
    )


def assert_frame_matches_delta(df: pd.DataFrame, table: str, version: int | None = None, where=None) -> None:
    cols = delta_columns(table, version)
    assert list(df.columns) == [name for name, _ in cols], "column names/order differ from the Delta schema"
    rows = client_rows(df)
    check_value_types(table, rows, "gateway", version)
    expected = reference_rows(table, version)
    if where is not None:
        expected = [r for r in expected if where(dict(zip([n for n, _ in cols], r)))]
    assert_same_rows(rows, expected, f"{table} v{version if version is not None else 'latest'}")


# ---------------------------------------------------------------------------
# helpers for the client and the raw protocol
# ---------------------------------------------------------------------------


def url_of(profile: str, table: str, share: str = SHARE) -> str:
    return f"{profile}#{share}.{SCHEMA}.{table}"


def query_files(api: str, token: str, table: str, body: dict | None = None) -> list[dict]:
    r = requests.post(
        f"{api}/shares/{SHARE}/schemas/{SCHEMA}/tables/{table}/query",
        json=body or {},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert "protocol" in lines[0] and "metaData" in lines[1], lines[:2]
    return [line["file"] for line in lines[2:]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def local_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)) if uri.startswith("file:") else Path(uri)


def predicate(op: str, column: str, value_type: str, value: str) -> str:
    return json.dumps(
        {
            "op": op,
            "children": [
                {"op": "column", "name": column, "valueType": value_type},
                {"op": "literal", "value": value, "valueType": value_type},
            ],
        }
    )


# ---------------------------------------------------------------------------
# 1. discovery
# ---------------------------------------------------------------------------


def test_partner_lists_exactly_the_retail_and_labs_shares(partner_profile):
    client = delta_sharing.SharingClient(partner_profile)
    shares = {s.name: s for s in client.list_shares()}
    assert sorted(s.name for s in client.list_shares()) == ["labs", "retail"]
    assert [s.name for s in client.list_schemas(shares["retail"])] == ["gold"]
    assert [s.name for s in client.list_schemas(shares["labs"])] == [LABS_SCHEMA]


def test_partner_sees_exactly_the_retail_and_labs_tables(partner_profile):
    tables = delta_sharing.SharingClient(partner_profile).list_all_tables()
    assert sorted((t.share, t.schema, t.name) for t in tables) == sorted(
        [(SHARE, SCHEMA, t) for t in TABLES] + [(LABS_SHARE, LABS_SCHEMA, t) for t in LABS_TABLES]
    )


def test_analyst_also_sees_finance_customer_ltv(analyst_profile):
    client = delta_sharing.SharingClient(analyst_profile)
    assert sorted(s.name for s in client.list_shares()) == ["finance", "labs", "retail"]
    tables = client.list_all_tables()
    assert sorted((t.share, t.schema, t.name) for t in tables) == sorted(
        [(SHARE, SCHEMA, t) for t in TABLES]
        + [(LABS_SHARE, LABS_SCHEMA, t) for t in LABS_TABLES]
        + [("finance", "gold", "customer_ltv")]
    )


def test_partner_cannot_read_ungranted_finance_table(partner_profile):
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_as_pandas(url_of(partner_profile, "customer_ltv", share="finance"))
    assert err.value.response.status_code in (403, 404), err.value


def test_analyst_reads_finance_customer_ltv_as_the_underlying_table(analyst_profile):
    df = delta_sharing.load_as_pandas(url_of(analyst_profile, "customer_ltv", share="finance"))
    # finance.gold.customer_ltv is backed by sample-lake/customer_features
    assert_frame_matches_delta(df, "customer_features")


# ---------------------------------------------------------------------------
# 2. full load
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_full_load_equals_delta_latest_version(partner_profile, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table))
    assert len(df) == len(reference_rows(table))
    assert_frame_matches_delta(df, table)


@pytest.mark.parametrize("table", TABLES)
def test_full_load_has_the_connector_pandas_dtype_for_each_delta_type(partner_profile, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table))
    expected = {name: CONNECTOR_DTYPES[base_type(t)] for name, t in delta_columns(table)}
    assert {c: str(df[c].dtype) for c in df.columns} == expected


@pytest.mark.parametrize("table", TABLES)
def test_nulls_survive_sharing_in_the_same_places(partner_profile, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table))
    names = [n for n, _ in delta_columns(table)]
    null_counts = {n: sum(r[i] is None for r in reference_rows(table)) for i, n in enumerate(names)}
    assert {n: int(df[n].isna().sum()) for n in names} == null_counts


def test_reference_lake_has_nulls_to_check():
    # guards the null test above against a regenerated lake without nulls
    total = sum(v is None for t in TABLES for row in reference_rows(t) for v in row)
    assert total > 0


# ---------------------------------------------------------------------------
# 3. limit
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_limit_returns_exactly_that_many_rows_of_the_table(partner_profile, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table), limit=5)
    assert len(df) == 5
    assert list(df.columns) == [n for n, _ in delta_columns(table)]
    full = Counter(reference_rows(table))
    for row in client_rows(df):
        assert full[row] > 0, f"limited row {row} is not a row of {table}"
        full[row] -= 1


# ---------------------------------------------------------------------------
# 4. time travel
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table,version",
    [(t, v) for t in HISTORY_SHARED for v in range(latest_version(t) + 1)],
)
def test_version_query_returns_the_table_as_of_that_version(partner_profile, table, version):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table), version=version)
    assert_frame_matches_delta(df, table, version)


def test_history_shared_tables_have_several_versions_to_travel():
    assert latest_version("sales_daily") == 4
    assert latest_version("customer_features") == 3


def test_version_query_on_table_without_history_is_rejected_with_invalid_parameter_value(partner_profile):
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_as_pandas(url_of(partner_profile, "inventory_levels"), version=1)
    assert err.value.response.status_code == 400
    assert "INVALID_PARAMETER_VALUE" in str(err.value)


# ---------------------------------------------------------------------------
# 5. predicate hints
# ---------------------------------------------------------------------------


def test_partition_predicate_on_region_returns_exactly_the_matching_rows(partner_profile):
    df = delta_sharing.load_as_pandas(
        url_of(partner_profile, "sales_daily"),
        jsonPredicateHints=predicate("equal", "region", "string", "EMEA"),
    )
    assert len(df) > 0
    assert_frame_matches_delta(df, "sales_daily", where=lambda r: r["region"] == "EMEA")


def test_partition_predicate_on_date_range_returns_exactly_the_matching_rows(partner_profile):
    df = delta_sharing.load_as_pandas(
        url_of(partner_profile, "sales_daily"),
        jsonPredicateHints=predicate("greaterThanOrEqual", "sale_date", "date", "2026-01-07"),
    )
    assert len(df) > 0
    assert_frame_matches_delta(df, "sales_daily", where=lambda r: r["sale_date"] >= dt.date(2026, 1, 7))


def test_stats_predicate_on_long_column_skips_files_but_keeps_every_match(partner_profile):
    df = delta_sharing.load_as_pandas(
        url_of(partner_profile, "customer_features"),
        jsonPredicateHints=predicate("lessThanOrEqual", "customer_id", "long", "60"),
    )
    names = [n for n, _ in delta_columns("customer_features")]
    assert list(df.columns) == names
    got = Counter(client_rows(df))
    all_rows = reference_rows("customer_features")
    matching = Counter(r for r in all_rows if r[names.index("customer_id")] <= 60)
    assert len(matching) == 60
    assert not (matching - got), "rows matching customer_id <= 60 are missing"
    assert not (got - Counter(all_rows)), "returned rows that are not in the table"
    assert len(df) < len(all_rows), "no file was skipped by the customer_id statistics"


@pytest.mark.parametrize(
    "hint",
    [
        pytest.param('{"op":"noSuchOp","children":[]}', id="unknown-op"),
        pytest.param('{"op":"equal","children":[{"op":"column","name":"region","valueType":"string"}]}', id="missing-child"),
        pytest.param(predicate("equal", "no_such_column", "string", "x"), id="unknown-column"),
        pytest.param("{not json", id="malformed-json"),
    ],
)
def test_unusable_predicate_hint_is_ignored_and_returns_the_full_table(partner_profile, hint):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, "sales_daily"), jsonPredicateHints=hint)
    assert_frame_matches_delta(df, "sales_daily")


# ---------------------------------------------------------------------------
# 6. version, metadata, protocol
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_table_version_is_the_latest_delta_version(partner_profile, table):
    assert delta_sharing.get_table_version(url_of(partner_profile, table)) == latest_version(table)


@pytest.mark.parametrize("table", TABLES)
def test_metadata_matches_the_delta_log(partner_profile, table):
    meta = delta_sharing.get_table_metadata(url_of(partner_profile, table))
    ref = delta_table(table).metadata()
    assert meta.id == ref.id
    assert meta.name == ref.name
    assert meta.description == ref.description
    assert list(meta.partition_columns) == list(ref.partition_columns)
    assert meta.format.provider == "parquet"
    shared_schema = json.loads(meta.schema_string)
    assert shared_schema["type"] == "struct"
    assert [(f["name"], f["type"]) for f in shared_schema["fields"]] == delta_columns(table)
    assert [f["nullable"] for f in shared_schema["fields"]] == [f["nullable"] for f in delta_schema(table)["fields"]]


@pytest.mark.parametrize("table", TABLES)
def test_protocol_is_reader_version_1(partner_profile, table):
    if not hasattr(delta_sharing, "get_table_protocol"):
        pytest.skip("this delta-sharing client has no get_table_protocol")
    protocol = delta_sharing.get_table_protocol(url_of(partner_profile, table))
    assert protocol.min_reader_version == 1
    assert delta_table(table).protocol().min_reader_version == 1


# ---------------------------------------------------------------------------
# 8. raw protocol: pre-signed file URLs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_file_urls_download_the_exact_bytes_of_the_active_delta_files(api, partner_token, table):
    files = query_files(api, partner_token, table)
    local = [local_path(u) for u in delta_table(table).file_uris()]
    assert len(files) == len(local)
    got = Counter()
    for f in files:
        r = requests.get(f["url"], timeout=30)  # pre-signed: no bearer token
        assert r.status_code == 200, f"{f['url']} -> {r.status_code} {r.text[:200]}"
        assert len(r.content) == f["size"], "downloaded length differs from the advertised size"
        got[(f["size"], sha256(r.content))] += 1
    want = Counter((p.stat().st_size, sha256(p.read_bytes())) for p in local)
    assert got == want


def _some_file(api: str, token: str) -> dict:
    files = query_files(api, token, "sales_daily")
    assert files
    return files[0]


def _tamper_sig(url: str) -> str:
    def flip(m):
        sig = m.group(2)
        return m.group(1) + ("A" if sig[0] != "A" else "B") + sig[1:]

    tampered = re.sub(r"([?&]s=)([^&]+)", flip, url)
    assert tampered != url, f"no s parameter in {url}"
    return tampered


def _tamper_expiry(url: str) -> str:
    tampered = re.sub(r"([?&]e=)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 1000), url)
    assert tampered != url, f"no e parameter in {url}"
    return tampered


@pytest.mark.parametrize("tamper", [_tamper_sig, _tamper_expiry], ids=["altered-signature", "extended-expiry"])
def test_tampered_file_url_is_refused_with_403_and_json_error(api, partner_token, tamper):
    url = _some_file(api, partner_token)["url"]
    r = requests.get(tamper(url), timeout=30)
    assert r.status_code == 403, f"GET {tamper(url)} -> {r.status_code} {r.text[:200]}"
    assert r.headers.get("Content-Type", "").startswith("application/json")
    body = r.json()
    assert isinstance(body.get("errorCode"), str) and body["errorCode"]
    assert b"PAR1" not in r.content


def test_range_request_on_file_url_returns_206_with_parquet_magic(api, partner_token):
    f = _some_file(api, partner_token)
    r = requests.get(f["url"], headers={"Range": "bytes=0-3"}, timeout=30)
    assert r.status_code == 206
    assert r.content == b"PAR1"
    assert r.headers.get("Content-Range") == f"bytes 0-3/{f['size']}"


def test_suffix_range_request_returns_the_parquet_footer_magic(api, partner_token):
    f = _some_file(api, partner_token)
    r = requests.get(f["url"], headers={"Range": "bytes=-4"}, timeout=30)
    assert r.status_code == 206
    assert r.content == b"PAR1"
    assert r.headers.get("Content-Range") == f"bytes {f['size'] - 4}-{f['size'] - 1}/{f['size']}"


def test_requests_without_bearer_token_are_refused_with_401_json_error(api):
    r = requests.get(f"{api}/shares", timeout=30)
    assert r.status_code == 401
    assert r.json().get("errorCode")
