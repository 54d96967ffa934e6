"""Conformance: every string, every type, every Parquet codec, on every face, against delta-rs.

Tables are written by delta-rs (``deltalake``) in this module and served by a gateway it starts
(``launch_gateway``) with its own catalog, its own feature definitions and Redis database 2.
The reference for every value is ``deltalake``'s own read of the table; the reference for every
predicate is an evaluation in Python with SQL semantics (a comparison with null is unknown), strings
in code-point order (Python's own), and floating point as Delta/Spark SQL order it (-0.0 = 0.0,
NaN = NaN, NaN above every number).

* One table per Parquet codec Delta writers produce (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4 in
  the Hadoop framing, BROTLI), read through the stock ``delta_sharing`` client, every Flight endpoint,
  Flight SQL's simple path and the SQL engine (DuckDB's own Parquet reader); feature views over a
  Brotli and a Hadoop-LZ4 table materialize and serve.
* NaN that float statistics cannot show (Parquet leaves it out of min/max): the SQL engine's direct
  Parquet path keeps those rows.
* The strings that broke pruning: a file with min 'ｱ' and max '𠮷', through the stock client, raw
  REST and Flight.
* A property-based suite (Hypothesis): random tables (random schemas over the served types, random
  Unicode including astral-plane characters, nulls, NaN, infinities, random partitioning, codecs
  and file splits, stats as delta-rs computes them) and random predicates, each checked on four
  faces: the stock client with ``jsonPredicateHints`` must return every matching row (pruning may
  keep extra files, never lose one), Flight with the same predicate and Flight SQL with it as a
  ``WHERE`` clause of a simple SELECT (the direct path) must return exactly the matching rows, and
  the SQL engine (DuckDB fed by governed scans, or its own Parquet reader over the admitted files)
  must return exactly the matching rows with every column, values and Arrow types, for
  ``SELECT t.* FROM ... AS t WHERE <predicate>`` (no simple SELECT: the ticket shows the engine
  answered; its WHERE is pushed to the scan where it may be). Per table the engine also reads the
  whole table (``SELECT * FROM (SELECT * FROM ...)``), equal to delta-rs with the types of a plain
  Flight read, and counts every predicate's rows in one aggregate (``count(*) FILTER (WHERE ...)``,
  reading only the columns the predicates name). Each random table is a new version of one of
  ``FUZZ_SLOTS`` catalog tables (overwritten with a new schema and partitioning), so schema changes
  between versions are exercised too. ``FUZZ_TABLES`` tables and
  ``FUZZ_PREDICATES`` predicates per table run in CI; set ``GOLDGATE_FUZZ_SEED`` to explore other
  seeds (the seed in use is printed, and a failure names it).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import math
import os
import random
import time

import adbc_driver_flightsql.dbapi as flightsql
import delta_sharing
import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests
from deltalake import DeltaTable, WriterProperties, write_deltalake
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import conformance_data
from conftest import SELF_STARTED_ADMIN_TOKEN, _free_port, launch_gateway

UTC = dt.timezone.utc
TOKEN = "goldgate-interop-conformance-token-local-only"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
SHARE, SCHEMA = "conformance", "lake"
# Parquet codecs as delta-rs names them; "LZ4" is the Hadoop-framed LZ4 codec, "LZ4_RAW" the plain one.
CODECS = ["UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW", "LZ4", "BROTLI"]
FEATURE_CODECS = ["BROTLI", "LZ4"]
FUZZ_TABLES = int(os.environ.get("GOLDGATE_FUZZ_TABLES", "50"))
FUZZ_PREDICATES = int(os.environ.get("GOLDGATE_FUZZ_PREDICATES", "10"))
FUZZ_SEED = int(os.environ.get("GOLDGATE_FUZZ_SEED", "20261207"))
# Catalog tables the random tables are written to in turn, each example overwriting the table of its
# slot (a new version with a new schema and partitioning), so replays by Hypothesis need no new ones.
FUZZ_SLOTS = 8
MANY_FILES = 1500


def codec_table(codec: str) -> str:
    return f"codec_{codec.lower()}"


def feature_table(codec: str) -> str:
    return f"features_{codec.lower()}"


def _features_rows(codec: str) -> pa.Table:
    rnd = random.Random(codec)
    n = 300
    return pa.table({
        "entity_id": pa.array(list(range(1, n + 1)), pa.int64()),
        "event_ts": pa.array([dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=rnd.randint(0, 10**7)) for _ in range(n)],
                             pa.timestamp("us", tz="UTC")),
        "label": pa.array([rnd.choice(conformance_data.STRINGS) for _ in range(n)], pa.string()),
        "score": pa.array([rnd.uniform(-1e3, 1e3) for _ in range(n)], pa.float64()),
        "count": pa.array([rnd.randint(-2**31, 2**31 - 1) for _ in range(n)], pa.int32()),
    })


@pytest.fixture(scope="module")
def lake(request, tmp_path_factory, served_catalog, redis_server):
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: the conformance tables exist only for a gateway this module starts")
    root = tmp_path_factory.mktemp("conformance")
    tables = {}
    for codec in CODECS:
        path = root / codec_table(codec)
        rows = conformance_data.mixed_rows(400, seed=7)
        # Two commits, so each partition has two files.
        for part in (rows.slice(0, 250), rows.slice(250)):
            write_deltalake(str(path), part, mode="append", partition_by=["part"], writer_properties=WriterProperties(compression=codec))
        tables[codec_table(codec)] = path
    for codec in FEATURE_CODECS:
        path = root / feature_table(codec)
        write_deltalake(str(path), _features_rows(codec), writer_properties=WriterProperties(compression=codec))
        tables[feature_table(codec)] = path
    # Polars hands delta-rs large strings and binaries, and delta-rs keeps them in the files' Arrow schema.
    path = root / "large_types"
    rows = conformance_data.mixed_rows(200, seed=9)
    large = rows.cast(pa.schema([pa.field(f.name, pa.large_string() if f.type == pa.string() else pa.large_binary() if f.type == pa.binary() else f.type)
                                 for f in rows.schema]))
    write_deltalake(str(path), large, partition_by=["part"])
    tables["large_types"] = path
    path = root / "unicode_strings"
    for part in conformance_data.unicode_table():
        write_deltalake(str(path), part, mode="append")
    tables["unicode_strings"] = path
    # NaN between ordinary numbers: the files' float statistics say [1, 2] (NaN is left out of them).
    path = root / "nan_floats"
    nan = [1.0, math.nan, 2.0, math.nan, None]
    write_deltalake(str(path), pa.table({"id": pa.array(range(len(nan)), pa.int64()), "f32": pa.array(nan, pa.float32()), "f64": pa.array(nan, pa.float64())}))
    tables["nan_floats"] = path
    # Enough files that a query's answer runs to several of the gzip pipeline's 256 KiB chunks.
    path = root / "many_files"
    write_deltalake(str(path), pa.table({"id": pa.array(range(MANY_FILES), pa.int64()),
                                         "part": pa.array([f"p{i:04d}-日本-🎉" for i in range(MANY_FILES)])}), partition_by=["part"])
    tables["many_files"] = path
    fuzz = [root / f"fuzz_{i}" for i in range(FUZZ_SLOTS)]
    listed = "\n".join(f"          - name: {p.name}\n            location: {json.dumps(str(p))}" for p in [*tables.values(), *fuzz])
    shares = root / "shares"
    shares.mkdir()
    (shares / "conformance.yaml").write_text(f"""
