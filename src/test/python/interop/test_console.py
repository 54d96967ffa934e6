"""The operator console (``/console``) in a real browser: Playwright driving Debian's chromium.

This module starts its own gateway (``launch_gateway``) over the sample catalog (shares/sample.yaml:
shares retail, labs and finance, recipients sample-partner and sample-analyst), two feature views
of the sample tables that only a trigger materializes, and Redis database ``REDIS_DB`` of the
session's redis-server (flushed first). The browser reaches it at ``http://127.0.0.1:<port>``, so the
activation links the console hands out name that address too, and a recipient allowed only
127.0.0.1/32 can use them from this machine.

What an operator does, end to end: sign in with the admin token; create a recipient with an IP
allow-list in the Recipients form; open its activation link in a second browser context (the
recipient's, without the operator's cookie) and download the profile with the page's button; read
a table with the stock ``delta_sharing`` client and that profile (rows compared with delta-rs); see
that read on the Audit page, in the table and the chart; rotate with a grace period (the old profile
keeps working) and revoke (the client gets 401); materialize a feature view and watch its progress
finish. Every page's console messages and uncaught errors are collected: there must be none.

Security, as the browser sees it: every console route without a session lands on the sign-in page;
a state-changing admin call with the cookie but without the CSRF token is refused (403); the
session cookie is HttpOnly and SameSite=Strict; neither a recipient token nor a wrong token signs
in; signing out ends the session, also for a copy of the cookie.

Screenshots of every page at 1440x900 and 390x844 go to ``target/console-screenshots/`` (page name
and viewport in the file name; full-page PNGs).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import delta_sharing
import pytest
import redis
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

import test_delta_sharing_client as ref
from catalogs import CUSTOMER, Entity, View, write_feature_defs
from conftest import (
    ANALYST_TOKEN,
    PARTNER_PROFILE,
    REPO_ROOT,
    SELF_STARTED_ADMIN_TOKEN,
    SHARES_DIR,
    Gateway,
    _absolute_locations,
    _write_profile,
    launch_gateway,
    own_gateway_root,
)

REDIS_DB = 9
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
COOKIE = "goldgate_console"
SCREENSHOTS = REPO_ROOT / "target" / "console-screenshots"
# Waits of expect() and of every Playwright action: the gateway shares 2 cores with the browser.
WAIT_MS = 20_000

STOCK_ITEM = Entity("stock_item", {"sku": "String", "warehouse": "String"})
# The views of feature-defs/, without their schedules: only the console's button materializes them.
VIEWS = [
    View("customer_stats", table="retail.gold.customer_features", timestamp_column="last_order_ts",
         features={"segment": "String", "lifetime_value": "Float64", "orders_count": "Int32", "avg_basket": "Float64",
                   "is_active": "Bool", "churn_score": "Float64", "favorite_category": "String",
                   "last_order_ts": "UnixTimestamp"}),
    View("inventory_position", table="retail.gold.inventory_levels", timestamp_column="updated_at",
         entities=[STOCK_ITEM.name],
         features={"on_hand": "Int32", "reorder_point": "Int32", "unit_cost": "Float64"}),
]
SERVICE = "churn_model"
SHARED_TABLES = {
    "retail.gold.sales_daily", "retail.gold.customer_features", "retail.gold.inventory_levels",
    "labs.delta.orders_dv", "labs.delta.customers_cm", "labs.delta.events_cdf", "labs.delta.readings_ntz",
    "labs.delta.plain_cdf_off", "finance.gold.customer_ltv",
}
CATALOG_RECIPIENTS = ["sample-analyst", "sample-partner"]  # as GET /admin/recipients lists them
# Console route -> (body data-page, an element the page renders from the admin API)
PAGES = {
    "/console/": ("overview", "svg#traffic-chart"),
    "/console/tables": ("tables", 'table#tables tbody tr[data-table="retail.gold.sales_daily"]'),
    "/console/tables/retail/gold/sales_daily": ("table", "table#table-columns tbody tr"),
    "/console/recipients": ("recipients", 'table#recipients tbody tr[data-recipient="sample-partner"]'),
    "/console/audit": ("audit", "svg#audit-requests-chart"),
    "/console/lineage": ("lineage", 'svg#lineage g[data-node="share:retail"]'),
    "/console/features": ("features", 'table#features tbody tr[data-view="customer_stats"]'),
}

expect.set_options(timeout=WAIT_MS)


# --------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, served_catalog, redis_server) -> Gateway:
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "console")
    shares = root / "shares"
    shares.mkdir()
    (shares / "sample.yaml").write_text(_absolute_locations((SHARES_DIR / "sample.yaml").read_text(), SHARES_DIR))
    defs = write_feature_defs(root / "feature-defs", VIEWS, entities=[CUSTOMER, STOCK_ITEM],
                              services={SERVICE: ["customer_stats:lifetime_value", "customer_stats:churn_score"]})
    redis_url = f"{redis_server.url}/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=redis_url,
                        features_dir=defs) as started:
        # 127.0.0.1, not localhost (which may be ::1): the recipient's IP allow-list is 127.0.0.1/32
        yield Gateway(started.url.replace("//localhost:", "//127.0.0.1:"), started.management_url)


@dataclass
class Watched:
    """A browser context whose pages report every console message and uncaught error to ``problems``.

    Chromium's "verbose" messages (DevTools hides that level by default) are advice, not problems.
    The requests answered 400 or more are kept in ``failed``, to say which resource a "Failed to
    load resource" message was about.
    """

    context: BrowserContext
    base: str
    problems: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def page(self, watch: bool = True) -> Page:
        page = self.context.new_page()
        if watch:
            page.on("console", lambda m: m.type == "verbose" or self.problems.append(f"{page.url}: console.{m.type}: {m.text}"))
            page.on("pageerror", lambda e: self.problems.append(f"{page.url}: uncaught {e}"))
            page.on("response", lambda r: r.status < 400 or self.failed.append(f"{r.status} {r.request.method} {r.url}"))
        return page

    def open(self, path: str, page: Page | None = None) -> Page:
        page = page or self.page()
        page.goto(self.base + path)
        return page

    def assert_quiet(self) -> None:
        problems, self.problems[:] = list(self.problems), []
        failed, self.failed[:] = list(self.failed), []
        assert problems == [], "console messages or page errors:\n" + "\n".join(problems) + (
            "\nrequests that failed:\n" + "\n".join(failed) if failed else "")


def _context(browser: Browser, base: str, width: int = 1440, height: int = 900) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    return Watched(context, base)


def _sign_in(watched: Watched, token: str) -> Page:
    page = watched.open("/console/login")
    page.fill("input#token", token)
    page.click("button[type=submit]")
    return page


@pytest.fixture(scope="module")
def operator(browser, gateway) -> Watched:
    """A desktop browser signed in with the admin token (its session lasts the whole module)."""
    watched = _context(browser, gateway)
    page = _sign_in(watched, SELF_STARTED_ADMIN_TOKEN)
    expect(page).to_have_url(f"{gateway}/console/")
    page.close()
    yield watched
    watched.context.close()


def _admin(gateway: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{gateway}/admin{path}", json=body, headers=ADMIN, timeout=30)


def _path_and_query(url: str) -> tuple[str, dict]:
    parsed = urlparse(url)
    return parsed.path, parse_qs(parsed.query)


def _session_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def _submit(form) -> None:
    """Submits a form the way its submit button would (also when it has none)."""
    form.evaluate("f => f.requestSubmit()")


def _confirm(page: Page) -> None:
    page.locator("button[data-confirm]:visible").click()


# --------------------------------------------------------------------------------------------
# security from the browser's side
# --------------------------------------------------------------------------------------------


def test_every_console_route_without_a_session_lands_on_the_sign_in_page(browser, gateway):
    anonymous = _context(browser, gateway)
    page = anonymous.page()
    for route in PAGES:
        response = page.goto(gateway + route)
        assert _path_and_query(page.url) == ("/console/login", {"next": [route]}), route
        assert response.status == 200, route
        assert response.request.redirected_from is not None, f"{route} was not redirected"
        assert response.request.redirected_from.url == gateway + route
        expect(page.locator("input#token")).to_be_visible()
    assert _session_cookie(anonymous.context) is None
    anonymous.assert_quiet()
    anonymous.context.close()


def test_a_recipient_token_or_a_wrong_token_does_not_sign_in(browser, gateway):
    stranger = _context(browser, gateway)
    for token in (ANALYST_TOKEN, "not-the-admin-token-" + "x" * 32):
        page = _sign_in(stranger, token)
        expect(page.locator("#login-error")).to_contain_text("wrong token", ignore_case=True)
        assert urlparse(page.url).path == "/console/login"
        assert _session_cookie(stranger.context) is None
        # Still no session: the console sends the browser back to sign in.
        page.goto(gateway + "/console/recipients")
        assert urlparse(page.url).path == "/console/login"
        page.close()
    # The 401 page of each attempt is what the browser logs; nothing else.
    assert all("status of 401" in p for p in stranger.problems), stranger.problems
    stranger.context.close()


def test_the_session_cookie_is_http_only_and_same_site_strict(operator, gateway):
    cookie = _session_cookie(operator.context)
    assert cookie is not None, operator.context.cookies()
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (True, "Strict", "/", False)
    assert cookie["domain"] == "127.0.0.1"
    now = time.time()
    assert now < cookie["expires"] <= now + 8 * 3600 + 60, cookie  # goldgate.console.session-lifetime: 8h
    page = operator.open("/console/")
    assert COOKIE not in page.evaluate("document.cookie")
    expect(page.locator('meta[name="csrf-token"]')).to_have_attribute("content", re.compile(r"\S{16,}"))
    page.close()
    operator.assert_quiet()


_FETCH = """async ([method, path, body, csrf]) => {
  const headers = {'Content-Type': 'application/json'};
  if (csrf !== null) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)});
  return {status: r.status, text: await r.text()};
}"""


def test_a_state_changing_admin_call_with_the_cookie_but_without_the_csrf_token_is_refused(operator, gateway):
    # Refused calls make chromium log "Failed to load resource": this page is not watched.
    page = operator.open("/console/recipients", operator.page(watch=False))
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    name = f"csrf-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "shares": ["retail"]}

    def fetch(method, path, payload=None, token=None) -> dict:
        return page.evaluate(_FETCH, [method, path, payload, token])

    for token in (None, "", csrf[:-2] + ("AA" if not csrf.endswith("AA") else "BB")):
        refused = fetch("POST", "/admin/recipients", body, token)
        assert refused["status"] == 403, (token, refused)
        assert json.loads(refused["text"]) == {"errorCode": "PERMISSION_DENIED", "message": "missing or wrong CSRF token"}
    assert _admin(gateway, "GET", f"/recipients/{name}").status_code == 404

    # Reading needs no CSRF token; with it, the same cookie may change state.
    listed = fetch("GET", "/admin/recipients")
    assert listed["status"] == 200, listed
    assert [r["name"] for r in json.loads(listed["text"])][:2] == CATALOG_RECIPIENTS
    created = fetch("POST", "/admin/recipients", body, csrf)
    assert created["status"] == 201, created
    assert fetch("DELETE", f"/admin/recipients/{name}")["status"] == 403
    assert _admin(gateway, "GET", f"/recipients/{name}").status_code == 200
    assert fetch("DELETE", f"/admin/recipients/{name}", None, csrf)["status"] == 204
    assert _admin(gateway, "GET", f"/recipients/{name}").status_code == 404
    page.close()


def test_signing_out_ends_the_session_also_for_a_copy_of_the_cookie(browser, gateway):
    leaving = _context(browser, gateway)
    page = _sign_in(leaving, SELF_STARTED_ADMIN_TOKEN)
    expect(page).to_have_url(f"{gateway}/console/")
    copied = _session_cookie(leaving.context)
    assert copied is not None
    page.click("form#sign-out button")
    expect(page).to_have_url(f"{gateway}/console/login")
    assert _session_cookie(leaving.context) is None
    page.goto(gateway + "/console/")
    assert urlparse(page.url).path == "/console/login"
    leaving.assert_quiet()
    leaving.context.close()

    replay = _context(browser, gateway)
    replay.context.add_cookies([copied])
    page = replay.open("/console/audit")
    assert _path_and_query(page.url) == ("/console/login", {"next": ["/console/audit"]})
    replay.assert_quiet()
    replay.context.close()


# --------------------------------------------------------------------------------------------
# the pages
# --------------------------------------------------------------------------------------------


def test_every_page_renders_the_catalog_without_console_errors(operator, gateway):
    for route, (page_id, rendered) in PAGES.items():
        page = operator.open(route)
        expect(page.locator("body")).to_have_attribute("data-page", page_id)
        expect(page.locator(rendered).first).to_be_attached()
        assert [e.strip() for e in page.locator("#error").all_inner_texts()] in ([], [""]), route
        page.close()
    operator.assert_quiet()

    page = operator.open("/console/")
    for service in ("catalog", "redis", "flight"):
        expect(page.locator(f"[data-health={service}]")).to_have_text("up")
    # recipients: the catalog's two (the CSRF test deleted the one it made)
    for what, count in (("shares", 3), ("tables", len(SHARED_TABLES)), ("recipients", 2), ("featureViews", len(VIEWS))):
        expect(page.locator(f"[data-count={what}]")).to_have_text(str(count))
    expect(page.locator("nav a[data-nav]")).to_have_count(6)

    page.click("nav a[data-nav=tables]")
    expect(page).to_have_url(f"{gateway}/console/tables")
    rows = page.locator("table#tables tbody tr[data-table]")
    expect(rows).to_have_count(len(SHARED_TABLES))
    assert {r.get_attribute("data-table") for r in rows.all()} == SHARED_TABLES
    page.locator('tr[data-table="retail.gold.sales_daily"] a').first.click()
    expect(page).to_have_url(f"{gateway}/console/tables/retail/gold/sales_daily")
    columns = page.locator("table#table-columns tbody tr")
    expect(columns).to_have_count(len(ref.delta_columns("sales_daily")))
    for i, (name, _type) in enumerate(ref.delta_columns("sales_daily")):
        expect(columns.nth(i)).to_contain_text(name)
    history = page.locator("table#table-history tbody tr")
    expect(history).to_have_count(min(20, ref.latest_version("sales_daily") + 1))
    expect(history.first).to_contain_text(str(ref.latest_version("sales_daily")))

    page.click("nav a[data-nav=lineage]")
    lineage = page.locator("svg#lineage")
    for node in ("share:retail", "share:labs", "share:finance", *(f"recipient:{r}" for r in CATALOG_RECIPIENTS),
                 "view:customer_stats", "view:inventory_position", f"service:{SERVICE}"):
        expect(lineage.locator(f'g[data-node="{node}"]')).to_have_count(1)
    expect(lineage.locator('path[data-edge="share:finance->recipient:sample-analyst"]')).to_have_count(1)
    expect(lineage.locator('path[data-edge="share:finance->recipient:sample-partner"]')).to_have_count(0)
    expect(lineage.locator(f'path[data-edge="view:customer_stats->service:{SERVICE}"]')).to_have_count(1)
    assert lineage.locator('g[data-node^="table:"]').count() >= len(SHARED_TABLES) - 1  # finance's table is retail's

    page.click("nav a[data-nav=features]")
    for view in VIEWS:
        expect(page.locator(f'table#features tbody tr[data-view="{view.name}"]')).to_have_count(1)

    page.click("nav a[data-nav=audit]")
    filters = page.locator("form#audit-filters")
    filters.locator("[name=recipient]").fill("nobody-has-this-name")
    _submit(filters)
    expect(page.locator("[data-empty]").first).to_be_visible()
    page.close()
    operator.assert_quiet()


def test_an_operator_onboards_a_recipient_who_reads_then_rotates_and_revokes_it(operator, browser, gateway, tmp_path):
    name = f"console-{uuid.uuid4().hex[:8]}"
    operator.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=gateway)
    page = operator.open("/console/recipients")
    form = page.locator("form#create-recipient")

    # An invalid name is shown next to its field; nothing is created.
    form.locator("input[name=name]").fill("Not A Name!")
    _submit(form)
    expect(form.locator("[data-error-for=name]")).not_to_be_empty()
    assert [t.strip() for t in page.locator("#activation-link").all_inner_texts()] in ([], [""])
    # A server-side 400 would be logged by chromium as a failed resource: that is all it may log.
    assert all("status of 400" in p for p in operator.problems), operator.problems
    operator.problems.clear()
    operator.failed.clear()

    form.locator("input[name=name]").fill(name)
    form.locator("input[name=shares][value=retail]").check()
    form.locator("textarea[name=ipAllowList]").fill("127.0.0.1/32")
    form.locator("input[name=tokenLifetime]").fill("P7D")
    form.locator("select[name=credential]").select_option("bearer_token")
    form.locator("textarea[name=properties]").fill("team=console-tests\ntier=gold")
    _submit(form)
    link = page.locator("#activation-link")
    expect(link).to_have_text(re.compile(rf"^{re.escape(gateway)}/delta-sharing/activation/\S+$"))
    url = link.inner_text().strip()
    expect(form.locator("[data-error-for=name]")).to_be_empty()
    page.click("button#copy-link")
    assert page.evaluate("navigator.clipboard.readText()") == url
    row = page.locator(f'table#recipients tbody tr[data-recipient="{name}"]')
    expect(row).to_have_count(1)
    stored = _admin(gateway, "GET", f"/recipients/{name}").json()
    assert (stored["source"], stored["shares"], stored["ipAllowList"], stored["properties"]) == (
        "api", ["retail"], ["127.0.0.1/32"], {"team": "console-tests", "tier": "gold"}), stored
    assert stored["activation"]["state"] == "pending"

    # The recipient, in a browser of its own, opens the link and downloads its profile.
    recipient = _context(browser, gateway)
    landing = recipient.page()
    landing.goto(url)
    expect(landing.locator("strong").first).to_have_text(name)
    with landing.expect_download() as downloading:
        landing.locator("form[method=post] button[type=submit]").click()
    download = downloading.value
    assert download.suggested_filename == f"{name}.share"
    profile = tmp_path / download.suggested_filename
    download.save_as(profile)
    content = json.loads(profile.read_text())
    assert (content["shareCredentialsVersion"], content["endpoint"]) == (1, f"{gateway}/delta-sharing"), content
    assert content["bearerToken"]
    recipient.assert_quiet()
    recipient.context.close()

    # The stock client reads with it, from 127.0.0.1, the one address the allow-list lets in.
    client = delta_sharing.SharingClient(str(profile))
    assert [s.name for s in client.list_shares()] == ["retail"]
    frame = delta_sharing.load_as_pandas(f"{profile}#retail.gold.sales_daily")
    ref.assert_frame_matches_delta(frame, "sales_daily")
    # Then another recipient calls, so the newest event is not this one's: the filter has to work.
    partner = _write_profile(tmp_path / "sample-partner.share", gateway, json.loads(PARTNER_PROFILE.read_text())["bearerToken"])
    assert [s.name for s in delta_sharing.SharingClient(str(partner)).list_shares()] == ["labs", "retail"]

    # The read, on the Audit page: in the events table and in the requests chart.
    page.click("nav a[data-nav=audit]")
    filters = page.locator("form#audit-filters")
    filters.locator("[name=recipient]").fill(name)
    _submit(filters)
    reads = page.locator(f'table#audit-events tbody tr[data-recipient="{name}"][data-operation="queryTable"]')
    # The client fetched the table's files in many range requests (one downloadFile event each), all
    # newer than the query: page back with "Older" until the query shows.
    events = page.locator("table#audit-events tbody tr")
    expect(events.first).to_have_attribute("data-recipient", name)  # filtered (else sample-partner's listShares)
    for _ in range(20):
        if reads.count():
            break
        newest = events.first.element_handle()
        page.click("button[data-page=next]")
        page.wait_for_function("row => !row.isConnected", arg=newest)
        expect(events.first).to_have_attribute("data-recipient", name)
    expect(reads).to_have_count(1)
    expect(reads.first).to_contain_text("sales_daily")
    expect(page.locator(f'svg#audit-requests-chart [data-recipient="{name}"]').first).to_be_attached()
    expect(page.locator('svg#audit-requests-chart [data-recipient="sample-partner"]')).to_have_count(0)
    assert page.locator("table#audit-events tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.recipient)") == [name] * page.locator("table#audit-events tbody tr").count()

    # Rotation with a grace period: a new link, and the old profile keeps working meanwhile.
    page.click("nav a[data-nav=recipients]")
    row = page.locator(f'table#recipients tbody tr[data-recipient="{name}"]')
    expect(row.locator("[data-credential-state]")).to_contain_text("active")
    row.locator("button[data-action=rotate]").click()
    rotate = page.locator("form#rotate")
    rotate.locator("input[name=gracePeriod]").fill("PT1H")
    rotate.locator("button[data-confirm]").click()
    expect(page.locator("#activation-link")).to_have_text(re.compile(rf"^{re.escape(gateway)}/delta-sharing/activation/\S+$"))
    assert page.locator("#activation-link").inner_text().strip() != url
    rotated = _admin(gateway, "GET", f"/recipients/{name}").json()
    assert [t["state"] for t in rotated["tokens"]] == ["active"], rotated
    grace_end = dt.datetime.fromisoformat(rotated["tokens"][0]["expiresAt"])  # was activation + P7D
    assert dt.timedelta(minutes=58) < grace_end - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=1), rotated
    assert rotated["activation"]["state"] == "pending"
    assert [s.name for s in client.list_shares()] == ["retail"]

    # Revocation: the client is refused at once.
    row.locator("button[data-action=revoke]").click()
    _confirm(page)
    expect(row.locator("[data-credential-state]")).to_contain_text("revoked")
    with pytest.raises(requests.HTTPError) as refused:
        client.list_shares()
    assert refused.value.response.status_code == 401

    # Deleting it takes it off the list.
    row.locator("button[data-action=delete]").click()
    _confirm(page)
    expect(row).to_have_count(0)
    assert _admin(gateway, "GET", f"/recipients/{name}").status_code == 404
    page.close()
    operator.assert_quiet()


def test_materialize_now_shows_live_progress_until_the_run_finishes(operator, gateway):
    page = operator.open("/console/features")
    row = page.locator('table#features tbody tr[data-view="customer_stats"]')
    expect(row.locator("[data-state]")).to_have_text("not run")
    row.locator("button[data-action=materialize]").click()
    expect(row.locator("[data-progress]")).to_contain_text("100")
    expect(row.locator("[data-progress]")).to_contain_text("materialized")
    expect(row.locator("[data-state]")).to_have_text("materialized")
    expect(page.locator('svg.lag-chart[data-view="customer_stats"]')).to_be_attached()
    status = _admin(gateway, "GET", "/features/materialization").json()["customer_stats"]
    customers = len(ref.reference_rows("customer_features"))
    assert (status["state"], status["mode"], status["written"], status["lagVersions"]) == (
        "materialized", "full", customers, 0), status
    expect(row).to_contain_text(str(customers))
    expect(page.locator('table#features tbody tr[data-view="inventory_position"] [data-state]')).to_have_text("not run")
    page.close()
    operator.assert_quiet()


# --------------------------------------------------------------------------------------------
# screenshots (last: the pages then show the recipients, reads and runs of the tests above)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)], ids=["desktop", "narrow"])
def test_screenshots_of_every_page(browser, gateway, operator, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = _context(browser, gateway, width, height)
    page = shots.open("/console/login")
    expect(page.locator("input#token")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"login-{width}x{height}.png", full_page=True)
    shots.context.add_cookies([_session_cookie(operator.context)])
    for route, (page_id, rendered) in PAGES.items():
        page.goto(gateway + route)
        expect(page.locator("body")).to_have_attribute("data-page", page_id)
        expect(page.locator(rendered).first).to_be_attached()
        page.screenshot(path=SCREENSHOTS / f"{page_id}-{width}x{height}.png", full_page=True)
        # Usable at this width: the page itself never scrolls sideways (wide tables scroll in their box).
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{route} at {width}px is {overflow}px wider than the window"
    page.close()
    shots.assert_quiet()
    shots.context.close()
    assert sorted(p.name for p in SCREENSHOTS.glob(f"*-{width}x{height}.png")) == sorted(
        f"{name}-{width}x{height}.png" for name in ["login", *(p for p, _ in PAGES.values())])
