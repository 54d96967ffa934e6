#!/usr/bin/env python3
"""Goldgate Flight reads per Parquet codec, against pyarrow reading the same files directly.

    python bench/codec_bench.py --app target/quarkus-app/quarkus-run.jar [--rows 4000000] [--repeat 5]

1. Writes (or reuses, under bench/.data/codecs-<rows>-<files>/) one Delta table per codec with
   delta-rs, the same rows in each: id int64, value float64, category string (12 values), name
   string (13-17 chars), ts timestamp UTC, in --files appends. Codecs: UNCOMPRESSED, SNAPPY, GZIP,
   ZSTD, LZ4_RAW, LZ4 (Hadoop framing), BROTLI.
2. Starts the gateway jar once with all the tables and reads each over Flight: GetFlightInfo, then
   every endpoint with DoGet in parallel. BROTLI is not in the bundled Arrow C++ library, so the
   gateway recodes each of its files to an uncompressed copy first (goldgate.flight.recode-limit).
3. Baseline, in the same run: pyarrow.dataset over the same files (all threads).
4. Prints, per codec, the median of --repeat warm reads (after one warm-up), rows/s, the ratio
   Flight / direct, and each codec's Flight time against SNAPPY's.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sharing_bench import Gateway, free_port, write_catalog  # noqa: E402

CODECS = ["UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW", "LZ4", "BROTLI"]
SHARE, SCHEMA = "bench", "s"
TOKEN = "bench-codec-token"


def ensure_tables(root: Path, rows: int, files: int) -> dict[str, Path]:
    import numpy as np
    import pyarrow as pa
    from deltalake import WriterProperties, write_deltalake

    base = root / f"codecs-{rows}-{files}"
    tables = {codec: base / codec.lower() for codec in CODECS}
    if all((t / "_delta_log").is_dir() for t in tables.values()):
        return tables
    shutil.rmtree(base, ignore_errors=True)
    rng = np.random.default_rng(7)
    words = np.array([f"name-{i:011d}"[: 13 + i % 5] for i in range(10_000)])
    per_file = rows // files
    t0 = time.perf_counter()
    for f in range(files):
        first = f * per_file
        batch = pa.table({
            "id": np.arange(first, first + per_file, dtype=np.int64),
            "value": rng.random(per_file),
            "category": pa.array(rng.integers(0, 12, per_file)).cast(pa.string()),
            "name": words[rng.integers(0, len(words), per_file)],
            "ts": pa.array(1_700_000_000_000_000 + np.arange(first, first + per_file, dtype=np.int64), pa.timestamp("us", tz="UTC")),
        })
        for codec, path in tables.items():
            write_deltalake(str(path), batch, mode="append", writer_properties=WriterProperties(compression=codec))
    print(f"generated {len(CODECS)} tables of {rows:,} rows in {time.perf_counter() - t0:.0f} s under {base}")
    return tables


def parquet_files(table: Path) -> list[str]:
    return sorted(str(p) for p in table.glob("*.parquet"))


def flight_read(uri: str, table: str, pool: ThreadPoolExecutor) -> tuple[float, int]:
    import pyarrow.flight as fl

    opts = fl.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())])
    t0 = time.perf_counter()
    info = fl.FlightClient(uri).get_flight_info(fl.FlightDescriptor.for_path(SHARE, SCHEMA, table), opts)

    def one(endpoint) -> int:
        reader = fl.FlightClient(uri).do_get(endpoint.ticket, opts)
        n = 0
        for chunk in reader:
            n += chunk.data.num_rows
        return n

    rows = sum(pool.map(one, info.endpoints))
    return time.perf_counter() - t0, rows


def direct_read(files: list[str]) -> tuple[float, int]:
    import pyarrow.dataset as ds

    t0 = time.perf_counter()
    t = ds.dataset(files, format="parquet").to_table(use_threads=True)
    return time.perf_counter() - t0, t.num_rows


def median_of(fn, repeat: int) -> tuple[float, int]:
    fn()  # warm-up
    runs = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), runs[0][1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar")
    ap.add_argument("--java", default="java")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--rows", type=int, default=4_000_000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data-dir", default=str(HERE / ".data"))
    ap.add_argument("--json-out")
    args = ap.parse_args()

    tables = ensure_tables(Path(args.data_dir), args.rows, args.files)
    work = Path(tempfile.mkdtemp(prefix="codec-bench-"))
    shares = work / "shares"
    shares.mkdir()
    write_catalog(shares, {codec.lower(): path for codec, path in tables.items()}, TOKEN)
    flight_port = free_port()
    gateway = Gateway(args.java, Path(args.app), shares, TOKEN, work / "gateway.log", args.heap,
                      [f"-Dgoldgate.flight.port={flight_port}"])
    results = {}
    try:
        gateway.start()
        uri = f"grpc://127.0.0.1:{flight_port}"
        with ThreadPoolExecutor(16) as pool:
            for codec, path in tables.items():
                files = parquet_files(path)
                size = sum(Path(f).stat().st_size for f in files)
                flight_s, flight_rows = median_of(lambda: flight_read(uri, codec.lower(), pool), args.repeat)
                direct_s, direct_rows = median_of(lambda: direct_read(files), args.repeat)
                if flight_rows != args.rows // args.files * args.files or flight_rows != direct_rows:
                    print(f"{codec}: Flight read {flight_rows} rows, direct {direct_rows}", file=sys.stderr)
                    return 1
                results[codec] = {"bytes_on_disk": size, "flight_s": flight_s, "direct_s": direct_s, "rows": flight_rows}
    finally:
        gateway.stop()
        shutil.rmtree(work, ignore_errors=True)

    snappy = results["SNAPPY"]["flight_s"]
    print(f"\nFlight reads per codec, {args.rows:,} rows in {args.files} files, median of {args.repeat} warm reads")
    print(f"{'codec':<13}{'on disk MB':>11}{'Flight s':>10}{'Mrows/s':>9}{'direct s':>10}{'Flight/direct':>15}{'vs SNAPPY':>11}")
    for codec, r in results.items():
        print(f"{codec:<13}{r['bytes_on_disk'] / 1e6:>11.1f}{r['flight_s']:>10.3f}{r['rows'] / r['flight_s'] / 1e6:>9.1f}"
              f"{r['direct_s']:>10.3f}{r['direct_s'] / r['flight_s']:>14.2f}x{r['flight_s'] / snappy:>10.2f}x")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
