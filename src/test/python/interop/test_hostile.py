"""Hostile inputs against a live gateway: every input issue 14's probe found a hole with, and the
exact answer each now gets. The gateway stays responsive, its CPU returns to idle and what the
inputs can make it keep stays bounded.

This module starts its own gateways (``launch_gateway``) over a catalog written here:

* share ``hostile`` (schema ``gold``, table ``customers``: 50 rows written by delta-rs), granted to
  recipient ``fenced`` (IP allow-list ``10.0.0.0/8``: the tests connect from 127.0.0.1, so it is
  refused unless an address is spoofed) and to recipient ``open`` (no allow-list);
* feature view ``hostile_stats`` over that table (Redis database 4 of the session's Redis).

Gateway ``plain`` has the default configuration: no trusted proxy, so no forwarding header counts.
Gateway ``proxied`` trusts 127.0.0.1 as a reverse proxy: the client address is then the one the
nearest trusted proxy saw, the rightmost untrusted ``X-Forwarded-For`` entry.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as flight
import pytest
import redis
import requests
from deltalake import write_deltalake

from catalogs import Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, _free_port, launch_gateway, own_gateway_root

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
# "fenced" is created through the admin API (IP allow-lists belong to runtime recipients); its
# token is filled in by the fixture that activates it.
TOKENS = {"open": "goldgate-interop-hostile-open-token"}
TABLE = "hostile.gold.customers"
REDIS_DB = 4


def _auth(recipient: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[recipient]}"}


def _gateway_pid(url: str) -> int:
    """The pid of the gateway listening at ``url``, found by its command line."""
    port = url.rsplit(":", 1)[1]
    marker = f"-Dquarkus.http.port={port}".encode()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if marker in (proc / "cmdline").read_bytes().split(b"\0"):
                    return int(proc.name)
    raise AssertionError(f"no process serves {url}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / 100.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def assert_idle(url: str, seconds: float = 2.0, max_cores: float = 0.25) -> None:
    """The gateway uses at most ``max_cores`` on average over ``seconds``: nothing keeps spinning."""
    pid = _gateway_pid(url)
    deadline = time.monotonic() + 20
    while True:
        before = _cpu_seconds(pid)
        time.sleep(seconds)
        used = (_cpu_seconds(pid) - before) / seconds
        if used <= max_cores:
            return
        assert time.monotonic() < deadline, f"the gateway still uses {used:.2f} cores"


def assert_responsive(url: str) -> None:
    started = time.monotonic()
    r = requests.get(f"{url}/delta-sharing/shares", headers=_auth("open"), timeout=5)
    assert r.status_code == 200, r.text
    assert [s["name"] for s in r.json()["items"]] == ["hostile"]
    assert time.monotonic() - started < 2


@pytest.fixture(scope="module")
def setup(tmp_path_factory, served_catalog, redis_server):
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "hostile")
    table = root / "customers"
    ids = list(range(1, 51))
    write_deltalake(str(table), pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "region": pa.array([("EMEA", "APAC")[i % 2] for i in ids]),
        "score": pa.array([i * 0.25 for i in ids], pa.float64()),
        "updated_at": pa.array([dt.datetime(2025, 5, 1, tzinfo=UTC) + dt.timedelta(minutes=i) for i in ids],
                               pa.timestamp("us", tz="UTC")),
    }))
    shares = write_catalog(root / "shares", {TABLE: table}, [Recipient("open", TOKENS["open"], ["hostile"])])
    defs = write_feature_defs(root / "feature-defs", [
        View("hostile_stats", table=TABLE, timestamp_column="updated_at", features={"score": "Float64"})])
    return {"root": root, "shares": shares, "defs": defs, "redis": redis_server}


@contextlib.contextmanager
def _gateway(request, setup, name: str, extra_args=()):
    flight_port = _free_port()
    with launch_gateway(request.config, setup["root"] / f"{name}.log", shares_dir=setup["shares"],
                        redis_url=f"{setup['redis'].url}/{REDIS_DB}", flight_port=flight_port,
                        features_dir=setup["defs"], extra_args=[*extra_args, f"-Dgoldgate.state.dir={setup['root'] / name}"]) as url:
        r = requests.post(f"{url}/admin/features/views/hostile_stats/materialize", headers=ADMIN, timeout=120)
        assert r.status_code == 200, r.text
        # 127.0.0.1, not localhost: the allow-list messages name the IPv4 loopback on every face.
        yield {"url": url, "management": url.management_url, "flight": f"grpc://127.0.0.1:{flight_port}"}


@pytest.fixture(scope="module")
def plain(request, setup):
    with _gateway(request, setup, "plain") as gateway:
        r = requests.post(f"{gateway['url']}/admin/recipients", headers=ADMIN, timeout=10,
                          json={"name": f"fenced-{int(time.time() * 1000)}", "shares": ["hostile"], "ipAllowList": ["10.0.0.0/8"]})
        assert r.status_code in (200, 201), r.text
        profile = requests.post(r.json()["activation"]["url"], timeout=10)
        assert profile.status_code == 200, profile.text
        TOKENS["fenced"] = profile.json()["bearerToken"]
        yield gateway


@pytest.fixture(scope="module")
def proxied(request, setup, plain):
    # The recipients live in Redis, which both gateways share: "fenced" is known here too.
    with _gateway(request, setup, "proxied", ["-Dgoldgate.http.trusted-proxies=127.0.0.1/32"]) as gateway:
        yield gateway


def _shares(gateway, recipient: str, forwarded: str | None = None) -> requests.Response:
    headers = _auth(recipient)
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    return requests.get(f"{gateway['url']}/delta-sharing/shares", headers=headers, timeout=10)


def _lookup(gateway, recipient: str, forwarded: str | None = None) -> requests.Response:
    headers = _auth(recipient)
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    return requests.post(f"{gateway['url']}/get-online-features", headers=headers, timeout=10,
                         json={"features": ["hostile_stats:score"], "entities": {"customer_id": [1, 2]}})


def _flight_list(gateway, recipient: str, forwarded: str | None = None) -> list:
    headers = [(b"authorization", f"Bearer {TOKENS[recipient]}".encode())]
    if forwarded is not None:
        headers.append((b"x-forwarded-for", forwarded.encode()))
    client = flight.FlightClient(gateway["flight"])
    try:
        return list(client.list_flights(options=flight.FlightCallOptions(headers=headers, timeout=10)))
    finally:
        client.close()


# ---- client addresses ---------------------------------------------------------------------------

SPOOFS = ["10.1.2.3", "10.1.2.3, 203.0.113.9", "10.1.2.3,10.9.9.9", "for=10.1.2.3"]


@pytest.mark.parametrize("forwarded", SPOOFS)
def test_a_forwarding_header_from_an_untrusted_client_does_not_pass_an_ip_allow_list(plain, forwarded):
    r = _shares(plain, "fenced", forwarded)
    assert r.status_code == 403, r.text
    assert r.json()["errorCode"] == "PERMISSION_DENIED"
    assert "may not connect from 127.0.0.1" in r.json()["message"]
    assert _lookup(plain, "fenced", forwarded).status_code == 403
    with pytest.raises(flight.FlightUnauthorizedError, match="127.0.0.1"):
        _flight_list(plain, "fenced", forwarded)
    # feast serve's write surface authenticates the same way: the address is refused before any grant.
    push = requests.post(f"{plain['url']}/push", headers={**_auth("fenced"), "X-Forwarded-For": forwarded}, timeout=10,
                         json={"push_source_name": "hostile_stats", "to": "online", "df": {}})
    assert push.status_code == 403 and "may not connect from 127.0.0.1" in push.json()["message"], push.text
    assert _shares(plain, "open", forwarded).status_code == 200


def test_the_audit_log_records_the_real_address_not_the_forged_one(plain):
    started = dt.datetime.now(UTC).isoformat().replace("+00:00", "Z")
    assert _shares(plain, "open", "10.1.2.3").status_code == 200
    events = []
    for _ in range(100):
        r = requests.get(f"{plain['url']}/admin/audit", params={"recipient": "open", "from": started}, headers=ADMIN, timeout=10)
        assert r.status_code == 200, r.text
        events = r.json()["events"]
        if events:
            break
        time.sleep(0.05)
    assert events and {e["clientIp"] for e in events} == {"127.0.0.1"}, events


def test_behind_a_trusted_proxy_the_address_it_saw_counts(proxied):
    # The proxy (127.0.0.1) saw 10.1.2.3 and said so: allowed.
    assert _shares(proxied, "fenced", "10.1.2.3").status_code == 200
    assert _lookup(proxied, "fenced", "10.1.2.3").status_code == 200
    # A client sent a forged leftmost entry; the appending proxy saw 203.0.113.9: refused, naming it.
    r = _shares(proxied, "fenced", "10.1.2.3, 203.0.113.9")
    assert r.status_code == 403, r.text
    assert "may not connect from 203.0.113.9" in r.json()["message"]
    assert _lookup(proxied, "fenced", "10.1.2.3, 203.0.113.9").status_code == 403
    # No header: the proxy's own address, which is not in the allow-list.
    assert _shares(proxied, "fenced").status_code == 403
    # Garbage in the header is not an address: the walk stops at the proxy itself.
    assert _shares(proxied, "fenced", "not-an-ip").status_code == 403
    assert _shares(proxied, "fenced", "10.1.2.3, " + "x" * 20_000).status_code in (400, 403, 431)
    assert_responsive(proxied["url"])


# ---- pattern matching and parsers ---------------------------------------------------------------

def _flight_sql(gateway):
    import adbc_driver_flightsql.dbapi as flightsql
    return flightsql.connect(gateway["flight"], db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {TOKENS['open']}"})


@pytest.mark.parametrize("depth", ["db_schemas", "tables"])
def test_a_pathological_like_pattern_answers_at_once_and_leaves_the_cpu_idle(plain, depth):
    pattern = "%" * 200 + "#"  # within the 1,024-character limit, and matching nothing
    with _flight_sql(plain) as conn:
        started = time.monotonic()
        kwargs = {"db_schema_filter": pattern} if depth == "db_schemas" else {"table_name_filter": pattern}
        objects = conn.adbc_get_objects(depth=depth, **kwargs).read_all().to_pylist()
        assert time.monotonic() - started < 5
    if depth == "db_schemas":
        assert all(not c["catalog_db_schemas"] for c in objects), objects
    else:
        assert [t for c in objects for s in c["catalog_db_schemas"] or [] for t in s["db_schema_tables"] or []] == []
    assert_idle(plain["url"])


def test_a_like_pattern_over_the_limit_is_invalid_argument(plain):
    with _flight_sql(plain) as conn:
        with pytest.raises(Exception) as raised:
            conn.adbc_get_objects(depth="tables", table_name_filter="%" * 1_025).read_all()
    assert "INVALID_ARGUMENT" in str(raised.value) or "InvalidArgument" in str(raised.value), raised.value
    assert "the limit is 1024" in str(raised.value), raised.value


def test_like_patterns_still_match(plain):
    with _flight_sql(plain) as conn:
        objects = conn.adbc_get_objects(depth="tables", catalog_filter="host%", db_schema_filter="g_ld",
                                        table_name_filter="%tom%").read_all().to_pylist()
    assert [(c["catalog_name"], s["db_schema_name"], t["table_name"])
            for c in objects for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]] == [("hostile", "gold", "customers")]


@pytest.mark.parametrize("where", ["NOT " * 50_000 + "score > 1", "(" * 50_000 + "score > 1" + ")" * 50_000])
def test_deeply_nested_flight_sql_is_refused_as_invalid_argument(plain, where):
    with _flight_sql(plain) as conn, conn.cursor() as cur:
        with pytest.raises(Exception) as raised:
            cur.execute(f"SELECT customer_id FROM hostile.gold.customers WHERE {where}")
        assert "INVALID_ARGUMENT" in str(raised.value) or "InvalidArgument" in str(raised.value), raised.value
        assert "the limit is" in str(raised.value), raised.value
    assert_responsive(plain["url"])


def _query(gateway, body, recipient="open", headers=None) -> requests.Response:
    return requests.post(f"{gateway['url']}/delta-sharing/shares/hostile/schemas/gold/tables/customers/query",
                         headers={**_auth(recipient), "Content-Type": "application/json", **(headers or {})},
                         data=body, timeout=30)


def test_a_huge_sql_predicate_hint_is_answered_without_a_server_error(plain):
    hint = "region = '" + "a" * 200_000 + "'"
    r = _query(plain, f'{{"predicateHints": ["{hint}"]}}')
    assert r.status_code == 400, r.text[:300]
    assert r.json()["errorCode"] == "INVALID_PARAMETER_VALUE"
    assert "predicateHints" in r.json()["message"]
    assert_responsive(plain["url"])


@pytest.mark.parametrize("body", [b"\x1e", b"[]", b'"x"', b"null", b'{"version": ', b'{"limitHint": "ten"}', b"\xff\xfe"])
def test_a_query_body_that_is_not_a_request_object_is_refused(plain, body):
    r = _query(plain, body)
    assert r.status_code == 400, r.text[:300]
    assert r.json()["errorCode"] == "MALFORMED_REQUEST", r.text


def test_deeply_nested_json_predicate_hints_are_refused(plain):
    depth = 5_000
    tree = '{"op":"not","children":[' * depth + '{"op":"isNull","children":[{"op":"column","name":"region","valueType":"string"}]}' + "]}" * depth
    r = _query(plain, json.dumps({"jsonPredicateHints": tree}))
    assert r.status_code == 400, r.text[:300]
    assert r.json()["errorCode"] == "INVALID_PARAMETER_VALUE"
    assert "the limit is 64" in r.json()["message"], r.json()


def test_async_query_ids_are_small_however_big_the_request(plain):
    hint = "region = '" + "b" * 4_000 + "'"
    body = '{"predicateHints": [' + ", ".join(f'"{hint}"' for _ in range(2)) + "]}"
    r = _query(plain, body, headers={"delta-sharing-capabilities": "asyncquery=true"})
    assert r.status_code == 200, r.text[:300]
    query_id = r.json()["queryStatus"]["queryId"]
    assert len(query_id) <= 256, len(query_id)
    for _ in range(100):
        poll = requests.post(f"{plain['url']}/delta-sharing/shares/hostile/schemas/gold/tables/customers/queries/{query_id}",
                             headers=_auth("open"), json={}, timeout=10)
        assert poll.status_code == 200, poll.text
        if "queryStatus" not in poll.text:
            break
        time.sleep(0.05)
    assert "queryStatus" not in poll.text and '"metaData"' in poll.text, poll.text[:300]
    # Someone else's id, a forged id and an overlong id are not found.
    forged = query_id[:-4] + ("AAAA" if not query_id.endswith("AAAA") else "BBBB")
    for bad in (forged, "x" * 5_000):
        r = requests.post(f"{plain['url']}/delta-sharing/shares/hostile/schemas/gold/tables/customers/queries/{bad}",
                          headers=_auth("open"), json={}, timeout=10)
        assert r.status_code in (400, 404, 414), r.text[:300]
    r = requests.post(f"{plain['url']}/delta-sharing/shares/hostile/schemas/gold/tables/customers/queries/{query_id}",
                      headers=_auth("fenced"), json={}, timeout=10)
    assert r.status_code in (403, 404), r.text[:300]


def test_many_async_queries_keep_memory_bounded(plain):
    pid = _gateway_pid(plain["url"])
    hint = "region = '" + "c" * 60_000 + "'"
    body = '{"predicateHints": ["' + hint + '"]}'
    rss = []
    for i in range(300):
        r = _query(plain, body.replace("c" * 6, f"{i:06d}", 1), headers={"delta-sharing-capabilities": "asyncquery=true"})
        assert r.status_code in (200, 400), r.text[:300]
        if i in (50, 299):
            rss.append(_rss_mb(pid))
    assert rss[1] - rss[0] < 150, rss
    assert_responsive(plain["url"])


# ---- files, ranges, activation ------------------------------------------------------------------

@pytest.fixture(scope="module")
def file_url(plain):
    r = _query(plain, b"{}")
    assert r.status_code == 200, r.text
    urls = [line for line in r.text.splitlines() if '"file"' in line]
    f = json.loads(urls[0])["file"]
    return f["url"], f["size"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("spec,expected", [
    ("bytes=0-99999999999999999999", 206),
    ("bytes=-99999999999999999999", 206),
    ("bytes=99999999999999999999-", 416),
    ("bytes=" + "9" * 5_000 + "-", 416),
    ("bytes=abc-def", 200),
    ("bytes=5-1", 200),
])
def test_range_values_past_64_bits_get_a_protocol_answer(file_url, method, spec, expected):
    url, size = file_url
    r = requests.request(method, url, headers={"Range": spec}, timeout=10)
    assert r.status_code == expected, (spec, r.status_code, r.text[:200])
    if expected == 206:
        assert r.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    if expected == 416:
        assert r.headers["Content-Range"] == f"bytes */{size}"
    if expected != 416 and method == "GET":
        assert len(r.content) == size


def test_head_and_get_never_spend_an_activation_link_and_post_does(plain):
    name = f"hostile-activation-{int(time.time() * 1000)}"
    r = requests.post(f"{plain['url']}/admin/recipients", headers=ADMIN, json={"name": name, "shares": ["hostile"]}, timeout=10)
    assert r.status_code in (200, 201), r.text
    link = r.json()["activation"]["url"]
    head = requests.head(link, timeout=10)
    assert head.status_code == 200, head.text
    page = requests.get(link, timeout=10)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    assert name in page.text and "method=\"post\"" in page.text.lower()
    assert "bearerToken" not in page.text
    assert requests.get(link, timeout=10).status_code == 200, "a second look still does not spend it"
    profile = requests.post(link, timeout=10)
    assert profile.status_code == 200, profile.text
    token = profile.json()["bearerToken"]
    assert requests.get(f"{plain['url']}/delta-sharing/shares", headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200
    assert requests.post(link, timeout=10).status_code in (404, 410)
    assert requests.get(link, timeout=10).status_code in (404, 410)


def test_an_inconsistent_token_request_is_refused_naming_the_field(plain):
    name = f"hostile-token-{int(time.time() * 1000)}"
    assert requests.post(f"{plain['url']}/admin/recipients", headers=ADMIN, json={"name": name, "shares": ["hostile"]},
                         timeout=10).status_code in (200, 201)
    r = requests.post(f"{plain['url']}/admin/recipients/{name}/token", headers=ADMIN,
                      json={"tokenLifetime": None, "gracePeriod": "P400D"}, timeout=10)
    assert r.status_code == 400, r.text
    assert "gracePeriod" in r.json()["message"]


# ---- methods -----------------------------------------------------------------------------------

def test_options_advertises_exactly_the_methods_a_resource_has(plain):
    r = requests.options(f"{plain['url']}/delta-sharing/shares", headers=_auth("open"), timeout=10)
    assert r.status_code in (200, 204), r.text
    allowed = {m.strip() for m in r.headers["Allow"].split(",")}
    assert "GET" in allowed and "POST" not in allowed and "DELETE" not in allowed, allowed


@pytest.mark.parametrize("port,path,expected", [
    ("management", "/q/health/live", 405),
    ("url", "/q/health/live", 405),  # not served on the public port, and TRACE is refused before that
    ("url", "/delta-sharing/shares", 405),
    ("url", "/admin/recipients", 405),
    ("url", "/get-online-features", 405),
    ("url", "/delta-sharing/files/x/y", 405),
])
def test_trace_is_refused_everywhere(plain, port, path, expected):
    r = requests.request("TRACE", f"{plain[port]}{path}", headers={**_auth("open"), "X-Probe": "echo-me"}, timeout=10)
    assert r.status_code == expected, (path, r.status_code, r.text[:200])
    assert "echo-me" not in r.text and "goldgate-interop" not in r.text


# ---- floods ------------------------------------------------------------------------------------

def test_an_unauthenticated_flood_neither_fills_the_audit_store_nor_slows_recipients(plain, setup):
    store = redis.Redis(host=setup["redis"].host, port=setup["redis"].port, db=REDIS_DB)
    before = store.xlen("goldgate:audit")
    agent = "A" * 16_384
    session = requests.Session()
    statuses = {}
    for i in range(3_000):
        r = session.get(f"{plain['url']}/delta-sharing/shares", headers={"User-Agent": agent, "Authorization": f"Bearer forged-{i}"}, timeout=10)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
    assert statuses == {401: 3_000}, statuses
    time.sleep(1)
    added = store.xlen("goldgate:audit") - before
    assert added <= 50, added
    newest = store.xrevrange("goldgate:audit", count=20)
    assert all(len(fields[b"event"]) <= 4_096 for _, fields in newest), [len(f[b"event"]) for _, f in newest]
    # A recipient's own events still land.
    started = dt.datetime.now(UTC).isoformat().replace("+00:00", "Z")
    assert _shares(plain, "open").status_code == 200
    for _ in range(100):
        r = requests.get(f"{plain['url']}/admin/audit", params={"recipient": "open", "from": started}, headers=ADMIN, timeout=10)
        if r.json()["events"]:
            break
        time.sleep(0.05)
    assert r.json()["events"], "the recipient's event was written"
    assert_responsive(plain["url"])
    assert_idle(plain["url"])
