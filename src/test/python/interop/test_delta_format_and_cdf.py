"""Delta format reads, the change data feed and query paging, checked with the real
``delta_sharing`` client (1.4.2; ``use_delta_format=True`` goes through
delta-kernel-rust-sharing-wrapper) against independent readers of the same tables:

* Delta Spark: ``shares/feature-lake/expected/*.jsonl``, recorded by
  ``shares/feature-lake/regenerate.py --dump-expected`` (every version of every feature table and
  the change feed of events_cdf; value encodings in expected/README.md). It is the only oracle for
  orders_dv (delta-rs cannot read deletion vectors), customers_cm (delta-rs' pyarrow path returns
  NULLs for column-mapped columns) and readings_ntz.
* delta-rs (``deltalake``): QueryBuilder for the retail tables, ``DeltaTable.load_cdf`` (its arrow
  reader) for the change feed. ``test_spark_record_agrees_with_delta_rs`` checks that both oracles
  agree wherever delta-rs reads the table.
* ``shares/feature-lake/EXPECTED.md``: row counts per version and change types per version.

All row comparisons are order-independent: every value is brought to the JSON encoding of the
Spark record (``encode``), so types matter too (a decimal must come back as a Decimal of the
right scale, a timestamp with its zone, a timestamp_ntz without).

``_commit_timestamp``: the Delta protocol defines it (without in-commit timestamps) as the
modification time of the commit file, which is what Spark and the gateway use. delta-rs 1.6.6
``load_cdf`` reports ``commitInfo.timestamp`` instead, so the tests compare the gateway with the
commit files' modification times, and with known instants on a copy whose commit files got them
by ``os.utime`` (the ``timed`` share, see conftest.py). With ``use_delta_format=True`` the
connector itself rebuilds the commit timestamp from a file it stamps with whole seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import delta_sharing
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import requests
from deltalake import DeltaTable, QueryBuilder

REPO_ROOT = Path(__file__).resolve().parents[4]
SAMPLE_LAKE = REPO_ROOT / "shares" / "sample-lake"
FEATURE_LAKE = REPO_ROOT / "shares" / "feature-lake"
EXPECTED_DIR = FEATURE_LAKE / "expected"
UTC = dt.timezone.utc

RETAIL, RETAIL_SCHEMA = "retail", "gold"
RETAIL_TABLES = ["sales_daily", "customer_features", "inventory_levels"]
LABS, LABS_SCHEMA = "labs", "delta"
LABS_TABLES = ["orders_dv", "customers_cm", "events_cdf", "readings_ntz", "plain_cdf_off"]
# tables whose reader features (deletion vectors, column mapping, timestamp_ntz) need responseformat=delta
NEEDS_DELTA_FORMAT = ["orders_dv", "customers_cm", "readings_ntz"]
CDF_TABLE = "events_cdf"
CDF_COLUMNS = ["_change_type", "_commit_version", "_commit_timestamp"]
DELTA_AND_PARQUET = "responseformat=delta,parquet;readerfeatures=deletionvectors,columnmapping,timestampntz"


# ---------------------------------------------------------------------------
# one normal form: the JSON encoding of the Spark record
# ---------------------------------------------------------------------------


def encode(v):
    """None for null; ints, floats, bools, strings as such; decimal -> plain string keeping its
    scale; date -> ISO; timestamp -> UTC ISO with microseconds and 'Z'; timestamp without zone
    (timestamp_ntz) -> ISO with microseconds, no zone (see shares/feature-lake/expected/README.md)."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, np.datetime64):
        v = pd.Timestamp(v)
    elif isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            return v.strftime("%Y-%m-%dT%H:%M:%S.%f")
        return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, (bool, int, float, str)):
        return v
    raise TypeError(f"no encoding for {type(v).__name__} {v!r}")


def frame_rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(encode(v) for v in row) for row in zip(*(df[c].tolist() for c in columns))]


def assert_same_rows(actual, expected, what: str) -> None:
    got, want = Counter(actual), Counter(expected)
    if got == want:
        return
    missing = list((want - got).elements())[:5]
    extra = list((got - want).elements())[:5]
    pytest.fail(
        f"{what}: gateway returned {sum(got.values())} rows, the reference has {sum(want.values())}; "
        f"missing (first 5): {missing}; unexpected (first 5): {extra}"
    )


