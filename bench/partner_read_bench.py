#!/usr/bin/env python3
"""A partner's most common read, through the gateway and from a plain file server, in one run.

    python bench/partner_read_bench.py --app target/quarkus-app/quarkus-run.jar [--no-big]

What it does:
  1. Writes (or reuses) a 1M-row, 20-file Delta table with delta-rs under bench/.data/ (git-ignored),
     and, unless --no-big, reuses or generates sharing_bench.py's 100k-file table.
  2. Starts the gateway on both tables, and a plain Range-capable HTTP/1.1 static server (Python's
     standard library, keep-alive) on the small table's directory: the baseline.
  3. Alternating, twice: just after start (--warmup rounds first), and at steady state (once
     --steady-warmup rounds have been served: until then the gateway's JIT compilers take CPU
     from both sides of this 2-core run):
       gateway   delta_sharing.load_as_pandas(profile#bench.s.partner), the stock client end to end
                 (its /metadata and /query calls and every file read);
       baseline  the same client's per-file path (DeltaSharingReader._to_pandas, pyarrow over fsspec
                 HTTP) reading the same 20 files from the static server, then what to_pandas does
                 after it (the concat, and the columns put in the schema's order).
     Prints the medians and gateway/baseline of each. Goal (steady state): <= 1.1x.
  4. /version and /metadata of the small table (median of --repeat-small calls, on one keep-alive
     requests session and through the connector's own DataSharingRestClient), a full /query of it, and a full and a
     partition-pruned /query of the 100k-file table, each with gzip off and on: bytes on the wire,
     time until the whole body arrived and, for gzip, until this client had also gunzipped it.
  5. The gateway's resident memory (VmRSS) after all that; with --nmt, also where the JVM has its
     memory committed (heap, metaspace, GC structures, code...; what RSS has beyond that total is
     native memory of libraries: Arrow, zlib, Netty).
The gateway runs with -Xmx --heap (2g), the GC settings of the image's JAVA_OPTS and its
MALLOC_ARENA_MAX (Dockerfile; --no-image-gc for the JVM's and glibc's own defaults).
Dependencies: delta-sharing, deltalake, pyarrow, pandas, requests (src/test/python/requirements.txt).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sharing_bench as sb  # noqa: E402

ROWS, FILES = 1_000_000, 20
SMALL = "partner"
GOAL_RATIO = 1.1


def log(msg: str) -> None:
    print(msg, flush=True)


def ensure_small_table(data_dir: Path) -> Path:
    import numpy as np
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    root = data_dir / f"partner-r{ROWS}-f{FILES}"
    if (root / "_delta_log").exists() and len(DeltaTable(str(root)).file_uris()) == FILES:
        log(f"Reusing {root}")
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(7)
    per = ROWS // FILES
    for i in range(FILES):
        ids = np.arange(i * per, (i + 1) * per)
        write_deltalake(str(root), pa.table({
            "id": ids,
            "region": pa.array(rng.choice(["EMEA", "APAC", "AMER"], per)),
            "qty": rng.integers(0, 1000, per),
            "price": rng.random(per) * 100,
            "name": pa.array([f"item-{x}" for x in rng.integers(0, 100_000, per)]),
            "day": pa.array(np.datetime64("2024-01-01") + rng.integers(0, 365, per).astype("timedelta64[D]")),
            "flag": rng.random(per) < 0.5,
        }), mode="append")
    log(f"Wrote {root}: {ROWS:,} rows in {FILES} files")
    return root


def image_env() -> dict[str, str]:
    """The environment the image sets for the JVM process itself (MALLOC_ARENA_MAX)."""
    dockerfile = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text()
    m = re.search(r"MALLOC_ARENA_MAX=(\d+)", dockerfile)
    return {"MALLOC_ARENA_MAX": m.group(1)} if m else {}


def image_gc_options() -> list[str]:
    """The GC options of the image's JAVA_OPTS; its heap share is left out, --heap sets the heap here."""
    dockerfile = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text()
    m = re.search(r'JAVA_OPTS="([^"]*)"', dockerfile)
    if not m:
        raise SystemExit("Dockerfile sets no JAVA_OPTS")
    return [o for o in m.group(1).split() if o.startswith("-XX:") and "RAMPercentage" not in o and "ExitOnOutOfMemory" not in o]


