#!/usr/bin/env python3
"""Goldgate Arrow Flight benchmark: bulk table reads over Flight against local baselines.

    # build the gateway first (target/quarkus-app), or copy it away so rebuilds don't disturb the run
    python bench/flight_bench.py --app target/quarkus-app/quarkus-run.jar \\
        [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [--endpoints 2,4] [--repeat 5] [--jstack] \\
        [--no-sql | --sql-only]

What it does:
  1. Generates (or reuses, when generated with the same parameters) an unpartitioned Delta table
     under bench/.data/ (git-ignored) with delta-rs (`deltalake.write_deltalake`): by default
     24,000,000 rows in 24 Parquet files of 1M rows (one append per file), columns id int64
     (0..N-1), value float64, amount float64, category string (12 values), name string
     (13-17 chars), ts timestamp UTC. ~30 s on 2 cores, ~1 GB on disk.
  2. For each --endpoints value n, starts the gateway jar (helpers from sharing_bench.py) with
     a temp share catalog (share bench, schema s, table big, one recipient whose token hash is in
     the catalog), -Xmx2g, -Dgoldgate.flight.port=<free port>, -Dgoldgate.flight.max-endpoints=n.
  3. Reads the table over Flight (grpc://localhost:<port>, header authorization: Bearer <token>):
     GetFlightInfo on the path descriptor [bench, s, big], then every endpoint's ticket with DoGet,
     one thread and one FlightClient per endpoint, all in parallel. Time = GetFlightInfo + all
     DoGets until the last batch arrived. The client only iterates the batches (sums
     batch.nbytes, the Arrow data size, and sum(id) for the correctness check). Cold = the first
     read after the gateway started (JIT and caches cold; the files are in the OS page cache; the
     gateway loads its native Parquet reader in the background once started, goldgate.flight.warm-up,
     which --jvm-arg=-Dgoldgate.flight.warm-up=false turns off); its first batch = when the first
     batch of any endpoint arrived, from the start of its DoGet; warm = median of --repeat reads
     after --warmup reads (default 1; --warmup 40 measures a gateway that has been serving a while,
     its Java side compiled by C2, as partner_read_bench.py's steady state does). Then the same for a 2-column projection
     (JSON command {"table": "bench.s.big", "columns": ["id", "value"]}).
     Correctness: rows == table rows and sum(id) == pyarrow's sum over the source files.
  4. Baselines on the same machine: (a) pyarrow reading the same Parquet files directly
     (pyarrow.dataset.dataset(files).to_table(use_threads=True)), all columns and the projection;
     (b) raw loopback TCP between two processes (sendall / recv_into of 4 MiB buffers, --tcp-gb GB)
     as the wire ceiling; (c) unless --no-pyflight: a pyarrow (C++) Flight server in another
     process serving the table from memory with the same number of endpoints, i.e. the cost of
     the Flight/gRPC transport alone on this machine.
  5. SQL (--sql, on by default; --no-sql skips it, --sql-only runs only 1. and this): a GROUP BY
     aggregate over the same table,
         SELECT category, count(*) AS n, sum(value) AS s, avg(amount) AS a
         FROM bench.s.big GROUP BY category ORDER BY category
     and the same with WHERE id < 2400000 (a tenth of the default table), (a) through Goldgate's
     Flight SQL with the ADBC Flight SQL driver (adbc-driver-flightsql), on a gateway started for
     this section alone (-Dgoldgate.flight.port=<free port>, default max-endpoints), a fresh DB-API
     cursor per query as a notebook or BI tool does it: CreatePreparedStatement, GetFlightInfo of
     the prepared statement, DoGet of its one endpoint, the (12-row) answer read as Arrow. Inside
     the gateway the query runs on its embedded DuckDB, fed by the governed Arrow read path.
     Cold = the first query of that gateway (for the filtered query: the first of its kind, after
     the unfiltered one ran); warm = median of --repeat queries after it. (b) DuckDB, the Python
     package, in this process with default threads, running the same SQL over
     read_parquet([<the table's Parquet files>]): warm median of --repeat after 1 warm-up, after
     the gateway stopped. Both answers must be equal (category and n exactly, s and a within 1e-9
     relative; sum(n) = the rows the query covers). Prints the medians and the ratio
     Goldgate warm / DuckDB warm (goal: <= 2x), with CPU seconds per query as in 3.
  6. Paired rounds (--paired N, off by default): the direct read of 4. runs minutes after the
     Flight reads of 3., and on a machine whose speed drifts (a shared 2-core VM) that alone can
     move the ratio by a third. Here the gateway (and, with --compare-app, a second build of it,
     e.g. the commit before a change) runs side by side with the others idle, and each round reads
     the projection once from each gateway, in alternating order, then directly with pyarrow;
     after --warmup reads of each. The ratio is the median over rounds of direct / Flight time,
     and --compare-app adds the median over rounds of this build's time / the other's. Then the
     same for all columns in max(3, N // 4) rounds after max(1, --warmup // 5) reads of each.
     Last --endpoints value.
  7. Prints a table of all figures and the ratio Flight / direct read (goal: >= 0.5x). For each
     warm series it also prints CPU seconds per read of the server process, of this client process,
     of everything else on the machine ("other": another job competing for the 2 cores makes the
     series noisy; re-run when it is not ~0) and idle time, from /proc. "CPU floor" = (server +
     client CPU) / cores, the fastest a read can be when client and server share the machine.
     With --jstack, also samples the gateway's threads with jstack during extra warm reads (all
     columns, then the projection) and prints the hottest frames of the running Flight threads.
     --jvm-arg passes more JVM options, e.g. --jvm-arg=-Darrow.flight.enable_zero_copy_write=true
     or --jvm-arg=-Xlog:gc:file=/tmp/gc.log, to try a setting without changing the gateway.
     A jar built before goldgate.features existed rejects the -Dgoldgate.features.enabled=false
     that sharing_bench.Gateway passes; run it with --jvm-arg=-Dsmallrye.config.mapping.validate-unknown=false.

Dependencies: pyarrow, deltalake, numpy, and for 5. adbc-driver-flightsql and duckdb (the Python venv
of src/test/python/requirements.txt).
Needs ~1 GB of disk and ~6 GB of RAM (client tables are not kept, but the baselines hold one copy).
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sharing_bench import Gateway, check, free_port, log, stats, tail, write_catalog  # noqa: E402

GENERATOR_VERSION = 1
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = BENCH_DIR / ".data"
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
TABLE_NAME = "bench.s.big"
PATH_DESCRIPTOR = ["bench", "s", "big"]
PROJECTION = ["id", "value"]
GOAL_RATIO = 0.5
PROJECTION_GOAL_RATIO = 0.55  # issue 20: the 2-column projection, paired rounds (6.)
# 5. SQL: Goldgate Flight SQL vs DuckDB over the same Parquet files; {table} is bench.s.big or read_parquet([...])
SQL_QUERIES = {
    "GROUP BY": "SELECT category, count(*) AS n, sum(value) AS s, avg(amount) AS a FROM {table} GROUP BY category ORDER BY category",
    "filtered GROUP BY": "SELECT category, count(*) AS n, sum(value) AS s, avg(amount) AS a FROM {table} "
                         "WHERE id < 2400000 GROUP BY category ORDER BY category",
}
SQL_FILTER_IDS = 2_400_000  # the WHERE of "filtered GROUP BY": rows with id < this
SQL_GOAL_RATIO = 2.0  # Goldgate warm median / DuckDB warm median
CATEGORIES = ["books", "music", "garden", "toys", "sports", "food", "health", "auto", "beauty", "tools", "games", "office"]


# ----------------------------------------------------------------------------------------------
# 1. Table generation
# ----------------------------------------------------------------------------------------------

def make_batch(rng, first_id: int, rows: int, words):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = np.arange(first_id, first_id + rows, dtype=np.int64)
    cats = pa.array(CATEGORIES)
    suffix = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10**7, rows)), pa.string()), 7, "0")
    name = pc.binary_join_element_wise(words.take(pa.array(rng.integers(0, len(words), rows))), suffix, "_")
    ts_us = 1_700_000_000_000_000 + ids * 1_000_000 + rng.integers(0, 1_000_000, rows)
    return pa.record_batch({
        "id": pa.array(ids),
        "value": pa.array(rng.random(rows) * 1000.0),
        "amount": pa.array(np.round(rng.gamma(2.0, 50.0, rows), 2)),
        "category": cats.take(pa.array(rng.integers(0, len(cats), rows))),
        "name": name,
        "ts": pa.array(ts_us, pa.timestamp("us", tz="UTC")),
    })


def ensure_table(args) -> tuple[Path, dict]:
    import numpy as np
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    params = {"generator_version": GENERATOR_VERSION, "rows": args.rows, "files": args.files, "seed": args.seed}
    root = Path(args.data_dir).resolve() / f"flight-r{args.rows}-f{args.files}"
    table_dir, params_file = root / "table", root / "params.json"
    if params_file.exists():
        stored = json.loads(params_file.read_text())
        if stored.get("params") == params and (table_dir / "_delta_log").is_dir():
            log(f"Reusing table {table_dir} (generated in {stored['generation_seconds']} s)")
            return table_dir, stored
    if root.exists():
        log(f"Removing stale {root}")
        shutil.rmtree(root)
    root.mkdir(parents=True)
    log(f"Generating {args.rows:,} rows in {args.files} files into {table_dir}")
    rng = np.random.default_rng(args.seed)
    words = pa.array(["".join(chr(97 + int(c)) for c in rng.integers(0, 26, int(rng.integers(5, 10)))) for _ in range(500)])
    t0 = time.perf_counter()
    base, extra = divmod(args.rows, args.files)
    first = 0
    for i in range(args.files):
        n = base + (1 if i < extra else 0)
        batch = make_batch(rng, first, n, words)
        # one append per file: delta-rs writes one Parquet file for it (well under its 100 MB target)
        write_deltalake(str(table_dir), pa.Table.from_batches([batch]), mode="append" if i else "error")
        first += n
        if (i + 1) % 8 == 0 or i + 1 == args.files:
            log(f"  {i + 1:3d}/{args.files} files, {first:,} rows, {time.perf_counter() - t0:6.1f} s")
    gen_s = time.perf_counter() - t0
    dt_ = DeltaTable(str(table_dir))
    files = dt_.file_uris()
    rows, id_sum = source_rows_and_sum(files)
    if rows != args.rows or id_sum != args.rows * (args.rows - 1) // 2:
        raise RuntimeError(f"generated table has {rows} rows / sum(id) {id_sum}, expected {args.rows}")
    stored = {"params": params, "generation_seconds": round(gen_s, 1), "version": dt_.version(), "files": len(files),
              "bytes": sum(os.path.getsize(f) for f in files)}
    params_file.write_text(json.dumps(stored, indent=2))
    log(f"Generated in {gen_s:.1f} s: version {dt_.version()}, {len(files)} files, {stored['bytes'] / 1e6:.0f} MB")
    return table_dir, stored


def source_rows_and_sum(files: list[str]) -> tuple[int, int]:
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    ids = ds.dataset(files, format="parquet").to_table(columns=["id"])["id"]
    return len(ids), pc.sum(ids).as_py()


# ----------------------------------------------------------------------------------------------
# 2./3. Flight reads
# ----------------------------------------------------------------------------------------------

class FlightReader:
    """Reads a descriptor: GetFlightInfo, then all endpoints in parallel (one client per endpoint)."""

    def __init__(self, uri: str, token: str | None, max_endpoints: int = 16):
        import pyarrow.flight as fl

        self.fl = fl
        headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
        self.opts = fl.FlightCallOptions(headers=headers)
        self.uri = uri
        self.info_client = fl.FlightClient(uri)
        self.clients = [fl.FlightClient(uri) for _ in range(max_endpoints)]  # a small pool, reused
        self.pool = ThreadPoolExecutor(max_endpoints, thread_name_prefix="doget")

    def wait_ready(self, timeout: float = 30.0) -> None:
        t0 = time.perf_counter()
        while True:
            try:
                list(self.info_client.list_flights(options=self.opts))
                return
            except Exception:
                if time.perf_counter() - t0 > timeout:
                    raise
                time.sleep(0.1)

    def descriptor(self, columns: list[str] | None):
        if columns is None:
            return self.fl.FlightDescriptor.for_path(*PATH_DESCRIPTOR)
        return self.fl.FlightDescriptor.for_command(json.dumps({"table": TABLE_NAME, "columns": columns}))

    def _one(self, i: int, ticket, want_sum: bool) -> dict:
        import pyarrow.compute as pc

        t0 = time.perf_counter()
        reader = self.clients[i].do_get(ticket, self.opts)
        rows = nbytes = batches = id_sum = 0
        first_batch_s = None
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                break
            b = chunk.data
            if first_batch_s is None:
                first_batch_s = time.perf_counter() - t0
            rows += b.num_rows
            nbytes += b.nbytes
            batches += 1
            if want_sum:
                id_sum += pc.sum(b.column("id")).as_py() or 0
        return {"rows": rows, "nbytes": nbytes, "batches": batches, "id_sum": id_sum, "s": time.perf_counter() - t0,
                "first_batch_s": first_batch_s or 0.0}

    def read(self, columns: list[str] | None = None) -> dict:
        want_sum = columns is None or "id" in columns
        t0 = time.perf_counter()
        info = self.info_client.get_flight_info(self.descriptor(columns), self.opts)
        t_info = time.perf_counter() - t0
        eps = info.endpoints
        if len(eps) > len(self.clients):
            raise RuntimeError(f"{len(eps)} endpoints, more than the {len(self.clients)} clients of the pool")
        parts = list(self.pool.map(lambda a: self._one(a[0], a[1].ticket, want_sum), enumerate(eps)))
        t = time.perf_counter() - t0
        return {"s": t, "info_s": t_info, "endpoints": len(eps), "rows": sum(p["rows"] for p in parts),
                "nbytes": sum(p["nbytes"] for p in parts), "batches": sum(p["batches"] for p in parts),
                "id_sum": sum(p["id_sum"] for p in parts) if want_sum else None,
                "info_records": info.total_records, "info_bytes": info.total_bytes,
                "per_endpoint_s": [round(p["s"], 3) for p in parts],
                "per_endpoint_rows": [p["rows"] for p in parts],
                "first_batch_s": min(p["first_batch_s"] for p in parts) if parts else 0.0}

    def close(self) -> None:
        self.pool.shutdown()
        for c in [self.info_client, *self.clients]:
            c.close()


def proc_cpu_s(pid: int | None) -> float:
    """user + system CPU seconds of a process (all threads); 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_cpu_s() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, from /proc/stat."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = v[3] + v[4]
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK"), idle / os.sysconf("SC_CLK_TCK")