# ---------------------------------------------------------------------------
# oracles
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def expected_figures() -> tuple[dict, dict]:
    """From EXPECTED.md: ({table: {version: rows}}, {version: {change type: rows}}) of events_cdf."""
    rows: dict[str, dict[int, int]] = {}
    cdf: dict[int, dict[str, int]] = {}
    section, header = None, None
    for line in (FEATURE_LAKE / "EXPECTED.md").read_text().splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
            continue
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "version":
            header = cells
            continue
        record = dict(zip(header, cells))
        version = int(record["version"])
        if "rows" in record:
            rows.setdefault(section, {})[version] = int(record["rows"])
        else:
            assert section == CDF_TABLE, section
            cdf[version] = {k: int(n) for k, n in record.items() if k != "version" and int(n)}
    assert set(rows) == set(LABS_TABLES), rows.keys()
    assert cdf, "no change data feed table in EXPECTED.md"
    return rows, cdf


def versions(table: str) -> list[int]:
    return sorted(expected_figures()[0][table])


def latest(table: str) -> int:
    return versions(table)[-1]


def _read_jsonl(path: Path) -> tuple[list[str], list[tuple]]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert lines, f"{path} is empty"
    columns = list(lines[0])
    assert all(list(line) == columns for line in lines), f"{path}: rows with different columns"
    return columns, [tuple(line[c] for c in columns) for line in lines]


@lru_cache(maxsize=None)
def spark_table(table: str, version: int) -> tuple[list[str], list[tuple]]:
    """(columns, rows) Spark read from the feature table at version (recorded)."""
    return _read_jsonl(EXPECTED_DIR / f"{table}.v{version}.jsonl")


@lru_cache(maxsize=None)
def spark_cdf() -> tuple[list[str], list[tuple]]:
    """(columns, rows) of Spark's change feed of events_cdf from version 0, without _commit_timestamp."""
    return _read_jsonl(EXPECTED_DIR / f"{CDF_TABLE}.cdf.jsonl")


def spark_cdf_between(first: int, last: int) -> list[tuple]:
    columns, rows = spark_cdf()
    i = columns.index("_commit_version")
    return [r for r in rows if first <= r[i] <= last]


def _quoted(columns) -> str:
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)


@lru_cache(maxsize=None)
def delta_rs_table(path: Path, version: int | None = None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) read by delta-rs through QueryBuilder (never to_pyarrow_table: it aborts at exit)."""
    table = DeltaTable(str(path)) if version is None else DeltaTable(str(path), version=version)
    columns = [f["name"] for f in json.loads(table.schema().to_json())["fields"]]
    result = pa.table(QueryBuilder().register("t", table).execute(f"SELECT {_quoted(columns)} FROM t").read_all())
    assert result.column_names == columns
    return columns, [tuple(encode(v) for v in row) for row in zip(*(result.column(c).to_pylist() for c in columns))]


@lru_cache(maxsize=None)
def delta_rs_cdf(start: int, end: int | None) -> tuple[list[str], list[tuple]]:
    """delta-rs' change feed of events_cdf (table columns + _change_type, _commit_version)."""
    table = DeltaTable(str(FEATURE_LAKE / CDF_TABLE))
    result = pa.table(table.load_cdf(starting_version=start, ending_version=end))
    columns = spark_cdf()[0]  # table columns in schema order + _change_type, _commit_version
    assert set(result.column_names) == set(columns) | {"_commit_timestamp"}, result.column_names
    return columns, [tuple(encode(v) for v in row) for row in zip(*(result.column(c).to_pylist() for c in columns))]


def commit_millis(table_root: Path, version: int) -> int:
    """Commit timestamp per the Delta protocol (no in-commit timestamps): the commit file's mtime."""
    return (table_root / "_delta_log" / f"{version:020d}.json").stat().st_mtime_ns // 1_000_000


def reference(share: str, table: str, version: int | None = None) -> tuple[list[str], list[tuple]]:
    if share == RETAIL:
        return delta_rs_table(SAMPLE_LAKE / table, version)
    return spark_table(table, latest(table) if version is None else version)


