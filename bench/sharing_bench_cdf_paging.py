#!/usr/bin/env python3
"""Goldgate benchmark: change data feed over 1,000 versions, and paged queries over 100k files.

    python bench/sharing_bench_cdf_paging.py --app target/quarkus-app/quarkus-run.jar

Same requirements as bench/sharing_bench.py (pyarrow, deltalake, requests; a built gateway jar),
whose helpers it imports (table generator, gateway start/stop, HTTP client, statistics).

What it does:
  1. Tables under bench/.data/ (git-ignored), each generated once and reused while its parameters
     stay the same:
     - the 100k-file table of sharing_bench.py (same generator, same defaults);
     - a change-data-feed table (``delta.enableChangeDataFeed=true`` in its metaData): versions
       0..999 with a delta-rs checkpoint every 100, where
         * most commits (WRITE) add 100 files;
         * every 10th commit (v % 10 == 5, MERGE) removes 20 files and adds 20 rewritten ones
           (dataChange true) and writes 4 ``cdc`` files under ``_change_data/``;
         * every 50th commit (v % 50 == 20, DELETE) removes 50 files (dataChange true), no cdc;
         * every 100th commit (v % 100 == 99, OPTIMIZE) removes 20 files and adds 1 with
           dataChange false (must not appear in the feed).
       Data and cdc files are hard links of small real Parquet files (cdc ones carry
       ``_change_type``). The table is verified with delta-rs: active file count, and its own CDF
       reader (``load_cdf``) over versions 15..25 against the expected row counts.
  2. Change data feed, ``GET .../changes?startingVersion=0&endingVersion=999``: cold (first request
     on a freshly started gateway) and warm (median / p90 / min over --repeat), lines/s; then the
     last 100 versions (900..999) warm. Correctness: per version, the number of add / remove / cdf
     lines equals what was generated (a version with cdc actions is described only by its cdc
     files; other versions by their adds and removes with dataChange true); file ids unique.
  3. Paged query over the 100k-file table, ``POST .../query {"maxFiles": N}`` following
     ``endStreamAction.nextPageToken`` (same body plus ``"pageToken"``) until there is none, for
     N = 10000 and N = 1000: cold walk (fresh gateway) and warm walks, pages, files/s, per-page
     latency. Correctness: every file exactly once (ids unique, count = active files, and the
     same id set as one unpaged query), no page larger than maxFiles. An unpaged warm query is
     timed alongside for comparison.
  Every cold figure uses its own fresh gateway start (3 starts in all).

Options: --repeat (warm repeats, default 10), --warmup (default 2), --skip-cdf, --skip-paging,
--json-out FILE, --heap, --java. Run time on 2 busy cores: ~75 s, plus ~15 s per table the first
time (each table needs ~200 MB of disk).
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sharing_bench as sb  # noqa: E402
from sharing_bench import Client, Gateway, check, log, stats  # noqa: E402

CDF_GENERATOR_VERSION = 1
CDF_TABLE = "cdf"
BIG_TABLE = sb.TABLE
CDF_PATH = f"{sb.PREFIX}/shares/{sb.SHARE}/schemas/{sb.SCHEMA}/tables/{CDF_TABLE}"
BIG_PATH = sb.TABLE_PATH


# ----------------------------------------------------------------------------------------------
# 1. Change-data-feed table
# ----------------------------------------------------------------------------------------------

def cdf_params(args) -> dict:
    return {
        "generator_version": CDF_GENERATOR_VERSION,
        "commits": args.cdf_commits,
        "adds_per_commit": args.cdf_adds_per_commit,
        "merge_every": 10, "merge_offset": 5, "merge_rewrite": 20, "merge_cdc_files": 4,
        "delete_every": 50, "delete_offset": 20, "delete_count": 50,
        "optimize_every": 100, "optimize_offset": 99, "optimize_count": 20,
        "checkpoint_interval": 100,
        "rows_per_file": args.rows_per_file,
        "seed": args.seed,
    }


def cdf_plan(params: dict) -> dict:
    """Kind of each commit and the lines the feed must return for it (deterministic)."""
    kinds, expected = {}, {}
    total_adds = total_removes = 0
    for v in range(params["commits"]):
        if v > 0 and v % params["merge_every"] == params["merge_offset"]:
            kind, adds, removes, cdc = "MERGE", params["merge_rewrite"], params["merge_rewrite"], params["merge_cdc_files"]
            exp = {"add": 0, "remove": 0, "cdf": cdc}  # described by its cdc files alone
        elif v > 0 and v % params["delete_every"] == params["delete_offset"]:
            kind, adds, removes, cdc = "DELETE", 0, params["delete_count"], 0
            exp = {"add": 0, "remove": removes, "cdf": 0}
        elif v > 0 and v % params["optimize_every"] == params["optimize_offset"]:
            kind, adds, removes, cdc = "OPTIMIZE", 1, params["optimize_count"], 0
            exp = {"add": 0, "remove": 0, "cdf": 0}  # dataChange false
        else:
            kind, adds, removes, cdc = "WRITE", params["adds_per_commit"], 0, 0
            exp = {"add": adds, "remove": 0, "cdf": 0}
        kinds[v] = (kind, adds, removes, cdc)
        expected[v] = exp
        total_adds += adds
        total_removes += removes
    cp = params["checkpoint_interval"]
    return {"last_version": params["commits"] - 1, "kinds": kinds, "expected": expected,
            "expected_active": total_adds - total_removes, "total_adds": total_adds, "total_removes": total_removes,
            "checkpoints": [v for v in range(1, params["commits"]) if cp and v % cp == 0]}


def expected_counts(p: dict, start: int, end: int) -> dict:
    tot = collections.Counter()
    for v in range(start, end + 1):
        tot.update(p["expected"][v])
    return {k: tot[k] for k in ("add", "remove", "cdf")}


def write_cdc_blob(path: Path, rows: int, seed: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    table = pa.table({
        "id": pa.array(range(rows), pa.int64()),
        "value": pa.array([rnd.random() * 1000 for _ in range(rows)], pa.float64()),
        "name": pa.array([f"name-{rnd.randrange(100000):05d}" for _ in range(rows)], pa.string()),
        "_change_type": pa.array(["update_preimage" if i % 2 == 0 else "update_postimage" for i in range(rows)], pa.string()),
    })
    pq.write_table(table, path, compression="snappy")
    return path.stat().st_size


def generate_cdf_table(table_dir: Path, blob_dir: Path, params: dict, p: dict) -> dict:
    from deltalake import DeltaTable

    rnd = random.Random(params["seed"])
    log_dir = table_dir / "_delta_log"
    log_dir.mkdir(parents=True)
    blob_dir.mkdir(parents=True)
    rows = params["rows_per_file"]
    blob = {"i": 0, "path": blob_dir / "blob-0.parquet", "links": 0}
    file_size = sb.write_blob(blob["path"], rows, params["seed"])
    cdc_blob = blob_dir / "cdc-blob.parquet"
    cdc_size = write_cdc_blob(cdc_blob, rows, params["seed"] + 1)
    base_ms = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp() * 1000)
    start_date = dt.date(2023, 1, 1)
    made_dirs: set[str] = set()
    active: list[tuple[str, str]] = []
    t_cp, t0, n_cdc = 0.0, time.perf_counter(), 0
    j = lambda o: json.dumps(o, separators=(",", ":"))  # noqa: E731

    def link(rel: str, src: Path | None = None) -> None:
        d = str(Path(rel).parent)
        if d not in made_dirs:
            (table_dir / d).mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        if src is None:
            if blob["links"] >= sb.LINKS_PER_BLOB:
                blob["i"] += 1
                new = blob_dir / f"blob-{blob['i']}.parquet"
                shutil.copyfile(blob["path"], new)
                blob["path"], blob["links"] = new, 0
            src = blob["path"]
            blob["links"] += 1
        os.link(src, table_dir / rel)

    def add_line(day: str, k: int, ts: int, data_change: bool) -> str:
        rel = f"event_date={day}/part-{k:05d}-{uuid.UUID(int=rnd.getrandbits(128))}.c000.snappy.parquet"
        st = {"numRecords": rows, "minValues": {"id": 0, "value": round(rnd.random() * 10, 3)},
              "maxValues": {"id": rows - 1, "value": round(990 + rnd.random() * 10, 3)}, "nullCount": {"id": 0, "value": 0}}
        link(rel)
        active.append((rel, day))
        return j({"add": {"path": rel, "partitionValues": {"event_date": day}, "size": file_size, "modificationTime": ts,
                          "dataChange": data_change, "stats": j(st)}})

    def remove_line(ts: int, data_change: bool) -> str:
        i = rnd.randrange(len(active))
        active[i], active[-1] = active[-1], active[i]
        rel, day = active.pop()
        return j({"remove": {"path": rel, "deletionTimestamp": ts, "dataChange": data_change, "extendedFileMetadata": True,
                             "partitionValues": {"event_date": day}, "size": file_size}})

    for v in range(p["last_version"] + 1):
        kind, n_add, n_rem, n_cdcv = p["kinds"][v]
        ts = base_ms + v * 60_000
        day = (start_date + dt.timedelta(days=v // 2)).isoformat()
        lines: list[str] = []
        if v == 0:
            lines.append(j({"protocol": {"minReaderVersion": 1, "minWriterVersion": 4}}))
            lines.append(j({"metaData": {
                "id": str(uuid.UUID(int=rnd.getrandbits(128))), "name": CDF_TABLE,
                "description": "Goldgate change data feed benchmark table",
                "format": {"provider": "parquet", "options": {}}, "schemaString": sb.SCHEMA_STRING,
                "partitionColumns": ["event_date"], "configuration": {"delta.enableChangeDataFeed": "true"},
                "createdTime": ts}}))
        data_change = kind != "OPTIMIZE"
        for _ in range(n_rem):
            lines.append(remove_line(ts, data_change))
        for k in range(n_add):
            lines.append(add_line(day, k, ts, data_change))
        for k in range(n_cdcv):
            rel = f"_change_data/event_date={day}/cdc-{k:05d}-{uuid.UUID(int=rnd.getrandbits(128))}.c000.snappy.parquet"
            link(rel, cdc_blob)
            n_cdc += 1
            lines.append(j({"cdc": {"path": rel, "partitionValues": {"event_date": day}, "size": cdc_size, "dataChange": False}}))
        lines.append(j({"commitInfo": {"timestamp": ts, "operation": "CREATE TABLE" if v == 0 else kind,
                                       "operationParameters": {}, "isBlindAppend": kind == "WRITE", "engineInfo": "goldgate-bench/1"}}))
        commit_file = log_dir / f"{v:020d}.json"
        commit_file.write_text("\n".join(lines) + "\n")
        os.utime(commit_file, (ts / 1000, ts / 1000))
        if v in p["checkpoints"]:
            tc = time.perf_counter()
            DeltaTable(str(table_dir)).create_checkpoint()
            t_cp += time.perf_counter() - tc
            if not (log_dir / f"{v:020d}.checkpoint.parquet").exists():
                raise RuntimeError(f"delta-rs did not write the checkpoint of version {v}")
        if v % 200 == 0 or v == p["last_version"]:
            log(f"  version {v:5d}: {len(active):7d} active, {n_cdc} cdc files, {time.perf_counter() - t0:6.1f} s")
    return {"file_size": file_size, "cdc_size": cdc_size, "cdc_files": n_cdc, "checkpoint_seconds": round(t_cp, 2)}


def verify_with_deltars(table_dir: Path, p: dict, params: dict) -> str:
    """Active files, and delta-rs's own CDF reader over 15..25 (one MERGE with cdc, one DELETE)."""
    from deltalake import DeltaTable

    dtab = DeltaTable(str(table_dir))
    n = len(dtab.file_uris())
    if dtab.version() != p["last_version"] or n != p["expected_active"]:
        raise RuntimeError(f"delta-rs sees version {dtab.version()} with {n} files, expected {p['last_version']} / {p['expected_active']}")
    lo, hi = 15, min(25, p["last_version"])
    e = expected_counts(p, lo, hi)
    rows = params["rows_per_file"]
    want = {"insert": e["add"] * rows, "delete": e["remove"] * rows,
            "update_preimage": e["cdf"] * rows // 2, "update_postimage": e["cdf"] * rows // 2}
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        reader = dtab.load_cdf(starting_version=lo, ending_version=hi)
        if not isinstance(reader, pa.RecordBatchReader):  # deltalake >= 1.0 returns an arro3 reader
            reader = pa.RecordBatchReader.from_stream(reader)
        t = reader.read_all()
        got = {str(x["values"]): int(x["counts"]) for x in pc.value_counts(t.column("_change_type")).to_pylist()}
    except Exception as exc:  # delta-rs API differences must not stop the benchmark
        return f"delta-rs load_cdf not checked ({type(exc).__name__}: {exc})"
    want = {k: v for k, v in want.items() if v}
    if got != want:
        raise RuntimeError(f"delta-rs load_cdf({lo}..{hi}) change types {got}, expected {want}")
    return f"delta-rs load_cdf({lo}..{hi}) agrees: {got}"


def ensure_cdf_table(args) -> tuple[Path, dict, dict]:
    params = cdf_params(args)
    p = cdf_plan(params)
    root = Path(args.data_dir).resolve() / f"cdf-c{params['commits']}-a{params['adds_per_commit']}"
    table_dir, stored, gen_s, info = sb.cached_table(
        root, params, "CDF table",
        f"CDF table: {p['total_adds']:,} adds, {p['total_removes']:,} removes over {params['commits']} commits",
        lambda t, b: generate_cdf_table(t, b, params, p))
    if stored is not None:
        return table_dir, p, stored
    verified = verify_with_deltars(table_dir, p, params)
    log(f"Generated in {gen_s:.1f} s; {verified}")
    stored = {"params": params, "generation_seconds": round(gen_s, 1), "deltars_check": verified, **info}
    (root / "params.json").write_text(json.dumps(stored, indent=2))
    return table_dir, p, stored


def big_table_args(args) -> argparse.Namespace:
    """The 100k-file table of sharing_bench.py, with that script's defaults."""
    return argparse.Namespace(files=args.files, commits=1_000, checkpoint_interval=100, remove_every=50, remove_count=10,
                              rows_per_file=args.rows_per_file, seed=args.seed, data_dir=args.data_dir)


# ----------------------------------------------------------------------------------------------
# 2. Change data feed
# ----------------------------------------------------------------------------------------------

def changes_path(start: int, end: int) -> str:
    return f"{CDF_PATH}/changes?startingVersion={start}&endingVersion={end}"


def check_changes(body: bytes, status: int, headers, p: dict, start: int, end: int, problems: list[str],
                  sizes: dict) -> int:
    """Per version and kind, the lines must be exactly the generated ones; cdf lines must be the
    _change_data files (told apart from data files by size). Returns file lines."""
    check(status == 200, f"changes {start}..{end} answered {status}: {body[:300]!r}", problems)
    if status != 200:
        return 0
    lines = [json.loads(x) for x in body.split(b"\n") if x.strip()]
    check("protocol" in lines[0] and "metaData" in lines[1], f"changes {start}..{end} does not start with protocol, metaData", problems)
    conf = lines[1].get("metaData", {}).get("configuration", {})
    check(conf.get("delta.enableChangeDataFeed") == "true", f"changes metaData configuration {conf}", problems)
    got: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    ids, n, last_v, order_ok, other = set(), 0, -1, True, collections.Counter()
    for x in lines[2:]:
        kind = next(iter(x))
        if kind in ("add", "remove", "cdf"):
            f = x[kind]
            got[f["version"]][kind] += 1
            ids.add((kind, f["id"]))  # a file added and later removed keeps its id
            order_ok &= f["version"] >= last_v
            last_v = f["version"]
            n += 1
            if f["size"] != sizes["cdf" if kind == "cdf" else "data"]:
                other[f"{kind} of size {f['size']}"] += 1
        else:
            other[kind] += 1
    check(not other, f"changes {start}..{end}: unexpected lines {dict(other)}", problems)
    check(order_ok, f"changes {start}..{end}: versions not in commit order", problems)
    check(len(ids) == n, f"changes {start}..{end}: {n} file lines but {len(ids)} distinct (kind, id)", problems)
    bad = [v for v in range(start, end + 1) if {k: got[v][k] for k in ("add", "remove", "cdf")} != p["expected"][v]]
    bad += [v for v in got if not start <= v <= end]
    check(not bad, f"changes {start}..{end}: wrong lines for {len(bad)} versions, e.g. v{bad[0] if bad else ''}: "
                   f"{dict(got[bad[0]]) if bad else ''} expected {p['expected'].get(bad[0]) if bad else ''}", problems)
    hv = headers.get("Delta-Table-Version")
    check(hv == str(start), f"changes Delta-Table-Version {hv}, expected {start}", problems)
    return n


def count_kinds(body: bytes) -> dict:
    c = collections.Counter()
    for line in body.split(b"\n"):
        for k in (b'{"add"', b'{"remove"', b'{"cdf"'):
            if line.startswith(k):
                c[k[2:-1].decode()] += 1
    return {k: c[k] for k in ("add", "remove", "cdf")}


# ----------------------------------------------------------------------------------------------
# 3. Paged query
# ----------------------------------------------------------------------------------------------

def walk_pages(c: Client, max_files: int) -> dict:
    """Follows nextPageToken to the end. Only the last line of each page is parsed inside the timing."""
    req = {"maxFiles": max_files}
    bodies, page_s, status_bad = [], [], []
    t0 = time.perf_counter()
    while True:
        t, status, _, body = c.call("POST", f"{BIG_PATH}/query", json.dumps(req).encode())
        page_s.append(t)
        bodies.append(body)
        if status != 200:
            status_bad.append((status, body[:300]))
            break
        last = json.loads(body.rstrip(b"\n").rsplit(b"\n", 1)[-1])
        token = last.get("endStreamAction", {}).get("nextPageToken")
        if not token:
            break
        req = {"maxFiles": max_files, "pageToken": token}
        if len(bodies) > 100_000:
            break
    total = time.perf_counter() - t0
    return {"total_s": total, "pages": len(bodies), "page_s": page_s, "bodies": bodies, "errors": status_bad}


def check_walk(w: dict, max_files: int, p: dict, problems: list[str], reference_ids: set | None) -> set:
    tag = f"paged maxFiles={max_files}"
    check(not w["errors"], f"{tag}: error {w['errors'][:1]}", problems)
    ids, n, versions = set(), 0, set()
    for i, body in enumerate(w["bodies"]):
        lines = [json.loads(x) for x in body.split(b"\n") if x.strip()]
        if not lines:
            check(False, f"{tag}: page {i} is empty", problems)
            continue
        files = [x["file"]["id"] for x in lines if "file" in x]
        check("protocol" in lines[0] and "metaData" in lines[1], f"{tag}: page {i} does not start with protocol, metaData", problems)
        check("endStreamAction" in lines[-1], f"{tag}: page {i} does not end with endStreamAction", problems)
        check(len(files) <= max_files, f"{tag}: page {i} has {len(files)} files", problems)
        end = lines[-1].get("endStreamAction", {})
        if i < len(w["bodies"]) - 1:
            check(len(files) == max_files, f"{tag}: non-last page {i} has {len(files)} files", problems)
        if files:
            check(end.get("minUrlExpirationTimestamp") is not None, f"{tag}: page {i} lacks minUrlExpirationTimestamp", problems)
        ids.update(files)
        n += len(files)
    check(n == p["expected_active"], f"{tag}: {n} file lines over {w['pages']} pages, expected {p['expected_active']}", problems)
    check(len(ids) == n, f"{tag}: {n} file lines but {len(ids)} distinct ids (duplicates across pages)", problems)
    if reference_ids is not None:
        check(ids == reference_ids, f"{tag}: id set differs from the unpaged query ({len(ids - reference_ids)} extra, "
                                    f"{len(reference_ids - ids)} missing)", problems)
    return ids


def walk_summary(w: dict) -> dict:
    ps = w["page_s"]
    return {"total_s": w["total_s"], "pages": w["pages"], "first_page_s": ps[0],
            "page_median_s": statistics.median(ps), "page_max_s": max(ps)}


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar", help="gateway jar (quarkus-run.jar)")
    ap.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
    ap.add_argument("--heap", default="2g", help="-Xmx for the gateway (default 2g)")
    ap.add_argument("--files", type=int, default=100_000, help="active files of the paged-query table (default 100000)")
    ap.add_argument("--cdf-commits", type=int, default=1_000, help="commits of the CDF table (default 1000)")
    ap.add_argument("--cdf-adds-per-commit", type=int, default=100, help="files added by each WRITE commit (default 100)")
    ap.add_argument("--page-sizes", default="10000,1000", help="maxFiles values to walk (default 10000,1000)")
    ap.add_argument("--rows-per-file", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", default=str(sb.DEFAULT_DATA_DIR), help="where tables are generated (default bench/.data)")
    ap.add_argument("--repeat", type=int, default=10, help="warm repeats of each measurement (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="unmeasured warm-up runs before each warm series (default 2)")
    ap.add_argument("--skip-cdf", action="store_true")
    ap.add_argument("--skip-paging", action="store_true")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--json-out", help="also write all figures to this JSON file")
    args = ap.parse_args()
    if args.cdf_commits < 200:
        ap.error("--cdf-commits must be >= 200")
    page_sizes = [int(x) for x in args.page_sizes.split(",") if x.strip()]

    log("== 1. Tables")
    tables: dict[str, Path] = {}
    cdf_p = big_p = None
    if not args.skip_cdf:
        cdf_dir, cdf_p, cdf_info = ensure_cdf_table(args)
        tables[CDF_TABLE] = cdf_dir
    if not args.skip_paging:
        big_dir, big_p, _ = sb.ensure_table(big_table_args(args))
        tables[BIG_TABLE] = big_dir
    if args.generate_only or not tables:
        return 0
    app = Path(args.app).resolve()
    if not app.exists():
        ap.error(f"gateway jar {app} not found (build it, or pass --app)")

    problems: list[str] = []
    res: dict = {"startup_s": []}
    tmp = Path(tempfile.mkdtemp(prefix="goldgate-bench-cdf-"))
    token = "bench-" + secrets.token_urlsafe(24)
    shares_dir = tmp / "shares"
    shares_dir.mkdir()
    sb.write_catalog(shares_dir, tables, token)
    gw = Gateway(args.java, app, shares_dir, token, tmp / "gateway.log", args.heap)
    log(f"\n   gateway {app}, log in {gw.log_path}")
    try:
        if cdf_p:
            last = cdf_p["last_version"]
            narrow = (last - 99, last)
            sizes = {"data": cdf_info["file_size"], "cdf": cdf_info["cdc_size"]}
            log(f"\n== 2. Change data feed, versions 0..{last}")
            gw.start()
            res["startup_s"].append(gw.startup_s)
            c = Client(gw.base, token)
            t, status, headers, body = c.call("GET", changes_path(0, last))
            n = check_changes(body, status, headers, cdf_p, 0, last, problems, sizes)
            res.update(cdf_cold_s=t, cdf_cold_ttfb_s=c.last_ttfb, cdf_lines=n, cdf_mb=len(body) / 1e6,
                       cdf_kinds=count_kinds(body), cdf_expected=expected_counts(cdf_p, 0, last), rss_after_cdf_cold_mb=gw.rss_mb())
            log(f"  start {len(res['startup_s'])}: ready in {gw.startup_s:.1f} s; cold /changes 0..{last}: {t:.3f} s "
                f"(first byte {c.last_ttfb:.3f} s), {n:,} file lines {res['cdf_kinds']}, {len(body) / 1e6:.1f} MB")
            cdc_line = next((x for x in body.split(b"\n") if x.startswith(b'{"cdf"')), None)
            if cdc_line:  # one cdf URL must serve the _change_data file itself
                import requests

                r = requests.get(json.loads(cdc_line)["cdf"]["url"], timeout=30)
                cdc_blob = (cdf_dir.parent / "blobs" / "cdc-blob.parquet").read_bytes()
                check(r.status_code == 200 and r.content == cdc_blob, f"cdf URL answered {r.status_code}, "
                      f"{len(r.content)} bytes, not the _change_data file", problems)
            log(f"  warm /changes 0..{last} x{args.repeat} ...")
            w, body, status, headers = sb.measure_warm(c, "GET", changes_path(0, last), None, args.repeat, args.warmup)
            check_changes(body, status, headers, cdf_p, 0, last, problems, sizes)
            res["cdf_warm"] = w
            log(f"  warm median {w['median']:.3f} s, p90 {w['p90']:.3f}, min {w['min']:.3f}; first byte {w['ttfb_median']:.3f} s")
            log(f"  warm /changes {narrow[0]}..{narrow[1]} x{args.repeat} ...")
            w, body, status, headers = sb.measure_warm(c, "GET", changes_path(*narrow), None, args.repeat, args.warmup)
            n2 = check_changes(body, status, headers, cdf_p, *narrow, problems, sizes)
            res.update(cdf_narrow_warm=w, cdf_narrow_lines=n2, cdf_narrow_kinds=count_kinds(body), cdf_narrow_range=narrow,
                       rss_after_cdf_warm_mb=gw.rss_mb())
            log(f"  warm median {w['median'] * 1000:.1f} ms, {n2:,} lines {res['cdf_narrow_kinds']}")
            c.close()
            gw.stop()

        if big_p:
            log(f"\n== 3. Paged query over {big_p['expected_active']:,} files")
            reference_ids = None
            for size in page_sizes:
                gw.start()
                res["startup_s"].append(gw.startup_s)
                c = Client(gw.base, token)
                cold = walk_pages(c, size)
                check_walk(cold, size, big_p, problems, None)
                log(f"  start {len(res['startup_s'])}: ready in {gw.startup_s:.1f} s; cold walk maxFiles={size}: "
                    f"{cold['total_s']:.3f} s, {cold['pages']} pages (first page {cold['page_s'][0]:.3f} s, "
                    f"median page {statistics.median(cold['page_s']) * 1000:.0f} ms)")
                if reference_ids is None:
                    t, status, headers, body = c.call("POST", f"{BIG_PATH}/query", b"{}")
                    reference_ids = {json.loads(x)["file"]["id"] for x in body.split(b"\n") if x.startswith(b'{"file"')}
                    check(len(reference_ids) == big_p["expected_active"], f"unpaged query has {len(reference_ids)} ids", problems)
                    uq, _, _, _ = sb.measure_warm(c, "POST", f"{BIG_PATH}/query", b"{}", args.repeat, args.warmup)
                    res["unpaged_query_warm"] = uq
                    log(f"  unpaged query (reference) warm median {uq['median']:.3f} s")
                for _ in range(args.warmup):
                    walk_pages(c, size)
                walks = []
                for _ in range(args.repeat):
                    wk = walk_pages(c, size)
                    walks.append(walk_summary(wk))
                check_walk(wk, size, big_p, problems, reference_ids)
                totals = stats([x["total_s"] for x in walks])
                res[f"paged_{size}"] = {"cold": walk_summary(cold), "warm": totals, "pages": wk["pages"],
                                        "warm_page_median_s": statistics.median(x["page_median_s"] for x in walks),
                                        "warm_first_page_median_s": statistics.median(x["first_page_s"] for x in walks),
                                        "warm_page_max_s": max(x["page_max_s"] for x in walks)}
                log(f"  warm walk maxFiles={size} x{args.repeat}: median {totals['median']:.3f} s, p90 {totals['p90']:.3f}, "
                    f"min {totals['min']:.3f}; median page {res[f'paged_{size}']['warm_page_median_s'] * 1000:.1f} ms")
                res[f"rss_after_paged_{size}_mb"] = gw.rss_mb()
                c.close()
                gw.stop()
    finally:
        gw.stop()

    # --- report ---------------------------------------------------------------------------------
    print()
    print("=" * 78)
    print(f"Goldgate CDF / paging benchmark  ({os.cpu_count()} CPUs, {args.java}, -Xmx{args.heap})")
    print(f"Gateway start-up to first 200 on GET /shares: " + ", ".join(f"{s:.1f} s" for s in res["startup_s"]))
    print(f"Cold = first request(s) on a freshly started gateway; warm = same process, after {args.warmup} warm-up, x{args.repeat}.")
    if cdf_p:
        e, last = res["cdf_expected"], cdf_p["last_version"]
        nv = collections.Counter(k for k, *_ in cdf_p["kinds"].values())
        print("-" * 78)
        print(f"CDF table: versions 0..{last} ({dict(nv)}), {cdf_p['expected_active']:,} active files, "
              f"{cdf_info['cdc_files']} cdc files; {cdf_info.get('deltars_check', '')}")
        print(f"{'GET /changes (ms)':<30}{'cold':>10}{'warm med':>10}{'p90':>10}{'min':>10}{'lines/s':>10}")
        w = res["cdf_warm"]
        print(f"{f'versions 0..{last}':<30}{sb.fmt_ms(res['cdf_cold_s']):>10}{sb.fmt_ms(w['median']):>10}{sb.fmt_ms(w['p90']):>10}"
              f"{sb.fmt_ms(w['min']):>10}{res['cdf_lines'] / w['median']:>10,.0f}")
        w, (a, b) = res["cdf_narrow_warm"], res["cdf_narrow_range"]
        print(f"{f'versions {a}..{b}':<30}{'-':>10}{sb.fmt_ms(w['median']):>10}{sb.fmt_ms(w['p90']):>10}"
              f"{sb.fmt_ms(w['min']):>10}{res['cdf_narrow_lines'] / w['median']:>10,.0f}")
        print(f"0..{last}: {res['cdf_lines']:,} file lines {res['cdf_kinds']} (expected {e}), {res['cdf_mb']:.1f} MB; "
              f"cold lines/s {res['cdf_lines'] / res['cdf_cold_s']:,.0f}; first byte cold {res['cdf_cold_ttfb_s'] * 1000:.0f} ms, "
              f"warm {res['cdf_warm']['ttfb_median'] * 1000:.0f} ms")
        print(f"{a}..{b}: {res['cdf_narrow_lines']:,} file lines {res['cdf_narrow_kinds']}; "
              f"RSS {res['rss_after_cdf_cold_mb']:.0f} MB after cold, {res['rss_after_cdf_warm_mb']:.0f} MB after warm")
    if big_p:
        print("-" * 78)
        print(f"Paged query over {big_p['expected_active']:,} files (all pages, s){'cold':>8}{'warm med':>10}{'p90':>8}{'min':>8}{'files/s':>10}")
        for size in page_sizes:
            r = res[f"paged_{size}"]
            w = r["warm"]
            print(f"  maxFiles={size:<6} {r['pages']:>4} pages{'':21}{r['cold']['total_s']:>8.3f}{w['median']:>10.3f}{w['p90']:>8.3f}"
                  f"{w['min']:>8.3f}{big_p['expected_active'] / w['median']:>10,.0f}")
        for size in page_sizes:
            r = res[f"paged_{size}"]
            print(f"  maxFiles={size}: cold first page {r['cold']['first_page_s'] * 1000:.0f} ms, cold median page "
                  f"{r['cold']['page_median_s'] * 1000:.0f} ms; warm median page {r['warm_page_median_s'] * 1000:.1f} ms, "
                  f"max {r['warm_page_max_s'] * 1000:.0f} ms; cold files/s {big_p['expected_active'] / r['cold']['total_s']:,.0f}")
        uq = res["unpaged_query_warm"]
        print(f"  unpaged POST /query {{}} (reference): warm median {uq['median']:.3f} s, "
              f"{big_p['expected_active'] / uq['median']:,.0f} files/s")
    print(f"Correctness: {'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems)}")
    print("=" * 78)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2, default=str))
    shutil.rmtree(tmp, ignore_errors=True) if not problems else log(f"(kept {tmp} for inspection)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
