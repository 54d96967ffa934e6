#!/usr/bin/env python3
"""Goldgate freshness benchmark: the lag from a Delta commit to its values served online.

    # the Python of src/test/python/requirements.txt (pyarrow, deltalake, requests)
    python bench/freshness_bench.py --app target/quarkus-app/quarkus-run.jar \\
        [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [--schedule PT2S] [--commits 50]

    Needs redis-server on PATH (or --redis-server; the Java tests leave one extracted at
    /tmp/goldgate-test-redis-server-6.2.6). About --commits x (schedule + 1 s) plus 20 s start-up.

What it does: writes a Delta table with delta-rs (--customers rows, one per customer), a share
catalog and one feature view over it with ``schedule: --schedule`` (nothing else materializes it),
starts redis-server and the gateway, waits for the first scheduled run, then --commits times:
appends one row (write_deltalake, mode=append) giving one customer a new value with a newer event
time, and polls POST /get-online-features every --poll-ms until that value is served. The lag of a
commit is from write_deltalake's return to the first answer carrying the new value. Commits are
spaced by a random fraction of the schedule so they land anywhere in its period. Prints every lag,
then the median, p90, p99 and maximum.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import requests
from deltalake import write_deltalake

TOKEN = "goldgate-freshness-bench-token"
ADMIN_TOKEN = "goldgate-freshness-bench-admin-token-local-only"
VIEW = "fresh_stats"
BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
EMBEDDED_REDIS = Path("/tmp/goldgate-test-redis-server-6.2.6")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rows(ids: list[int], values: list[float], at: dt.datetime) -> pa.Table:
    return pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "value": pa.array(values, pa.float64()),
        "event_ts": pa.array([at] * len(ids), pa.timestamp("us", tz="UTC")),
    })


def parse_duration_s(iso: str) -> float:
    if not iso.startswith("PT") or not iso.endswith("S"):
        raise SystemExit(f"--schedule {iso}: use seconds, such as PT2S")
    return float(iso[2:-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="target/quarkus-app/quarkus-run.jar")
    ap.add_argument("--java", default=os.environ.get("JAVA", "java"))
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or str(EMBEDDED_REDIS))
    ap.add_argument("--schedule", default="PT2S")
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--poll-ms", type=int, default=10)
    args = ap.parse_args()
    period = parse_duration_s(args.schedule)

    work = Path(tempfile.mkdtemp(prefix="goldgate-freshness-"))
    table = work / "table"
    ids = list(range(1, args.customers + 1))
    write_deltalake(str(table), rows(ids, [float(i) for i in ids], BASE_TIME))
    shares, defs = work / "shares", work / "defs"
    shares.mkdir()
    defs.mkdir()
    (shares / "bench.yaml").write_text(f"""
shares:
  - name: bench
    schemas:
      - name: s
        tables:
          - name: t
            location: {table}
recipients:
  - name: bench
    tokens:
      - hash: sha256:{hashlib.sha256(TOKEN.encode()).hexdigest()}
    shares: [bench]
""")
    (defs / "bench.yaml").write_text(f"""
entities:
  - name: customer
    joinKeys: [{{name: customer_id, type: Int64}}]
featureViews:
  - name: {VIEW}
    source: {{table: bench.s.t}}
    entities: [customer]
    timestampColumn: event_ts
    schedule: {args.schedule}
    features:
      - {{name: value, type: Float64}}
""")
    redis_port, port = free_port(), free_port()
    procs = []
    try:
        procs.append(subprocess.Popen([args.redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        env = dict(os.environ, GOLDGATE_SHARES_DIR=str(shares), GOLDGATE_FEATURES_DIR=str(defs),
                   GOLDGATE_REDIS_URL=f"redis://127.0.0.1:{redis_port}", GOLDGATE_ADMIN_TOKEN=ADMIN_TOKEN,
                   GOLDGATE_STATE_DIR=str(work / "state"))
        log = open(work / "gateway.log", "wb")
        procs.append(subprocess.Popen([args.java, "--add-opens=java.base/java.nio=ALL-UNNAMED", f"-Dquarkus.http.port={port}",
                                       f"-Dquarkus.management.port={free_port()}", f"-Dgoldgate.flight.port={free_port()}",
                                       "-jar", args.app], env=env, stdout=log, stderr=subprocess.STDOUT))
        url = f"http://localhost:{port}/get-online-features"
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {TOKEN}"

        def served(customer: int):
            r = session.post(url, json={"features": [f"{VIEW}:value"], "entities": {"customer_id": [customer]}}, timeout=10)
            if r.status_code != 200:
                return None
            return r.json()["results"][1]["values"][0]

        deadline = time.monotonic() + 120
        while True:
            try:
                if served(1) == 1.0:
                    break
            except requests.RequestException:
                pass
            if procs[-1].poll() is not None:
                raise SystemExit(f"the gateway exited with {procs[-1].returncode}:\n{(work / 'gateway.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the first scheduled run did not serve within 120 s; see {work / 'gateway.log'}")
            time.sleep(0.2)
        print(f"table of {args.customers} customers served; schedule {args.schedule}; {args.commits} commits", flush=True)

        rng = random.Random(15)
        lags = []
        for n in range(1, args.commits + 1):
            time.sleep(rng.random() * period)
            customer = rng.choice(ids)
            value = 1_000_000.0 + n
            write_deltalake(str(table), rows([customer], [value], BASE_TIME + dt.timedelta(minutes=n)), mode="append")
            committed = time.monotonic()
            while served(customer) != value:
                if time.monotonic() - committed > 60:
                    raise SystemExit(f"commit {n} not served within 60 s; see {work / 'gateway.log'}")
                time.sleep(args.poll_ms / 1000)
            lags.append(time.monotonic() - committed)
            print(f"commit {n:3d}: served after {lags[-1] * 1000:7.0f} ms", flush=True)

        ordered = sorted(lags)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

        print(f"\ncommit-to-served lag over {len(lags)} commits, schedule {args.schedule}, poll {args.poll_ms} ms: "
              f"median {statistics.median(lags) * 1000:.0f} ms, p90 {pct(90) * 1000:.0f} ms, "
              f"p99 {pct(99) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