# ---------------------------------------------------------------------------
# helpers for the client and the raw protocol
# ---------------------------------------------------------------------------


def url_of(profile: str, table: str, share: str = LABS, schema: str = LABS_SCHEMA) -> str:
    return f"{profile}#{share}.{schema}.{table}"


def as_millis(v) -> int:
    """A _commit_timestamp cell: int milliseconds (parquet format) or a UTC timestamp (delta format)."""
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        assert v.tzinfo is not None, f"_commit_timestamp without time zone: {v!r}"
        ts = pd.Timestamp(v)
        return ts.value // 1_000_000
    assert isinstance(v, (int, np.integer)) and not isinstance(v, bool), f"_commit_timestamp {v!r}"
    return int(v)


def commit_timestamps(df: pd.DataFrame) -> dict[int, set[int]]:
    by_version: dict[int, set[int]] = {}
    for version, ts in zip(df["_commit_version"].tolist(), df["_commit_timestamp"].tolist()):
        by_version.setdefault(int(version), set()).add(as_millis(ts))
    return by_version


def client_commit_millis(millis: int, use_delta_format: bool) -> int:
    # delta format: the connector writes the received timestamp into the mtime of a local commit
    # file with whole-second precision (os.utime(..., ms // 1000)) and delta-kernel-rs reads it back
    return millis // 1000 * 1000 if use_delta_format else millis


def change_counts(df: pd.DataFrame) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for (version, kind), n in Counter(zip(df["_commit_version"].tolist(), df["_change_type"].tolist())).items():
        counts.setdefault(int(version), {})[kind] = n
    return counts


def raw_lines(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, f"{response.request.method} {response.url} -> {response.status_code} {response.text[:500]}"
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


FORMATS = [pytest.param(False, id="parquet"), pytest.param(True, id="delta")]


# ---------------------------------------------------------------------------
# 0. the two oracles agree where both can read
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table,version",
    [(t, v) for t in ["events_cdf", "plain_cdf_off", "readings_ntz"] for v in versions(t)],
)
def test_spark_record_agrees_with_delta_rs(table, version):
    columns, rows = spark_table(table, version)
    assert len(rows) == expected_figures()[0][table][version]
    rs_columns, rs_rows = delta_rs_table(FEATURE_LAKE / table, version)
    assert rs_columns == columns
    assert_same_rows(rs_rows, rows, f"delta-rs vs Spark record, {table} v{version}")


def test_spark_change_feed_record_agrees_with_delta_rs_and_expected_md():
    columns, rows = spark_cdf()
    assert_same_rows(delta_rs_cdf(0, None)[1], rows, "delta-rs load_cdf vs Spark record")
    counts: dict[int, dict[str, int]] = {}
    for r in rows:
        kinds = counts.setdefault(r[columns.index("_commit_version")], {})
        kinds[r[columns.index("_change_type")]] = kinds.get(r[columns.index("_change_type")], 0) + 1
    assert counts == expected_figures()[1]


def test_delta_rs_change_feed_reader_exits_cleanly():
    # the arrow reader of load_cdf is what this suite uses; make sure it does not abort the
    # interpreter at exit the way DeltaTable.to_pyarrow_table() does with deltalake 1.6.6
    script = (
        "import pyarrow as pa\n"
        "from deltalake import DeltaTable\n"
        f"t = DeltaTable({str(FEATURE_LAKE / CDF_TABLE)!r})\n"
        "for s, e in [(0, None), (2, 3), (4, 4)]:\n"
        "    assert pa.table(t.load_cdf(starting_version=s, ending_version=e)).num_rows > 0\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"


# ---------------------------------------------------------------------------
# 1. responseformat=delta (use_delta_format=True)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "share,schema,table",
    [(RETAIL, RETAIL_SCHEMA, t) for t in RETAIL_TABLES] + [(LABS, LABS_SCHEMA, t) for t in LABS_TABLES],
)
def test_delta_format_load_of_latest_version_equals_the_reference(partner_profile, share, schema, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table, share, schema), use_delta_format=True)
    columns, rows = reference(share, table)
    assert list(df.columns) == columns
    assert_same_rows(frame_rows(df, columns), rows, f"{share}.{schema}.{table} (delta format, latest)")


