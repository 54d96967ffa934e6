#!/usr/bin/env python3
"""Goldgate Delta Sharing benchmark.

    python bench/sharing_bench.py --app target/quarkus-app/quarkus-run.jar

What it does:
  1. Generates (or reuses, when already generated with the same parameters) a synthetic Delta
     table under bench/.data/ (git-ignored): by default 100,000 active data files over 1,000
     commits (versions 0..999), a classic checkpoint every 100 commits (written by delta-rs),
     and every 50th commit removing 10 earlier files. Commit JSON files are written directly;
     the data files are hard links of a few small real Parquet files. The result is verified
     with delta-rs (active file count).
  2. Writes a share catalog into a temp dir and starts the gateway jar with
     GOLDGATE_SHARES_DIR pointing at it (one start per cold measurement).
  3. Measures cold and warm latency of /version, /metadata and the full POST /query (reading the
     whole response body counts), file lines per second, response size, and checks correctness.
  4. Measures baselines on this machine: a naive Python log replay, delta-rs snapshot load, and
     downloading the same bytes (and a tiny file) from a minimal Python HTTP server over loopback.

Dependencies: pyarrow, deltalake, requests (all in src/test/python/requirements.txt).
Needs ~200 MB disk for the default table and a few minutes (2 cores: generation ~15 s, run ~1 min).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

GENERATOR_VERSION = 1
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = BENCH_DIR / ".data"
PREFIX = "/delta-sharing"
SHARE, SCHEMA, TABLE = "bench", "s", "big"
TABLE_PATH = f"{PREFIX}/shares/{SHARE}/schemas/{SCHEMA}/tables/{TABLE}"
LINKS_PER_BLOB = 50_000  # ext4 allows at most 65,000 hard links per inode
GOAL_QUERY_S = 1.0
GOAL_VERSION_MS = 5.0


def log(msg: str) -> None:
    print(msg, flush=True)


# ----------------------------------------------------------------------------------------------
# 1. Table generation
# ----------------------------------------------------------------------------------------------

SCHEMA_STRING = json.dumps(
    {
        "type": "struct",
        "fields": [
            {"name": "id", "type": "long", "nullable": True, "metadata": {}},
            {"name": "value", "type": "double", "nullable": True, "metadata": {}},
            {"name": "name", "type": "string", "nullable": True, "metadata": {}},
            {"name": "event_date", "type": "date", "nullable": True, "metadata": {}},
        ],
    },
    separators=(",", ":"),
)


def gen_params(args) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "files": args.files,
        "commits": args.commits,
        "checkpoint_interval": args.checkpoint_interval,
        "remove_every": args.remove_every,
        "remove_count": args.remove_count,
        "rows_per_file": args.rows_per_file,
        "seed": args.seed,
    }


def plan(params: dict) -> dict:
    """Works out versions, add counts per commit and the expected result."""
    commits = params["commits"]
    last_version = commits - 1
    data_versions = list(range(1, commits))  # version 0 = protocol + metaData only
    remove_versions = [v for v in data_versions if params["remove_every"] and v % params["remove_every"] == 0]
    n_removes = len(remove_versions) * params["remove_count"]
    total_adds = params["files"] + n_removes  # so that exactly `files` stay active
    base, extra = divmod(total_adds, len(data_versions))
    adds = {v: base + (1 if i < extra else 0) for i, v in enumerate(data_versions)}
    cp = params["checkpoint_interval"]
    checkpoints = [v for v in data_versions if cp and v % cp == 0]
    return {
        "last_version": last_version,
        "adds": adds,
        "remove_versions": set(remove_versions),
        "total_adds": total_adds,
        "n_removes": n_removes,
        "expected_active": params["files"],
        "checkpoints": checkpoints,
    }


def write_blob(path: Path, rows: int, seed: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "value": pa.array([rnd.random() * 1000 for _ in range(rows)], pa.float64()),
            "name": pa.array([f"name-{rnd.randrange(100000):05d}" for _ in range(rows)], pa.string()),
        }
    )
    pq.write_table(table, path, compression="snappy")
    return path.stat().st_size


def generate_table(table_dir: Path, blob_dir: Path, params: dict) -> dict:
    from deltalake import DeltaTable

    p = plan(params)
    rnd = random.Random(params["seed"])
    log_dir = table_dir / "_delta_log"
    log_dir.mkdir(parents=True)
    blob_dir.mkdir(parents=True)

    blob_index = 0
    blob_path = blob_dir / f"blob-{blob_index}.parquet"
    file_size = write_blob(blob_path, params["rows_per_file"], params["seed"])
    links_on_blob = 0

    base_ms = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp() * 1000)
    start_date = dt.date(2023, 1, 1)
    made_dirs: set[str] = set()
    active: list[tuple[str, str]] = []  # (path, event_date) of active files
    global_file = 0
    t_cp = 0.0
    t0 = time.perf_counter()

    def commit_info(ts: int, op: str, extra: dict | None = None) -> str:
        ci = {"timestamp": ts, "operation": op, "operationParameters": {"mode": "Append", "partitionBy": '["event_date"]'},
              "isBlindAppend": op == "WRITE", "engineInfo": "goldgate-bench/1"}
        if extra:
            ci.update(extra)
        return json.dumps({"commitInfo": ci}, separators=(",", ":"))

    for version in range(p["last_version"] + 1):
        ts = base_ms + version * 60_000
        lines: list[str] = []
        if version == 0:
            lines.append(json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}, separators=(",", ":")))
            lines.append(json.dumps({"metaData": {
                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                "name": "big",
                "description": "Goldgate benchmark table",
                "format": {"provider": "parquet", "options": {}},
                "schemaString": SCHEMA_STRING,
                "partitionColumns": ["event_date"],
                "configuration": {},
                "createdTime": ts,
            }}, separators=(",", ":")))
            lines.append(commit_info(ts, "CREATE TABLE"))
        else:
            op = "WRITE"
            if version in p["remove_versions"]:
                op = "MERGE"
                for _ in range(params["remove_count"]):
                    i = rnd.randrange(len(active))
                    active[i], active[-1] = active[-1], active[i]
                    path, day = active.pop()
                    lines.append(json.dumps({"remove": {
                        "path": path, "deletionTimestamp": ts, "dataChange": True,
                        "extendedFileMetadata": True, "partitionValues": {"event_date": day}, "size": file_size,
                    }}, separators=(",", ":")))
            # two days per commit: a daily ingest plus a few late arrivals for the day before
            for k in range(p["adds"][version]):
                day_idx = version // 2 - (1 if k % 10 == 9 and version > 1 else 0)
                day = (start_date + dt.timedelta(days=day_idx)).isoformat()
                rel = f"event_date={day}/part-{k:05d}-{uuid.UUID(int=rnd.getrandbits(128))}.c000.snappy.parquet"
                rows = params["rows_per_file"]
                lo = global_file * rows
                stats = {
                    "numRecords": rows,
                    "minValues": {"id": lo, "value": round(rnd.random() * 10, 3), "name": f"name-{rnd.randrange(1000):05d}"},
                    "maxValues": {"id": lo + rows - 1, "value": round(990 + rnd.random() * 10, 3), "name": f"name-{99000 + rnd.randrange(1000):05d}"},
                    "nullCount": {"id": 0, "value": 0, "name": 0},
                }
                lines.append(json.dumps({"add": {
                    "path": rel, "partitionValues": {"event_date": day}, "size": file_size,
                    "modificationTime": ts, "dataChange": True,
                    "stats": json.dumps(stats, separators=(",", ":")),
                }}, separators=(",", ":")))
                part_dir = f"event_date={day}"
                if part_dir not in made_dirs:
                    (table_dir / part_dir).mkdir()
                    made_dirs.add(part_dir)
                if links_on_blob >= LINKS_PER_BLOB:
                    blob_index += 1
                    new_blob = blob_dir / f"blob-{blob_index}.parquet"
                    shutil.copyfile(blob_path, new_blob)
                    blob_path, links_on_blob = new_blob, 0
                os.link(blob_path, table_dir / rel)
                links_on_blob += 1
                active.append((rel, day))
                global_file += 1
            lines.append(commit_info(ts, op, {"operationMetrics": {"numAddedFiles": str(p["adds"][version])}}))
        commit_file = log_dir / f"{version:020d}.json"
        commit_file.write_text("\n".join(lines) + "\n")
        os.utime(commit_file, (ts / 1000, ts / 1000))

        if version in p["checkpoints"]:
            tc = time.perf_counter()
            DeltaTable(str(table_dir)).create_checkpoint()
            t_cp += time.perf_counter() - tc
            cp_file = log_dir / f"{version:020d}.checkpoint.parquet"
            if not cp_file.exists():
                raise RuntimeError(f"delta-rs did not write {cp_file.name}")
            last = json.loads((log_dir / "_last_checkpoint").read_text())
            if last.get("version") != version:
                raise RuntimeError(f"_last_checkpoint says {last}, expected version {version}")
        if version % 100 == 0 or version == p["last_version"]:
            log(f"  version {version:5d}: {global_file:7d} files written, {len(active):7d} active, "
                f"{time.perf_counter() - t0:6.1f} s")

    return {"file_size": file_size, "blobs": blob_index + 1, "partitions": len(made_dirs),
            "checkpoint_seconds": round(t_cp, 2)}


def cached_table(root: Path, params: dict, label: str, describe: str, generate) -> tuple[Path, dict | None, float, dict]:
    """Reuses <root>/table when <root>/params.json records the same parameters, else rebuilds it.

    Returns (table_dir, stored, generation_seconds, info): `stored` is the recorded params.json when
    the table was reused (and then nothing was generated), else None and `generate(table_dir,
    blob_dir)` was run and timed; it returns `info` to record. The caller writes params.json."""
    table_dir, blob_dir, params_file = root / "table", root / "blobs", root / "params.json"
    if params_file.exists():
        stored = json.loads(params_file.read_text())
        if stored.get("params") == params and (table_dir / "_delta_log" / "_last_checkpoint").exists():
            log(f"Reusing {label} {table_dir} (generated in {stored['generation_seconds']} s)")
            return table_dir, stored, stored["generation_seconds"], {}
    if root.exists():
        log(f"Removing stale {root}")
        shutil.rmtree(root)
    root.mkdir(parents=True)
    log(f"Generating {describe} into {table_dir}")
    t0 = time.perf_counter()
    info = generate(table_dir, blob_dir)
    return table_dir, None, time.perf_counter() - t0, info


def ensure_table(args) -> tuple[Path, dict, dict]:
    params = gen_params(args)
    p = plan(params)
    root = Path(args.data_dir).resolve() / f"table-f{args.files}-c{args.commits}"
    table_dir, stored, gen_s, info = cached_table(
        root, params, "table",
        f"{params['files']:,} active files ({p['total_adds']:,} adds, {p['n_removes']} removes) over {params['commits']} commits",
        lambda t, b: generate_table(t, b, params))
    if stored is not None:
        return table_dir, p, stored
    params_file = root / "params.json"

    from deltalake import DeltaTable

    tv = time.perf_counter()
    dtab = DeltaTable(str(table_dir))
    n_active = len(dtab.file_uris())
    if dtab.version() != p["last_version"] or n_active != p["expected_active"]:
        raise RuntimeError(f"delta-rs sees version {dtab.version()} with {n_active} files, expected "
                           f"{p['last_version']} / {p['expected_active']}")
    verify_s = time.perf_counter() - tv
    checkpoints = sorted(f.name for f in (table_dir / "_delta_log").glob("*.checkpoint.parquet"))
    stored = {"params": params, "generation_seconds": round(gen_s, 1), "verify_seconds": round(verify_s, 2),
              "checkpoints": len(checkpoints), **info}
    params_file.write_text(json.dumps(stored, indent=2))
    log(f"Generated in {gen_s:.1f} s (of which delta-rs checkpoints {info['checkpoint_seconds']} s); "
        f"verified with delta-rs in {verify_s:.2f} s: version {dtab.version()}, {n_active:,} active files, "
        f"{len(checkpoints)} checkpoints, {info['partitions']} partitions")
    return table_dir, p, stored


# ----------------------------------------------------------------------------------------------
# 2. Gateway process
# ----------------------------------------------------------------------------------------------

def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != 18080:
            return port


def stop_process(proc: subprocess.Popen | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within `timeout` seconds."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Gateway:
    def __init__(self, java: str, app: Path, shares_dir: Path, token: str, log_path: Path, heap: str,
                 extra_args: list[str] | tuple[str, ...] = (), extra_env: dict[str, str] | None = None):
        self.java, self.app, self.shares_dir, self.token = java, app, shares_dir, token
        self.extra_args = list(extra_args)  # more JVM options (e.g. -Dgoldgate.flight.port=...), before -jar
        self.extra_env = dict(extra_env or {})  # more environment for the gateway process alone
        self.log_path, self.heap = log_path, heap
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.management_port = 0
        self.startup_s = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def management_base(self) -> str:
        """Health, metrics and the OpenAPI document (the management interface, a port of its own)."""
        return f"http://127.0.0.1:{self.management_port}"

    def start(self, timeout: float = 120.0) -> None:
        import requests

        self.port, self.management_port = free_port(), free_port()
        env = dict(os.environ, GOLDGATE_SHARES_DIR=str(self.shares_dir), **self.extra_env)
        cmd = [self.java, "--add-opens=java.base/java.nio=ALL-UNNAMED", f"-Xmx{self.heap}",
               f"-Dquarkus.http.port={self.port}", f"-Dquarkus.management.port={self.management_port}",
               # The bench catalog shares none of the sample tables the feature definitions read,
               # and a free Flight port keeps benches from clashing with a running gateway.
               "-Dgoldgate.features.enabled=false", "-Dgoldgate.flight.port=0",
               *self.extra_args, "-jar", str(self.app)]
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n==== {' '.join(cmd)}\n".encode())
        self._log.flush()
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        headers = {"Authorization": f"Bearer {self.token}"}
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.proc.returncode} during start-up; see {self.log_path}:\n"
                                   + tail(self.log_path))
            try:
                r = requests.get(f"{self.base}{PREFIX}/shares", headers=headers, timeout=2)
                if r.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"gateway not ready after {timeout} s; see {self.log_path}:\n" + tail(self.log_path))
            time.sleep(0.05)
        self.startup_s = time.perf_counter() - t0

    def rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        stop_process(self.proc, timeout=20)
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None


def tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def write_catalog(shares_dir: Path, tables: dict[str, Path], token: str) -> None:
    """The benches' catalog: share SHARE, schema SCHEMA with the given tables (name -> location, all
    with history), and one recipient "bench" holding the token."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    entries = "".join(f"""          - name: {name}
            location: {location}
            historyShared: true
