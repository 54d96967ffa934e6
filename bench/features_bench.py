#!/usr/bin/env python3
"""Goldgate online-features benchmark: POST /get-online-features from Redis, against raw Redis and Feast.

    # the Python of src/test/python/requirements.txt (pyarrow, deltalake, numpy, requests)
    python bench/features_bench.py --app target/quarkus-app/quarkus-run.jar \\
        [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [--feast-venv /tmp/feastvenv] [--profile]

    Needs redis-server on PATH (or --redis-server), a JDK (javac next to --java builds the load
    generator), and optionally wrk (apt-get install wrk) for the closed-loop maximum throughput.
    The Feast baseline runs when --feast-venv points at a venv with feast[redis] (0.67 tested).
    Whole run ~5-6 min on 2 cores. --quick shortens every phase (for a smoke test).

What it does:
  1. Generates (or reuses, when generated with the same parameters) a Delta table under
     bench/.data/ (git-ignored) with delta-rs: --customers rows (default 100,000; one row per
     customer), customer_id int64 (1..N), event_ts timestamp UTC (2025), and 50 feature columns
     f1..f50: f1,f2,f6,f7,... float64 (20), f3,f8,... int64 (10), f4,f9,... string (10, 6-12
     chars), f5,f10,... bool (10). Written as 4 appends.
  2. Writes a share catalog (share bench, schema s, table features; one recipient whose token hash
     is in the catalog) and feature definitions (entity customer, joinKeys customer_id Int64;
     view customer_50 over bench.s.features, timestampColumn event_ts, f1..f50, no ttl) into a temp
     dir, starts redis-server on a free loopback port (--save "" --appendonly no) and the gateway
     (helpers from sharing_bench.py) with GOLDGATE_REDIS_URL and -Dgoldgate.features.enabled=true
     -Dgoldgate.features.dir=<dir>, then times POST /admin/features/views/customer_50/materialize.
     Checks the answers: every value of a few customers against the table, NOT_FOUND for an
     unknown one, and (with Feast) Feast's answer for the same request equal to Goldgate's.
  3. Load, for 1 entity x 50 features and 100 entities x 50 features (random customers, 2,000
     different request bodies per shape, sent in rotation):
       - open loop at --rate (default 1,000 requests/s): a small Java generator (embedded below,
         compiled with javac into the temp dir) sends at fixed intervals over up to 64 keep-alive
         connections and measures each latency from the request's SCHEDULED time to the end of
         its response, so queueing behind a slow response counts (no coordinated omission).
         --warmup s unmeasured, then --duration s measured; requests unanswered --drain s after
         the end count as infinitely slow. "svc" is the latency from the actual send.
       - maximum throughput, closed loop: wrk -t1 -c16 (Lua script rotating the same bodies) for
         --max-duration s, with its p50/p99 (at saturation, closed-loop latency is meaningful);
         the Java generator in closed-loop mode when wrk is missing.
       - max sustainable rate: open loop at 80%, 60%, 40%, 20% of that maximum (2 s warm-up +
         --sustain-duration s each, 3 s drain) until one is sustained: every request answered,
         achieved >= 99% of the offered rate and p99 <= the SLO (10 ms for 1x50, 100 ms for
         100x50, i.e. 10x the goals: latency bounded, no growing queue). The generator's own
         CPU grows with the rate (it shares the cores), so this is a conservative figure.
     CPU per second of the server process group, Redis, the generator and the rest of the machine
     ("oth": other jobs; non-zero means a noisy run) is printed for every run: all share the cores.
  4. Baselines on the same Redis and data: (a) raw Redis: the same pipelined HGETALLs Goldgate sends
     (one per entity: 50 of a view's 50 features are most of its hash), and the HMGETs Feast sends
     (one per entity, the 51 fields _ts:customer_50 + 50 murmur3 feature fields), pre-encoded
     RESP, replies parsed by the Java generator), open loop at --rate and closed-loop maximum;
     (b) Feast's Python feature server (`feast serve`, --feast-workers gunicorn workers, default 2 =
     cores, --max-requests 0) on the same Redis, from a Feast repo with project goldgate, the same
     entity/view/feature names and entity_key_serialization_version 3 (it reads what Goldgate
     materialized), with the same load as Goldgate (open-loop phases --feast-duration s).
  4c. The packed layout (README, "The packed layout"): a second view, customer_50p, over the same
     table with online: {layout: packed}, materialized into the same Redis. Goldgate's lookups of it
     (open loop at --rate, closed-loop maximum and max sustainable rate, same bodies but for the view name) and raw Redis
     doing the same read (one MGET of the request's packed keys, Java generator). The answers of both
     views are checked equal, and against the table.
  4d. The floor: a minimal server on the gateway's own HTTP stack (Vert.x from the gateway's lib/,
     native transport, the same event loop count) answering each request with the gateway's answer
     for that shape, pre-rendered: (a) HTTP only; (b) after sending the request's MGET (the raw
     baseline's bytes) on its event loop's own Redis connection and reading the reply, as Goldgate
     does. Same generator and connections. Neither parses, authenticates nor renders, so no HTTP
     face over the same Redis read can beat (b) here: it bounds the "0.8x raw Redis" goal.
  5. Prints a table and the goals: p99 <= 1 ms (1x50) and <= 10 ms (100x50) at 1,000 requests/s;
     packed layout p99 <= 0.5 ms (1x50) and <= 10 ms (100x50) at 1,000/s and maximum >= 0.8x raw
     Redis's MGET maximum; >= 10x Feast's throughput at equal p99, read two ways: max sustainable rates at the same p99
     SLO (open loop), and closed-loop maxima with Goldgate's wrk p99 not above Feast's.
     With --profile, JFR (settings=profile, via jcmd JFR.start/stop) records the gateway during its
     measured runs, and its hot methods and allocations are printed. --redis-arg passes redis-server
     options (e.g. --redis-arg=--hash-max-listpack-entries=16 stores the 51-field hashes as hash tables).

Dependencies: pyarrow, deltalake, numpy, requests; redis-server; a JDK; wrk optional.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sharing_bench import SCHEMA, SHARE, Gateway, free_port, log, stop_process, tail, write_catalog  # noqa: E402

GENERATOR_VERSION = 1
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = BENCH_DIR / ".data"
TABLE = "features"  # in the share and schema of sharing_bench.write_catalog
VIEW, ENTITY, JOIN_KEY, PROJECT = "customer_50", "customer", "customer_id", "goldgate"
# the same features in the packed layout (online: {layout: packed}), over the same table
PACKED_VIEW = "customer_50p"
GOAL_PACKED_P99_MS = {1: 0.5, 100: 10.0}
GOAL_PACKED_VS_RAW = 0.8
N_FEATURES = 50
TYPE_CYCLE = ["Float64", "Float64", "Int64", "String", "Bool"]
FEATURES = [(f"f{i}", TYPE_CYCLE[(i - 1) % 5]) for i in range(1, N_FEATURES + 1)]
GOAL_P99_MS = {1: 1.0, 100: 10.0}
GOAL_FEAST_FACTOR = 10.0
SUSTAIN_SLO_MS = {1: 10.0, 100: 100.0}
SUSTAIN_FRACTIONS = (0.8, 0.6, 0.4, 0.2)
SHAPES = (1, 100)


# ----------------------------------------------------------------------------------------------
# 1. Data
# ----------------------------------------------------------------------------------------------

def ensure_table(data_dir: Path, customers: int, seed: int) -> tuple[Path, dict]:
    params = {"generator_version": GENERATOR_VERSION, "customers": customers, "seed": seed,
              "features": [list(f) for f in FEATURES]}
    root = data_dir.resolve() / f"features-c{customers}"
    table_dir, params_file = root / "table", root / "params.json"
    if params_file.exists():
        stored = json.loads(params_file.read_text())
        if stored.get("params") == params and (table_dir / "_delta_log").is_dir():
            log(f"Reusing table {table_dir} (generated in {stored['generation_seconds']} s)")
            return table_dir, stored
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    log(f"Generating {customers:,} customers x {N_FEATURES} features into {table_dir}")
    t0 = time.perf_counter()
    import numpy as np
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    rng = np.random.default_rng(seed)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    start_us = 1_735_689_600_000_000  # 2025-01-01T00:00:00Z
    year_us = 365 * 86_400 * 1_000_000
    parts = 4
    bounds = np.linspace(0, customers, parts + 1).astype(int)
    for p in range(parts):
        lo, hi = int(bounds[p]), int(bounds[p + 1])
        n = hi - lo
        cols = {
            JOIN_KEY: pa.array(np.arange(lo + 1, hi + 1, dtype=np.int64)),
            "event_ts": pa.array(start_us + rng.integers(0, year_us, n), pa.timestamp("us", tz="UTC")),
        }
        for name, typ in FEATURES:
            if typ == "Float64":
                cols[name] = pa.array(np.round(rng.normal(100, 50, n), 6))
            elif typ == "Int64":
                cols[name] = pa.array(rng.integers(-1_000_000, 1_000_000_000, n, dtype=np.int64))
            elif typ == "Bool":
                cols[name] = pa.array(rng.random(n) < 0.5)
            else:
                lens = rng.integers(6, 13, n)
                chars = alphabet[rng.integers(0, len(alphabet), (n, 12))]
                cols[name] = pa.array(["".join(row[:k]) for row, k in zip(chars, lens)], pa.string())
        write_deltalake(str(table_dir), pa.table(cols), mode="append")
    gen_s = time.perf_counter() - t0
    dt = DeltaTable(str(table_dir))
    rows = dt.to_pyarrow_dataset().count_rows()
    if rows != customers:
        raise RuntimeError(f"delta-rs reads {rows} rows, expected {customers}")
    stored = {"params": params, "generation_seconds": round(gen_s, 1), "version": dt.version(),
              "files": len(dt.file_uris()), "bytes": sum(f.stat().st_size for f in table_dir.glob("*.parquet"))}
    params_file.write_text(json.dumps(stored, indent=2))
    log(f"Generated in {gen_s:.1f} s: version {dt.version()}, {stored['files']} files, {stored['bytes'] / 1e6:.0f} MB")
    return table_dir, stored


def source_rows(table_dir: Path, ids: list[int]) -> dict[int, dict]:
    import pyarrow.compute as pc
    from deltalake import DeltaTable

    t = DeltaTable(str(table_dir)).to_pyarrow_dataset().to_table(filter=pc.field(JOIN_KEY).isin(ids))
    return {r[JOIN_KEY]: r for r in t.to_pylist()}


def write_feature_defs(defs_dir: Path) -> None:
    feats = "\n".join(f"      - {{name: {n}, type: {t}}}" for n, t in FEATURES)
    packed = f"""  - name: {PACKED_VIEW}
    source: {{table: {SHARE}.{SCHEMA}.{TABLE}}}
    entities: [{ENTITY}]
    timestampColumn: event_ts
    online: {{layout: packed}}
    features:
{feats}
"""
    (defs_dir / "bench.yaml").write_text(f"""# Goldgate features benchmark (bench/features_bench.py)