@pytest.mark.parametrize(
    "table,version",
    [(t, v) for t in ["orders_dv", "customers_cm", "events_cdf"] for v in versions(t)],
)
def test_delta_format_load_at_every_version_equals_spark(partner_profile, table, version):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table), version=version, use_delta_format=True)
    columns, rows = spark_table(table, version)
    assert list(df.columns) == columns
    assert len(df) == expected_figures()[0][table][version]
    assert_same_rows(frame_rows(df, columns), rows, f"{table} v{version} (delta format)")


def test_deletion_vector_rows_are_gone_and_the_update_is_applied(partner_profile):
    url = url_of(partner_profile, "orders_dv")
    v1 = delta_sharing.load_as_pandas(url, version=1, use_delta_format=True).set_index("order_id")
    v3 = delta_sharing.load_as_pandas(url, version=3, use_delta_format=True).set_index("order_id")
    assert len(v1) == 60 and len(v3) == 54
    cancelled = {3, 13, 23, 33, 43, 53}
    assert set(v1.index) == set(range(1, 61))
    assert set(v3.index) == set(range(1, 61)) - cancelled
    assert (v1.loc[sorted(cancelled), "status"] == "cancelled").all()
    for order_id in (5, 15, 25, 35):  # UPDATE of v3: pending -> shipped, amount + 1.00
        assert v1.loc[order_id, "status"] == "pending" and v3.loc[order_id, "status"] == "shipped"
        assert v3.loc[order_id, "amount"] == v1.loc[order_id, "amount"] + Decimal("1.00")
    assert v3.loc[45, "status"] == "pending"  # not matched by the UPDATE (order_id <= 35)


def test_column_mapped_table_has_its_logical_column_names_at_every_version(partner_profile):
    url = url_of(partner_profile, "customers_cm")
    names = {v: list(delta_sharing.load_as_pandas(url, version=v, use_delta_format=True).columns) for v in versions("customers_cm")}
    assert names == {
        0: ["customer_id", "full name", "city", "signup_date"],
        1: ["customer_id", "full name", "home_city", "signup_date"],
        2: ["customer_id", "full name", "home_city", "signup_date"],
        3: ["customer_id", "full name", "home_city", "signup_date", "tier"],
        4: ["customer_id", "full name", "home_city", "signup_date", "tier"],
    }
    df = delta_sharing.load_as_pandas(url, use_delta_format=True).set_index("customer_id")
    assert df["full name"].notna().all() and df["home_city"].notna().all()
    assert df.loc[1:35, "tier"].isna().all()  # rows written before ADD COLUMNS
    assert df.loc[36:40, "tier"].tolist() == ["gold", "silver", "gold", "silver", "gold"]


def test_timestamp_ntz_stays_a_wall_clock_time_without_zone(partner_profile):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, "readings_ntz"), use_delta_format=True)
    assert str(df["reading_ts"].dtype) == "datetime64[us]"
    assert encode(df["reading_ts"].min()) == "2024-06-01T00:00:00.000000"


