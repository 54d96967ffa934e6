#!/usr/bin/env python3
"""Goldgate soak: mixed load at a fixed moderate rate for minutes, with the gateway's memory sampled.

    # the Python of src/test/python/requirements.txt (pyarrow, deltalake, requests)
    python bench/soak.py --app target/quarkus-app/quarkus-run.jar \\
        [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [--minutes 10] [--redis-server PATH]

What it does:
  1. Writes a share catalog (share bench, schema s: the sample lake's sales_daily and
     customer_features, one recipient whose token hash is in the catalog) and the sample feature
     definitions (feature-defs/customers.yaml) read from that share, into a temp dir; starts
     redis-server on a free loopback port (no persistence) and the gateway jar (helpers from
     sharing_bench.py and features_bench.py) with that Redis, Flight and online features on, and
     materializes the view customer_stats through the admin API.
  2. For --minutes (default 10) sends, each kind on its own fixed schedule (open loop: latency
     counts from the scheduled time, so a slow answer delays nothing and queueing shows):
       query     POST .../tables/{sales_daily|customer_features}/query, the whole NDJSON body read
                 and its file lines counted                          (--query-rate, default 4/s)
       download  GET of a pre-signed file URL from recent query answers, body length checked
                 against the size the query announced                (--download-rate, 8/s)
       flight    GetFlightInfo + DoGet of every endpoint of sales_daily over Arrow Flight, rows
                 checked                                             (--flight-rate, 2/s)
       lookup    POST /get-online-features, 1..10 random customers x 8 features, every value
                 PRESENT (or NULL_VALUE where the table holds a null)  (--lookup-rate, 20/s)
     about 34 requests/s in all, a fraction of what 2 cores serve: the soak looks for errors and
     growth over time, not for the maximum. A kind whose requests pile up (more than --backlog in
     flight) counts the ones it cannot send as errors ("overload").
  3. Samples the gateway's resident memory (VmRSS of /proc/<pid>/status) every --rss-interval s
     (default 5) and its CPU time.
  4. Prints, per kind: requests, errors by status (or exception / failed check), p50 / p99 / max
     latency after the warm-up (--warmup s, default 60); RSS min / max / final and its slope in MB
     per minute after the warm-up (least squares); the gateway's CPU (cores, on average); ERROR
     lines of the gateway log. Exits 1 on any error (or any ERROR log line, or a slope above
     --max-rss-slope when given), else 0. --json-out writes the figures as JSON.

Dependencies: pyarrow, deltalake, requests; redis-server (PATH, --redis-server, or the binary the
Java tests extract to /tmp/goldgate-test-redis-server-6.2.6); a JDK 21+ (--java).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features_bench import RedisServer  # noqa: E402
from sharing_bench import PREFIX, SCHEMA, SHARE, Gateway, free_port, log, write_catalog  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
LAKE = REPO_ROOT / "shares" / "sample-lake"
TABLES = ("sales_daily", "customer_features")
FLIGHT_TABLE = "sales_daily"
VIEW, JOIN_KEY = "customer_stats", "customer_id"
LOOKUP_FEATURES = ("segment", "lifetime_value", "orders_count", "avg_basket", "is_active", "churn_score",
                   "favorite_category", "last_order_ts")
EMBEDDED_REDIS = Path("/tmp/goldgate-test-redis-server-6.2.6")
KINDS = ("query", "download", "flight", "lookup")


class CheckFailed(Exception):
    """An answer with the right status but the wrong content."""


class Results:
    """Outcomes per kind: status or error counts over the whole run, latencies after the warm-up."""

    def __init__(self, measured_from: float):
        self.measured_from = measured_from
        self.lock = threading.Lock()
        self.outcomes = {k: collections.Counter() for k in KINDS}
        self.latencies = {k: [] for k in KINDS}
        self.first_errors: dict[str, str] = {}

    def ok(self, kind: str, scheduled: float, done: float) -> None:
        with self.lock:
            self.outcomes[kind]["ok"] += 1
            if scheduled >= self.measured_from:
                self.latencies[kind].append(done - scheduled)

    def error(self, kind: str, what: str, detail: str) -> None:
        with self.lock:
            self.outcomes[kind][what] += 1
            self.first_errors.setdefault(f"{kind} {what}", detail[:300])

    def errors(self) -> int:
        return sum(n for c in self.outcomes.values() for what, n in c.items() if what != "ok")


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[max(0, min(len(sorted_values) - 1, int(round(q * len(sorted_values) + 0.5)) - 1))]


def slope_per_minute(samples: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 3:
        return None
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_v = sum(v for _, v in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return None
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in samples) / var


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Soak:
    def __init__(self, gw: Gateway, token: str, flight_port: int, customers: list[int], flight_rows: int, args):
        import requests

        self.gw, self.token, self.args = gw, token, args
        self.flight_uri = f"grpc://127.0.0.1:{flight_port}"
        self.customers, self.flight_rows = customers, flight_rows
        self.local = threading.local()
        self.urls: collections.deque = collections.deque(maxlen=200)  # (url, size) from recent queries
        self.requests = requests

    # ---- one request of each kind; each raises on failure, the caller classifies

    def _session(self):
        s = getattr(self.local, "session", None)
        if s is None:
            s = self.local.session = self.requests.Session()
            s.headers["Authorization"] = f"Bearer {self.token}"
        return s

    def _flight(self):
        client = getattr(self.local, "flight", None)
        if client is None:
            from pyarrow import flight

            client = self.local.flight = flight.FlightClient(self.flight_uri)
        return client

    def query(self, rnd: random.Random) -> None:
        table = rnd.choice(TABLES)
        r = self._session().post(f"{self.gw.base}{PREFIX}/shares/{SHARE}/schemas/{SCHEMA}/tables/{table}/query", json={},
                                 timeout=60)
        if r.status_code != 200:
            raise StatusError(r.status_code, r.text)
        files = [json.loads(line)["file"] for line in r.text.splitlines() if line.startswith('{"file"')]
        if not files:
            raise CheckFailed(f"query of {table}: no file line in {r.text[:200]}")
        for f in files:
            self.urls.append((f["url"], f["size"]))

    def download(self, rnd: random.Random) -> None:
        if not self.urls:
            self.query(rnd)
        url, size = rnd.choice(list(self.urls))
        r = self.requests.get(url, timeout=60)  # pre-signed: no token
        if r.status_code != 200:
            raise StatusError(r.status_code, r.text)
        if len(r.content) != size:
            raise CheckFailed(f"download: {len(r.content)} bytes, the query said {size}")

    def flight(self, rnd: random.Random) -> None:
        from pyarrow import flight

        options = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {self.token}".encode())], timeout=60)
        client = self._flight()
        info = client.get_flight_info(flight.FlightDescriptor.for_path(SHARE, SCHEMA, FLIGHT_TABLE), options)
        rows = sum(client.do_get(e.ticket, options).read_all().num_rows for e in info.endpoints)
        if rows != self.flight_rows:
            raise CheckFailed(f"flight: {rows} rows, expected {self.flight_rows}")

    def lookup(self, rnd: random.Random) -> None:
        ids = rnd.sample(self.customers, rnd.randint(1, 10))
        body = {"features": [f"{VIEW}:{f}" for f in LOOKUP_FEATURES], "entities": {JOIN_KEY: ids}}
        r = self._session().post(f"{self.gw.base}/get-online-features", json=body, timeout=30)
        if r.status_code != 200:
            raise StatusError(r.status_code, r.text)
        statuses = {s for result in r.json()["results"] for s in result["statuses"]}
        if not statuses <= {"PRESENT", "NULL_VALUE"}:  # the sample has null features, never unknown customers
            raise CheckFailed(f"lookup of {ids}: statuses {sorted(statuses)}")

    # ---- schedule

    def run(self, results: Results, start: float, end: float) -> None:
        rates = {"query": self.args.query_rate, "download": self.args.download_rate, "flight": self.args.flight_rate,
                 "lookup": self.args.lookup_rate}
        threads = [threading.Thread(target=self._schedule, args=(kind, rate, results, start, end), name=f"soak-{kind}")
                   for kind, rate in rates.items() if rate > 0]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _schedule(self, kind: str, rate: float, results: Results, start: float, end: float) -> None:
        call = getattr(self, kind)
        in_flight = threading.BoundedSemaphore(self.args.backlog)
        rnd = random.Random(f"{self.args.seed}-{kind}")
        with ThreadPoolExecutor(max_workers=self.args.backlog, thread_name_prefix=f"soak-{kind}") as pool:
            i = 0
            while True:
                scheduled = start + i / rate
                if scheduled >= end:
                    break
                delay = scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                i += 1
                if not in_flight.acquire(blocking=False):
                    results.error(kind, "overload", f"more than {self.args.backlog} requests in flight")
                    continue
                seed = rnd.random()
                pool.submit(self._one, kind, call, random.Random(seed), scheduled, results, in_flight)

    def _one(self, kind, call, rnd, scheduled, results, in_flight) -> None:
        try:
            call(rnd)
            results.ok(kind, scheduled, time.monotonic())
        except StatusError as e:
            results.error(kind, str(e.status), e.body)
        except CheckFailed as e:
            results.error(kind, "check", str(e))
        except Exception as e:  # noqa: BLE001 - every failure is counted and named
            results.error(kind, type(e).__name__, str(e))
        finally:
            in_flight.release()


class StatusError(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"status {status}")
        self.status, self.body = status, body


def sample_rss(gw: Gateway, interval: float, stop: threading.Event, out: list[tuple[float, float]]) -> None:
    while not stop.is_set():
        rss = gw.rss_mb()
        if rss is not None:
            out.append((time.monotonic(), rss))
        stop.wait(interval)


def redis_binary(given: str | None) -> str:
    for candidate in (given, shutil.which("redis-server"), str(EMBEDDED_REDIS) if EMBEDDED_REDIS.is_file() else None):
        if candidate:
            return candidate
    raise SystemExit("no redis-server: put one on PATH or pass --redis-server (the Java tests extract one to "
                     f"{EMBEDDED_REDIS})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default=str(REPO_ROOT / "target/quarkus-app/quarkus-run.jar"))
    ap.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
    ap.add_argument("--redis-server", default=None)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=60.0, help="seconds left out of latencies and the RSS slope")
    ap.add_argument("--query-rate", type=float, default=4.0)
    ap.add_argument("--download-rate", type=float, default=8.0)
    ap.add_argument("--flight-rate", type=float, default=2.0)
    ap.add_argument("--lookup-rate", type=float, default=20.0)
    ap.add_argument("--backlog", type=int, default=16, help="requests of one kind in flight at most")
    ap.add_argument("--rss-interval", type=float, default=5.0)
    ap.add_argument("--max-rss-slope", type=float, default=None, help="fail when RSS grows faster (MB/min after warm-up)")
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json-out", default=None)
    args = ap.parse_args()
    if args.minutes * 60 <= args.warmup:
        ap.error(f"--minutes {args.minutes} leaves nothing after the {args.warmup:.0f} s warm-up")
    app = Path(args.app).resolve()
    if not app.is_file():
        ap.error(f"gateway jar {app} not found (./mvnw package, or pass --app)")

    import requests
    from deltalake import DeltaTable

    customers = sorted(DeltaTable(str(LAKE / "customer_features")).to_pyarrow_table(columns=[JOIN_KEY])[JOIN_KEY].to_pylist())
    flight_rows = DeltaTable(str(LAKE / FLIGHT_TABLE)).to_pyarrow_dataset().count_rows()

    tmp = Path(tempfile.mkdtemp(prefix="goldgate-soak-"))
    token, admin_token = "soak-" + secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    shares_dir, defs_dir = tmp / "shares", tmp / "feature-defs"
    shares_dir.mkdir()
    defs_dir.mkdir()
    write_catalog(shares_dir, {t: LAKE / t for t in TABLES}, token)
    # The sample's feature definitions, reading the soak share instead of the sample's.
    defs = (REPO_ROOT / "feature-defs" / "customers.yaml").read_text()
    (defs_dir / "customers.yaml").write_text(defs.replace("retail.gold.customer_features", f"{SHARE}.{SCHEMA}.customer_features"))

    redis = RedisServer(redis_binary(args.redis_server), tmp)
    gw = None
    failures: list[str] = []
    try:
        redis.start()
        flight_port = free_port()
        gw = Gateway(args.java, app, shares_dir, token, tmp / "gateway.log", args.heap, extra_args=[
            "-Dgoldgate.features.enabled=true", f"-Dgoldgate.features.dir={defs_dir}",
            f"-Dgoldgate.flight.port={flight_port}",
            f"-Dgoldgate.redis.url=redis://127.0.0.1:{redis.port}", f"-Dgoldgate.admin.token={admin_token}",
            f"-Dgoldgate.state.dir={tmp / 'state'}"])
        gw.start()
        log(f"gateway pid {gw.proc.pid} ready in {gw.startup_s:.1f} s: http {gw.port}, flight {flight_port}, "
            f"management {gw.management_port}; redis-server {redis.port}; log {gw.log_path}")
        r = requests.post(f"{gw.base}/admin/features/views/{VIEW}/materialize",
                          headers={"Authorization": f"Bearer {admin_token}"}, timeout=120)
        if r.status_code != 200:
            raise RuntimeError(f"materialize answered {r.status_code}: {r.text[:300]}")
        log(f"materialized {VIEW}: {r.json().get('written')} of {len(customers)} customers")

        soak = Soak(gw, token, flight_port, customers, flight_rows, args)
        for kind in KINDS:  # each kind once, so a setup mistake stops here and not after minutes
            getattr(soak, kind)(random.Random(args.seed))
        start = time.monotonic() + 1.0
        end = start + args.minutes * 60
        results = Results(measured_from=start + args.warmup)
        rss: list[tuple[float, float]] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(gw, args.rss_interval, stop, rss), daemon=True)
        sampler.start()
        cpu0 = proc_cpu_s(gw.proc.pid)
        log(f"soak: {args.minutes:g} min at query {args.query_rate:g}/s, download {args.download_rate:g}/s, "
            f"flight {args.flight_rate:g}/s, lookup {args.lookup_rate:g}/s (warm-up {args.warmup:.0f} s)")
        progress = threading.Thread(target=report_progress, args=(results, rss, start, end, stop), daemon=True)
        progress.start()
        soak.run(results, start, end)
        cpu = (proc_cpu_s(gw.proc.pid) - cpu0) / max(1e-9, time.monotonic() - start)
        stop.set()
        sampler.join()
        if gw.proc.poll() is not None:
            failures.append(f"the gateway exited with {gw.proc.returncode}")
        summary = summarize(results, rss, start, args, cpu)
    finally:
        if gw is not None:
            gw.stop()
        redis.stop()

    log_errors = [line for line in gw.log_path.read_text(errors="replace").splitlines() if re.search(r"\bERROR\b", line)]
    summary["gateway_log_errors"] = len(log_errors)
    print_summary(summary, results, log_errors)
    if results.errors():
        failures.append(f"{results.errors()} failed request(s)")
    if log_errors:
        failures.append(f"{len(log_errors)} ERROR line(s) in the gateway log {gw.log_path}")
    slope = summary["rss_mb"]["slope_per_min"]
    if args.max_rss_slope is not None and slope is not None and slope > args.max_rss_slope:
        failures.append(f"RSS grows {slope:.2f} MB/min after the warm-up (limit {args.max_rss_slope})")
    summary["failures"] = failures
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(summary, indent=2))
    log("FAILED: " + "; ".join(failures) if failures else "OK: no errors")
    return 1 if failures else 0


def report_progress(results: Results, rss: list, start: float, end: float, stop: threading.Event) -> None:
    while not stop.wait(60):
        with results.lock:
            done = {k: sum(c.values()) for k, c in results.outcomes.items()}
        memory = f"; RSS {rss[-1][1]:.0f} MB" if rss else ""
        log(f"  {(time.monotonic() - start) / 60:4.1f} min: " + ", ".join(f"{k} {n}" for k, n in done.items())
            + f"; errors {results.errors()}{memory}")


def summarize(results: Results, rss: list[tuple[float, float]], start: float, args, cpu_cores: float) -> dict:
    kinds = {}
    for kind in KINDS:
        lat = sorted(results.latencies[kind])
        outcome = dict(results.outcomes[kind])
        kinds[kind] = {
            "requests": sum(outcome.values()),
            "ok": outcome.pop("ok", 0),
            "errors": outcome,
            "latency_ms": {name: (None if v is None else round(v * 1000, 1))
                           for name, v in (("p50", percentile(lat, 0.5)), ("p99", percentile(lat, 0.99)),
                                           ("max", lat[-1] if lat else None))},
        }
    values = [v for _, v in rss]
    after = [(t - start, v) for t, v in rss if t - start >= args.warmup]
    slope = slope_per_minute(after)
    return {
        "minutes": args.minutes,
        "warmup_s": args.warmup,
        "rates_per_s": {"query": args.query_rate, "download": args.download_rate, "flight": args.flight_rate,
                        "lookup": args.lookup_rate},
        "kinds": kinds,
        "rss_mb": {"samples": len(values), "min": min(values) if values else None, "max": max(values) if values else None,
                   "final": values[-1] if values else None, "after_warmup_min": min(v for _, v in after) if after else None,
                   "slope_per_min": None if slope is None else round(slope, 3)},
        "gateway_cpu_cores": round(cpu_cores, 3),
        "first_errors": results.first_errors,
    }


def print_summary(summary: dict, results: Results, log_errors: list[str]) -> None:
    log(f"\n{'kind':<9} {'requests':>9} {'ok':>9}  {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  errors by status")
    for kind, k in summary["kinds"].items():
        lat = k["latency_ms"]
        fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
        errors = ", ".join(f"{what}: {n}" for what, n in sorted(k["errors"].items())) or "none"
        log(f"{kind:<9} {k['requests']:>9} {k['ok']:>9}  {fmt(lat['p50']):>8} {fmt(lat['p99']):>8} {fmt(lat['max']):>8}  {errors}")
    r = summary["rss_mb"]
    if r["samples"]:
        slope = "-" if r["slope_per_min"] is None else f"{r['slope_per_min']:+.2f} MB/min"
        log(f"\nRSS ({r['samples']} samples): min {r['min']:.0f} MB, max {r['max']:.0f} MB, final {r['final']:.0f} MB; "
            f"after the warm-up: min {r['after_warmup_min']:.0f} MB, slope {slope}")
    log(f"gateway CPU: {summary['gateway_cpu_cores']:.2f} cores on average; ERROR lines in its log: {len(log_errors)}")
    for line in log_errors[:5]:
        log(f"  {line[:300]}")
    for what, detail in summary["first_errors"].items():
        log(f"first {what}: {detail}")


if __name__ == "__main__":
    sys.exit(main())