def series(reader: FlightReader, columns, repeat: int, warmup: int, expect: dict, problems: list[str], label: str,
           server_pid: int | None = None) -> dict:
    for _ in range(warmup):
        verify(reader.read(columns), expect, problems, f"{label} warm-up")
    runs = []
    s0, c0, m0 = proc_cpu_s(server_pid), proc_cpu_s(os.getpid()), machine_cpu_s()
    for _ in range(repeat):
        r = reader.read(columns)
        verify(r, expect, problems, label)
        runs.append(r)
    server_cpu = (proc_cpu_s(server_pid) - s0) / repeat
    client_cpu = (proc_cpu_s(os.getpid()) - c0) / repeat
    m1 = machine_cpu_s()
    busy, idle = (m1[0] - m0[0]) / repeat, (m1[1] - m0[1]) / repeat
    st = stats([r["s"] for r in runs])
    med = sorted(runs, key=lambda r: r["s"])[len(runs) // 2]
    return {**st, "rows": med["rows"], "nbytes": med["nbytes"], "batches": med["batches"], "endpoints": med["endpoints"],
            "info_s_median": statistics.median(r["info_s"] for r in runs),
            "first_batch_s_median": statistics.median(r["first_batch_s"] for r in runs),
            "per_endpoint_s": med["per_endpoint_s"], "per_endpoint_rows": med["per_endpoint_rows"],
            "server_cpu_s": server_cpu, "client_cpu_s": client_cpu,
            "other_cpu_s": max(0.0, busy - server_cpu - client_cpu), "idle_cpu_s": idle, "mean_s": statistics.mean(r["s"] for r in runs)}


def paired(args, jars: list[tuple[str, Path]], n: int, shares_dir: Path, token: str, log_path: Path, files: list[str],
           expect: dict, problems: list[str]) -> dict:
    """6.: each gateway of `jars` and pyarrow's direct read, interleaved round by round."""
    import pyarrow.dataset as ds

    gws: list[Gateway] = []
    readers: list[FlightReader] = []
    try:
        for label, jar in jars:
            fport = free_port()
            gw = Gateway(args.java, jar, shares_dir, token, log_path, args.heap,
                         extra_args=[f"-Dgoldgate.flight.port={fport}", f"-Dgoldgate.flight.max-endpoints={n}", *args.jvm_arg])
            gws.append(gw)
            gw.start()
            reader = FlightReader(f"grpc://localhost:{fport}", token, max(16, n))
            readers.append(reader)
            reader.wait_ready()
            log(f"  {label}: {jar}, pid {gw.proc.pid}")
        out: dict = {}
        for what, columns, rounds, warmup in (("proj", PROJECTION, args.paired, args.warmup),
                                              ("full", None, max(3, args.paired // 4), max(1, args.warmup // 5))):
            for (label, _), reader in zip(jars, readers):
                for _ in range(warmup):
                    verify(reader.read(columns), expect, problems, f"paired {label} {what} warm-up")
            ds.dataset(files, format="parquet").to_table(columns=columns, use_threads=True)
            times: dict[str, list[float]] = {label: [] for label, _ in jars}
            times["direct"] = []
            cpu = {label: 0.0 for label, _ in jars}
            for i in range(rounds):
                order = list(zip(jars, readers, gws))
                for (label, _), reader, gw in (order if i % 2 == 0 else order[::-1]):
                    c0 = proc_cpu_s(gw.proc.pid)
                    r = reader.read(columns)
                    cpu[label] += proc_cpu_s(gw.proc.pid) - c0
                    verify(r, expect, problems, f"paired {label} {what}")
                    times[label].append(r["s"])
                t0 = time.perf_counter()
                ds.dataset(files, format="parquet").to_table(columns=columns, use_threads=True)
                times["direct"].append(time.perf_counter() - t0)
            res: dict = {"rounds": rounds, "direct_median": statistics.median(times["direct"])}
            for label, _ in jars:
                res[label] = {"median": statistics.median(times[label]), "server_cpu_s": cpu[label] / rounds,
                              "ratio": statistics.median(d / f for d, f in zip(times["direct"], times[label]))}
            if len(jars) == 2:
                res["app_over_compare"] = statistics.median(a / b for a, b in zip(times["app"], times["compare"]))
            out[what] = res
            log(f"  {what}: " + ", ".join(f"{label} {res[label]['median']:.3f} s ({res[label]['ratio']:.2f}x)" for label, _ in jars)
                + f", direct {res['direct_median']:.3f} s")
        return out
    finally:
        for reader in readers:
            reader.close()
        for gw in gws:
            gw.stop()


def verify(r: dict, expect: dict, problems: list[str], label: str) -> None:
    check(r["rows"] == expect["rows"], f"{label}: {r['rows']:,} rows, expected {expect['rows']:,}", problems)
    if r["id_sum"] is not None:
        check(r["id_sum"] == expect["id_sum"], f"{label}: sum(id) {r['id_sum']}, expected {expect['id_sum']}", problems)
    if r.get("info_records") not in (None, -1):
        check(r["info_records"] == expect["rows"], f"{label}: FlightInfo total_records {r['info_records']}", problems)


# ----------------------------------------------------------------------------------------------
# jstack sampling of the gateway during a read
# ----------------------------------------------------------------------------------------------

def jstack_profile(jstack: str, pid: int, reader: FlightReader, columns=None, samples_wanted: int = 12) -> dict:
    """Runs one read while taking jstack snapshots; counts the top frames of RUNNABLE threads."""
    frames: collections.Counter = collections.Counter()
    by_thread: collections.Counter = collections.Counter()
    taken = 0
    done = threading.Event()
    result: dict = {}

    def read_loop():
        try:
            while not done.is_set():  # keep the gateway busy while sampling
                result.update(reader.read(columns))
        except Exception as e:  # noqa: BLE001
            result["error"] = repr(e)

    th = threading.Thread(target=read_loop, daemon=True)
    th.start()
    time.sleep(0.3)
    for _ in range(samples_wanted):
        out = subprocess.run([jstack, str(pid)], capture_output=True, text=True, timeout=60).stdout
        taken += 1
        for block in out.split("\n\n"):
            m = re.match(r'"([^"]+)"', block)
            if not m or "java.lang.Thread.State: RUNNABLE" not in block:
                continue
            name = re.sub(r"[-#]?\d+$", "", m.group(1))
            lines = [ln.strip()[3:] for ln in block.splitlines() if ln.strip().startswith("at ")]
            if not lines:
                continue
            top = lines[0]
            # idle network/epoll waits are RUNNABLE in jstack; keep them but label them
            if not any(k in name for k in ("goldgate-flight", "grpc", "flight")):
                continue
            # first goldgate / arrow frame below the top, to say who called the native code
            caller = next((ln for ln in lines[1:] if "io.goldgate" in ln), "")
            frames[f"{name}: {top}" + (f"  <- {caller}" if caller and caller != top else "")] += 1
            by_thread[name] += 1
        time.sleep(0.2)
    done.set()
    th.join(timeout=120)
    return {"samples": taken, "frames": frames.most_common(12), "threads": by_thread.most_common(8), "error": result.get("error")}


# ----------------------------------------------------------------------------------------------
# 4. Baselines
# ----------------------------------------------------------------------------------------------

def direct_read(files: list[str], columns, repeat: int) -> dict:
    import pyarrow.dataset as ds

    ts, t, c0, m0 = [], None, 0.0, (0.0, 0.0)
    for i in range(repeat + 1):  # first one is the warm-up
        if i == 1:
            c0, m0 = proc_cpu_s(os.getpid()), machine_cpu_s()
        t0 = time.perf_counter()
        t = ds.dataset(files, format="parquet").to_table(columns=columns, use_threads=True)
        if i:
            ts.append(time.perf_counter() - t0)
    client = (proc_cpu_s(os.getpid()) - c0) / repeat
    other = max(0.0, (machine_cpu_s()[0] - m0[0]) / repeat - client)
    return {**stats(ts), "rows": t.num_rows, "nbytes": t.nbytes, "client_cpu_s": client, "other_cpu_s": other}


def tcp_send(port: int, total: int) -> None:
    """Hidden mode: connects to the loopback port and sends `total` bytes in 4 MiB sendall calls."""
    buf = memoryview(bytearray(os.urandom(1 << 20)) * 4)
    with socket.create_connection(("127.0.0.1", port)) as s:
        sent = 0
        while sent < total:
            n = min(len(buf), total - sent)
            s.sendall(buf[:n])
            sent += n


def tcp_baseline(total: int, repeat: int) -> dict:
    ts = []
    buf = bytearray(4 << 20)
    mv = memoryview(buf)
    for _ in range(repeat + 1):
        with socket.socket() as srv:
            srv.bind(("127.0.0.1", 0))
            srv.listen(1)
            port = srv.getsockname()[1]
            proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--tcp-send", str(port), str(total)],
                                    stdin=subprocess.DEVNULL)
            conn, _ = srv.accept()
            got = 0
            with conn:
                n = conn.recv_into(mv)  # the clock starts at the first byte (excludes interpreter start)
                t0 = time.perf_counter()
                got += n
                while got < total:
                    n = conn.recv_into(mv)
                    if not n:
                        break
                    got += n
                t = time.perf_counter() - t0
            proc.wait()
            if got != total:
                raise RuntimeError(f"tcp baseline received {got} of {total} bytes")
            ts.append(t)
    ts = ts[1:]
    return {**stats(ts), "bytes": total}


def serve_pyflight(table_dir: str, port: int, endpoints: int) -> None:
    """Hidden mode: a pyarrow Flight server holding the table in memory, split into `endpoints` tickets."""
    import pyarrow.dataset as ds
    import pyarrow.flight as fl
    from deltalake import DeltaTable

    table = ds.dataset(DeltaTable(table_dir).file_uris(), format="parquet").to_table()
    table = table.combine_chunks()

    class Server(fl.FlightServerBase):
        def _slices(self, cols):
            t = table.select(cols) if cols else table
            per = -(-t.num_rows // endpoints)
            return t, per

        def get_flight_info(self, context, descriptor):
            cols = json.loads(descriptor.command)["columns"] if descriptor.descriptor_type == fl.DescriptorType.CMD else None
            t, per = self._slices(cols)
            eps = [fl.FlightEndpoint(json.dumps({"i": i, "c": cols}).encode(), []) for i in range(endpoints)]
            return fl.FlightInfo(t.schema, descriptor, eps, t.num_rows, -1)

        def list_flights(self, context, criteria):
            return iter([])

        def do_get(self, context, ticket):
            q = json.loads(ticket.ticket)
            t, per = self._slices(q["c"])
            part = t.slice(q["i"] * per, per)
            return fl.RecordBatchStream(pa_table_batches(part, 65536))

    Server(f"grpc://127.0.0.1:{port}").serve()


def pa_table_batches(t, rows):
    import pyarrow as pa

    return pa.Table.from_batches(t.to_batches(max_chunksize=rows), schema=t.schema)


# ----------------------------------------------------------------------------------------------
# 5. SQL: a GROUP BY aggregate via Flight SQL against DuckDB over the Parquet files
# ----------------------------------------------------------------------------------------------

def flight_sql_query(conn, sql: str) -> tuple[float, list[tuple]]:
    """One query on a fresh DB-API cursor (the driver prepares it, then executes the handle)."""
    t0 = time.perf_counter()
    cur = conn.cursor()
    try:
        cur.execute(sql)
        result = cur.fetch_arrow_table()
    finally:
        cur.close()
    return time.perf_counter() - t0, [tuple(r.values()) for r in result.to_pylist()]


def timed_queries(run, repeat: int, server_pid: int | None = None) -> tuple[dict, list[tuple]]:
    """`repeat` runs of run() -> (seconds, rows): median etc., CPU s per query; the last answer."""
    ts, rows = [], []
    s0, c0, m0 = proc_cpu_s(server_pid), proc_cpu_s(os.getpid()), machine_cpu_s()
    for _ in range(repeat):
        t, rows = run()
        ts.append(t)
    server = (proc_cpu_s(server_pid) - s0) / repeat
    client = (proc_cpu_s(os.getpid()) - c0) / repeat
    busy = (machine_cpu_s()[0] - m0[0]) / repeat
    return {**stats(ts), "server_cpu_s": server, "client_cpu_s": client,
            "other_cpu_s": max(0.0, busy - server - client)}, rows


def same_answer(got: list[tuple], want: list[tuple], covered: int) -> str | None:
    """None when both answers are equal (category, n exactly; s, a within 1e-9 relative: a parallel
    sum of doubles depends on the order rows arrive in) and sum(n) is the rows the query covers;
    else what differs."""
    if [r[:2] for r in got] != [r[:2] for r in want]:
        return f"(category, n) differ: {[r[:2] for r in got]} vs {[r[:2] for r in want]}"
    for g, w in zip(got, want):
        if not all(math.isclose(float(x), float(y), rel_tol=1e-9) for x, y in zip(g[2:], w[2:])):
            return f"{g[0]}: (s, a) {g[2:]} vs {w[2:]}"
    if sum(r[1] for r in got) != covered:
        return f"sum(n) {sum(r[1] for r in got)}, the query covers {covered} rows"
    return None


def sql_section(args, app: Path, shares_dir: Path, token: str, log_path: Path, files: list[str], rows: int,
                problems: list[str]) -> dict:
    import warnings

    import adbc_driver_flightsql
    import adbc_driver_flightsql.dbapi as flightsql
    import duckdb

    # Flight SQL has no transactions here: the DB-API wrapper warns that autocommit stays on
    warnings.filterwarnings("ignore", message="Cannot disable autocommit")

    covered = {"GROUP BY": rows, "filtered GROUP BY": min(rows, SQL_FILTER_IDS)}  # ids are 0..rows-1
    out: dict = {"duckdb": duckdb.__version__, "adbc": adbc_driver_flightsql.__version__, "queries": {}}
    fport = free_port()
    gw = Gateway(args.java, app, shares_dir, token, log_path, args.heap,
                 extra_args=[f"-Dgoldgate.flight.port={fport}", *args.jvm_arg])
    conn = None
    try:
        gw.start()
        out["startup_s"] = gw.startup_s
        conn = flightsql.connect(f"grpc://localhost:{fport}",
                                 db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {token}"})
        log(f"  gateway pid {gw.proc.pid} ready in {gw.startup_s:.1f} s, Flight SQL on port {fport}")
        for key, template in SQL_QUERIES.items():
            sql = template.format(table=TABLE_NAME)
            cold_s, cold_rows = flight_sql_query(conn, sql)
            warm, warm_rows = timed_queries(lambda: flight_sql_query(conn, sql), args.repeat, gw.proc.pid)
            diff = same_answer(warm_rows, cold_rows, covered[key])
            check(diff is None, f"SQL {key}: warm vs cold answer: {diff}", problems)
            out["queries"][key] = {"sql": sql, "cold_s": cold_s, "goldgate": warm, "answer": warm_rows}
            log(f"    {key} via Flight SQL: cold {cold_s:.2f} s, warm median {warm['median']:.2f} s "
                f"({len(warm_rows)} rows)")
        out["rss_mb"] = gw.rss_mb()
    finally:
        if conn is not None:
            conn.close()
        gw.stop()

    con = duckdb.connect()  # default threads (the machine's cores)
    source = "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "])"
    for key, template in SQL_QUERIES.items():
        sql = template.format(table=source)

        def run():
            t0 = time.perf_counter()
            answer = con.execute(sql).fetchall()
            return time.perf_counter() - t0, answer

        run()  # warm-up
        warm, answer = timed_queries(run, args.repeat)
        q = out["queries"][key]
        q["duckdb"] = warm
        q["ratio"] = q["goldgate"]["median"] / warm["median"]
        diff = same_answer(q["answer"], answer, covered[key])
        check(diff is None, f"SQL {key}: Goldgate vs DuckDB: {diff}", problems)
        log(f"    {key} DuckDB read_parquet: warm median {warm['median']:.2f} s; "
            f"Goldgate / DuckDB {q['ratio']:.2f}x; answers {'equal' if diff is None else 'DIFFER'}")
    con.close()
    return out


def print_sql(sql: dict, repeat: int, w: int) -> list[str]:
    """The SQL rows of the report; returns the noisy series."""
    print("-" * w)
    print(f"SQL: Goldgate Flight SQL (ADBC {sql['adbc']}, fresh cursor per query: prepare + GetFlightInfo + DoGet) vs "
          f"DuckDB {sql['duckdb']} (Python, read_parquet of the same files, default threads); warm = median of {repeat}")
    print(f"{'measurement':<44}{'s':>8}{'min s':>8}  notes")
    noisy = []
    for key, q in sql["queries"].items():
        g, d = q["goldgate"], q["duckdb"]
        print(f"{f'Goldgate {key}, cold (1st query)':<44}{q['cold_s']:8.3f}")
        print(f"{f'Goldgate {key}, warm':<44}{g['median']:8.3f}{g['min']:8.3f}  "
              f"CPU s/query: server {g['server_cpu_s']:.2f} client {g['client_cpu_s']:.2f} other {g['other_cpu_s']:.2f}")
        print(f"{f'DuckDB {key}, warm':<44}{d['median']:8.3f}{d['min']:8.3f}  "
              f"CPU s/query: {d['client_cpu_s']:.2f}, other {d['other_cpu_s']:.2f}")
        if g["other_cpu_s"] > max(0.1 * g["server_cpu_s"], 0.05):
            noisy.append(f"SQL {key} Goldgate (other processes {g['other_cpu_s']:.2f} CPU-s/query)")
        if d["other_cpu_s"] > max(0.1 * d["client_cpu_s"], 0.05):
            noisy.append(f"SQL {key} DuckDB (other processes {d['other_cpu_s']:.2f} CPU-s/query)")
    print("Ratio Goldgate warm / DuckDB warm (goal <= {:.0f}x): ".format(SQL_GOAL_RATIO) + ";  ".join(
        f"{key} {q['ratio']:.2f}x {'PASS' if q['ratio'] <= SQL_GOAL_RATIO else 'FAIL'}" for key, q in sql["queries"].items())
        + f";  gateway RSS {sql.get('rss_mb') or 0:.0f} MB")
    return noisy


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def cpu(st: dict) -> str:
    return (f"CPU s/read: server {st['server_cpu_s']:.2f} client {st['client_cpu_s']:.2f} other {st['other_cpu_s']:.2f} "
            f"idle {st['idle_cpu_s']:.2f}; mean {st['mean_s']:.2f} s")


def fmt_row(label: str, rows: int, nbytes: int, st: dict | float, extra: str = "") -> str:
    s = st if isinstance(st, float) else st["median"]
    return (f"{label:<44}{s:8.3f}{rows / s / 1e6:10.1f}{nbytes / s / 1e9:9.2f}"
            + (f"{st['min']:8.3f}" if isinstance(st, dict) else f"{'':8}") + (f"  {extra}" if extra else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar", help="gateway jar (quarkus-run.jar)")
    ap.add_argument("--java", default=DEFAULT_JAVA, help=f"java binary (default {DEFAULT_JAVA})")
    ap.add_argument("--heap", default="2g", help="-Xmx for the gateway (default 2g)")
    ap.add_argument("--jvm-arg", action="append", default=[], help="extra JVM option for the gateway (repeatable), "
                    "e.g. --jvm-arg=-Darrow.flight.enable_zero_copy_write=true")
    ap.add_argument("--endpoints", default="2,4", help="comma list of goldgate.flight.max-endpoints, one gateway start each (default 2,4)")
    ap.add_argument("--rows", type=int, default=24_000_000, help="table rows (default 24,000,000)")
    ap.add_argument("--files", type=int, default=24, help="Parquet files, one delta-rs append each (default 24)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="where the table is generated (default bench/.data)")
    ap.add_argument("--repeat", type=int, default=5, help="warm repeats per measurement, after --warmup reads (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="reads before each warm series (default 1)")
    ap.add_argument("--tcp-gb", type=float, default=2.0, help="GB sent for the loopback TCP baseline (default 2)")
    ap.add_argument("--no-pyflight", action="store_true", help="skip the pyarrow Flight server baseline")
    ap.add_argument("--paired", type=int, default=0, metavar="N",
                    help="6.: N interleaved rounds of Flight and direct reads of the projection (all columns: max(3, N // 4))")
    ap.add_argument("--compare-app", help="6.: a second gateway jar read in the same rounds (e.g. the previous build)")
    ap.add_argument("--jstack", action="store_true", help="sample the gateway with jstack during an extra read (last --endpoints value)")
    ap.add_argument("--sql", action=argparse.BooleanOptionalAction, default=True,
                    help="5.: a GROUP BY via Flight SQL vs DuckDB over the Parquet files (default on; --no-sql skips it)")
    ap.add_argument("--sql-only", action="store_true", help="run only 1. and 5. (no Flight reads, no baselines)")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--json-out", help="also write all figures to this JSON file")
    ap.add_argument("--tcp-send", nargs=2, type=int, help=argparse.SUPPRESS)
    ap.add_argument("--serve-pyflight", nargs=3, metavar=("TABLE", "PORT", "ENDPOINTS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sql_only and not args.sql:
        ap.error("--sql-only and --no-sql leave nothing to run")
    if args.compare_app and args.paired <= 0:
        ap.error("--compare-app is read only in paired rounds: add --paired N")

    if args.tcp_send:
        tcp_send(*args.tcp_send)
        return 0
    if args.serve_pyflight:
        serve_pyflight(args.serve_pyflight[0], int(args.serve_pyflight[1]), int(args.serve_pyflight[2]))
        return 0

    import pyarrow as pa
    from deltalake import DeltaTable

    log("== 1. Table")
    table_dir, gen = ensure_table(args)
    if args.generate_only:
        return 0
    files = DeltaTable(str(table_dir)).file_uris()
    t0 = time.perf_counter()
    rows, id_sum = source_rows_and_sum(files)
    expect = {"rows": rows, "id_sum": id_sum}
    log(f"  {len(files)} files, {gen['bytes'] / 1e6:.0f} MB Parquet, {rows:,} rows, sum(id) {id_sum} "
        f"(pyarrow, {time.perf_counter() - t0:.2f} s)")

    app = Path(args.app).resolve()
    if not app.exists():
        ap.error(f"gateway jar {app} not found (build it, or pass --app)")
    endpoint_counts = [] if args.sql_only else [int(x) for x in args.endpoints.split(",") if x.strip()]
    problems: list[str] = []
    res: dict = {"table": str(table_dir), "generation": gen, "rows": rows, "cpus": os.cpu_count(),
                 "pyarrow": pa.__version__, "flight": {}}
    tmp = Path(tempfile.mkdtemp(prefix="goldgate-flight-bench-"))
    token = "bench-" + secrets.token_urlsafe(24)
    shares_dir = tmp / "shares"
    shares_dir.mkdir()
    write_catalog(shares_dir, {TABLE_NAME.split(".")[2]: table_dir}, token)
    pyflight = None
    try:
        if endpoint_counts:
            log(f"\n== 2./3. Gateway ({app}), log in {tmp / 'gateway.log'}")
            for n in endpoint_counts:
                fport = free_port()
                gw = Gateway(args.java, app, shares_dir, token, tmp / "gateway.log", args.heap,
                             extra_args=[f"-Dgoldgate.flight.port={fport}", f"-Dgoldgate.flight.max-endpoints={n}", *args.jvm_arg])
                reader = None
                try:
                    gw.start()
                    reader = FlightReader(f"grpc://localhost:{fport}", token, max(16, n))
                    reader.wait_ready()
                    log(f"  max-endpoints={n}: gateway pid {gw.proc.pid} ready in {gw.startup_s:.1f} s, Flight on port {fport}")
                    r: dict = {"startup_s": gw.startup_s}
                    cold = reader.read(None)
                    verify(cold, expect, problems, f"n={n} cold")
                    r["cold"] = cold
                    log(f"    cold full read: {cold['s']:.2f} s ({cold['endpoints']} endpoints, GetFlightInfo "
                        f"{cold['info_s'] * 1000:.0f} ms, first batch {cold['first_batch_s'] * 1000:.0f} ms, "
                        f"per endpoint {cold['per_endpoint_s']} s)")
                    r["full"] = series(reader, None, args.repeat, args.warmup, expect, problems, f"n={n} full", gw.proc.pid)
                    log(f"    warm full read: median {r['full']['median']:.2f} s, min {r['full']['min']:.2f} s, "
                        f"per endpoint {r['full']['per_endpoint_s']} s, rows {r['full']['per_endpoint_rows']}")
                    cold_p = reader.read(PROJECTION)
                    verify(cold_p, expect, problems, f"n={n} projection cold")
                    r["proj_cold"] = cold_p
                    r["proj"] = series(reader, PROJECTION, args.repeat, args.warmup, expect, problems, f"n={n} projection", gw.proc.pid)
                    log(f"    projection {PROJECTION}: first {cold_p['s']:.2f} s, warm median {r['proj']['median']:.2f} s")
                    r["rss_mb"] = gw.rss_mb()
                    if args.jstack and n == endpoint_counts[-1]:
                        jstack = str(Path(args.java).with_name("jstack"))
                        log(f"    jstack sampling of pid {gw.proc.pid} during warm reads ...")
                        r["jstack"] = jstack_profile(jstack, gw.proc.pid, reader)
                        r["jstack_proj"] = jstack_profile(jstack, gw.proc.pid, reader, PROJECTION)
                    res["flight"][n] = r
                finally:
                    if reader:
                        reader.close()
                    gw.stop()

            log("\n== 4. Baselines")
            d_full = direct_read(files, None, args.repeat)
            d_proj = direct_read(files, PROJECTION, args.repeat)
            check(d_full["rows"] == rows, "direct read row count", problems)
            res.update(direct_full=d_full, direct_proj=d_proj)
            log(f"  pyarrow direct read: full median {d_full['median']:.2f} s, projection {d_proj['median']:.2f} s")
            tcp = tcp_baseline(int(args.tcp_gb * 1e9), min(args.repeat, 3))
            res["tcp"] = tcp
            log(f"  loopback TCP {tcp['bytes'] / 1e9:.1f} GB: median {tcp['median']:.2f} s")
            if not args.no_pyflight:
                for n in endpoint_counts:
                    port = free_port()
                    pyflight = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve-pyflight", str(table_dir), str(port), str(n)],
                                                stdin=subprocess.DEVNULL, start_new_session=True)
                    reader = FlightReader(f"grpc://127.0.0.1:{port}", None, max(16, n))
                    try:
                        reader.wait_ready(120)
                        full = series(reader, None, args.repeat, args.warmup, expect, problems, f"pyflight n={n} full", pyflight.pid)
                        proj = series(reader, PROJECTION, args.repeat, args.warmup, expect, problems, f"pyflight n={n} projection", pyflight.pid)
                        res.setdefault("pyflight", {})[n] = {"full": full, "proj": proj}
                        log(f"  pyarrow Flight server n={n}: full median {full['median']:.2f} s, projection {proj['median']:.2f} s")
                    finally:
                        reader.close()
                        pyflight.terminate()
                        pyflight.wait()
                        pyflight = None
        if args.sql:
            log(f"\n== 5. SQL ({app}), log in {tmp / 'gateway.log'}")
            try:
                res["sql"] = sql_section(args, app, shares_dir, token, tmp / "gateway.log", files, rows, problems)
            except Exception as e:  # noqa: BLE001 -- report the Flight figures anyway
                check(False, f"SQL section failed: {str(e)[:500]}", problems)
        if endpoint_counts and args.paired > 0:
            jars = [("app", app)] + ([("compare", Path(args.compare_app).resolve())] if args.compare_app else [])
            log(f"\n== 6. Paired rounds, max-endpoints={endpoint_counts[-1]}")
            try:
                res["paired"] = paired(args, jars, endpoint_counts[-1], shares_dir, token, tmp / "gateway.log", files, expect, problems)
            except Exception as e:  # noqa: BLE001 -- report the other figures anyway
                check(False, f"paired section failed: {str(e)[:500]}", problems)
    finally:
        if pyflight and pyflight.poll() is None:
            pyflight.terminate()
            pyflight.wait()

    # --- report ---------------------------------------------------------------------------------
    W = 100
    print()
    print("=" * W)
    print(f"Goldgate Arrow Flight benchmark  ({os.cpu_count()} CPUs, {args.java}, -Xmx{args.heap}, pyarrow {pa.__version__})")
    print(f"Table: {rows:,} rows, {len(files)} Parquet files, {gen['bytes'] / 1e6:.0f} MB on disk (page cache warm), "
          f"unpartitioned; columns id, value, amount, category, name, ts")
    noisy: list[str] = []
    if endpoint_counts:
        print(f"Flight read = GetFlightInfo + DoGet of every endpoint in parallel (one thread + client each); "
              f"warm = median of {args.repeat} after {args.warmup} warm-up read(s)")
        print("-" * W)
        print(f"{'measurement':<44}{'s':>8}{'Mrows/s':>10}{'GB/s':>9}{'min s':>8}  notes")
        full_nbytes = d_full["nbytes"]
        for n, r in res["flight"].items():
            c = r["cold"]
            print(fmt_row(f"Flight n={n}, all columns, cold (1st read)", c["rows"], c["nbytes"], c["s"],
                          f"GetFlightInfo {c['info_s'] * 1000:.0f} ms, 1st batch {c['first_batch_s'] * 1000:.0f} ms"))
            f = r["full"]
            print(fmt_row(f"Flight n={n}, all columns, warm", f["rows"], f["nbytes"], f,
                          f"{f['endpoints']} endpoints, {f['batches']} batches, info {f['info_s_median'] * 1000:.0f} ms, "
                          f"1st batch {f['first_batch_s_median'] * 1000:.0f} ms, {cpu(f)}"))
            print(fmt_row(f"Flight n={n}, 2 columns {PROJECTION}, first", r["proj_cold"]["rows"], r["proj_cold"]["nbytes"], r["proj_cold"]["s"]))
            p = r["proj"]
            print(fmt_row(f"Flight n={n}, 2 columns, warm", p["rows"], p["nbytes"], p, cpu(p)))
        for n, r in res.get("pyflight", {}).items():
            print(fmt_row(f"pyarrow Flight server n={n}, in memory, all", r["full"]["rows"], r["full"]["nbytes"], r["full"],
                          f"transport ceiling, {cpu(r['full'])}"))
            print(fmt_row(f"pyarrow Flight server n={n}, in memory, 2 cols", r["proj"]["rows"], r["proj"]["nbytes"], r["proj"], cpu(r["proj"])))
        print(fmt_row("pyarrow direct Parquet read, all columns", d_full["rows"], d_full["nbytes"], d_full,
                      f"dataset.to_table(use_threads), CPU s/read {d_full['client_cpu_s']:.2f}, other {d_full['other_cpu_s']:.2f}"))
        print(fmt_row("pyarrow direct Parquet read, 2 columns", d_proj["rows"], d_proj["nbytes"], d_proj,
                      f"CPU s/read {d_proj['client_cpu_s']:.2f}, other {d_proj['other_cpu_s']:.2f}"))
        print(f"{'loopback TCP, 2 processes, 4 MiB sendall':<44}{tcp['median']:8.3f}{'':>10}{tcp['bytes'] / tcp['median'] / 1e9:9.2f}"
              f"{tcp['min']:8.3f}  {tcp['bytes'] / 1e9:.1f} GB, wire ceiling")
        print("-" * W)
        print(f"Ratio Flight warm / direct read (rows/s; goal >= {GOAL_RATIO}x); CPU floor = (server + client CPU) / {os.cpu_count()} cores:")
        cores = os.cpu_count() or 1
        for n, r in res["flight"].items():
            rf = d_full["median"] / r["full"]["median"]
            rp = d_proj["median"] / r["proj"]["median"]
            res["flight"][n]["ratio_full"], res["flight"][n]["ratio_proj"] = rf, rp
            ff = (r["full"]["server_cpu_s"] + r["full"]["client_cpu_s"]) / cores
            fp = (r["proj"]["server_cpu_s"] + r["proj"]["client_cpu_s"]) / cores
            print(f"  n={n}: all columns {rf:.2f}x {'PASS' if rf >= GOAL_RATIO else 'FAIL'} (CPU floor {ff:.2f} s = "
                  f"{d_full['median'] / ff:.2f}x);  2 columns {rp:.2f}x {'PASS' if rp >= GOAL_RATIO else 'FAIL'} "
                  f"(CPU floor {fp:.2f} s = {d_proj['median'] / fp:.2f}x);  RSS {r['rss_mb'] or 0:.0f} MB, start-up {r['startup_s']:.1f} s")
            for key in ("full", "proj"):
                if r[key]["other_cpu_s"] > 0.1 * r[key]["server_cpu_s"]:
                    noisy.append(f"n={n} {key} (other processes {r[key]['other_cpu_s']:.2f} CPU-s/read)")
        for key, d in (("direct full", d_full), ("direct proj", d_proj)):
            if d["other_cpu_s"] > 0.1 * d["client_cpu_s"]:
                noisy.append(f"{key} (other processes {d['other_cpu_s']:.2f} CPU-s/read)")
        if "paired" in res:
            pr = res["paired"]
            print(f"Paired rounds (6.; n={endpoint_counts[-1]}, per round one read of each gateway, alternating, then pyarrow's direct read; "
                  f"ratio = median over rounds of direct / Flight time; goal 2 columns >= {PROJECTION_GOAL_RATIO}x):")
            for what, label in (("proj", f"2 columns {PROJECTION}"), ("full", "all columns")):
                p = pr[what]
                line = f"  {label}, {p['rounds']} rounds: direct {p['direct_median']:.3f} s; " + "; ".join(
                    f"{name} {p[name]['median']:.3f} s = {p[name]['ratio']:.2f}x, server CPU {p[name]['server_cpu_s']:.2f} s/read"
                    for name in ("app", "compare") if name in p)
                if "app_over_compare" in p:
                    line += f"; app / compare time {p['app_over_compare']:.3f}"
                print(line)
        print(f"Arrow data per full read: Flight {res['flight'][endpoint_counts[0]]['full']['nbytes'] / 1e9:.2f} GB, "
              f"direct read {full_nbytes / 1e9:.2f} GB (sum of batch nbytes)")
        for n, r in res["flight"].items():
            for key, what in (("jstack", "all columns"), ("jstack_proj", "2 columns")):
                if key not in r:
                    continue
                j = r[key]
                print(f"jstack of the gateway during warm reads, {what} (n={n}, {j['samples']} samples, RUNNABLE flight/grpc threads):")
                print("  threads: " + ", ".join(f"{name} x{c}" for name, c in j["threads"]))
                for frame, c in j["frames"][:8]:
                    print(f"  {c:4d}  {frame[:150]}")
                if j.get("error"):
                    print(f"  (read during sampling failed: {j['error']})")
    if "sql" in res:
        noisy += print_sql(res["sql"], args.repeat, W)
    if noisy:
        print("!! NOISY: other processes competed for the CPUs during " + ", ".join(noisy) + "; re-run for clean figures")
    print(f"Correctness: {'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems)}")
    print("=" * W)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2, default=str))
    if problems:
        log(f"(kept {tmp} for inspection)\n" + tail(tmp / "gateway.log"))
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