def native_memory(java: str, pid: int) -> str:
    """The committed memory of each NMT category of the gateway, largest first, from jcmd."""
    jcmd = Path(java).with_name("jcmd")
    out = subprocess.run([str(jcmd), str(pid), "VM.native_memory", "summary"], capture_output=True, text=True, timeout=60).stdout
    rows = []
    for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", out, re.MULTILINE):
        rows.append((int(m.group(2)) / 1024, m.group(1).strip()))
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", out)
    lines = [f"NMT committed: {int(total.group(1)) / 1024:.0f} MB in all" if total else "NMT: no summary (is jcmd there?)"]
    lines += [f"  {mb:7.1f} MB  {name}" for mb, name in sorted(rows, reverse=True) if mb >= 1]
    return "\n".join(lines)


def serve_static(directory: str, port: int) -> None:
    """Hidden mode: a plain keep-alive HTTP/1.1 file server with single-range support."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def send_head(self):
            path = self.translate_path(self.path.split("?")[0])
            if not os.path.isfile(path):
                self.send_error(404)
                return None
            f = open(path, "rb")
            size = os.fstat(f.fileno()).st_size
            first, last = 0, size - 1
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "") or "")
            if m and (m.group(1) or m.group(2)):
                if m.group(1):
                    first, last = int(m.group(1)), min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
                else:
                    first = max(0, size - int(m.group(2)))
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(last - first + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            f.seek(first)
            self.left = last - first + 1
            return f

        def copyfile(self, source, outputfile):
            while self.left > 0:
                chunk = source.read(min(self.left, 1 << 20))
                if not chunk:
                    break
                outputfile.write(chunk)
                self.left -= len(chunk)

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=directory)).serve_forever()


def baseline_read(urls: list[str], columns: list[str]):
    """The connector's parquet-format path (reader.py, to_pandas) over the given file URLs: each
    file read by _to_pandas, the frames concatenated, then the columns put in the schema's order,
    as to_pandas does after its /query."""
    import pandas as pd
    from delta_sharing.protocol import AddFile
    from delta_sharing.reader import DeltaSharingReader

    frames = [DeltaSharingReader._to_pandas(AddFile(url=u, id=str(i), partition_values={}, size=0, stats=None), {}, False, None, False)
              for i, u in enumerate(urls)]
    merged = pd.concat(frames, axis=0, ignore_index=True, copy=False)
    by_lower = {c.lower(): c for c in merged.columns}
    return merged[[by_lower[c.lower()] for c in columns]]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def body_call(session, method: str, url: str, body, gzip: bool) -> tuple[float, int, int, float]:
    """(seconds until the last byte arrived, bytes on the wire, decoded bytes, seconds until decoded too).

    The first time is the gateway's: request sent, whole body received. The last adds this client's
    gunzip of it (Python's zlib), which a client pays whatever the server."""
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    r = session.request(method, url, data=body, headers=headers, stream=True)
    raw = r.raw.read(decode_content=False)
    t_wire = time.perf_counter() - t0
    wire = len(raw)
    if r.headers.get("Content-Encoding") == "gzip":
        import gzip as gz
        raw = gz.decompress(raw)
    t = time.perf_counter() - t0
    if r.status_code != 200:
        raise RuntimeError(f"{method} {url}: {r.status_code} {raw[:300]!r}")
    return t_wire, wire, len(raw), t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar")
    ap.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
    ap.add_argument("--heap", default="2g", help="-Xmx for the gateway (default 2g)")
    ap.add_argument("--jvm-arg", action="append", default=[], help="another gateway JVM option (repeatable)")
    ap.add_argument("--rounds", type=int, default=9, help="measured load_as_pandas rounds per side (default 9)")
    ap.add_argument("--warmup", type=int, default=3, help="load_as_pandas rounds per side before the first series (default 3)")
    ap.add_argument("--steady-warmup", type=int, default=40,
                    help="rounds per side served before the steady-state series, the first series included (default 40)")
    ap.add_argument("--repeat-small", type=int, default=300)
    ap.add_argument("--repeat-big", type=int, default=5)
    ap.add_argument("--no-big", action="store_true", help="skip the 100k-file table")
    ap.add_argument("--image-gc", action=argparse.BooleanOptionalAction, default=True,
                    help="start the gateway with the GC settings of the image's JAVA_OPTS and its MALLOC_ARENA_MAX "
                         "(Dockerfile), as deployed (default; --no-image-gc: the JVM's and glibc's own defaults)")
    ap.add_argument("--nmt", action="store_true",
                    help="run the gateway with -XX:NativeMemoryTracking=summary and print where its memory is committed after the run")
    ap.add_argument("--data-dir", default=str(sb.DEFAULT_DATA_DIR))
    ap.add_argument("--serve-static", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_static:
        serve_static(args.serve_static[0], int(args.serve_static[1]))
        return 0

    import delta_sharing
    import requests

    data_dir = Path(args.data_dir).resolve()
    small = ensure_small_table(data_dir)
    tables = {SMALL: small}
    if not args.no_big:
        big_args = argparse.Namespace(files=100_000, commits=1_000, checkpoint_interval=100, remove_every=50, remove_count=10,
                                      rows_per_file=1000, seed=42, data_dir=str(data_dir))
        big_dir, _, _ = sb.ensure_table(big_args)
        tables[sb.TABLE] = big_dir

    tmp = Path(tempfile.mkdtemp(prefix="goldgate-partner-bench-"))
    token = "bench-" + secrets.token_urlsafe(24)
    (tmp / "shares").mkdir()
    sb.write_catalog(tmp / "shares", tables, token)
    jvm_args = (image_gc_options() if args.image_gc else []) + args.jvm_arg + (["-XX:NativeMemoryTracking=summary"] if args.nmt else [])
    env = image_env() if args.image_gc else {}
    log(f"Gateway JVM options: -Xmx{args.heap} {' '.join(jvm_args)}; environment: {env or 'as this process'}")
    gw = sb.Gateway(args.java, Path(args.app).resolve(), tmp / "shares", token, tmp / "gateway.log", args.heap, jvm_args, env)
    static_port = sb.free_port()
    static = subprocess.Popen([sys.executable, __file__, "--serve-static", str(small), str(static_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res: dict = {}
    try:
        gw.start()
        log(f"Gateway {args.app} up in {gw.startup_s:.1f} s; static server on :{static_port}")
        profile = tmp / "bench.share"
        profile.write_text(json.dumps({"shareCredentialsVersion": 1, "endpoint": gw.base + sb.PREFIX + "/", "bearerToken": token}))
        url = f"{profile}#{sb.SHARE}.{sb.SCHEMA}.{SMALL}"
        names = sorted(p.name for p in small.glob("*.parquet"))
        static_urls = [f"http://127.0.0.1:{static_port}/{n}" for n in names]
        from deltalake import DeltaTable
        columns = [f.name for f in DeltaTable(str(small)).schema().fields]
        for _ in range(50):
            try:
                requests.head(static_urls[0], timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)

        def series(label: str, warmup: int, key: str) -> None:
            log(f"\n== load_as_pandas of {ROWS:,} rows in {FILES} files, {label}: {warmup} more warm-up + {args.rounds} rounds, alternating")
            for _ in range(warmup):
                delta_sharing.load_as_pandas(url)
                baseline_read(static_urls, columns)
            g, b = [], []
            for _ in range(args.rounds):
                t, df = timed(lambda: delta_sharing.load_as_pandas(url))
                g.append(t)
                assert len(df) == ROWS, len(df)
                t, df = timed(lambda: baseline_read(static_urls, columns))
                b.append(t)
                assert len(df) == ROWS, len(df)
            res[f"load_as_pandas{key}_s"] = statistics.median(g)
            res[f"baseline{key}_s"] = statistics.median(b)
            res[f"ratio{key}"] = statistics.median(g) / statistics.median(b)
            log(f"gateway  load_as_pandas   median {statistics.median(g):.3f} s  (min {min(g):.3f})")
            log(f"baseline static per-file  median {statistics.median(b):.3f} s  (min {min(b):.3f})")
            log(f"gateway / baseline        {res[f'ratio{key}']:.2f}x" + (f"   (goal <= {GOAL_RATIO}x)" if not key else ""))

        # Just started, the JIT compilers still take CPU from both sides on a small machine; a
        # gateway that has served partners for a while is past that.
        series("just started", args.warmup, "_early")
        series("steady state", max(0, args.steady_warmup - args.warmup - args.rounds), "")

        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {token}"
        base = f"{gw.base}{sb.PREFIX}/shares/{sb.SHARE}/schemas/{sb.SCHEMA}/tables"
        log(f"\n== Small table ({SMALL}) metadata calls, median of {args.repeat_small}")
        for name, method, path in [("version", "GET", "/version"), ("metadata", "GET", "/metadata")]:
            for _ in range(20):
                s.request(method, f"{base}/{SMALL}{path}").content
            ts = [timed(lambda: s.request(method, f"{base}/{SMALL}{path}").content)[0] for _ in range(args.repeat_small)]
            res[f"small_{name}_ms"] = statistics.median(ts) * 1000
            log(f"/{name:<9} {res[f'small_{name}_ms']:6.2f} ms on a keep-alive requests session")
        # The same two calls through the connector's own REST client (its retry wrapper, its
        # session), as a partner's code makes them.
        from delta_sharing.protocol import DeltaSharingProfile, Table
        from delta_sharing.rest_client import DataSharingRestClient

        rest = DataSharingRestClient(DeltaSharingProfile.read_from_file(str(profile)))
        table = Table(name=SMALL, share=sb.SHARE, schema=sb.SCHEMA)
        for name, call in [("version", lambda: rest.query_table_version(table)), ("metadata", lambda: rest.query_table_metadata(table))]:
            for _ in range(20):
                call()
            ts = [timed(call)[0] for _ in range(args.repeat_small)]
            res[f"small_{name}_client_ms"] = statistics.median(ts) * 1000
            log(f"/{name:<9} {res[f'small_{name}_client_ms']:6.2f} ms through delta_sharing's DataSharingRestClient")
        queries = [("small full /query", SMALL, b"{}")]
        if not args.no_big:
            queries += [("100k full /query", sb.TABLE, b"{}"),
                        ("100k pruned /query", sb.TABLE, json.dumps({"jsonPredicateHints": json.dumps(
                            {"op": "equal", "children": [{"op": "column", "name": "event_date", "valueType": "date"},
                                                         {"op": "literal", "value": "2024-03-01", "valueType": "date"}]})}).encode())]
        log(f"\n== Queries (gzip off / on), median of {args.repeat_big}")
        for label, table, body in queries:
            for gz in (False, True):
                body_call(s, "POST", f"{base}/{table}/query", body, gz)
                runs = [body_call(s, "POST", f"{base}/{table}/query", body, gz) for _ in range(args.repeat_big)]
                t = statistics.median(r[0] for r in runs)
                t_decoded = statistics.median(r[3] for r in runs)
                key = f"{label} gzip={'on' if gz else 'off'}"
                res[key] = {"s": t, "wire_bytes": runs[0][1], "bytes": runs[0][2], "decoded_s": t_decoded}
                log(f"{key:<32} {t * 1000:8.1f} ms  {runs[0][1] / 1e6:8.2f} MB on the wire ({runs[0][2] / 1e6:.2f} MB decoded"
                    + (f", {t_decoded * 1000:.0f} ms with this client's gunzip)" if gz else ")"))
        res["rss_mb"] = gw.rss_mb()
        log(f"\nGateway RSS after the run: {res['rss_mb']:.0f} MB")
        if args.nmt:
            log(native_memory(args.java, gw.proc.pid))
    finally:
        gw.stop()
        static.terminate()
        static.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
