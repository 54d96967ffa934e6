"""Rewrites the conformance fixture tables of the Java tests, with delta-rs (``deltalake``).

    .venv/bin/python src/test/conformance-lake/regenerate.py

* ``unicode_strings``: three files whose string stats order differently in UTF-16 and in code
  points (min 'ｱ', max '𠮷' in the first), see conformance_data.unicode_table.
* ``brotli_mixed`` and ``lz4_hadoop_mixed``: the same 60 rows over every served type
  (conformance_data.mixed_rows, seed 1), partitioned by ``part``, compressed with BROTLI and with
  LZ4 in the Hadoop framing (Parquet codec LZ4, which delta-rs writes for "LZ4").
* ``EXPECTED.json``: those rows as pyarrow reads them back from the Parquet files (not as the
  gateway does): per column, JSON values (floats as repr strings, decimals as strings, dates as
  epoch days, timestamps as epoch microseconds, binary as hex).

Needs the packages of src/test/python/requirements.txt.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, WriterProperties, write_deltalake

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "test/python/interop"))
import conformance_data  # noqa: E402


def _json_value(value, type_):
    if value is None:
        return None
    if type_ in ("f32", "f64"):
        return repr(float(value))
    if type_ in ("dec", "dec2"):
        return str(value)
    if type_ == "d":
        return value.toordinal() - 719163
    if type_ == "ts":
        delta = value - conformance_data.dt.datetime(1970, 1, 1, tzinfo=conformance_data.UTC)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if type_ == "bin":
        return value.hex()
    return value


def main() -> None:
    for name in ("unicode_strings", "brotli_mixed", "lz4_hadoop_mixed"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    for part in conformance_data.unicode_table():
        write_deltalake(str(HERE / "unicode_strings"), part, mode="append")
    rows = conformance_data.mixed_rows(60, seed=1)
    for name, codec in (("brotli_mixed", "BROTLI"), ("lz4_hadoop_mixed", "LZ4")):
        write_deltalake(str(HERE / name), rows, partition_by=["part"], writer_properties=WriterProperties(compression=codec))
    # What the Parquet files hold, read back by pyarrow (both tables hold the same rows).
    table = DeltaTable(str(HERE / "brotli_mixed"))
    read = []
    for add in pa.table(table.get_add_actions(flatten=True)).to_pylist():
        data = pq.read_table(HERE / "brotli_mixed" / unquote(add["path"])).to_pylist()
        for row in data:
            row["part"] = add["partition.part"]
        read.extend(data)
    read.sort(key=lambda r: r["id"])
    expected = {"rows": [{k: _json_value(v, k) for k, v in r.items()} for r in read]}
    (HERE / "EXPECTED.json").write_text(json.dumps(expected, ensure_ascii=False, indent=0) + "\n")


if __name__ == "__main__":
    main()
