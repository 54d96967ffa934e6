"""Data for the conformance tests: every Delta type Goldgate serves, strings from every Unicode plane,
NaN, -0.0, infinities, decimals at full precision and nulls in every column.

Used by test_conformance.py (tables written by delta-rs at test time, one per Parquet codec) and by
src/test/conformance-lake/regenerate.py (the small fixture tables of the Java tests).
"""
from __future__ import annotations

import datetime as dt
import decimal
import random

import pyarrow as pa

UTC = dt.timezone.utc

# Strings whose UTF-16 order differs from their code-point (UTF-8 byte) order: astral-plane
# characters (surrogate pairs in UTF-16) against U+E000..U+FFFF, plus ASCII, accents, CJK, NUL.
STRINGS = [
    "", "a", "z", "A", "é", "中文", "ｱ", "ｚ", "\ue000", "\uffff", "\ufffd", "𠮷", "😀", "😁", "a😀", "😀a",
    "ｱ𠮷", "𠮷ｱ", "\U0010ffff", "x\x00y", "Ω", "ß", "日本語テキスト", "🇯🇵", "\u2028", "a\x85b\u2029",
]

# Partition values: ASCII and a character above U+FFFF, so partition pruning meets both orders, and
# the line separators outside ASCII that Python's str.splitlines (and so the delta-sharing client's
# reader of NDJSON) splits on.
PARTS = ["north", "south", "ｱ", "𠮷", "a\u2028b\x85c"]

SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("i8", pa.int8()),
    ("i16", pa.int16()),
    ("i32", pa.int32()),
    ("f32", pa.float32()),
    ("f64", pa.float64()),
    ("s", pa.string()),
    ("bin", pa.binary()),
    ("flag", pa.bool_()),
    ("d", pa.date32()),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("dec", pa.decimal128(38, 6)),
    ("dec2", pa.decimal128(10, 2)),
    ("part", pa.string()),
])

SPECIAL_DOUBLES = [float("nan"), -0.0, 0.0, float("inf"), float("-inf"), 1e308, -1e-308, 0.1]


def _maybe_null(rnd: random.Random, value, rate: float = 0.1):
    return None if rnd.random() < rate else value


def mixed_rows(rows: int, seed: int) -> pa.Table:
    """``rows`` rows over SCHEMA; the same seed gives the same table."""
    rnd = random.Random(seed)
    cols: dict[str, list] = {name: [] for name in SCHEMA.names}
    for i in range(rows):
        cols["id"].append(i)
        cols["i8"].append(_maybe_null(rnd, rnd.randint(-128, 127)))
        cols["i16"].append(_maybe_null(rnd, rnd.randint(-32768, 32767)))
        cols["i32"].append(_maybe_null(rnd, rnd.randint(-2**31, 2**31 - 1)))
        f = rnd.choice(SPECIAL_DOUBLES) if rnd.random() < 0.3 else rnd.uniform(-1e6, 1e6)
        cols["f32"].append(_maybe_null(rnd, f if abs(f) < 3e38 or f != f or abs(f) == float("inf") else 1.0))
        cols["f64"].append(_maybe_null(rnd, rnd.choice(SPECIAL_DOUBLES) if rnd.random() < 0.3 else rnd.uniform(-1e9, 1e9)))
        cols["s"].append(_maybe_null(rnd, rnd.choice(STRINGS) + (rnd.choice(STRINGS) if rnd.random() < 0.3 else "")))
        cols["bin"].append(_maybe_null(rnd, bytes(rnd.randint(0, 255) for _ in range(rnd.randint(0, 6)))))
        cols["flag"].append(_maybe_null(rnd, rnd.random() < 0.5))
        cols["d"].append(_maybe_null(rnd, dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randint(0, 40000))))
        micros = rnd.randint(-2_000_000_000_000_000, 4_000_000_000_000_000)
        cols["ts"].append(_maybe_null(rnd, dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(microseconds=micros)))
        cols["dec"].append(_maybe_null(rnd, decimal.Decimal(rnd.randint(-10**32, 10**32)).scaleb(-6)))
        cols["dec2"].append(_maybe_null(rnd, decimal.Decimal(rnd.randint(-10**8, 10**8)).scaleb(-2)))
        cols["part"].append(rnd.choice(PARTS))
    return pa.table(cols, schema=SCHEMA)


def unicode_table() -> list[pa.Table]:
    """The strings of the pruning defect, one table per file: min 'ｱ' / max '𠮷' with 24 rows of each,
    ASCII, and emoji next to full-width forms. Column n numbers the rows; n = 1000 is in the ASCII file."""
    files = [
        ["ｱ"] * 24 + ["𠮷"] * 24,
        ["a", "b", "m", "z"] * 6,
        ["😀", "ｚ", "\ue000", "😁"] * 6,
    ]
    tables, n = [], 0
    for strings in files:
        ids = list(range(n, n + len(strings)))
        if n == 48:
            ids[0] = 1000
        n += len(strings)
        tables.append(pa.table({"s": pa.array(strings, pa.string()), "n": pa.array(ids, pa.int64())}))
    return tables