entities:
  - name: {ENTITY}
    joinKeys:
      - {{name: {JOIN_KEY}, type: Int64}}

featureViews:
  - name: {VIEW}
    source: {{table: {SHARE}.{SCHEMA}.{TABLE}}}
    entities: [{ENTITY}]
    timestampColumn: event_ts
    features:
{feats}
{packed}""")


# ----------------------------------------------------------------------------------------------
# Feast's Redis layout (for the raw Redis baseline)
# ----------------------------------------------------------------------------------------------

def murmur3_32(data: bytes, seed: int = 0) -> int:
    c1, c2, m = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed
    n = len(data) // 4
    for i in range(n):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * c1) & m
        k = ((k << 15) | (k >> 17)) & m
        k = (k * c2) & m
        h ^= k
        h = ((h << 13) | (h >> 19)) & m
        h = (h * 5 + 0xE6546B64) & m
    tail_bytes = data[4 * n:]
    k = 0
    for i, b in enumerate(tail_bytes):
        k |= b << (8 * i)
    if tail_bytes:
        k = (k * c1) & m
        k = ((k << 15) | (k >> 17)) & m
        k = (k * c2) & m
        h ^= k
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & m
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & m
    h ^= h >> 16
    return h


def redis_key(customer_id: int) -> bytes:
    """Feast's entity key serialization v3 (one Int64 join key) followed by the project."""
    name = JOIN_KEY.encode()
    return (struct.pack("<I", 1) + struct.pack("<II", 2, len(name)) + name
            + struct.pack("<II", 4, 8) + struct.pack("<q", customer_id) + PROJECT.encode())


def packed_key(customer_id: int) -> bytes:
    """The packed layout's key: the Feast hash key, then #gg1:<view> (see README, The packed layout)."""
    return redis_key(customer_id) + f"#gg1:{PACKED_VIEW}".encode()


def redis_fields() -> list[bytes]:
    return [f"_ts:{VIEW}".encode()] + [struct.pack("<I", murmur3_32(f"{VIEW}:{n}".encode())) for n, _ in FEATURES]


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


class RedisServer:
    def __init__(self, exe: str, workdir: Path, extra: list[str] = ()):
        self.exe, self.workdir, self.proc, self.port, self.extra = exe, workdir, None, 0, list(extra)

    def start(self) -> None:
        self.port = free_port()
        self.log_path = self.workdir / "redis.log"
        self.proc = subprocess.Popen([self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.workdir), "--logfile", str(self.log_path),
                                      *self.extra],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        t0 = time.perf_counter()
        while True:
            try:
                if self.call(b"PING") == b"+PONG\r\n":
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.perf_counter() - t0 > 20:
                raise RuntimeError("redis-server did not start:\n" + tail(self.log_path))
            time.sleep(0.05)

    def call(self, *args: bytes) -> bytes:
        """One command, first reply line (enough for PING, DBSIZE, INFO's size line)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(resp(*args))
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            if data.startswith(b"$"):  # bulk string: read it whole
                n = int(data[1:data.index(b"\r\n")])
                while len(data) < data.index(b"\r\n") + 2 + n + 2:
                    data += s.recv(65536)
            return data

    def stop(self) -> None:
        stop_process(self.proc, timeout=10)
        self.proc = None


# ----------------------------------------------------------------------------------------------
# Load generator (Java, compiled once per run) and wrk
# ----------------------------------------------------------------------------------------------

LOADGEN_JAVA = r"""
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.LockSupport;

/** Open-loop (fixed schedule, latency from the scheduled time) or closed-loop HTTP/1.1 and RESP load. */
public class LoadGen {
  record Job(long scheduled, int payload, boolean measured) {}
  static final Job STOP = new Job(0, -1, false);

  static final class Conn {
    final Socket socket; final InputStream in; final OutputStream out;
    byte[] buf = new byte[1 << 16]; int pos, lim; long bodyBytes;
    Conn(String host, int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(300_000);
      in = socket.getInputStream(); out = socket.getOutputStream();
    }
    void close() { try { socket.close(); } catch (IOException ignored) { } }
    private void fill() throws IOException {
      if (pos == lim) { pos = 0; lim = 0; }
      else if (lim == buf.length) {
        if (pos > 0) { System.arraycopy(buf, pos, buf, 0, lim - pos); lim -= pos; pos = 0; }
        else buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) throw new EOFException("connection closed");
      lim += n;
    }
    String line() throws IOException {
      int rel = 0;
      while (true) {
        for (int i = pos + rel; i + 1 < lim; i++) {
          if (buf[i] == '\r' && buf[i + 1] == '\n') {
            String s = new String(buf, pos, i - pos, StandardCharsets.ISO_8859_1);
            pos = i + 2;
            return s;
          }
        }
        rel = Math.max(0, lim - 1 - pos);
        fill();
      }
    }
    void skip(long n) throws IOException {
      while (n > 0) {
        if (pos == lim) fill();
        int take = (int) Math.min(n, lim - pos);
        pos += take; n -= take;
      }
    }
    int http() throws IOException {
      String status = line();
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1; boolean chunked = false;
      for (String h; !(h = line()).isEmpty(); ) {
        int c = h.indexOf(':');
        String name = h.substring(0, c).trim().toLowerCase(Locale.ROOT), v = h.substring(c + 1).trim();
        if (name.equals("content-length")) length = Long.parseLong(v);
        else if (name.equals("transfer-encoding") && v.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
      }
      if (chunked) {
        while (true) {
          String size = line();
          int semi = size.indexOf(';');
          long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (n == 0) { while (!line().isEmpty()) { } break; }
          skip(n); bodyBytes += n; line();
        }
      } else if (length >= 0) { skip(length); bodyBytes += length; }
      else throw new IOException("response without length: " + status);
      return code;
    }
    int resp(int replies) throws IOException {
      int code = 200;
      for (int r = 0; r < replies; r++) {
        String head = line();
        if (head.charAt(0) == '-') { code = 500; continue; }
        if (head.charAt(0) != '*') throw new IOException("unexpected reply " + head);
        int n = Integer.parseInt(head.substring(1));
        for (int i = 0; i < n; i++) {
          int len = Integer.parseInt(line().substring(1));
          if (len >= 0) { skip(len + 2L); bodyBytes += len; }
        }
      }
      return code;
    }
  }