# ---------------------------------------------------------------------------
# 2. without use_delta_format: the connector resolves the format through /metadata
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", NEEDS_DELTA_FORMAT)
def test_metadata_for_a_delta_and_parquet_client_chooses_delta_for_tables_with_reader_features(api, partner_token, table):
    # what load_as_pandas(url) asks first (DataSharingRestClient.autoresolve_query_format)
    r = requests.get(
        f"{api}/shares/{LABS}/schemas/{LABS_SCHEMA}/tables/{table}/metadata",
        headers={"Authorization": f"Bearer {partner_token}", "delta-sharing-capabilities": DELTA_AND_PARQUET},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.headers.get("delta-sharing-capabilities", "").startswith("responseformat=delta"), (
        f"GET {r.url} with delta-sharing-capabilities: {DELTA_AND_PARQUET} answered "
        f"delta-sharing-capabilities: {r.headers.get('delta-sharing-capabilities')!r}"
    )


@pytest.mark.parametrize("table", NEEDS_DELTA_FORMAT)
def test_default_load_resolves_a_format_that_returns_the_right_rows(partner_profile, table):
    df = delta_sharing.load_as_pandas(url_of(partner_profile, table))
    columns, rows = spark_table(table, latest(table))
    assert list(df.columns) == columns
    assert_same_rows(frame_rows(df, columns), rows, f"{table} (format resolved by the connector)")


@pytest.mark.parametrize("table", ["orders_dv", "customers_cm"])
def test_parquet_only_query_of_a_table_needing_delta_is_refused_naming_responseformat_delta(partner_profile, table):
    # parquet files alone would give wrong rows (deleted rows back, physical column names)
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_as_pandas(url_of(partner_profile, table), use_delta_format=False)
    assert err.value.response.status_code == 400, err.value
    assert "responseformat=delta" in str(err.value)


# ---------------------------------------------------------------------------
# 3. change data feed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("use_delta_format", FORMATS)
@pytest.mark.parametrize("start,end", [(0, None), (2, 3), (4, 4)], ids=["0-latest", "2-3", "4-4"])
def test_change_data_feed_equals_delta_rs_spark_and_expected_md(partner_profile, start, end, use_delta_format):
    df = delta_sharing.load_table_changes_as_pandas(
        url_of(partner_profile, CDF_TABLE), starting_version=start, ending_version=end, use_delta_format=use_delta_format
    )
    last = latest(CDF_TABLE) if end is None else end
    columns = spark_cdf()[0]  # table columns + _change_type, _commit_version
    assert list(df.columns) == columns + ["_commit_timestamp"]
    rows = frame_rows(df, columns)
    assert_same_rows(rows, delta_rs_cdf(start, end)[1], f"changes {start}..{end} vs delta-rs load_cdf")
    assert_same_rows(rows, spark_cdf_between(start, last), f"changes {start}..{end} vs Spark readChangeFeed")
    assert change_counts(df) == {v: n for v, n in expected_figures()[1].items() if start <= v <= last}
    table_root = FEATURE_LAKE / CDF_TABLE
    assert commit_timestamps(df) == {
        v: {client_commit_millis(commit_millis(table_root, v), use_delta_format)} for v in range(start, last + 1)
    }


# ---------------------------------------------------------------------------
# 4. change data feed by timestamp (the timed share, commit times set by conftest)
# ---------------------------------------------------------------------------


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _millis(instant: dt.datetime) -> int:
    return int(instant.timestamp() * 1000)


def _window(timed_table, name: str) -> tuple[str, str | None, list[int]]:
    """(startingTimestamp, endingTimestamp, versions in the window), named by commit instants."""
    c = timed_table.commits
    half = dt.timedelta(minutes=30)
    return {
        # between commits: the first commit at or after the start, the last at or before the end
        "between": (_iso(c[1] + half), _iso(c[3] + half), [2, 3]),
        # exactly on commits: both ends inclusive
        "exact": (_iso(c[1]), _iso(c[4]), [1, 2, 3, 4]),
        # no end: up to the latest version
        "open": (_iso(c[4] + half), None, [5]),
        # a single commit
        "single": (_iso(c[0]), _iso(c[0] + half), [0]),
    }[name]


@pytest.mark.parametrize("window", ["between", "exact", "open", "single"])
def test_changes_between_timestamps_return_exactly_the_commits_in_the_window(timed_url, timed_table, window):
    start, end, expected_versions = _window(timed_table, window)
    df = delta_sharing.load_table_changes_as_pandas(timed_url, starting_timestamp=start, ending_timestamp=end)
    assert sorted(set(df["_commit_version"].tolist())) == expected_versions, (start, end)
    columns = spark_cdf()[0]
    assert_same_rows(
        frame_rows(df, columns),
        spark_cdf_between(expected_versions[0], expected_versions[-1]),
        f"timed changes {start}..{end}",
    )
    assert commit_timestamps(df) == {v: {_millis(timed_table.commits[v])} for v in expected_versions}


def test_changes_between_timestamps_in_delta_format(timed_url, timed_table):
    start, end, expected_versions = _window(timed_table, "between")
    df = delta_sharing.load_table_changes_as_pandas(
        timed_url, starting_timestamp=start, ending_timestamp=end, use_delta_format=True
    )
    assert sorted(set(df["_commit_version"].tolist())) == expected_versions
    columns = spark_cdf()[0]
    assert_same_rows(frame_rows(df, columns), spark_cdf_between(2, 3), f"timed changes {start}..{end}, delta format")
    assert commit_timestamps(df) == {v: {_millis(timed_table.commits[v])} for v in expected_versions}


def test_commit_timestamps_of_the_timed_copy_are_its_commit_file_times(timed_url, timed_table):
    df = delta_sharing.load_table_changes_as_pandas(timed_url, starting_version=0)
    assert commit_timestamps(df) == {v: {_millis(t)} for v, t in enumerate(timed_table.commits)}
    assert all(commit_millis(timed_table.path, v) == _millis(t) for v, t in enumerate(timed_table.commits))


def test_changes_starting_after_the_last_commit_are_rejected(timed_url, timed_table):
    start = _iso(timed_table.commits[-1] + dt.timedelta(hours=1))
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_table_changes_as_pandas(timed_url, starting_timestamp=start)
    assert err.value.response.status_code == 400, err.value


def test_timed_share_is_granted_only_to_its_recipient(partner_profile, timed_table):
    tables = delta_sharing.SharingClient(partner_profile).list_all_tables()
    assert "timed" not in {t.share for t in tables}


# ---------------------------------------------------------------------------
# 5. change data feed errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("use_delta_format", FORMATS)
def test_changes_of_a_table_without_change_data_feed_are_rejected(partner_profile, use_delta_format):
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_table_changes_as_pandas(
            url_of(partner_profile, "plain_cdf_off"), starting_version=0, use_delta_format=use_delta_format
        )
    assert err.value.response.status_code == 400, err.value
    assert "delta.enableChangeDataFeed" in str(err.value)


@pytest.mark.parametrize("use_delta_format", FORMATS)
def test_changes_starting_after_the_latest_version_are_rejected(partner_profile, use_delta_format):
    with pytest.raises(requests.HTTPError) as err:
        delta_sharing.load_table_changes_as_pandas(
            url_of(partner_profile, CDF_TABLE), starting_version=latest(CDF_TABLE) + 1, use_delta_format=use_delta_format
        )
    assert err.value.response.status_code == 400, err.value


# ---------------------------------------------------------------------------
# 6. paging (raw HTTP)
# ---------------------------------------------------------------------------


def test_query_pages_of_two_files_return_every_file_exactly_once(api, partner_token):
    url = f"{api}/shares/{LABS}/schemas/{LABS_SCHEMA}/tables/{CDF_TABLE}/query"
    headers = {"Authorization": f"Bearer {partner_token}"}
    full = raw_lines(requests.post(url, json={}, headers=headers, timeout=30))
    head = full[:2]
    assert "protocol" in head[0] and "metaData" in head[1]
    full_ids = [line["file"]["id"] for line in full[2:]]
    assert len(full_ids) == len(set(full_ids)) == 9  # active files of events_cdf v5 (EXPECTED.md)

    body = {"maxFiles": 2}
    seen: list[str] = []
    pages = 0
    token = None
    while True:
        r = requests.post(url, json=dict(body, pageToken=token) if token else body, headers=headers, timeout=30)
        lines = raw_lines(r)
        pages += 1
        assert pages <= len(full_ids), "paging does not end"
        assert r.headers.get("Delta-Table-Version") == str(latest(CDF_TABLE))
        assert lines[:2] == head, f"page {pages}: protocol/metaData differ from the full query"
        files = [line["file"] for line in lines if "file" in line]
        assert 1 <= len(files) <= 2, f"page {pages} has {len(files)} files"
        seen += [f["id"] for f in files]
        assert "endStreamAction" in lines[-1], f"page {pages} does not end with endStreamAction"
        assert [k for line in lines for k in line] == ["protocol", "metaData"] + ["file"] * len(files) + ["endStreamAction"]
        token = lines[-1]["endStreamAction"].get("nextPageToken")
        if not token:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)), f"files served twice: {[i for i, n in Counter(seen).items() if n > 1]}"
    assert sorted(seen) == sorted(full_ids)