shares:
  - name: {SHARE}
    schemas:
      - name: {SCHEMA}
        tables:
{listed}
      # "main" is also the name of the schema every DuckDB catalog starts with (the engine attaches
      # one catalog per share): a shared schema of that name must still work.
      - name: main
        tables:
          - name: nan_floats
            location: {json.dumps(str(tables["nan_floats"]))}
recipients:
  - name: conformance
    tokens:
      - hash: sha256:{hashlib.sha256(TOKEN.encode()).hexdigest()}
    shares: [{SHARE}]
""")
    defs = root / "feature-defs"
    defs.mkdir()
    views = "\n".join(f"""
  - name: view_{codec.lower()}
    source: {{table: {SHARE}.{SCHEMA}.{feature_table(codec)}}}
    entities: [entity]
    timestampColumn: event_ts
    features:
      - {{name: label, type: String}}
      - {{name: score, type: Float64}}
      - {{name: count, type: Int32}}""" for codec in FEATURE_CODECS)
    (defs / "conformance.yaml").write_text(f"""
entities:
  - name: entity
    joinKeys:
      - {{name: entity_id, type: Int64}}
featureViews:{views}
""")
    flight_port = _free_port()
    # Small batches and the smallest send buffer: every Flight read here is many batches per file,
    # each handed to gRPC without a copy while the next is produced, so a buffer freed or reused
    # before it is sent shows up as a wrong value.
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=f"{redis_server.url}/2",
                        flight_port=flight_port, features_dir=defs,
                        extra_args=["-Dgoldgate.flight.batch-rows=16", "-Dgoldgate.flight.send-buffer=64K"]) as url:
        profile = root / "conformance.share"
        profile.write_text(json.dumps({"shareCredentialsVersion": 1, "endpoint": f"{url}/delta-sharing", "bearerToken": TOKEN}))
        client = flight.FlightClient(f"grpc://localhost:{flight_port}")
        sql = flightsql.connect(f"grpc://localhost:{flight_port}", db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKEN}"})
        yield {"url": url, "profile": str(profile), "flight": client, "sql": sql, "tables": tables, "fuzz": fuzz, "log": root / "gateway.log"}
        sql.close()
        client.close()


FLIGHT_AUTH = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())], timeout=60)


def flight_read(lake, descriptor: flight.FlightDescriptor) -> pa.Table:
    info = lake["flight"].get_flight_info(descriptor, FLIGHT_AUTH)
    parts = [lake["flight"].do_get(e.ticket, FLIGHT_AUTH).read_all() for e in info.endpoints]
    return pa.concat_tables(parts) if parts else info.schema.empty_table()


def flight_command(table: str, **fields) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(json.dumps({"table": f"{SHARE}.{SCHEMA}.{table}", **fields}))


def sql_query(lake, sql: str) -> pa.Table:
    cur = lake["sql"].cursor()
    try:
        cur.execute(sql)
        return cur.fetch_arrow_table()
    finally:
        cur.close()


def _protobuf_field(number: int, payload: bytes) -> bytes:
    """One length-delimited protobuf field (all that a Flight SQL query command needs)."""
    length, n = bytearray(), len(payload)
    while True:
        length.append((n & 0x7F) | (0x80 if n >> 7 else 0))
        n >>= 7
        if not n:
            return bytes([number << 3 | 2]) + bytes(length) + payload


_SQL_PROTOCOL = "type.googleapis.com/arrow.flight.protocol.sql."


def engine_query(lake, sql: str) -> pa.Table:
    """A Flight SQL statement that the engine (DuckDB) must answer, read over plain Flight so the
    server's Arrow types arrive untouched. The simple path answers with signed read tickets, the
    engine with one TicketStatementQuery: the ticket says which path took the query."""
    command = _protobuf_field(1, f"{_SQL_PROTOCOL}CommandStatementQuery".encode()) + _protobuf_field(2, _protobuf_field(1, sql.encode()))
    info = lake["flight"].get_flight_info(flight.FlightDescriptor.for_command(command), FLIGHT_AUTH)
    tickets = [e.ticket.ticket for e in info.endpoints]
    engine_ticket = _protobuf_field(1, f"{_SQL_PROTOCOL}TicketStatementQuery".encode())  # google.protobuf.Any's type_url
    assert len(tickets) == 1 and tickets[0].startswith(engine_ticket), f"not answered by the engine: {sql}"
    return lake["flight"].do_get(info.endpoints[0].ticket, FLIGHT_AUTH).read_all()


def assert_same_types(got: pa.Schema, expected: pa.Schema, what: str) -> None:
    """Column names and Arrow types (nullability and metadata aside)."""
    assert [(f.name, f.type) for f in got] == [(f.name, f.type) for f in expected], f"{what}: types {got} vs {expected}"


def reference(path) -> list[dict]:
    """The table as delta-rs reads it, rows as dicts."""
    return DeltaTable(str(path)).to_pyarrow_table().to_pylist()


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a.replace(tzinfo=a.tzinfo or UTC) == b.replace(tzinfo=b.tzinfo or UTC)
    return a == b


def assert_same_rows(got: list[dict], expected: list[dict], key: str, what: str) -> None:
    assert len(got) == len(expected), f"{what}: {len(got)} rows, expected {len(expected)}"
    want = {r[key]: r for r in expected}
    for row in got:
        ref = want[row[key]]
        assert set(row) == set(ref), f"{what}: columns {sorted(row)} vs {sorted(ref)}"
        for column, value in row.items():
            assert _same(value, ref[column]), f"{what}: {key}={row[key]} {column}: {value!r} vs {ref[column]!r}"


def _pandas_rows(frame) -> list[dict]:
    rows = []
    for record in frame.to_dict("records"):
        row = {}
        for k, v in record.items():
            if v is None or (isinstance(v, float) and math.isnan(v) and k not in ("f32", "f64")):
                row[k] = None
            elif hasattr(v, "to_pydatetime"):
                row[k] = v.to_pydatetime()
            elif hasattr(v, "item") and not isinstance(v, (bytes, str)):
                row[k] = v.item()
            else:
                row[k] = v
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Every codec on every face


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_through_every_flight_endpoint_equal_to_delta_rs(lake, codec):
    table = codec_table(codec)
    expected = reference(lake["tables"][table])
    got = flight_read(lake, flight.FlightDescriptor.for_path(SHARE, SCHEMA, table)).to_pylist()
    assert_same_rows(got, expected, "id", f"Flight {table}")


FIXED_WIDTH = ["id", "i8", "i16", "i32", "f32", "f64", "flag", "d", "ts", "dec", "dec2", "part"]


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_fixed_width_columns_cut_from_whole_row_groups_equal_to_delta_rs(lake, codec):
    # Only fixed-width columns (and the partition column): the gateway asks the native reader for
    # whole row groups (25 to 50 rows here) and cuts its 16-row batches from them without a copy.
    table = codec_table(codec)
    expected = [{c: r[c] for c in FIXED_WIDTH} for r in reference(lake["tables"][table])]
    info = lake["flight"].get_flight_info(flight_command(table, columns=FIXED_WIDTH), FLIGHT_AUTH)
    batches = [chunk.data for e in info.endpoints for chunk in lake["flight"].do_get(e.ticket, FLIGHT_AUTH)]
    assert batches and all(b.num_rows <= 16 for b in batches), [b.num_rows for b in batches]
    assert any(b.num_rows == 16 for b in batches), [b.num_rows for b in batches]
    got = pa.Table.from_batches(batches, schema=info.schema).to_pylist()
    assert_same_rows(got, expected, "id", f"Flight {table} {FIXED_WIDTH}")


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_answers_flight_sql_with_a_filter_equal_to_delta_rs(lake, codec):
    table = codec_table(codec)
    expected = [{"id": r["id"], "s": r["s"], "dec": r["dec"]} for r in reference(lake["tables"][table])
                if r["part"] == "𠮷" and r["s"] is not None and r["s"] > "ｱ"]
    assert expected, "the filter must select something"
    got = sql_query(lake, f"SELECT id, s, dec FROM {SHARE}.{SCHEMA}.{table} WHERE part = '𠮷' AND s > 'ｱ'").to_pylist()
    assert_same_rows(got, expected, "id", f"Flight SQL {table}")


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_through_the_sql_engine_equal_to_delta_rs(lake, codec):
    """Without the partition column the engine reads the files with DuckDB's own Parquet reader:
    it must decode every codec and give the governed read's types."""
    table = codec_table(codec)
    columns = [name for name in conformance_data.SCHEMA.names if name != "part"]
    expected = [{k: v for k, v in r.items() if k != "part"} for r in reference(lake["tables"][table])]
    got = engine_query(lake, f"SELECT {', '.join(columns)} FROM {SHARE}.{SCHEMA}.{table} ORDER BY id")
    assert got.column("id").to_pylist() == sorted(r["id"] for r in expected)
    assert_same_rows(got.to_pylist(), expected, "id", f"engine {table}")
    governed = flight_read(lake, flight_command(table, columns=columns, limit=1)).schema
    assert_same_types(got.schema, governed, f"engine {table}")