""" for name, location in tables.items())
    (shares_dir / "bench.yaml").write_text(f"""shares:
  - name: {SHARE}
    schemas:
      - name: {SCHEMA}
        tables:
{entries}recipients:
  - name: bench
    tokens:
      - hash: sha256:{digest}
    shares: [{SHARE}]
""")


# ----------------------------------------------------------------------------------------------
# 3. Measurements
# ----------------------------------------------------------------------------------------------

class Client:
    def __init__(self, base: str, token: str | None):
        import requests

        self.base = base
        self.s = requests.Session()
        if token:
            self.s.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: bytes | None = None):
        """Returns (seconds, status, headers, full body); the body is read completely inside the timing."""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        t0 = time.perf_counter()
        r = self.s.request(method, self.base + path, data=body, headers=headers, stream=True)
        self.last_ttfb = time.perf_counter() - t0  # status line and headers received
        data = b"".join(r.iter_content(1 << 20))
        t = time.perf_counter() - t0
        return t, r.status_code, r.headers, data

    def close(self):
        self.s.close()


def file_lines(body: bytes) -> int:
    return sum(1 for line in body.split(b"\n") if line.startswith(b'{"file"'))


def stats(ts: list[float]) -> dict:
    s = sorted(ts)
    p90 = s[min(len(s) - 1, int(round(0.9 * (len(s) - 1))))]
    return {"median": statistics.median(s), "p90": p90, "min": s[0], "n": len(s)}


def check(cond: bool, msg: str, problems: list[str]) -> None:
    if not cond:
        problems.append(msg)
        log(f"  !! {msg}")


def check_query(body: bytes, status: int, headers, p: dict, problems: list[str], full: bool) -> int:
    check(status == 200, f"query answered {status}: {body[:300]!r}", problems)
    n = file_lines(body)
    check(n == p["expected_active"], f"query returned {n} file lines, expected {p['expected_active']}", problems)
    hv = headers.get("Delta-Table-Version")
    check(hv == str(p["last_version"]), f"query Delta-Table-Version {hv}, expected {p['last_version']}", problems)
    if full:  # parse every line once
        lines = [json.loads(x) for x in body.split(b"\n") if x.strip()]
        check("protocol" in lines[0] and "metaData" in lines[1], "query does not start with protocol, metaData", problems)
        ids = {x["file"]["id"] for x in lines[2:] if "file" in x}
        check(len(ids) == p["expected_active"], f"query has {len(ids)} distinct file ids", problems)
    return n


def measure_warm(c: Client, method: str, path: str, body, repeats: int, warmup: int) -> tuple[dict, bytes, int, dict]:
    for _ in range(warmup):
        c.call(method, path, body)
    ts, ttfbs, last = [], [], None
    for _ in range(repeats):
        t, status, headers, data = c.call(method, path, body)
        ts.append(t)
        ttfbs.append(c.last_ttfb)
        last = (data, status, headers)
    return {**stats(ts), "ttfb_median": statistics.median(ttfbs)}, last[0], last[1], last[2]


def count_chunks(base: str, token: str, path: str) -> tuple[int, float]:
    """One extra query read with raw chunked framing: how many HTTP chunks the body is sent in."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    conn.request("POST", path, body=b"{}", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = conn.getresponse()
    if r.getheader("Transfer-Encoding", "").lower() != "chunked":
        n = len(r.read())
        conn.close()
        return 1, float(n)
    fp, sizes = r.fp, []
    while True:
        size = int(fp.readline().split(b";")[0], 16)
        if size == 0:
            break
        fp.read(size)
        fp.readline()
        sizes.append(size)
    conn.close()
    return len(sizes), sum(sizes) / max(1, len(sizes))