  static final class Recorder {
    long[] lat = new long[1 << 16], svc = new long[1 << 16], lag = new long[1 << 16];
    int n; long ok, errors, finished, lastDone, bodyBytes; String firstError;
    synchronized void add(long latency, long service, long sendLag, int code, long done, long bytes) {
      if (n == lat.length) { lat = Arrays.copyOf(lat, n * 2); svc = Arrays.copyOf(svc, n * 2); lag = Arrays.copyOf(lag, n * 2); }
      lat[n] = latency; svc[n] = service; lag[n] = sendLag; n++;
      finished++; bodyBytes += bytes;
      if (code == 200) ok++; else { errors++; if (firstError == null) firstError = "status " + code; }
      lastDone = Math.max(lastDone, done);
    }
    synchronized void fail(String message, long done) {
      finished++; errors++; if (firstError == null) firstError = message; lastDone = Math.max(lastDone, done);
    }
  }

  static String host; static int port; static List<byte[]> payloads; static int replies;

  static int exchange(Conn c, byte[] payload) throws IOException {
    c.out.write(payload);
    c.out.flush();
    return replies > 0 ? c.resp(replies) : c.http();
  }

  static String pct(long[] v, int n, long infinite, double q) {
    int total = n + (int) infinite;
    if (total == 0) return "null";
    int idx = (int) Math.ceil(q * total) - 1;
    idx = Math.max(0, Math.min(total - 1, idx));
    return idx >= n ? "-1" : String.format(Locale.ROOT, "%.1f", v[idx] / 1000.0);
  }