@pytest.mark.parametrize("where", ["f64 > 10", "isnan(f64)", "f64 = 'NaN'", "f32 > 10", "f32 = 'NaN'", "NOT (f64 <= 2)"])
def test_the_sql_engine_keeps_nan_rows_that_float_statistics_cannot_show(lake, where):
    """Parquet's float statistics leave NaN out, so a reader that prunes by them loses NaN rows:
    the engine's direct Parquet path must not (DuckDB needs to be told the files can hold NaN)."""
    got = engine_query(lake, f"SELECT id FROM {SHARE}.{SCHEMA}.nan_floats WHERE {where} ORDER BY id").column("id").to_pylist()
    assert got == [1, 3], where


def test_the_sql_engine_serves_a_schema_named_main_next_to_another(lake):
    got = engine_query(lake, f"SELECT count(*) AS n, count(l.id) AS joined FROM {SHARE}.main.nan_floats m "
                             f"LEFT JOIN {SHARE}.{SCHEMA}.nan_floats l USING (id)").to_pylist()
    rows = len(reference(lake["tables"]["nan_floats"]))
    assert got == [{"n": rows, "joined": rows}] and rows > 0


def test_a_long_answer_gzipped_is_the_same_lines_and_the_stock_client_reads_it(lake):
    url = f"{lake['url']}/delta-sharing/shares/{SHARE}/schemas/{SCHEMA}/tables/many_files/query"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def lines(encoding: str) -> tuple[requests.Response, list[dict]]:
        r = requests.post(url, data="{}", headers={**headers, "Accept-Encoding": encoding}, timeout=60)
        assert r.status_code == 200, r.text[:300]
        out = [json.loads(line) for line in r.text.splitlines()]
        for line in out:
            if "file" in line:
                line["file"].pop("url")
                line["file"].pop("expirationTimestamp", None)
        return r, out

    plain, expected = lines("identity")
    gzipped, got = lines("gzip")
    assert plain.headers.get("Content-Encoding") is None
    assert gzipped.headers.get("Content-Encoding") == "gzip"
    assert len(plain.content) > 3 * 256 * 1024, len(plain.content)
    assert got == expected
    assert sum(1 for line in got if "file" in line) == MANY_FILES
    frame = delta_sharing.load_as_pandas(f"{lake['profile']}#{SHARE}.{SCHEMA}.many_files")
    assert sorted(zip(frame["id"], frame["part"])) == sorted((r["id"], r["part"]) for r in reference(lake["tables"]["many_files"]))


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_with_the_stock_client_equal_to_delta_rs(lake, codec):
    table = codec_table(codec)
    frame = delta_sharing.load_as_pandas(f"{lake['profile']}#{SHARE}.{SCHEMA}.{table}")
    expected = reference(lake["tables"][table])
    got = _pandas_rows(frame)
    assert len(got) == len(expected)
    want = {r["id"]: r for r in expected}
    for row in got:
        ref = want[row["id"]]
        for column in ("s", "bin", "part", "i32", "dec", "dec2", "flag"):
            assert _same(row[column], ref[column]), (table, row["id"], column, row[column], ref[column])
        # pandas holds a null double as NaN: only the values can be told apart there.
        assert _same(row["f64"], math.nan if ref["f64"] is None else ref["f64"]), (table, row["id"], row["f64"], ref["f64"])