# ----------------------------------------------------------------------------------------------
# 4. Baselines
# ----------------------------------------------------------------------------------------------

def naive_replay(table_dir: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    active: dict[str, dict] = {}
    for f in sorted((table_dir / "_delta_log").glob("*.json")):
        with open(f, "rb") as fh:
            for line in fh:
                a = json.loads(line)
                if "add" in a:
                    active[a["add"]["path"]] = a["add"]
                elif "remove" in a:
                    active.pop(a["remove"]["path"], None)
    return time.perf_counter() - t0, len(active)


def deltars_load(table_dir: Path) -> tuple[float, int]:
    from deltalake import DeltaTable

    t0 = time.perf_counter()
    n = len(DeltaTable(str(table_dir)).file_uris())
    return time.perf_counter() - t0, n


def serve_static(directory: str, port: int) -> None:
    """Hidden mode: a minimal keep-alive HTTP/1.1 static file server (the loopback baseline)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    # the query body framed like the gateway sends it: chunked, one chunk per NDJSON line (pre-built,
    # so serving it costs one write and the time measured is the client's)
    body = Path(directory, "query.ndjson").read_bytes()
    framed = b"".join(b"%x\r\n%s\r\n" % (len(line), line) for line in body.splitlines(keepends=True)) + b"0\r\n\r\n"

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def do_GET(self):
            if self.path == "/query-chunked":
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(framed)
            else:
                super().do_GET()

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=directory)).serve_forever()


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def fmt_ms(x: float) -> str:
    return f"{x * 1000:9.1f}" if x >= 0.01 else f"{x * 1000:9.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar", help="gateway jar (quarkus-run.jar)")
    ap.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
    ap.add_argument("--heap", default="2g", help="-Xmx for the gateway (default 2g)")
    ap.add_argument("--files", type=int, default=100_000, help="active data files (default 100000)")
    ap.add_argument("--commits", type=int, default=1_000, help="commits, versions 0..N-1 (default 1000)")
    ap.add_argument("--checkpoint-interval", type=int, default=100)
    ap.add_argument("--remove-every", type=int, default=50, help="every Nth commit removes files (0 = never)")
    ap.add_argument("--remove-count", type=int, default=10)
    ap.add_argument("--rows-per-file", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="where the table is generated (default bench/.data)")
    ap.add_argument("--repeat", type=int, default=20, help="warm repeats of the full query (default 20)")
    ap.add_argument("--repeat-small", type=int, default=200, help="warm repeats of /version and /metadata (default 200)")
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured warm-up queries before the warm series (default 3)")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--json-out", help="also write all figures to this JSON file")
    ap.add_argument("--serve-static", nargs=2, metavar=("DIR", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.serve_static:
        serve_static(args.serve_static[0], int(args.serve_static[1]))
        return 0
    if args.commits < 2 or args.files < args.commits:
        ap.error("need --commits >= 2 and --files >= --commits")

    log("== 1. Table")
    table_dir, p, gen_info = ensure_table(args)
    if args.generate_only:
        return 0

    app = Path(args.app).resolve()
    if not app.exists():
        ap.error(f"gateway jar {app} not found (build it, or pass --app)")

    problems: list[str] = []
    res: dict = {"table": str(table_dir), "generation": gen_info, "expected_files": p["expected_active"],
                 "last_version": p["last_version"]}
    tmp = Path(tempfile.mkdtemp(prefix="goldgate-bench-"))
    token = "bench-" + secrets.token_urlsafe(24)
    shares_dir = tmp / "shares"
    shares_dir.mkdir()
    write_catalog(shares_dir, {TABLE: table_dir}, token)
    gw = Gateway(args.java, app, shares_dir, token, tmp / "gateway.log", args.heap)
    static_proc = None
    try:
        # --- start 1: cold query, then all warm series -------------------------------------
        log(f"\n== 2. Gateway ({app}), log in {gw.log_path}")
        gw.start()
        res["startup_s"] = [gw.startup_s]
        log(f"  start 1: ready in {gw.startup_s:.1f} s on port {gw.port}; cold full query ...")
        c = Client(gw.base, token)
        t, status, headers, body = c.call("POST", f"{TABLE_PATH}/query", b"{}")
        check_query(body, status, headers, p, problems, full=True)
        res["cold_query_s"] = t
        res["cold_query_ttfb_s"] = c.last_ttfb
        res["rss_after_cold_query_mb"] = gw.rss_mb()
        log(f"  cold query: {t:.3f} s, {file_lines(body):,} file lines, {len(body) / 1e6:.1f} MB")

        log(f"  warm query x{args.repeat} (after {args.warmup} warm-up) ...")
        q, body, status, headers = measure_warm(c, "POST", f"{TABLE_PATH}/query", b"{}", args.repeat, args.warmup)
        n_lines = check_query(body, status, headers, p, problems, full=True)
        res.update(warm_query=q, query_lines=n_lines, query_mb=len(body) / 1e6, lines_per_s=n_lines / q["median"])
        query_body = body
        res["query_chunks"], res["query_mean_chunk_bytes"] = count_chunks(gw.base, token, f"{TABLE_PATH}/query")
        log(f"  query body arrives in {res['query_chunks']:,} HTTP chunks (mean {res['query_mean_chunk_bytes']:.0f} bytes)")
        log(f"  warm /metadata and /version x{args.repeat_small} ...")
        m, body, status, headers = measure_warm(c, "GET", f"{TABLE_PATH}/metadata", None, args.repeat_small, 20)
        check(status == 200 and len(body.strip().split(b"\n")) == 2, f"metadata: {status} {body[:200]!r}", problems)
        check(headers.get("Delta-Table-Version") == str(p["last_version"]), f"metadata version header {headers.get('Delta-Table-Version')}", problems)
        v, body, status, headers = measure_warm(c, "GET", f"{TABLE_PATH}/version", None, args.repeat_small, 20)
        check(status == 200 and headers.get("Delta-Table-Version") == str(p["last_version"]),
              f"version: {status} header {headers.get('Delta-Table-Version')}, expected {p['last_version']}", problems)
        res.update(warm_metadata=m, warm_version=v, rss_after_warm_mb=gw.rss_mb())
        c.close()
        gw.stop()

        # --- start 2: cold metadata; start 3: cold version --------------------------------
        for i, (name, method, path) in enumerate([("metadata", "GET", f"{TABLE_PATH}/metadata"),
                                                  ("version", "GET", f"{TABLE_PATH}/version")], start=2):
            gw.start()
            res["startup_s"].append(gw.startup_s)
            c = Client(gw.base, token)
            t, status, headers, body = c.call(method, path)
            check(status == 200 and headers.get("Delta-Table-Version") == str(p["last_version"]),
                  f"cold {name}: {status} header {headers.get('Delta-Table-Version')}", problems)
            res[f"cold_{name}_s"] = t
            log(f"  start {i}: ready in {gw.startup_s:.1f} s; cold /{name}: {t * 1000:.1f} ms")
            c.close()
            gw.stop()

        # --- baselines ----------------------------------------------------------------------
        log("\n== 3. Baselines")
        t, n = naive_replay(table_dir)
        check(n == p["expected_active"], f"naive replay found {n} files", problems)
        res["naive_replay_s"] = t
        log(f"  naive Python replay of {p['last_version'] + 1} commit JSONs: {t:.2f} s ({n:,} files)")
        t, n = deltars_load(table_dir)
        res["deltars_load_s"] = t
        log(f"  delta-rs DeltaTable() + file_uris(): {t:.2f} s ({n:,} files)")

        static_dir = tmp / "static"
        static_dir.mkdir()
        (static_dir / "query.ndjson").write_bytes(query_body)
        (static_dir / "tiny").write_bytes(b"0")
        sport = free_port()
        static_proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve-static", str(static_dir), str(sport)],
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        sc = Client(f"http://127.0.0.1:{sport}", None)
        for _ in range(100):
            try:
                sc.call("GET", "/tiny")
                break
            except Exception:
                time.sleep(0.05)
        s_big, body, status, _ = measure_warm(sc, "GET", "/query.ndjson", None, args.repeat, args.warmup)
        check(status == 200 and len(body) == len(query_body), "static download mismatch", problems)
        s_chunked, body, status, _ = measure_warm(sc, "GET", "/query-chunked", None, args.repeat, args.warmup)
        check(status == 200 and body == query_body, "static chunked download mismatch", problems)
        s_tiny, _, _, _ = measure_warm(sc, "GET", "/tiny", None, args.repeat_small, 20)
        sc.close()
        res.update(static_query_body=s_big, static_query_chunked=s_chunked, static_tiny=s_tiny)
        log(f"  python http.server, same {len(query_body) / 1e6:.1f} MB body: median {s_big['median'] * 1000:.0f} ms; "
            f"one chunk per line: {s_chunked['median'] * 1000:.0f} ms; tiny file: median {s_tiny['median'] * 1000:.2f} ms")
    finally:
        gw.stop()
        if static_proc and static_proc.poll() is None:
            static_proc.terminate()
            static_proc.wait()

    # --- report ---------------------------------------------------------------------------------
    g = gen_info
    print()
    print("=" * 78)
    print(f"Goldgate Delta Sharing benchmark  ({os.cpu_count()} CPUs, {args.java}, -Xmx{args.heap})")
    print(f"Table: {p['expected_active']:,} active files ({p['total_adds']:,} adds, {p['n_removes']} removes), "
          f"versions 0..{p['last_version']}, {g['checkpoints']} checkpoints (every {args.checkpoint_interval}), "
          f"{g['partitions']} partitions")
    print(f"Generation: {g['generation_seconds']} s (delta-rs checkpoints {g['checkpoint_seconds']} s)")
    print(f"Gateway start-up to first 200 on GET /shares: " + ", ".join(f"{s:.1f} s" for s in res["startup_s"]))
    print("Cold = first request touching the table on a freshly started gateway (after the readiness probe")
    print("       GET /shares); one fresh start each for query, metadata, version.")
    print(f"Warm = same process and keep-alive connection, after warm-up; query x{args.repeat}, others x{args.repeat_small}.")
    print("-" * 78)
    print(f"{'endpoint (ms)':<22}{'cold':>10}{'warm med':>10}{'p90':>10}{'min':>10}")
    for name, key in [("POST /query (full)", "query"), ("GET /metadata", "metadata"), ("GET /version", "version")]:
        w = res[f"warm_{key}"]
        print(f"{name:<22}{fmt_ms(res[f'cold_{key}_s']):>10}{fmt_ms(w['median']):>10}{fmt_ms(w['p90']):>10}{fmt_ms(w['min']):>10}")
    print("-" * 78)
    print(f"Query time to first byte (status + headers): cold {res['cold_query_ttfb_s'] * 1000:.0f} ms, "
          f"warm median {res['warm_query']['ttfb_median'] * 1000:.1f} ms; body in {res['query_chunks']:,} HTTP chunks "
          f"(mean {res['query_mean_chunk_bytes']:.0f} B)")
    print(f"Full query: {res['query_lines']:,} file lines, {res['query_mb']:.1f} MB, "
          f"{res['lines_per_s']:,.0f} file lines/s ({res['query_mb'] / res['warm_query']['median']:.0f} MB/s) warm median")
    print(f"Gateway RSS: {res['rss_after_cold_query_mb']:.0f} MB after cold query, {res['rss_after_warm_mb']:.0f} MB after warm series")
    print("Baselines (same machine):")
    rows = [
        (f"naive Python log replay (read+parse {p['last_version'] + 1} JSON commits)", res["naive_replay_s"], None),
        ("delta-rs snapshot load (checkpoint + tail) + file_uris()", res["deltars_load_s"], None),
        (f"python http.server, same {res['query_mb']:.1f} MB query body, median", res["static_query_body"]["median"],
         res["static_query_body"]["min"]),
        ("same body, chunked one chunk per line like the gateway, median", res["static_query_chunked"]["median"],
         res["static_query_chunked"]["min"]),
        ("python http.server, 1-byte file, median", res["static_tiny"]["median"], res["static_tiny"]["min"]),
    ]
    for label, val, mn in rows:
        print(f"  {label:<62}{fmt_ms(val)} ms" + (f"  (min {mn * 1000:.2f})" if mn is not None else ""))
    print("Goals:")
    qm, vm = res["warm_query"]["median"], res["warm_version"]["median"] * 1000
    print(f"  warm full query of {p['expected_active']:,} files < {GOAL_QUERY_S:.0f} s : {qm:.3f} s  "
          f"{'PASS' if qm < GOAL_QUERY_S else 'FAIL'}")
    print(f"  warm /version < {GOAL_VERSION_MS:.0f} ms             : {vm:.2f} ms  {'PASS' if vm < GOAL_VERSION_MS else 'FAIL'}")
    print(f"Correctness: {'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems)}")
    print("=" * 78)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2, default=str))
    shutil.rmtree(tmp, ignore_errors=True) if not problems else log(f"(kept {tmp} for inspection)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