  static String dist(long[] all, int n, long infinite) {
    long[] v = Arrays.copyOf(all, n);
    Arrays.sort(v);
    return "{\"p50\":" + pct(v, n, infinite, 0.5) + ",\"p90\":" + pct(v, n, infinite, 0.9) + ",\"p99\":" + pct(v, n, infinite, 0.99)
        + ",\"p999\":" + pct(v, n, infinite, 0.999) + ",\"max\":" + (infinite > 0 ? "-1" : (n == 0 ? "null" : String.format(Locale.ROOT, "%.1f", v[n - 1] / 1000.0))) + "}";
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (String a : args) { int eq = a.indexOf('='); o.put(a.substring(2, eq), a.substring(eq + 1)); }
    host = o.getOrDefault("host", "127.0.0.1"); port = Integer.parseInt(o.get("port"));
    String mode = o.getOrDefault("mode", "http");
    replies = mode.startsWith("resp:") ? Integer.parseInt(mode.substring(5)) : 0;
    boolean open = o.getOrDefault("loop", "open").equals("open");
    double rate = Double.parseDouble(o.getOrDefault("rate", "1000"));
    long warmupNs = (long) (Double.parseDouble(o.getOrDefault("warmup", "5")) * 1e9);
    long durationNs = (long) (Double.parseDouble(o.getOrDefault("duration", "20")) * 1e9);
    long drainNs = (long) (Double.parseDouble(o.getOrDefault("drain", "10")) * 1e9);
    int conns = Integer.parseInt(o.getOrDefault("conns", "64"));
    payloads = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(o.get("payloads")))))) {
      while (in.available() > 0) { byte[] p = new byte[in.readInt()]; in.readFully(p); payloads.add(p); }
    }
    Recorder rec = new Recorder();
    AtomicLong measuredScheduled = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime() + 50_000_000L, warmEnd = start + warmupNs, end = warmEnd + durationNs;
    LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    for (int w = 0; w < conns; w++) {
      final int worker = w;
      Conn first = new Conn(host, port);
      Thread t = new Thread(() -> {
        Conn c = first;
        int next = worker * 7919;
        try {
          while (true) {
            Job job;
            if (open) {
              job = queue.take();
              if (job == STOP) return;
            } else {
              long now = System.nanoTime();
              if (now >= end) return;
              job = new Job(now, next++ % payloads.size(), now >= warmEnd);
              if (job.measured) measuredScheduled.incrementAndGet();
            }
            long sent = System.nanoTime();
            long before = c.bodyBytes;
            try {
              int code = exchange(c, payloads.get(job.payload));
              long done = System.nanoTime();
              if (job.measured && (open || done <= end)) rec.add(done - job.scheduled, done - sent, sent - job.scheduled, code, done, c.bodyBytes - before);
              else if (!open && job.measured) measuredScheduled.decrementAndGet();  // straddles the end: not counted
            } catch (IOException e) {
              if (job.measured) rec.fail(e.toString(), System.nanoTime());
              c.close();
              c = new Conn(host, port);
            }
          }
        } catch (InterruptedException e) {
          // stopping
        } catch (IOException e) {
          synchronized (rec) { if (rec.firstError == null) rec.firstError = "reconnect failed: " + e; }
        } finally {
          c.close();
        }
      }, "load-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    long scheduledMeasured;
    long finishedAt;
    if (open) {
      double intervalNs = 1e9 / rate;
      for (long i = 0; ; i++) {
        long t = start + (long) (i * intervalNs);
        if (t >= end) break;
        long now;
        while ((now = System.nanoTime()) < t) LockSupport.parkNanos(t - now);
        boolean measured = t >= warmEnd;
        if (measured) measuredScheduled.incrementAndGet();
        queue.add(new Job(t, (int) (i % payloads.size()), measured));
      }
      scheduledMeasured = measuredScheduled.get();
      long deadline = end + drainNs;
      while (System.nanoTime() < deadline) {
        synchronized (rec) { if (rec.finished >= scheduledMeasured) break; }
        Thread.sleep(2);
      }
      for (int w = 0; w < conns; w++) queue.add(STOP);
    } else {
      while (System.nanoTime() < end) Thread.sleep(5);
      for (Thread t : threads) t.join(30_000);
      scheduledMeasured = measuredScheduled.get();
    }
    finishedAt = System.nanoTime();
    synchronized (rec) {
      long incomplete = Math.max(0, scheduledMeasured - rec.finished);
      long span = open ? Math.max(rec.lastDone, end) - warmEnd : durationNs;
      if (open && incomplete > 0) span = finishedAt - warmEnd;
      StringBuilder sb = new StringBuilder();
      sb.append("{\"loop\":\"").append(open ? "open" : "closed").append("\",\"rate\":").append(open ? rate : 0)
          .append(",\"conns\":").append(conns)
          .append(",\"scheduled\":").append(scheduledMeasured).append(",\"ok\":").append(rec.ok).append(",\"errors\":").append(rec.errors)
          .append(",\"incomplete\":").append(incomplete).append(",\"span_s\":").append(String.format(Locale.ROOT, "%.3f", span / 1e9))
          .append(",\"achieved_rps\":").append(String.format(Locale.ROOT, "%.1f", rec.ok / (span / 1e9)))
          .append(",\"mean_response_bytes\":").append(rec.n == 0 ? 0 : rec.bodyBytes / rec.n)
          .append(",\"lat_us\":").append(dist(rec.lat, rec.n, incomplete))
          .append(",\"svc_us\":").append(dist(rec.svc, rec.n, 0))
          .append(",\"lag_us\":").append(dist(rec.lag, rec.n, 0))
          .append(",\"first_error\":").append(rec.firstError == null ? "null" : "\"" + rec.firstError.replace("\\", "/").replace("\"", "'") + "\"")
          .append("}");
      System.out.println(sb);
    }
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
"""

FLOOR_JAVA = r"""
import io.vertx.core.*;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.*;
import io.vertx.core.net.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * The floor under the gateway's lookups: an HTTP server on the gateway's own stack (Vert.x, native
 * transport, the same event loop count) that reads each request's body and answers a fixed,
 * pre-rendered response. With a Redis port it first sends the request's MGET (pre-encoded, the same
 * bytes the raw-Redis baseline sends) on its event loop's own pipelined Redis connection and waits
 * for the reply, as the gateway does. It does strictly less than a lookup: no parsing, no
 * authentication, no rendering.
 */
public class Floor {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    Buffer answer = Buffer.buffer(Files.readAllBytes(Path.of(a[1])));
    int loops = Integer.parseInt(a[2]);
    int redisPort = a.length > 3 ? Integer.parseInt(a[3]) : 0;
    List<Buffer> mgets = new ArrayList<>();
    if (a.length > 4) {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(a[4]))))) {
        while (in.available() > 0) { byte[] p = new byte[in.readInt()]; in.readFully(p); mgets.add(Buffer.buffer(p)); }
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    for (int i = 0; i < loops; i++) {
      int first = i * 7919;
      vertx.deployVerticle(new AbstractVerticle() {
        final ArrayDeque<HttpServerRequest> waiting = new ArrayDeque<>();
        Buffer pending = Buffer.buffer();
        NetSocket redis;
        int next = first;

        @Override public void start(Promise<Void> started) {
          Future<Void> connected = Future.succeededFuture();
          if (redisPort > 0) {
            connected = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)).connect(redisPort, "127.0.0.1").map(socket -> {
              redis = socket;
              socket.handler(this::replies);
              return null;
            });
          }
          connected.compose(x -> vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
              .requestHandler(req -> req.body().onSuccess(body -> {
                if (redis == null) {
                  req.response().putHeader("content-type", "application/json").end(answer);
                } else {
                  waiting.add(req);
                  redis.write(mgets.get(Math.floorMod(next++, mgets.size())));
                }
              }))
              .listen()).<Void>mapEmpty().onComplete(started);
        }

        /** Answers one waiting request per complete MGET reply (an array of bulk strings). */
        void replies(Buffer data) {
          pending = pending.length() == 0 ? data : pending.appendBuffer(data);
          int at = 0;
          while (true) {
            int end = reply(pending, at);
            if (end < 0) break;
            at = end;
            waiting.poll().response().putHeader("content-type", "application/json").end(answer);
          }
          pending = at == pending.length() ? Buffer.buffer() : pending.getBuffer(at, pending.length());
        }

        /** Where the reply starting at {@code at} ends, or -1 when it is not all here yet. */
        static int reply(Buffer b, int at) {
          int line = lineEnd(b, at);
          if (line < 0) return -1;
          int n = Integer.parseInt(b.getString(at + 1, line));
          at = line + 2;
          for (int i = 0; i < n; i++) {
            line = lineEnd(b, at);
            if (line < 0) return -1;
            int len = Integer.parseInt(b.getString(at + 1, line));
            at = line + 2 + (len < 0 ? 0 : len + 2);
            if (at > b.length()) return -1;
          }
          return at;
        }

        static int lineEnd(Buffer b, int from) {
          for (int i = from; i + 1 < b.length(); i++) {
            if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n') return i;
          }
          return -1;
        }
      }).toCompletionStage().toCompletableFuture().get();
    }
    System.out.println("ready " + vertx.isNativeTransportEnabled());
    System.out.flush();
    Thread.currentThread().join();
  }
}
"""

WRK_LUA = r"""
local reqs = {}
local i = 0
init = function(args)
  local f = assert(io.open(args[1], "r"))
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2]}
  for line in f:lines() do
    reqs[#reqs + 1] = wrk.format("POST", "/get-online-features", headers, line)
  end
  f:close()
  i = math.random(#reqs)
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}\n', summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
"""


def proc_group_cpu(pgid: int | None) -> float:
    """CPU seconds (user+system) of all live processes of a process group."""
    if not pgid:
        return 0.0
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def wait_idle(pgid: int | None, limit: float = 60.0) -> None:
    """Waits until the process group uses < 0.15 core over 0.5 s (or limit s)."""
    t0 = time.perf_counter()
    while pgid and time.perf_counter() - t0 < limit:
        c0 = proc_group_cpu(pgid)
        time.sleep(0.5)
        if proc_group_cpu(pgid) - c0 < 0.075:
            return


def machine_cpu() -> tuple[float, float]:
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = v[3] + v[4]
    return (sum(v[:8]) - idle) / tick, idle / tick


class Load:
    def __init__(self, java: str, work: Path):
        self.java, self.work = java, work
        src = work / "LoadGen.java"
        src.write_text(LOADGEN_JAVA)
        javac = Path(java).with_name("javac")
        self.classes = work / "loadgen-classes"
        if javac.exists():
            subprocess.run([str(javac), "-d", str(self.classes), str(src)], check=True, capture_output=True)
            self.cmd = [java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", str(self.classes), "LoadGen"]
        else:
            self.cmd = [java, "-Xmx512m", "-XX:+UseSerialGC", str(src)]
        self.wrk = shutil.which("wrk")
        self.redis_pgid: int | None = None  # Redis's CPU is reported apart from "other"
        self.lua = work / "bodies.lua"
        self.lua.write_text(WRK_LUA)

    def run(self, port: int, payloads: Path, server_pgid: int | None, *, mode: str = "http", loop: str = "open",
            rate: float = 0, warmup: float = 5, duration: float = 20, drain: float = 10, conns: int = 64) -> dict:
        args = [f"--port={port}", f"--payloads={payloads}", f"--mode={mode}", f"--loop={loop}", f"--rate={rate}",
                f"--warmup={warmup}", f"--duration={duration}", f"--drain={drain}", f"--conns={conns}"]
        cpu0, m0, w0 = self._cpu(server_pgid), machine_cpu(), time.perf_counter()
        p = subprocess.Popen(self.cmd + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        gen_cpu = 0.0
        out, err = "", ""
        try:
            while p.poll() is None:
                gen_cpu = max(gen_cpu, proc_group_cpu(p.pid))
                time.sleep(0.5)
            out, err = p.communicate()
        finally:
            if p.poll() is None:
                p.kill()
        res = self._finish(out, err, server_pgid, cpu0, m0, gen_cpu)
        res["tool"], res["wall_s"] = "loadgen", time.perf_counter() - w0
        if res.get("incomplete"):
            wait_idle(server_pgid)  # an overloaded server still works off what it had received
        return res

    def wrk_run(self, port: int, bodies: Path, token: str, server_pgid: int | None, duration: float, conns: int) -> dict:
        cmd = [self.wrk, "-t1", f"-c{conns}", f"-d{int(duration)}s", "--timeout", "30s", "-s", str(self.lua),
               f"http://127.0.0.1:{port}/get-online-features", "--", str(bodies), token]
        cpu0, m0, w0 = self._cpu(server_pgid), machine_cpu(), time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        gen_cpu = 0.0
        while p.poll() is None:
            gen_cpu = max(gen_cpu, proc_group_cpu(p.pid))
            time.sleep(0.5)
        out, err = p.communicate()
        line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk failed: {out}\n{err}")
        w = json.loads(line[8:])
        span = w["duration_us"] / 1e6
        ok = w["requests"] - w["status_errors"]
        res = {"loop": "closed", "conns": conns, "ok": ok, "errors": w["status_errors"] + w["socket_errors"],
               "incomplete": 0, "span_s": span, "achieved_rps": ok / span,
               "lat_us": {k: float(w[k]) for k in ("p50", "p90", "p99", "p999", "max")},
               "mean_response_bytes": w["bytes"] / max(1, w["requests"]), "tool": "wrk", "wall_s": time.perf_counter() - w0}
        self._cpu_fields(res, server_pgid, cpu0, m0, gen_cpu)
        return res

    def _cpu(self, pgid):
        return (proc_group_cpu(pgid), proc_group_cpu(self.redis_pgid) if self.redis_pgid != pgid else 0.0)

    def _cpu_fields(self, res, pgid, cpu0, m0, gen_cpu):
        busy0, idle0 = m0
        busy1, idle1 = machine_cpu()
        s1, r1 = self._cpu(pgid)
        server, redis = s1 - cpu0[0], r1 - cpu0[1]
        res["cpu"] = {"server": server, "generator": gen_cpu, "redis": redis,
                      "other": max(0.0, (busy1 - busy0) - server - gen_cpu - redis), "idle": idle1 - idle0}

    def _finish(self, out, err, pgid, cpu0, m0, gen_cpu):
        lines = [x for x in out.splitlines() if x.startswith("{")]
        if not lines:
            raise RuntimeError(f"load generator failed:\n{out}\n{err}")
        res = json.loads(lines[-1])
        self._cpu_fields(res, pgid, cpu0, m0, gen_cpu)
        return res

    def max_throughput(self, port, bodies, payloads, token, pgid, duration, conns):
        if self.wrk:
            return self.wrk_run(port, bodies, token, pgid, duration, conns)
        res = self.run(port, payloads, pgid, loop="closed", warmup=1, duration=duration, conns=conns)
        return res


def floor_phase(args, load: "Load", files: dict, gw, redis, auth: dict, res: dict) -> None:
    """4d. The floor: the gateway's HTTP stack answering a fixed response, with the same generator."""
    import requests
    lib = Path(args.app).resolve().parent / "lib" / "main"
    javac = Path(args.java).with_name("javac")
    if not javac.exists() or not lib.is_dir():
        log("\n== 4d. Floor: skipped (needs javac and the gateway's lib/main)")
        return
    work = load.work
    (work / "Floor.java").write_text(FLOOR_JAVA)
    cp = ":".join(str(j) for j in sorted(lib.glob("*.jar")))
    subprocess.run([str(javac), "-cp", cp, "-d", str(work / "floor-classes"), str(work / "Floor.java")], check=True, capture_output=True)
    log("\n== 4d. The floor: the gateway's HTTP stack (Vert.x, same event loops) answering a fixed response, "
        "without and with the request's MGET (no parsing, authentication or rendering); same generator and connections")
    res["floor"], res["floor_redis"] = {}, {}
    loops = 2 * (os.cpu_count() or 1)  # Quarkus' default event loop count
    for n in SHAPES:
        body = files[n]["bodies_packed"].read_text().splitlines()[0]
        answer = requests.post(f"{gw.base}/get-online-features", headers={**auth, "Content-Type": "application/json"},
                               data=body, timeout=30).content
        answer_file = work / f"floor-answer-{n}.json"
        answer_file.write_bytes(answer)
        for key, extra in (("floor", []), ("floor_redis", [str(redis.port), str(files[n]["mget"])])):
            port = free_port()
            p = subprocess.Popen([args.java, f"-Xmx{args.heap}", "-cp", f"{work / 'floor-classes'}:{cp}", "Floor", str(port),
                                  str(answer_file), str(loops), *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, start_new_session=True)
            try:
                ready = p.stdout.readline()
                if not ready.startswith("ready"):
                    raise RuntimeError(f"floor server did not start: {ready!r}")
                load.run(port, files[n]["http_packed"], p.pid, loop="closed", warmup=0, duration=args.jit_warmup / 2, conns=4)
                m = load.run(port, files[n]["http_packed"], p.pid, loop="closed", warmup=1, duration=args.max_duration,
                             conns=args.max_conns)
                what = "floor" if not extra else "floor + Redis MGET"
                log(describe(f"{n}x50 {what} max, closed loop c={args.max_conns} ({len(answer):,} B answers)", m))
                res[key][n] = {"max": m}
            finally:
                stop_process(p, 10)


def sustainable(load: Load, port: int, payloads: Path, pgid: int, n: int, max_rps: float, duration: float) -> list[dict]:
    """Open-loop steps below the closed-loop maximum until one is sustained (see the docstring)."""
    runs = []
    for f in SUSTAIN_FRACTIONS:
        rate = max(2.0, float(round(f * max_rps, -1 if f * max_rps >= 100 else 0)))
        r = load.run(port, payloads, pgid, rate=rate, warmup=2, duration=duration, drain=3)
        p99 = r["lat_us"]["p99"]
        r["sustainable"] = (not r["incomplete"] and not r["errors"] and r["achieved_rps"] >= 0.99 * rate
                            and p99 is not None and 0 <= p99 <= SUSTAIN_SLO_MS[n] * 1000)
        log(describe(f"{n}x50 open loop @ {rate:.0f}/s ({f:.0%} max)", r) + ("  SUSTAINED" if r["sustainable"] else ""))
        runs.append(r)
        if r["sustainable"]:
            break
    return runs


def sustained_rate(runs: list[dict]) -> str:
    ok = [r for r in runs if r.get("sustainable")]
    return f"{ok[0]['rate']:.0f} req/s" if ok else f"< {runs[-1]['rate']:.0f} req/s" if runs else "-"


def write_payloads(path: Path, items: list[bytes]) -> None:
    with open(path, "wb") as f:
        for it in items:
            f.write(struct.pack(">I", len(it)))
            f.write(it)


def http_request(body: bytes, token: str) -> bytes:
    return (b"POST /get-online-features HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def request_body(ids: list[int], view: str = VIEW) -> dict:
    return {"features": [f"{view}:{n}" for n, _ in FEATURES], "entities": {JOIN_KEY: ids}}


# ----------------------------------------------------------------------------------------------
# Feast
# ----------------------------------------------------------------------------------------------

class FeastServer:
    def __init__(self, venv: Path, repo: Path, redis_port: int, table_dir: Path, workers: int):
        self.venv, self.repo, self.redis_port, self.table_dir, self.workers = venv, repo, redis_port, table_dir, workers
        self.proc = None
        self.port = 0
        self.env = dict(os.environ, FEAST_USAGE="False", PYTHONWARNINGS="ignore")

    def apply(self) -> float:
        import pyarrow.parquet as pq
        from deltalake import DeltaTable

        (self.repo / "data").mkdir(parents=True)
        sample = DeltaTable(str(self.table_dir)).to_pyarrow_dataset().head(100)
        pq.write_table(sample, self.repo / "data" / "source.parquet")
        (self.repo / "feature_store.yaml").write_text(f"""project: {PROJECT}
registry: data/registry.db
provider: local
online_store:
  type: redis
  connection_string: "127.0.0.1:{self.redis_port}"
offline_store:
  type: file
entity_key_serialization_version: 3
""")
        types = {"Float64": "Float64", "Int64": "Int64", "String": "String", "Bool": "Bool"}
        fields = ",\n        ".join(f'Field(name="{n}", dtype={types[t]})' for n, t in FEATURES)
        (self.repo / "features.py").write_text(f'''from datetime import timedelta

from feast import Entity, FeatureView, Field, FileSource, ValueType
from feast.types import Bool, Float64, Int64, String

{ENTITY} = Entity(name="{ENTITY}", join_keys=["{JOIN_KEY}"], value_type=ValueType.INT64)
source = FileSource(name="features_source", path="{self.repo / "data" / "source.parquet"}", timestamp_field="event_ts")
{VIEW} = FeatureView(
    name="{VIEW}",
    entities=[{ENTITY}],
    ttl=timedelta(0),
    online=True,
    source=source,
    schema=[
        Field(name="{JOIN_KEY}", dtype=Int64),
        {fields},
    ],
)
''')
        t0 = time.perf_counter()
        r = subprocess.run([str(self.venv / "bin" / "feast"), "apply"], cwd=self.repo, env=self.env,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"feast apply failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        return time.perf_counter() - t0

    def start(self, timeout: float = 120) -> float:
        import requests

        self.port = free_port()
        self.log_path = self.repo / "serve.log"
        self._log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(self.venv / "bin" / "feast"), "serve", "-h", "127.0.0.1", "-p", str(self.port),
                                      "-w", str(self.workers), "--no-access-log", "--max-requests", "0", "-r", "3600"],
                                     cwd=self.repo, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        body = request_body([1])
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("feast serve exited:\n" + tail(self.log_path))
            try:
                r = requests.post(f"http://127.0.0.1:{self.port}/get-online-features", json=body, timeout=5)
                if r.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("feast serve not ready:\n" + tail(self.log_path))
            time.sleep(0.2)
        return time.perf_counter() - t0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------

def columns_by_name(resp_json: dict) -> dict[str, dict]:
    return dict(zip(resp_json["metadata"]["feature_names"], resp_json["results"]))


def check_against_source(resp_json: dict, ids: list[int], src: dict[int, dict], problems: list[str]) -> None:
    cols = columns_by_name(resp_json)
    for name, _ in FEATURES:
        col = cols.get(name)
        if col is None:
            problems.append(f"feature {name} missing from the response")
            continue
        for r, cid in enumerate(ids):
            expected = src[cid][name]
            if col["statuses"][r] != "PRESENT" or col["values"][r] != expected:
                problems.append(f"customer {cid} {name}: got {col['values'][r]!r} ({col['statuses'][r]}), expected {expected!r}")
                return
        ts = src[ids[0]]["event_ts"]
        got = col["event_timestamps"][0]
        if got.replace("Z", "+00:00")[:19] != ts.isoformat()[:19]:
            problems.append(f"event timestamp {got} != {ts.isoformat()}")
            return


def compare_responses(a: dict, b: dict, problems: list[str], what: str) -> int:
    ca, cb = columns_by_name(a), columns_by_name(b)
    diffs = 0
    for name, _ in FEATURES:
        x, y = ca.get(name), cb.get(name)
        if x is None or y is None or x["values"] != y["values"] or x["statuses"] != y["statuses"]:
            diffs += 1
            if diffs == 1:
                problems.append(f"{what}: {name} differs: {x and x['values'][:3]} / {y and y['values'][:3]}")
    return diffs


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def us(x) -> str:
    if x is None:
        return "-"
    if x < 0:
        return "inf"
    return f"{x / 1000:.2f}" if x < 10_000 else f"{x / 1000:.0f}"


def describe(label: str, r: dict) -> str:
    lat = r["lat_us"]
    cpu = r.get("cpu", {})
    span = r.get("wall_s") or 1  # CPU is counted over the generator's whole run (warm-up, drain)
    extra = f"  svc p99 {us(r['svc_us']['p99'])}" if "svc_us" in r else ""
    errs = f"  ERRORS {r['errors']} ({r.get('first_error')})" if r.get("errors") else ""
    inc = f"  UNANSWERED {r['incomplete']}" if r.get("incomplete") else ""
    return (f"  {label:<34} {r['achieved_rps']:8.0f} req/s  p50 {us(lat['p50'])}  p99 {us(lat['p99'])}  "
            f"p99.9 {us(lat['p999'])}  max {us(lat['max'])} ms{extra}  "
            f"cpu/s srv {cpu.get('server', 0) / span:.2f}" + (f" redis {cpu['redis'] / span:.2f}" if cpu.get("redis") else "")
            + f" gen {cpu.get('generator', 0) / span:.2f} "
            f"oth {cpu.get('other', 0) / span:.2f}{errs}{inc}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar", help="gateway jar (quarkus-run.jar)")
    ap.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
    ap.add_argument("--heap", default="1g", help="-Xmx for the gateway (default 1g)")
    ap.add_argument("--jvm-arg", action="append", default=[], help="more JVM options for the gateway")
    ap.add_argument("--redis-server", default="redis-server")
    ap.add_argument("--feast-venv", help="venv with feast[redis] installed; the Feast baseline is skipped without it")
    ap.add_argument("--feast-workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    ap.add_argument("--rate", type=float, default=1000.0, help="open-loop request rate (default 1000/s)")
    ap.add_argument("--warmup", type=float, default=5.0, help="unmeasured open-loop warm-up, s (default 5)")
    ap.add_argument("--duration", type=float, default=20.0, help="measured open-loop duration, s (default 20)")
    ap.add_argument("--drain", type=float, default=10.0, help="wait for late answers after an open-loop run, s")
    ap.add_argument("--max-duration", type=float, default=10.0, help="closed-loop max-throughput runs, s (default 10)")
    ap.add_argument("--max-conns", type=int, default=16, help="connections of the max-throughput runs (default 16)")
    ap.add_argument("--sustain-duration", type=float, default=8.0, help="measured s per max-sustainable-rate step (default 8)")
    ap.add_argument("--feast-duration", type=float, default=10.0, help="measured open-loop duration against Feast, s")
    ap.add_argument("--jit-warmup", type=float, default=8.0, help="unmeasured closed-loop warm-up per shape, s (default 8)")
    ap.add_argument("--redis-arg", action="append", default=[], help="more redis-server options, e.g. --redis-arg=--hash-max-listpack-entries=16")
    ap.add_argument("--quick", action="store_true", help="short phases for a smoke test")
    ap.add_argument("--profile", action="store_true", help="JFR on the gateway; prints its hot methods")
    ap.add_argument("--shapes", default="1,100", help="entities per request to measure, comma list (default 1,100)")
    ap.add_argument("--json-out", help="also write all figures to this JSON file")
    ap.add_argument("--packed-only", action="store_true",
                    help="only the packed layout, raw Redis MGET and the floor (no hash layout, HGETALL/HMGET or Feast)")
    args = ap.parse_args()
    global SHAPES
    SHAPES = tuple(int(n) for n in args.shapes.split(","))
    if args.quick:
        args.warmup, args.duration, args.drain, args.max_duration, args.feast_duration, args.jit_warmup = 2, 4, 5, 3, 3, 3
        args.sustain_duration = 3

    t_start = time.perf_counter()
    load1 = os.getloadavg()[0]
    log("== 1. Table")
    table_dir, gen_info = ensure_table(Path(args.data_dir), args.customers, args.seed)
    app = Path(args.app).resolve()
    if not app.exists():
        ap.error(f"gateway jar {app} not found (build it, or pass --app)")

    problems: list[str] = []
    res: dict = {"generation": gen_info, "customers": args.customers, "rate": args.rate}
    tmp = Path(tempfile.mkdtemp(prefix="goldgate-features-bench-"))
    token = "bench-" + secrets.token_urlsafe(24)
    shares_dir, defs_dir = tmp / "shares", tmp / "feature-defs"
    shares_dir.mkdir()
    defs_dir.mkdir()
    write_catalog(shares_dir, {TABLE: table_dir}, token)
    write_feature_defs(defs_dir)
    redis = RedisServer(args.redis_server, tmp, [a for x in args.redis_arg for a in x.split("=", 1)])
    jfr = tmp / "gateway.jfr"
    extra = ["-Dgoldgate.features.enabled=true", f"-Dgoldgate.features.dir={defs_dir}", *args.jvm_arg]
    gw = Gateway(args.java, app, shares_dir, token, tmp / "gateway.log", args.heap, extra_args=extra)
    feast = None
    load = Load(args.java, tmp)

    # request bodies: 2,000 per shape, random customers
    rnd = random.Random(args.seed)
    bodies: dict[int, list[bytes]] = {}
    files: dict[int, dict[str, Path]] = {}
    fields = redis_fields()
    for n in SHAPES:
        bodies[n] = []
        resp_payloads, hmget_payloads, http_payloads = [], [], []
        packed_http, packed_bodies, mget_payloads = [], [], []
        for _ in range(2000):
            ids = rnd.sample(range(1, args.customers + 1), n)
            b = json.dumps(request_body(ids), separators=(",", ":")).encode()
            bodies[n].append(b)
            http_payloads.append(http_request(b, token))
            resp_payloads.append(b"".join(resp(b"HGETALL", redis_key(i)) for i in ids))
            hmget_payloads.append(b"".join(resp(b"HMGET", redis_key(i), *fields) for i in ids))
            pb = json.dumps(request_body(ids, PACKED_VIEW), separators=(",", ":")).encode()
            packed_bodies.append(pb)
            packed_http.append(http_request(pb, token))
            mget_payloads.append(resp(b"MGET", *(packed_key(i) for i in ids)))
        f = {"http": tmp / f"http-{n}.bin", "resp": tmp / f"resp-{n}.bin", "hmget": tmp / f"hmget-{n}.bin",
             "bodies": tmp / f"bodies-{n}.txt", "http_packed": tmp / f"http-packed-{n}.bin",
             "bodies_packed": tmp / f"bodies-packed-{n}.txt", "mget": tmp / f"mget-{n}.bin"}
        write_payloads(f["http_packed"], packed_http)
        write_payloads(f["mget"], mget_payloads)
        f["bodies_packed"].write_text("\n".join(b.decode() for b in packed_bodies) + "\n")
        write_payloads(f["http"], http_payloads)
        write_payloads(f["resp"], resp_payloads)
        write_payloads(f["hmget"], hmget_payloads)
        f["bodies"].write_text("\n".join(b.decode() for b in bodies[n]) + "\n")
        files[n] = f
    res["request_bytes"] = {n: sum(map(len, bodies[n])) / len(bodies[n]) for n in SHAPES}

    try:
        import requests

        log("\n== 2. Redis, gateway, materialization")
        redis.start()
        os.environ["GOLDGATE_REDIS_URL"] = f"redis://127.0.0.1:{redis.port}"
        os.environ["GOLDGATE_ADMIN_TOKEN"] = secrets.token_urlsafe(32)
        log(f"  redis-server on port {redis.port}")
        load.redis_pgid = redis.proc.pid
        if args.feast_venv and not args.packed_only:
            feast = FeastServer(Path(args.feast_venv), tmp / "feast_repo", redis.port, table_dir, args.feast_workers)
            t = feast.apply()
            log(f"  feast apply: {t:.1f} s")
        gw.start()
        res["startup_s"] = gw.startup_s
        log(f"  gateway ready in {gw.startup_s:.1f} s on port {gw.port}; log {gw.log_path}")
        auth = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        r = requests.post(f"{gw.base}/admin/features/views/{VIEW}/materialize",
                          headers={"Authorization": f"Bearer {os.environ['GOLDGATE_ADMIN_TOKEN']}"}, timeout=600)
        mat_s = time.perf_counter() - t0
        if r.status_code != 200:
            raise RuntimeError(f"materialize answered {r.status_code}: {r.text[:500]}")
        prog = r.json()
        dbsize = int(redis.call(b"DBSIZE")[1:].strip())
        # the gateway's own keys (watermark, audit stream and counters) are not entity hashes
        own = int(redis.call(b"EVAL", b"return #redis.call('KEYS', 'goldgate:*')", b"0")[1:].strip())
        mem = redis.call(b"INFO", b"memory").decode(errors="replace")
        used = next((x.split(":")[1].strip() for x in mem.splitlines() if x.startswith("used_memory_human:")), "?")
        res["materialize"] = {"seconds": mat_s, "progress": prog, "rows_per_s": prog.get("rowsRead", 0) / mat_s,
                              "redis_keys": dbsize, "redis_memory": used}
        log(f"  materialize: {mat_s:.2f} s (server {prog.get('millis')} ms), {prog.get('rowsRead'):,} rows read, "
            f"{prog.get('written'):,} written, {prog.get('rowsRead', 0) / mat_s:,.0f} rows/s; Redis {dbsize:,} keys, {used}")
        if prog.get("rowsRead") != args.customers or prog.get("written") != args.customers or dbsize - own != args.customers:
            problems.append(f"materialize: {prog}, {dbsize} Redis keys")
        t0 = time.perf_counter()
        r = requests.post(f"{gw.base}/admin/features/views/{PACKED_VIEW}/materialize",
                          headers={"Authorization": f"Bearer {os.environ['GOLDGATE_ADMIN_TOKEN']}"}, timeout=600)
        pmat_s = time.perf_counter() - t0
        pprog = r.json() if r.status_code == 200 else {}
        mem = redis.call(b"INFO", b"memory").decode(errors="replace")
        pused = next((x.split(":")[1].strip() for x in mem.splitlines() if x.startswith("used_memory_human:")), "?")
        res["materialize_packed"] = {"seconds": pmat_s, "progress": pprog, "redis_memory_after": pused}
        log(f"  materialize {PACKED_VIEW} (packed): {pmat_s:.2f} s, {pprog.get('written')} written; Redis {used} -> {pused}")
        if r.status_code != 200 or pprog.get("written") != args.customers:
            problems.append(f"materialize packed: {r.status_code} {r.text[:300]}")

        # correctness
        ids = [1, args.customers // 2, args.customers]
        src = source_rows(table_dir, ids)
        g = requests.post(f"{gw.base}/get-online-features", headers=auth, json=request_body(ids), timeout=30)
        if g.status_code != 200:
            raise RuntimeError(f"get-online-features answered {g.status_code}: {g.text[:500]}")
        check_against_source(g.json(), ids, src, problems)
        gp = requests.post(f"{gw.base}/get-online-features", headers=auth, json=request_body(ids + [args.customers + 12345], PACKED_VIEW), timeout=30)
        gh = requests.post(f"{gw.base}/get-online-features", headers=auth, json=request_body(ids + [args.customers + 12345]), timeout=30)
        check_against_source(gp.json(), ids, src, problems)
        if gp.json()["results"] != gh.json()["results"]:
            problems.append("the packed view's answer differs from the hash view's")
        nf = columns_by_name(requests.post(f"{gw.base}/get-online-features", headers=auth,
                                           json=request_body([args.customers + 12345]), timeout=30).json())
        if any(nf[name]["statuses"][0] != "NOT_FOUND" for name, _ in FEATURES):
            problems.append("an unknown customer is not NOT_FOUND")
        res["response_bytes"] = {}
        for n in SHAPES:
            rb = requests.post(f"{gw.base}/get-online-features", headers={**auth, "Content-Type": "application/json"},
                               data=bodies[n][0], timeout=30)
            res["response_bytes"][n] = len(rb.content)
        log(f"  answers check: {'OK' if not problems else problems}; response sizes "
            + ", ".join(f"{n}x50 {res['response_bytes'][n] / 1000:.1f} kB" for n in SHAPES))

        gpg = gw.proc.pid
        res["goldgate"], res["redis"], res["feast"] = {}, {}, {}
        log(f"\n== 3. Goldgate load (open loop: Java generator; max: {'wrk' if load.wrk else 'Java generator, closed loop'})")
        for n in SHAPES if not args.packed_only else ():  # JIT warm-up of the gateway (and the generator's classes), not measured
            w = load.run(gw.port, files[n]["http"], gpg, loop="closed", warmup=0, duration=args.jit_warmup, conns=4)
            log(describe(f"{n}x50 JIT warm-up, closed loop c=4", w))
        jcmd = str(Path(args.java).with_name("jcmd"))
        if args.profile:  # JFR over the measured Goldgate runs only
            subprocess.run([jcmd, str(gpg), "JFR.start", "name=bench", "settings=profile", f"filename={jfr}"],
                           check=True, capture_output=True)
        for n in SHAPES if not args.packed_only else ():
            o = load.run(gw.port, files[n]["http"], gpg, rate=args.rate, warmup=args.warmup, duration=args.duration, drain=args.drain)
            log(describe(f"{n}x50 open loop @ {args.rate:.0f}/s", o))
            m = load.max_throughput(gw.port, files[n]["bodies"], files[n]["http"], token, gpg, args.max_duration, args.max_conns)
            log(describe(f"{n}x50 max, closed loop c={args.max_conns}", m))
            s = sustainable(load, gw.port, files[n]["http"], gpg, n, m["achieved_rps"], args.sustain_duration)
            res["goldgate"][n] = {"open": o, "max": m, "sustained": s}
            for x in (o, m, *s):
                if x.get("errors"):
                    problems.append(f"goldgate {n}x50: {x['errors']} errors ({x.get('first_error')})")

        log(f"\n== 3b. Goldgate load, packed layout ({PACKED_VIEW})")
        res["goldgate_packed"] = {}
        for n in SHAPES:
            w = load.run(gw.port, files[n]["http_packed"], gpg, loop="closed", warmup=0, duration=args.jit_warmup, conns=4)
            log(describe(f"{n}x50 packed JIT warm-up, closed loop c=4", w))
        for n in SHAPES:
            o = load.run(gw.port, files[n]["http_packed"], gpg, rate=args.rate, warmup=args.warmup, duration=args.duration, drain=args.drain)
            log(describe(f"{n}x50 packed open loop @ {args.rate:.0f}/s", o))
            m = load.max_throughput(gw.port, files[n]["bodies_packed"], files[n]["http_packed"], token, gpg, args.max_duration, args.max_conns)
            log(describe(f"{n}x50 packed max, closed loop c={args.max_conns}", m))
            s = sustainable(load, gw.port, files[n]["http_packed"], gpg, n, m["achieved_rps"], args.sustain_duration)
            res["goldgate_packed"][n] = {"open": o, "max": m, "sustained": s}
            for x in (o, m, *s):
                if x.get("errors"):
                    problems.append(f"goldgate packed {n}x50: {x['errors']} errors ({x.get('first_error')})")
        if args.profile:
            subprocess.run([jcmd, str(gpg), "JFR.stop", "name=bench"], check=True, capture_output=True)

        raw = (("redis", "resp", "the same pipelined HGETALLs Goldgate sends", None),
               ("redis_mget", "mget", "one MGET of the packed values, as Goldgate sends for the packed layout", 1),
               ("redis_hmget", "hmget", "pipelined HMGETs of the 51 fields, as Feast sends", None))
        for key, payload, what, replies in raw if not args.packed_only else raw[1:2]:
            log(f"\n== 4a. Raw Redis: {what}, Java generator")
            res[key] = {}
            for n in SHAPES:
                o = load.run(redis.port, files[n][payload], redis.proc.pid, mode=f"resp:{replies or n}", rate=args.rate,
                             warmup=2, duration=args.max_duration, drain=args.drain)
                log(describe(f"{n} keys open loop @ {args.rate:.0f}/s", o))
                m = load.run(redis.port, files[n][payload], redis.proc.pid, mode=f"resp:{replies or n}", loop="closed",
                             warmup=1, duration=min(args.max_duration, 5), conns=args.max_conns)
                log(describe(f"{n} keys max, closed loop c={args.max_conns}", m))
                res[key][n] = {"open": o, "max": m}

        floor_phase(args, load, files, gw, redis, auth, res)

        if feast and not args.packed_only:
            log(f"\n== 4b. Feast {args.feast_workers}-worker feature server (feast serve) on the same Redis")
            t = feast.start()
            log(f"  feast serve ready in {t:.1f} s on port {feast.port}")
            for n, ids_ in ((3, ids), (100, json.loads(bodies[100][0])["entities"][JOIN_KEY])):
                body = request_body(ids_)
                a = requests.post(f"{gw.base}/get-online-features", headers=auth, json=body, timeout=30).json()
                b = requests.post(f"http://127.0.0.1:{feast.port}/get-online-features", json=body, timeout=60).json()
                d = compare_responses(a, b, problems, f"Feast vs Goldgate, {n} entities")
                log(f"  Feast's answer for {n} entities x 50 features vs Goldgate's: "
                    + ("identical values and statuses" if d == 0 else f"{d} features differ"))
            fpg = feast.proc.pid
            for n in SHAPES:
                o = load.run(feast.port, files[n]["http"], fpg, rate=args.rate, warmup=3, duration=args.feast_duration, drain=args.drain)
                log(describe(f"{n}x50 open loop @ {args.rate:.0f}/s", o))
                m = load.max_throughput(feast.port, files[n]["bodies"], files[n]["http"], token, fpg, args.max_duration, args.max_conns)
                log(describe(f"{n}x50 max, closed loop c={args.max_conns}", m))
                s = sustainable(load, feast.port, files[n]["http"], fpg, n, m["achieved_rps"], args.sustain_duration)
                res["feast"][n] = {"open": o, "max": m, "sustained": s}
    finally:
        if feast:
            feast.stop()
        gw_log = gw.log_path
        gw.stop()
        redis.stop()

    # --- report ---------------------------------------------------------------------------------
    print()
    print("=" * 112)
    print(f"Goldgate online features benchmark ({os.cpu_count()} CPUs, load avg before start {load1:.2f}; "
          f"gateway -Xmx{args.heap}, {app})")
    mt = res["materialize"]
    print(f"Table: {args.customers:,} customers x {N_FEATURES} features (20 float64, 10 int64, 10 string, 10 bool), "
          f"{gen_info['files']} Parquet files, {gen_info['bytes'] / 1e6:.0f} MB")
    print(f"Materialize {VIEW}: {mt['seconds']:.2f} s, {mt['rows_per_s']:,.0f} rows/s; Redis {mt['redis_keys']:,} keys, {mt['redis_memory']}")
    print("Request " + " / ".join(f"{res['request_bytes'][n]:.0f} B" for n in SHAPES) + ", response "
          + " / ".join(f"{res['response_bytes'][n] / 1000:.1f} kB" for n in SHAPES) + " (" + " / ".join(f"{n}x50" for n in SHAPES) + ")")
    print("Latency (ms) from the scheduled send time, open loop; 'max' rows: closed loop "
          f"({'wrk -t1' if load.wrk else 'Java generator'}, {args.max_conns} connections), latency from the send.")
    print("-" * 112)
    print(f"{'system / shape / load':<44}{'req/s':>9}{'p50':>9}{'p99':>9}{'p99.9':>9}{'max':>9}  {'server CPU/s':>12}{'Redis CPU/s':>12}{'gen CPU/s':>12}")
    for sysname, key in (("Goldgate", "goldgate"), ("Goldgate packed", "goldgate_packed"), ("raw Redis MGET", "redis_mget"),
                         ("floor (HTTP only)", "floor"), ("floor (HTTP + MGET)", "floor_redis"), ("raw Redis HGETALL", "redis"), ("raw Redis HMGET", "redis_hmget"),
                         ("Feast serve", "feast")):
        for n in SHAPES:
            runs = res.get(key, {}).get(n)
            if not runs:
                continue
            rows = ([("open", runs["open"])] if "open" in runs else []) + [("max", runs["max"])] + [("sustained", x) for x in runs.get("sustained", [])]
            for kind, r in rows:
                label = {"open": f"open @ {args.rate:.0f}/s", "max": "max (closed loop)",
                         "sustained": f"open @ {r.get('rate', 0):.0f}/s" + (" SUSTAINED" if r.get("sustainable") else "")}[kind]
                lat = r["lat_us"]
                flag = (" ERR" if r.get("errors") else "") + (f" {r['incomplete']} unanswered" if r.get("incomplete") else "")
                print(f"{sysname + f' {n}x50 ' + label:<44}{r['achieved_rps']:>9.0f}{us(lat['p50']):>9}{us(lat['p99']):>9}"
                      f"{us(lat['p999']):>9}{us(lat['max']):>9}  {r['cpu']['server'] / (r.get('wall_s') or 1):>12.2f}"
                      f"{(r['cpu']['redis'] if not key.startswith('redis') else r['cpu']['server']) / (r.get('wall_s') or 1):>12.2f}"
                      f"{r['cpu']['generator'] / (r.get('wall_s') or 1):>12.2f}{flag}")
    print("-" * 112)
    print("Goals:")
    for n in SHAPES if res["goldgate"] else ():
        o = res["goldgate"][n]["open"]
        p99 = o["lat_us"]["p99"]
        ok = p99 is not None and 0 <= p99 <= GOAL_P99_MS[n] * 1000 and not o.get("incomplete") and not o.get("errors")
        print(f"  Goldgate {n}x50 p99 <= {GOAL_P99_MS[n]:g} ms at {args.rate:.0f} req/s: {us(p99)} ms "
              f"(achieved {o['achieved_rps']:.0f} req/s)  {'PASS' if ok else 'FAIL'}")
    for n in SHAPES:
        o = res["goldgate_packed"][n]["open"]
        p99 = o["lat_us"]["p99"]
        ok = p99 is not None and 0 <= p99 <= GOAL_PACKED_P99_MS[n] * 1000 and not o.get("incomplete") and not o.get("errors")
        print(f"  Goldgate packed {n}x50 p99 <= {GOAL_PACKED_P99_MS[n]:g} ms at {args.rate:.0f} req/s: {us(p99)} ms "
              f"(achieved {o['achieved_rps']:.0f} req/s)  {'PASS' if ok else 'FAIL'}")
    for n in SHAPES:
        pm, rm = res["goldgate_packed"][n]["max"]["achieved_rps"], res["redis_mget"][n]["max"]["achieved_rps"]
        ratio = pm / max(1e-9, rm)
        print(f"  Goldgate packed {n}x50 max >= {GOAL_PACKED_VS_RAW:g}x raw Redis MGET max: {pm:.0f} vs {rm:.0f} req/s = {ratio:.2f}x  "
              f"{'PASS' if ratio >= GOAL_PACKED_VS_RAW else 'FAIL'}")
        for key, what in (("floor", "the HTTP stack alone"), ("floor_redis", "the HTTP stack and the same MGET")):
            floor = res.get(key, {}).get(n)
            if floor:
                fm = floor["max"]["achieved_rps"]
                print(f"    floor: {what} answers {fm:.0f} req/s = {fm / max(1e-9, rm):.2f}x raw Redis; "
                      f"Goldgate packed = {pm / max(1e-9, fm):.2f}x that"
                      + (f" (no HTTP gateway on this stack reaches {GOAL_PACKED_VS_RAW:g}x here)" if fm < GOAL_PACKED_VS_RAW * rm else ""))
    for n in SHAPES:
        line = f"  max sustainable rate {n}x50 (p99 <= {SUSTAIN_SLO_MS[n]:g} ms, open loop): "
        if res["goldgate"]:
            line += f"Goldgate {sustained_rate(res['goldgate'][n]['sustained'])}, "
        line += f"Goldgate packed {sustained_rate(res['goldgate_packed'][n]['sustained'])}"
        if res.get("feast"):
            line += f", Feast {sustained_rate(res['feast'][n]['sustained'])}"
        print(line)
    if res.get("feast") and res["goldgate"]:
        for n in SHAPES:  # throughput at the same p99 SLO: the max sustainable rates above
            g = [r for r in res["goldgate"][n]["sustained"] if r.get("sustainable")]
            f = [r for r in res["feast"][n]["sustained"] if r.get("sustainable")]
            if g:
                gr = g[0]["rate"]
                fr = f[0]["rate"] if f else res["feast"][n]["sustained"][-1]["rate"]
                ratio = gr / fr
                print(f"  Goldgate {n}x50 >= {GOAL_FEAST_FACTOR:g}x Feast's max sustainable rate at p99 <= {SUSTAIN_SLO_MS[n]:g} ms: "
                      f"{gr:.0f} vs {'' if f else '< '}{fr:.0f} req/s = {'' if f else '> '}{ratio:.1f}x  "
                      f"{'PASS' if ratio >= GOAL_FEAST_FACTOR else 'FAIL'}")
        for n in SHAPES:
            g, f = res["goldgate"][n]["max"], res["feast"][n]["max"]
            ratio = g["achieved_rps"] / max(1e-9, f["achieved_rps"])
            eq = g["lat_us"]["p99"] <= f["lat_us"]["p99"]
            print(f"  Goldgate {n}x50 max throughput >= {GOAL_FEAST_FACTOR:g}x Feast's at equal p99: {g['achieved_rps']:.0f} vs "
                  f"{f['achieved_rps']:.0f} req/s = {ratio:.1f}x, p99 {us(g['lat_us']['p99'])} vs {us(f['lat_us']['p99'])} ms  "
                  f"{'PASS' if ratio >= GOAL_FEAST_FACTOR and eq else 'FAIL'}")
    else:
        print("  Feast comparison: skipped (no --feast-venv)")
    print(f"Correctness: {'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems)}")
    print(f"Total run time {time.perf_counter() - t_start:.0f} s")
    print("=" * 112)
    if args.profile and jfr.exists():
        jfr_tool = Path(args.java).with_name("jfr")
        print(f"\nGateway hot methods (JFR execution samples during the measured Goldgate runs, {jfr}):")
        out = subprocess.run([str(jfr_tool), "view", "--width", "160", "hot-methods", str(jfr)], capture_output=True, text=True)
        print("\n".join(out.stdout.splitlines()[:40]))
        out = subprocess.run([str(jfr_tool), "view", "--width", "160", "allocation-by-class", str(jfr)], capture_output=True, text=True)
        print("\n".join(out.stdout.splitlines()[:20]))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2, default=str))
    if problems or args.profile:
        log(f"(kept {tmp} for inspection; gateway log {gw_log})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