def test_files_keeping_large_string_and_binary_layouts_read_on_flight_equal_to_delta_rs(lake):
    expected = reference(lake["tables"]["large_types"])
    got = flight_read(lake, flight.FlightDescriptor.for_path(SHARE, SCHEMA, "large_types")).to_pylist()
    assert_same_rows(got, expected, "id", "Flight large_types")
    sql = sql_query(lake, f"SELECT id, s FROM {SHARE}.{SCHEMA}.large_types WHERE s >= '😀'").to_pylist()
    assert sorted(r["id"] for r in sql) == sorted(r["id"] for r in expected if r["s"] is not None and r["s"] >= "😀")


@pytest.mark.parametrize("codec", FEATURE_CODECS)
def test_a_feature_view_over_a_brotli_or_hadoop_lz4_table_materializes_and_serves_delta_rs_values(lake, codec):
    view = f"view_{codec.lower()}"
    r = requests.post(f"{lake['url']}/admin/features/views/{view}/materialize", headers=ADMIN, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["written"] == 300, r.json()
    rows = {r["entity_id"]: r for r in reference(lake["tables"][feature_table(codec)])}
    ids = sorted(rows)
    answer = requests.post(f"{lake['url']}/get-online-features", headers=AUTH, timeout=30, json={
        "features": [f"{view}:label", f"{view}:score", f"{view}:count"], "entities": {"entity_id": ids}})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    for i, entity in enumerate(ids):
        for column, result in zip(("label", "score", "count"), results[1:]):
            assert result["statuses"][i] == "PRESENT", (view, entity, column, result["statuses"][i])
            assert result["values"][i] == rows[entity][column], (view, entity, column)


# ---------------------------------------------------------------------------------------------
# The strings of the pruning defect, through the stock client, raw REST and Flight


def _hint(op: str, column: str, type_: str, value: str) -> str:
    return json.dumps({"op": op, "children": [{"op": "column", "name": column, "valueType": type_},
                                              {"op": "literal", "value": value, "valueType": type_}]})


def test_the_stock_client_gets_the_astral_plane_rows_a_hint_asks_for(lake):
    frame = delta_sharing.load_as_pandas(f"{lake['profile']}#{SHARE}.{SCHEMA}.unicode_strings",
                                         jsonPredicateHints=_hint("equal", "s", "string", "𠮷"))
    assert (frame["s"] == "𠮷").sum() == 24


@pytest.mark.parametrize("hint,files", [
    (_hint("equal", "s", "string", "𠮷"), [48]),
    (_hint("greaterThan", "s", "string", "ｱ"), [24, 48]),
    (_hint("greaterThanOrEqual", "s", "string", "😁"), [24, 48]),
    (_hint("lessThan", "s", "string", "b"), [24]),
])
def test_raw_rest_pruning_keeps_every_file_a_code_point_range_may_match(lake, hint, files):
    r = requests.post(f"{lake['url']}/delta-sharing/shares/{SHARE}/schemas/{SCHEMA}/tables/unicode_strings/query",
                      headers=AUTH, json={"jsonPredicateHints": hint}, timeout=30)
    assert r.status_code == 200, r.text
    counts = sorted(json.loads(json.loads(line)["file"]["stats"])["numRecords"] for line in r.text.split("\n") if "\"file\"" in line)
    assert counts == files


def test_flight_filters_astral_plane_strings_exactly(lake):
    predicate = {"op": "or", "children": [json.loads(_hint("greaterThan", "s", "string", "ｱ")), json.loads(_hint("equal", "n", "long", "1000"))]}
    got = flight_read(lake, flight_command("unicode_strings", predicate=predicate)).to_pylist()
    expected = [r for r in reference(lake["tables"]["unicode_strings"]) if r["s"] > "ｱ" or r["n"] == 1000]
    assert sorted(r["n"] for r in got) == sorted(r["n"] for r in expected)
    assert len(got) == 37


# ---------------------------------------------------------------------------------------------
# Property-based: random tables, random predicates, three faces against the Python oracle

KINDS = {
    # kind -> (Arrow type, jsonPredicateHints valueType or None when not comparable)
    "long": (pa.int64(), "long"),
    "int": (pa.int32(), "int"),
    "short": (pa.int16(), "int"),
    "byte": (pa.int8(), "int"),
    "double": (pa.float64(), "double"),
    "float": (pa.float32(), "float"),
    "string": (pa.string(), "string"),
    "binary": (pa.binary(), None),
    "bool": (pa.bool_(), "bool"),
    "date": (pa.date32(), "date"),
    "timestamp": (pa.timestamp("us", tz="UTC"), "timestamp"),
    "timestamp_ntz": (pa.timestamp("us"), "timestamp"),
    "decimal": (pa.decimal128(20, 4), "double"),
    "struct": (pa.struct([("a", pa.int64()), ("b", pa.string())]), None),
    "list": (pa.list_(pa.int32()), None),
}
PARTITION_KINDS = ["string", "long", "int", "date", "bool"]

_text = st.one_of(
    st.sampled_from(conformance_data.STRINGS),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6),
    st.text(alphabet=st.characters(min_codepoint=0xE000, max_codepoint=0x2FFFF, exclude_categories=("Cs",)), max_size=4),
)


