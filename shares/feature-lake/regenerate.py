#!/usr/bin/env python3
"""Regenerate the feature lake: small Delta tables written by Delta Spark that exercise the
advanced Delta features a Delta Sharing server has to handle.

  orders_dv      deletion vectors: DELETE and UPDATE write deletion_vector_*.bin (storageType "u")
  customers_cm   column mapping mode "name", a column name with a space, RENAME / ADD COLUMNS
  events_cdf     change data feed, partitioned by event_date, UPDATE/DELETE/MERGE with _change_data
                 files and cdc actions, checkpoint at v3 (delta.checkpointInterval=3)
  readings_ntz   a TIMESTAMP_NTZ column (timestampNtz table feature)
  plain_cdf_off  plain (1,2) table without change data feed or deletion vectors

Every table is deleted and rewritten. The row contents are fixed (no wall-clock values in the
data); file names, UUIDs and commit timestamps differ between runs. After writing, the script
reads every version back with Spark, checks the figures against the hard-coded expectations
below and rewrites EXPECTED.md from them.

--dump-expected keeps the tables as they are and records what Spark reads from them, for the
interop tests (src/test/python/interop) to compare the gateway with an independent reader:

  expected/<table>.v<N>.jsonl   every row of <table> read with versionAsOf N, for every version
  expected/events_cdf.cdf.jsonl the change data feed (readChangeFeed, startingVersion 0)
  expected/README.md            the columns and Spark types of every file, and these encodings

One JSON object per line, keys = the column names Spark reports (logical names, in schema
order), lines sorted (see `_row_sort_key`). Value encodings:
  null                  JSON null
  long/int/short/byte   JSON integer
  double/float          JSON number (Python repr of the double, e.g. 1.25)
  boolean               JSON true/false
  string                JSON string
  decimal(p,s)          JSON string, the plain decimal with exactly s fraction digits ("47.13")
  date                  JSON string, ISO 8601 "YYYY-MM-DD"
  timestamp             JSON string, UTC with microseconds: "YYYY-MM-DDTHH:MM:SS.ffffffZ"
  timestamp_ntz         JSON string, wall clock with microseconds, no zone: "YYYY-MM-DDTHH:MM:SS.ffffff"
The change feed file has the table columns plus _change_type (string) and _commit_version
(integer); _commit_timestamp is left out: it is the commit file modification time, which a
checkout resets.

Usage (needs Java 17 and network access to Maven Central for the Delta jars on first run):
    python3 -m venv /tmp/sparkvenv
    /tmp/sparkvenv/bin/pip install -r shares/feature-lake/requirements.txt
    /tmp/sparkvenv/bin/python shares/feature-lake/regenerate.py [--verify-only | --dump-expected]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

from delta import configure_spark_with_delta_pip  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    BooleanType,
    ByteType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
)

LAKE = Path(__file__).resolve().parent
TABLES = ["orders_dv", "customers_cm", "events_cdf", "readings_ntz", "plain_cdf_off"]
UTC = dt.timezone.utc


def spark_session() -> SparkSession:
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("goldgate-feature-lake")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", "/tmp/goldgate-feature-lake-warehouse")
        .config("spark.ui.showConsoleProgress", "false")
        # state reconstruction of these tiny logs: 1 task instead of 50 (much faster)
        .config("spark.databricks.delta.snapshotPartitions", "1")
    )
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def q(name: str) -> str:
    """Path-based table identifier."""
    return f"delta.`{LAKE / name}`"


def view(spark, name, rows, schema):
    spark.createDataFrame(rows, schema).coalesce(1).createOrReplaceTempView(name)


# ---------------------------------------------------------------------------------------------
# orders_dv
ORDERS_SCHEMA = StructType(
    [
        StructField("order_id", LongType(), False),
        StructField("customer_id", LongType(), True),
        StructField("amount", DecimalType(10, 2), True),
        StructField("status", StringType(), True),
        StructField("order_ts", TimestampType(), True),
    ]
)


def order_row(i: int):
    status = {3: "cancelled", 5: "pending"}.get(i % 10, "shipped" if i % 2 == 0 else "delivered")
    amount = Decimal(f"{(i * 37) % 500 + 10}.{(i * 13) % 100:02d}")
    ts = dt.datetime(2024, 1, 1, 8, 0, tzinfo=UTC) + dt.timedelta(hours=7 * i, minutes=11 * i)
    return (i, 100 + i % 7, amount, status, ts)


def build_orders_dv(spark):
    t = q("orders_dv")
    view(spark, "o_a", [order_row(i) for i in range(1, 21)], ORDERS_SCHEMA)
    view(spark, "o_b", [order_row(i) for i in range(21, 41)], ORDERS_SCHEMA)
    # v0: two input partitions (union of two single-partition views) -> two data files
    spark.sql(
        f"""CREATE TABLE {t} USING delta
            TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')
            AS SELECT * FROM o_a UNION ALL SELECT * FROM o_b"""
    )
    # v1: append one file
    view(spark, "o_c", [order_row(i) for i in range(41, 61)], ORDERS_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT * FROM o_c")
    # v2: DELETE (ids 3,13,...,53: 2 rows in each of the 3 files) -> deletion vectors
    spark.sql(f"DELETE FROM {t} WHERE status = 'cancelled'")
    # v3: UPDATE (ids 5,15,25,35: files 1 and 2) -> DVs updated + one new file
    spark.sql(f"UPDATE {t} SET status = 'shipped', amount = amount + 1.00 "
              f"WHERE status = 'pending' AND order_id <= 35")


# ---------------------------------------------------------------------------------------------
# customers_cm
CITIES = ["Berlin", "Paris", "Lisbon", "Oslo", "Rome"]
FIRST = ["Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gia", "Hugo"]
LAST = ["Meyer", "Durand", "Silva", "Hansen", "Rossi"]


def customer_row(i: int):
    name = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
    return (i, name, CITIES[i % len(CITIES)], dt.date(2023, 1, 1) + dt.timedelta(days=9 * i))


CUST_SCHEMA = StructType(
    [
        StructField("customer_id", LongType(), False),
        StructField("full name", StringType(), True),
        StructField("city", StringType(), True),
        StructField("signup_date", DateType(), True),
    ]
)


def build_customers_cm(spark):
    t = q("customers_cm")
    view(spark, "c_a", [customer_row(i) for i in range(1, 26)], CUST_SCHEMA)
    # v0: CTAS with column mapping (physical names col-<uuid>)
    spark.sql(
        f"""CREATE TABLE {t} USING delta
            TBLPROPERTIES ('delta.columnMapping.mode' = 'name',
                           'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')
            AS SELECT * FROM c_a"""
    )
    # v1: rename (metadata only)
    spark.sql(f"ALTER TABLE {t} RENAME COLUMN city TO home_city")
    # v2: append with the new logical name
    view(spark, "c_b", [customer_row(i) for i in range(26, 36)], CUST_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT customer_id, `full name`, city AS home_city, signup_date FROM c_b")
    # v3: add a column (metadata only)
    spark.sql(f"ALTER TABLE {t} ADD COLUMNS (tier string)")
    # v4: append rows with the new column
    view(spark, "c_c", [customer_row(i) for i in range(36, 41)], CUST_SCHEMA)
    spark.sql(
        f"""INSERT INTO {t} SELECT customer_id, `full name`, city, signup_date,
            CASE WHEN customer_id % 2 = 0 THEN 'gold' ELSE 'silver' END FROM c_c"""
    )


# ---------------------------------------------------------------------------------------------
# events_cdf
EVENT_SCHEMA = StructType(
    [
        StructField("event_id", LongType(), False),
        StructField("event_date", DateType(), True),
        StructField("kind", StringType(), True),
        StructField("payload", StringType(), True),
        StructField("value", DoubleType(), True),
    ]
)
KINDS = ["view", "click", "purchase", "signup"]


def event_row(i: int):
    return (
        i,
        dt.date(2024, 3, 1) + dt.timedelta(days=(i - 1) % 3),
        KINDS[i % 4],
        f"p{i:03d}",
        round(i * 1.25, 2),
    )


def build_events_cdf(spark):
    t = q("events_cdf")
    view(spark, "e_a", [event_row(i) for i in range(1, 31)], EVENT_SCHEMA)
    # v0: CTAS, 3 partitions -> 3 files
    spark.sql(
        f"""CREATE TABLE {t} USING delta PARTITIONED BY (event_date)
            TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true',
                           'delta.checkpointInterval' = '3')
            AS SELECT * FROM e_a"""
    )
    # v1: append 31..40
    view(spark, "e_b", [event_row(i) for i in range(31, 41)], EVENT_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT * FROM e_b")
    # v2: UPDATE purchases on 2024-03-02 (ids 2,14,26,38)
    spark.sql(
        f"""UPDATE {t} SET payload = concat(payload, '-u2'), value = value + 100
            WHERE kind = 'purchase' AND event_date = DATE'2024-03-02'"""
    )
    # v3: DELETE signups on 2024-03-03 (ids 3,15,27,39); checkpoint written at v3
    spark.sql(f"DELETE FROM {t} WHERE kind = 'signup' AND event_date = DATE'2024-03-03'")
    # v4: MERGE: update ids 1,4 (2024-03-01), insert 41..44
    src = [(1, dt.date(2024, 3, 1), "view", "p001-m4", 501.0),
           (4, dt.date(2024, 3, 1), "view", "p004-m4", 504.0)]
    src += [event_row(i) for i in range(41, 45)]
    view(spark, "e_m", src, EVENT_SCHEMA)
    spark.sql(
        f"""MERGE INTO {t} AS tgt USING e_m AS src ON tgt.event_id = src.event_id
            WHEN MATCHED THEN UPDATE SET *
            WHEN NOT MATCHED THEN INSERT *"""
    )
    # v5: append 45..54
    view(spark, "e_c", [event_row(i) for i in range(45, 55)], EVENT_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT * FROM e_c")


# ---------------------------------------------------------------------------------------------
# readings_ntz
NTZ_SCHEMA = StructType(
    [
        StructField("reading_ts", TimestampNTZType(), True),
        StructField("sensor", StringType(), True),
        StructField("value", DoubleType(), True),
    ]
)


def reading_row(i: int):
    return (
        dt.datetime(2024, 6, 1, 0, 0) + dt.timedelta(minutes=15 * i, seconds=i),
        f"s{i % 3}",
        round(20.0 + (i * 7 % 11) * 0.5, 2),
    )


def build_readings_ntz(spark):
    t = q("readings_ntz")
    view(spark, "r_a", [reading_row(i) for i in range(0, 12)], NTZ_SCHEMA)
    spark.sql(f"CREATE TABLE {t} USING delta AS SELECT * FROM r_a")
    view(spark, "r_b", [reading_row(i) for i in range(12, 20)], NTZ_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT * FROM r_b")


# ---------------------------------------------------------------------------------------------
# plain_cdf_off
PLAIN_SCHEMA = StructType(
    [StructField("id", LongType(), False), StructField("name", StringType(), True)]
)


def build_plain(spark):
    t = q("plain_cdf_off")
    view(spark, "p_a", [(i, f"name-{i:02d}") for i in range(1, 11)], PLAIN_SCHEMA)
    spark.sql(
        f"""CREATE TABLE {t} USING delta
            TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')
            AS SELECT * FROM p_a"""
    )
    view(spark, "p_b", [(i, f"name-{i:02d}") for i in range(11, 16)], PLAIN_SCHEMA)
    spark.sql(f"INSERT INTO {t} SELECT * FROM p_b")
    spark.sql(f"DELETE FROM {t} WHERE id % 5 = 0")  # ids 5, 10, 15: rewrites both files


# ---------------------------------------------------------------------------------------------
# log replay (independent of Spark) for file counts per version

def log_actions(table: Path, version: int) -> list[dict]:
    path = table / "_delta_log" / f"{version:020d}.json"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def file_key(action: dict) -> tuple:
    # A logical file is identified by (path, deletion vector id): a DV DELETE/UPDATE removes
    # (path, old DV) and adds (path, new DV) in the same commit.
    dv = action.get("deletionVector") or {}
    return (action["path"], dv.get("storageType"), dv.get("pathOrInlineDv"), dv.get("offset"))


def active_files(table: Path, version: int) -> dict[tuple, dict]:
    files: dict[tuple, dict] = {}
    for v in range(version + 1):
        acts = log_actions(table, v)
        for a in acts:
            if "remove" in a:
                files.pop(file_key(a["remove"]), None)
        for a in acts:
            if "add" in a:
                files[file_key(a["add"])] = a["add"]
    return files


def latest_version(table: Path) -> int:
    return max(int(p.stem) for p in (table / "_delta_log").glob("*.json"))


def op_of(table: Path, version: int) -> str:
    for a in log_actions(table, version):
        if "commitInfo" in a:
            return a["commitInfo"].get("operation", "?")
    return "?"


def cleanup(table: Path):
    # Hadoop's hidden checksum files (.part-*.parquet.crc, ._delta_log/.*.json.crc, ...).
    for p in table.rglob(".*.crc"):
        p.unlink()
    commits = table / "_delta_log" / "_commits"
    if commits.is_dir() and not any(commits.iterdir()):
        commits.rmdir()


# Hard-coded expectations: version -> (rows, active data files). Checked after writing.
EXPECT = {
    "orders_dv": {0: (40, 2), 1: (60, 3), 2: (54, 3), 3: (54, 4)},
    "customers_cm": {0: (25, 1), 1: (25, 1), 2: (35, 2), 3: (35, 2), 4: (40, 3)},
    "events_cdf": {0: (30, 3), 1: (40, 6), 2: (40, 5), 3: (36, 4), 4: (40, 6), 5: (50, 9)},
    "readings_ntz": {0: (12, 1), 1: (20, 2)},
    "plain_cdf_off": {0: (10, 1), 1: (15, 2), 2: (12, 1)},
}
WHAT = {
    "orders_dv": [
        "CTAS order_id 1-40 (2 files: 1-20, 21-40)",
        "append order_id 41-60 (1 file)",
        "DELETE status='cancelled' (ids 3,13,23,33,43,53) -> DV on all 3 files, 1 .bin",
        "UPDATE pending ids 5,15,25,35 -> status 'shipped', amount+1.00: DVs of files 1-2 replaced, 1 new file",
    ],
    "customers_cm": [
        "CTAS customer_id 1-25, columns customer_id, `full name`, city, signup_date",
        "RENAME COLUMN city TO home_city (metadata only; physical name unchanged)",
        "append customer_id 26-35",
        "ADD COLUMNS (tier string) (metadata only)",
        "append customer_id 36-40 with tier (even id 'gold', odd 'silver'; older rows tier null)",
    ],
    "events_cdf": [
        "CTAS event_id 1-30 over 3 dates (1 file per date)",
        "append event_id 31-40",
        "UPDATE purchases on 2024-03-02 (ids 2,14,26,38): payload+'-u2', value+100",
        "DELETE signups on 2024-03-03 (ids 3,15,27,39); checkpoint written at this version",
        "MERGE: update ids 1,4 (kind 'view', payload 'p00N-m4', value 501/504), insert ids 41-44",
        "append event_id 45-54",
    ],
    "readings_ntz": ["CTAS 12 readings (TIMESTAMP_NTZ)", "append 8 readings"],
    "plain_cdf_off": [
        "CTAS id 1-10",
        "append id 11-15",
        "DELETE id % 5 = 0 (ids 5,10,15): both files rewritten into 1 (copy-on-write, no DV)",
    ],
}
EXPECT_CDF = {  # version -> change type -> rows
    0: {"insert": 30},
    1: {"insert": 10},
    2: {"update_preimage": 4, "update_postimage": 4},
    3: {"delete": 4},
    4: {"update_preimage": 2, "update_postimage": 2, "insert": 4},
    5: {"insert": 10},
}


def verify_and_write_expected(spark) -> None:
    out = [
        "# feature-lake: expected figures",
        "",
        "Generated by `regenerate.py` (Delta Spark) and checked by it after writing.",
        "`rows` = rows of the table read at that version; `files` = active data files (add",
        "actions after log replay) at that version; `+add/-remove/cdc` = actions in that commit;",
        "`dv` = add actions in that commit carrying a deletionVector, `dv rows` = sum of their",
        "cardinality (rows marked deleted in those files).",
        "",
        "Notes: written by Apache-Spark/3.5.5 Delta-Lake/3.3.2 with Spark's defaults, so TIMESTAMP",
        "columns (orders_dv.order_ts) are Parquet INT96; TIMESTAMP_NTZ is INT64",
        "TIMESTAMP(MICROS, isAdjustedToUTC=false). customers_cm data files and stats use the physical",
        "names (`col-<uuid>`, Parquet field_id = delta.columnMapping.id). Files carrying a DV have",
        "`tightBounds: false` stats whose numRecords still counts the deleted rows. events_cdf",
        "versions without cdc actions (0, 1, 5) derive their change feed from add actions;",
        "cdc files live under `_change_data/event_date=.../`. Data is fixed; file names, UUIDs and",
        "timestamps change on every regeneration.",
        "",
    ]
    errors = []
    for name in TABLES:
        table = LAKE / name
        last = latest_version(table)
        proto = meta = None
        for v in range(last + 1):
            for a in log_actions(table, v):
                proto = a.get("protocol", proto)
                meta = a.get("metaData", meta)
        conf = meta.get("configuration", {})
        out.append(f"## {name}")
        out.append("")
        out.append(f"- protocol: `{json.dumps(proto, sort_keys=True)}`")
        out.append(f"- partitionColumns: `{json.dumps(meta.get('partitionColumns', []))}`")
        out.append(f"- configuration: `{json.dumps(conf, sort_keys=True)}`")
        ckpts = sorted(int(p.name.split('.')[0]) for p in (table / "_delta_log").glob("*.checkpoint.parquet"))
        out.append(f"- checkpoints at versions: {ckpts or 'none'}")
        out.append(f"- latest version: {last}")
        out.append("")
        out.append("| version | operation | rows | files | +add | -remove | cdc | dv | dv rows | what |")
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        if len(EXPECT[name]) != last + 1:
            errors.append(f"{name}: latest version {last}, expected {len(EXPECT[name]) - 1}")
        for v in range(last + 1):
            rows = spark.read.format("delta").option("versionAsOf", v).load(str(table)).count()
            acts = log_actions(table, v)
            n_add = sum("add" in a for a in acts)
            n_rem = sum("remove" in a for a in acts)
            n_cdc = sum("cdc" in a for a in acts)
            dvs = [a["add"]["deletionVector"] for a in acts if "add" in a and a["add"].get("deletionVector")]
            n_dv = len(dvs)
            dv_rows = sum(d["cardinality"] for d in dvs)
            files = len(active_files(table, v))
            if EXPECT[name].get(v) != (rows, files):
                errors.append(f"{name} v{v}: (rows, files) = {(rows, files)}, expected {EXPECT[name].get(v)}")
            out.append(f"| {v} | {op_of(table, v)} | {rows} | {files} | {n_add} | {n_rem} | {n_cdc} | {n_dv} | {dv_rows} | {WHAT[name][v]} |")
        out.append("")
        if name == "events_cdf":
            cdf = (
                spark.read.format("delta").option("readChangeFeed", "true")
                .option("startingVersion", 0).load(str(table))
                .groupBy("_commit_version", "_change_type").count().collect()
            )
            got: dict[int, dict[str, int]] = {}
            for r in cdf:
                got.setdefault(r["_commit_version"], {})[r["_change_type"]] = r["count"]
            if got != EXPECT_CDF:
                errors.append(f"events_cdf CDF: {got}, expected {EXPECT_CDF}")
            types = ["insert", "update_preimage", "update_postimage", "delete"]
            out.append("Change data feed (`readChangeFeed`, startingVersion 0), rows per version and `_change_type`:")
            out.append("")
            out.append("| version | " + " | ".join(types) + " |")
            out.append("| --- | " + " | ".join("---" for _ in types) + " |")
            for v in sorted(got):
                out.append(f"| {v} | " + " | ".join(str(got[v].get(k, 0)) for k in types) + " |")
            out.append("")
    (LAKE / "EXPECTED.md").write_text("\n".join(out))
    if errors:
        sys.exit("verification failed:\n  " + "\n  ".join(errors))


# ---------------------------------------------------------------------------------------------
# --dump-expected: Spark's reading of every version (and of the change feed), as JSON lines

EXPECTED_DIR = LAKE / "expected"


def _encode(value, data_type):
    """One JSON value per Spark value; the encodings are listed in the module docstring."""
    if value is None:
        return None
    if isinstance(data_type, TimestampNTZType):
        assert value.tzinfo is None, value
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(data_type, TimestampType):
        # PySpark hands TIMESTAMP values over as naive datetimes in the process time zone,
        # which this script pins to UTC (TZ=UTC above).
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(data_type, DateType):
        return value.isoformat()
    if isinstance(data_type, DecimalType):
        return format(value.quantize(Decimal(1).scaleb(-data_type.scale)), "f")
    if isinstance(data_type, (LongType, IntegerType, ShortType, ByteType)):
        return int(value)
    if isinstance(data_type, (DoubleType, FloatType)):
        return float(value)
    if isinstance(data_type, (BooleanType, StringType)):
        return value
    raise TypeError(f"no JSON encoding defined for {data_type.simpleString()}")


def _row_sort_key(values: list):
    # nulls first, then by value; every column holds one JSON type, so the tuples compare
    return tuple((0,) if v is None else (1, v) for v in values)


def _dump(df, path: Path, drop: tuple[str, ...] = ()) -> tuple[list[tuple[str, str]], int]:
    fields = [f for f in df.schema.fields if f.name not in drop]
    rows = [[_encode(r[f.name], f.dataType) for f in fields] for r in df.collect()]
    rows.sort(key=_row_sort_key)
    names = [f.name for f in fields]
    path.write_text("".join(json.dumps(dict(zip(names, r)), separators=(",", ":")) + "\n" for r in rows))
    return [(f.name, f.dataType.simpleString()) for f in fields], len(rows)


def dump_expected(spark) -> None:
    EXPECTED_DIR.mkdir(exist_ok=True)
    for old in EXPECTED_DIR.glob("*.jsonl"):
        old.unlink()
    readme = [
        "# feature-lake/expected: what Delta Spark reads from the feature tables",
        "",
        "Written by `regenerate.py --dump-expected` (Apache Spark 3.5.5, Delta Lake 3.3.2, session",
        "time zone UTC); do not edit by hand. One JSON object per line, keys = column names in schema",
        "order, lines sorted. Value encodings: null = JSON null; integer types = JSON integer;",
        "double/float = JSON number; string = JSON string; decimal(p,s) = JSON string with exactly",
        "s fraction digits; date = \"YYYY-MM-DD\"; timestamp = UTC \"YYYY-MM-DDTHH:MM:SS.ffffffZ\";",
        "timestamp_ntz = \"YYYY-MM-DDTHH:MM:SS.ffffff\" (no zone).",
        "",
        "`events_cdf.cdf.jsonl` is `readChangeFeed` with startingVersion 0: the table columns plus",
        "`_change_type` and `_commit_version`; `_commit_timestamp` is left out (it is the commit file",
        "modification time, which a checkout resets).",
        "",
        "| file | rows | columns |",
        "| --- | --- | --- |",
    ]
    for name in TABLES:
        table = LAKE / name
        for v in range(latest_version(table) + 1):
            df = spark.read.format("delta").option("versionAsOf", v).load(str(table))
            path = EXPECTED_DIR / f"{name}.v{v}.jsonl"
            cols, n = _dump(df, path)
            readme.append(f"| {path.name} | {n} | " + ", ".join(f"`{c}` {t}" for c, t in cols) + " |")
    cdf = (
        spark.read.format("delta").option("readChangeFeed", "true")
        .option("startingVersion", 0).load(str(LAKE / "events_cdf"))
    )
    path = EXPECTED_DIR / "events_cdf.cdf.jsonl"
    cols, n = _dump(cdf, path, drop=("_commit_timestamp",))
    readme.append(f"| {path.name} | {n} | " + ", ".join(f"`{c}` {t}" for c, t in cols) + " |")
    readme.append("")
    (EXPECTED_DIR / "README.md").write_text("\n".join(readme))
    total = sum(p.stat().st_size for p in EXPECTED_DIR.iterdir())
    print(f"wrote {len(list(EXPECTED_DIR.glob('*.jsonl')))} files ({total} bytes) to {EXPECTED_DIR}")


def main() -> None:
    # --verify-only: keep the tables, re-check them and rewrite EXPECTED.md.
    # --dump-expected: keep the tables and EXPECTED.md, (re)write expected/*.jsonl.
    args = sys.argv[1:]
    unknown = set(args) - {"--verify-only", "--dump-expected"}
    if unknown or len(args) > 1:
        sys.exit(f"usage: {sys.argv[0]} [--verify-only | --dump-expected]")
    t0 = time.monotonic()
    if "--dump-expected" in args:
        spark = spark_session()
        try:
            dump_expected(spark)
        finally:
            spark.stop()
        print(f"expected rows dumped in {time.monotonic() - t0:.1f}s")
        return
    verify_only = "--verify-only" in args
    if not verify_only:
        for name in TABLES:
            shutil.rmtree(LAKE / name, ignore_errors=True)
    spark = spark_session()
    try:
        if not verify_only:
            build_orders_dv(spark)
            build_customers_cm(spark)
            build_events_cdf(spark)
            build_readings_ntz(spark)
            build_plain(spark)
            for name in TABLES:
                cleanup(LAKE / name)
        verify_and_write_expected(spark)
    finally:
        spark.stop()
    print(f"feature lake {'verified' if verify_only else 'regenerated'} in {time.monotonic() - t0:.1f}s")


if __name__ == "__main__":
    main()