def _values(kind: str):
    return {
        "long": st.one_of(st.integers(-3, 3), st.integers(-2**63, 2**63 - 1)),
        "int": st.one_of(st.integers(-3, 3), st.integers(-2**31, 2**31 - 1)),
        "short": st.integers(-2**15, 2**15 - 1),
        "byte": st.integers(-128, 127),
        "double": st.one_of(st.sampled_from([math.nan, -0.0, 0.0, math.inf, -math.inf, 0.1]), st.floats()),
        "float": st.one_of(st.sampled_from([math.nan, -0.0, 0.0, math.inf, 0.1]), st.floats(width=32)),
        "string": _text,
        "binary": st.binary(max_size=6),
        "bool": st.booleans(),
        "date": st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
        "timestamp": st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1), timezones=st.just(UTC)),
        "timestamp_ntz": st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)),
        "struct": st.fixed_dictionaries({"a": st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), "b": st.one_of(st.none(), _text)}),
        "list": st.lists(st.one_of(st.none(), st.integers(-2**31, 2**31 - 1)), max_size=3),
        "decimal": st.decimals(min_value=-10**15, max_value=10**15, places=4, allow_nan=False, allow_infinity=False),
    }[kind]


@st.composite
def random_tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=6))
    columns = {f"c{i}_{k}": k for i, k in enumerate(kinds)}
    partition = None
    if draw(st.booleans()):
        pk = draw(st.sampled_from(PARTITION_KINDS))
        partition = f"p_{pk}"
        columns[partition] = pk
    n = draw(st.integers(1, 40))
    data = {"id": list(range(n))}
    for name, kind in columns.items():
        pool = draw(st.lists(_values(kind), min_size=1, max_size=4)) if name == partition else None
        null_rate = draw(st.sampled_from([0.0, 0.1, 0.5]))
        data[name] = [None if draw(st.floats(0, 1)) < null_rate else
                      (draw(st.sampled_from(pool)) if pool else draw(_values(kind))) for _ in range(n)]
    commits = draw(st.integers(1, 4))
    codec = draw(st.sampled_from(CODECS))
    return {"columns": columns, "partition": partition, "data": data, "commits": commits, "codec": codec}


def _arrow(spec) -> pa.Table:
    fields = [pa.field("id", pa.int64())] + [pa.field(name, KINDS[kind][0]) for name, kind in spec["columns"].items()]
    return pa.table({f.name: pa.array(spec["data"][f.name], f.type) for f in fields}, schema=pa.schema(fields))


def _write(path, spec) -> None:
    table = _arrow(spec)
    cuts = sorted({0, table.num_rows, *[(table.num_rows * i) // spec["commits"] for i in range(1, spec["commits"])]})
    for i, (start, end) in enumerate(zip(cuts, cuts[1:])):
        write_deltalake(str(path), table.slice(start, end - start), mode="overwrite" if i == 0 else "append",
                        schema_mode="overwrite" if i == 0 else None,
                        partition_by=[spec["partition"]] if spec["partition"] else [],
                        writer_properties=WriterProperties(compression=spec["codec"]))


def _sql_key(kind: str, value):
    """Python values in the SQL order the gateway promises (NaN above every number, -0.0 = 0.0)."""
    if kind in ("double", "float"):
        return (1, 0.0) if math.isnan(value) else (0, value + 0.0)
    if kind == "decimal":
        return decimal.Decimal(value)
    if kind == "timestamp":
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def _literal_text(kind: str, value) -> str:
    if kind in ("double", "float"):
        return "NaN" if math.isnan(value) else ("Infinity" if value == math.inf else "-Infinity" if value == -math.inf else repr(value))
    if kind == "bool":
        return "true" if value else "false"
    if kind == "timestamp":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if kind == "timestamp_ntz":
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if kind == "date":
        return value.isoformat()
    return str(value)


@st.composite
def predicates(draw, spec, depth=0):
    comparable = {name: kind for name, kind in spec["columns"].items() if KINDS[kind][1] is not None}
    if not comparable:
        return None
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        op = draw(st.sampled_from(["and", "or", "not"]))
        if op == "not":
            return {"op": "not", "children": [draw(predicates(spec, depth + 1))]}
        return {"op": op, "children": [draw(predicates(spec, depth + 1)), draw(predicates(spec, depth + 1))]}
    column = draw(st.sampled_from(sorted(comparable)))
    kind = comparable[column]
    if draw(st.integers(0, 6)) == 0:
        return {"op": "isNull", "children": [{"op": "column", "name": column, "valueType": KINDS[kind][1]}]}
    present = [v for v in spec["data"][column] if v is not None]
    value = draw(st.sampled_from(present)) if present and draw(st.booleans()) else draw(_values(kind))
    op = draw(st.sampled_from(["equal", "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"]))
    return {"op": op, "children": [{"op": "column", "name": column, "valueType": KINDS[kind][1]},
                                   {"op": "literal", "value": _literal_text(kind, value), "valueType": KINDS[kind][1],
                                    "_value": value, "_kind": kind}]}


def _evaluate(p, row):
    """SQL three-valued logic: True, False or None (unknown)."""
    op = p["op"]
    if op == "and":
        values = [_evaluate(c, row) for c in p["children"]]
        return False if False in values else (None if None in values else True)
    if op == "or":
        values = [_evaluate(c, row) for c in p["children"]]
        return True if True in values else (None if None in values else False)
    if op == "not":
        v = _evaluate(p["children"][0], row)
        return None if v is None else not v
    column = p["children"][0]["name"]
    if op == "isNull":
        return row[column] is None
    literal = p["children"][1]
    if row[column] is None:
        return None
    a, b = _sql_key(literal["_kind"], row[column]), _sql_key(literal["_kind"], literal["_value"])
    return {"equal": a == b, "lessThan": a < b, "lessThanOrEqual": a <= b, "greaterThan": a > b, "greaterThanOrEqual": a >= b}[op]


def _wire(p):
    """The predicate as the protocol's JSON tree (without the oracle's private fields)."""
    if "children" not in p:
        return {k: v for k, v in p.items() if not k.startswith("_")}
    return {**{k: v for k, v in p.items() if not k.startswith("_")}, "children": [_wire(c) for c in p["children"]]}


def _sql(p, qualifier: str = "", engine: bool = False) -> str:
    """The predicate as a WHERE clause, its columns prefixed with ``qualifier``. For the engine
    (``engine``), a literal compared with a FLOAT column is written as a DOUBLE: DuckDB types ``0.1``
    as DECIMAL(1,1) and compares a FLOAT column with a DECIMAL as FLOAT (``0.1::FLOAT = 0.1`` is true
    there), whereas the oracle, Delta's predicates and the simple path compare the column's value
    with the literal's double (float32 0.1 is above 0.1). A DOUBLE literal makes DuckDB widen the
    column instead, which is what a user comparing with a double means."""
    op = p["op"]
    if op in ("and", "or"):
        return "(" + f" {op.upper()} ".join(_sql(c, qualifier, engine) for c in p["children"]) + ")"
    if op == "not":
        return f"NOT ({_sql(p['children'][0], qualifier, engine)})"
    column = qualifier + p["children"][0]["name"]
    if op == "isNull":
        return f"{column} IS NULL"
    literal = p["children"][1]
    kind, value = literal["_kind"], literal["_value"]
    if kind in ("string",):
        text = "'" + value.replace("'", "''") + "'"
    elif kind == "float" and engine:
        text = f"CAST('{_literal_text(kind, value)}' AS DOUBLE)"
    elif kind in ("double", "float") and not math.isfinite(value):
        text = f"'{_literal_text(kind, value)}'"
    elif kind == "date":
        text = f"DATE '{value.isoformat()}'"
    elif kind in ("timestamp", "timestamp_ntz"):
        text = f"TIMESTAMP '{_literal_text(kind, value)}'"
    elif kind == "bool":
        text = "TRUE" if value else "FALSE"
    elif kind == "decimal":
        text = format(value, "f")
        text = text if "." in text else text + ".0"
    else:
        text = _literal_text(kind, value)
    symbol = {"equal": "=", "lessThan": "<", "lessThanOrEqual": "<=", "greaterThan": ">", "greaterThanOrEqual": ">="}[op]
    return f"{column} {symbol} {text}"


_examples = iter(range(10**9))
FUZZ_STATS = {"tables": 0, "predicates": 0}


@pytest.fixture(scope="module")
def fuzz_seed():
    print(f"\nconformance fuzz: seed {FUZZ_SEED} (GOLDGATE_FUZZ_SEED), {FUZZ_TABLES} tables x {FUZZ_PREDICATES} predicates")
    return FUZZ_SEED


def test_random_tables_and_predicates_agree_on_every_face(request, lake, fuzz_seed):
    started = time.monotonic()

    @seed(fuzz_seed)
    @settings(max_examples=FUZZ_TABLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(spec=random_tables(), data=st.data())
    def check(spec, data):
        path = lake["fuzz"][next(_examples) % FUZZ_SLOTS]
        _write(path, spec)
        table = path.name
        rows = reference(path)  # what delta-rs reads back is the reference, not what was handed to it
        FUZZ_STATS["tables"] += 1
        described = f"seed {fuzz_seed}, table {table} {spec['columns']} partition {spec['partition']} codec {spec['codec']}"
        # Every column of every row, through every endpoint.
        whole = flight_read(lake, flight.FlightDescriptor.for_path(SHARE, SCHEMA, table))
        assert_same_rows(whole.to_pylist(), rows, "id", described)
        # And through the engine (a subquery is no simple SELECT), with the governed read's types.
        engine = engine_query(lake, f'SELECT * FROM (SELECT * FROM "{SHARE}"."{SCHEMA}"."{table}")')
        assert_same_types(engine.schema, whole.schema, f"engine SELECT *: {described}")
        assert_same_rows(engine.to_pylist(), rows, "id", f"engine SELECT *: {described}")
        # The stock client reads a table whose protocol has reader features (timestampNtz, which stays
        # once a version had such a column) only in the delta format.
        delta_format = bool(DeltaTable(str(path)).protocol().reader_features)
        counts = []  # (the engine's WHERE, the oracle's count, context) of each predicate
        for _ in range(FUZZ_PREDICATES):
            p = data.draw(predicates(spec))
            if p is None:
                return
            FUZZ_STATS["predicates"] += 1
            want = sorted(r["id"] for r in rows if _evaluate(p, r) is True)
            context = f"{described} commits {spec['commits']}, predicate {json.dumps(_wire(p), ensure_ascii=False)}"
            # Stock client: hints may keep extra rows (best effort), never lose a matching one.
            frame = delta_sharing.load_as_pandas(f"{lake['profile']}#{SHARE}.{SCHEMA}.{table}", jsonPredicateHints=json.dumps(_wire(p)),
                                                 use_delta_format=delta_format)
            got = set(int(i) for i in frame["id"])
            assert set(want) <= got, f"the stock client lost rows {sorted(set(want) - got)}: {context}"
            assert got <= {r["id"] for r in rows}, context
            # Flight and Flight SQL filter exactly.
            flight_ids = sorted(flight_read(lake, flight_command(table, columns=["id"], predicate=_wire(p))).column("id").to_pylist())
            assert flight_ids == want, f"Flight: {flight_ids} vs {want}: {context}"
            where = _sql(p)
            if "\x00" in where:
                continue  # the ADBC driver passes SQL as a C string
            sql_ids = sorted(sql_query(lake, f"SELECT id FROM {SHARE}.{SCHEMA}.{table} WHERE {where}").column("id").to_pylist())
            assert sql_ids == want, f"Flight SQL WHERE {where}: {sql_ids} vs {want}: {context}"
            # The engine: every column of exactly the matching rows, its WHERE pushed to the scan
            # where it may be (one table, conjuncts of column vs literal) and evaluated whole by DuckDB.
            where = _sql(p, "t.", engine=True)
            got = engine_query(lake, f'SELECT t.* FROM "{SHARE}"."{SCHEMA}"."{table}" AS t WHERE {where}')
            assert sorted(got.column("id").to_pylist()) == want, f"engine WHERE {where}: {sorted(got.column('id').to_pylist())} vs {want}: {context}"
            assert_same_types(got.schema, whole.schema, f"engine WHERE {where}: {context}")
            assert_same_rows(got.to_pylist(), [r for r in rows if _evaluate(p, r) is True], "id", f"engine WHERE {where}: {context}")
            counts.append((_sql(p, engine=True), len(want), context))
        if counts:
            # The counts of all the table's predicates in one aggregate (one query per table keeps CI
            # short), which reads only the columns the predicates name: the engine's column pruning,
            # and the direct Parquet path for a partitioned table whose partition column is unused.
            filters = ", ".join(f"count(*) FILTER (WHERE {where}) AS n{i}" for i, (where, _, _) in enumerate(counts))
            answer = engine_query(lake, f"SELECT {filters} FROM {SHARE}.{SCHEMA}.{table}")
            assert answer.num_rows == 1 and all(f.type == pa.int64() for f in answer.schema), f"engine counts: {answer.schema}: {described}"
            for i, (where, n, context) in enumerate(counts):
                assert answer.column(f"n{i}")[0].as_py() == n, f"engine count(*) FILTER (WHERE {where}): {answer.column(f'n{i}')[0]} vs {n}: {context}"

    check()
    elapsed = time.monotonic() - started
    summary = f"conformance fuzz: seed {fuzz_seed}, {FUZZ_STATS['tables']} random tables, {FUZZ_STATS['predicates']} predicates x 4 faces in {elapsed:.1f} s"
    # Printed past pytest's capture, so that CI's log carries the figures.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{summary}", flush=True)
    assert FUZZ_STATS["tables"] >= FUZZ_TABLES
