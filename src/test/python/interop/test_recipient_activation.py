"""A recipient created through the admin API, onboarded the way a real one is: the operator
creates it, the recipient opens the one-time activation link (looking at it with GET or HEAD, as
mail scanners and browsers do, does not spend it; the page's button POSTs), saves the answer as
its profile file and reads with the real ``delta_sharing`` client. Rotation and revocation then apply to
that client at once.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlparse

import delta_sharing
import pytest
import requests


def _admin(gateway_url: str, admin_token: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(
        method, f"{gateway_url}/admin{path}", json=body, headers={"Authorization": f"Bearer {admin_token}"}, timeout=30
    )


def _open(gateway_url: str, link: str, method: str = "POST", **kwargs) -> requests.Response:
    # The link names the host the admin call came to; this suite reaches the gateway the same way.
    # Only an explicit POST spends the link: GET and HEAD merely describe it.
    return requests.request(method, f"{gateway_url}{urlparse(link).path}", timeout=30, **kwargs)


@pytest.fixture
def recipient(gateway_url, admin_token):
    name = f"interop-{uuid.uuid4().hex[:8]}"
    created = _admin(gateway_url, admin_token, "POST", "/recipients", {"name": name, "shares": ["retail"], "tokenLifetime": "P7D"})
    assert created.status_code == 201, created.text
    yield name, created.json()
    _admin(gateway_url, admin_token, "DELETE", f"/recipients/{name}")


def test_given_an_activation_link_when_its_profile_is_used_by_the_client_then_it_reads_the_granted_share(
    gateway_url, admin_token, recipient, tmp_path
):
    name, created = recipient
    assert "bearerToken" not in json.dumps(created)
    answer = _open(gateway_url, created["activation"]["url"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    profile = answer.json()
    assert set(profile) == {"shareCredentialsVersion", "endpoint", "bearerToken", "expirationTime"}
    assert profile["shareCredentialsVersion"] == 1
    assert profile["endpoint"] == f"{gateway_url}/delta-sharing"

    again = _open(gateway_url, created["activation"]["url"])
    assert again.status_code == 404
    assert "already used" in again.json()["message"]
    assert _open(gateway_url, created["activation"]["url"], "GET").status_code == 404

    profile_file = tmp_path / f"{name}.share"
    profile_file.write_text(answer.text)
    client = delta_sharing.SharingClient(str(profile_file))
    assert [s.name for s in client.list_shares()] == ["retail"]
    tables = {f"{t.share}.{t.schema}.{t.name}" for t in client.list_all_tables()}
    assert "retail.gold.sales_daily" in tables
    rows = delta_sharing.load_as_pandas(f"{profile_file}#retail.gold.sales_daily")
    assert len(rows) == 91

    # Revocation reaches the client on its next call.
    revoked = _admin(gateway_url, admin_token, "POST", f"/recipients/{name}/revoke")
    assert revoked.status_code == 200, revoked.text
    with pytest.raises(requests.HTTPError) as refused:
        client.list_shares()
    assert refused.value.response.status_code == 401


def test_given_a_rotation_without_grace_when_the_old_profile_is_used_then_only_the_new_one_works(
    gateway_url, admin_token, recipient, tmp_path
):
    name, created = recipient
    old_file = tmp_path / "old.share"
    old_file.write_text(_open(gateway_url, created["activation"]["url"]).text)
    assert [s.name for s in delta_sharing.SharingClient(str(old_file)).list_shares()] == ["retail"]

    rotated = _admin(gateway_url, admin_token, "POST", f"/recipients/{name}/token", {"gracePeriod": "PT0S"})
    assert rotated.status_code == 200, rotated.text
    new_file = tmp_path / "new.share"
    new_file.write_text(_open(gateway_url, rotated.json()["activation"]["url"]).text)

    with pytest.raises(requests.HTTPError) as refused:
        delta_sharing.SharingClient(str(old_file)).list_shares()
    assert refused.value.response.status_code == 401
    assert [s.name for s in delta_sharing.SharingClient(str(new_file)).list_shares()] == ["retail"]


def test_given_an_activation_link_when_a_scanner_fetches_it_with_head_and_get_then_it_still_gives_the_profile_once(
    gateway_url, admin_token, recipient
):
    name, created = recipient
    link = created["activation"]["url"]
    for _ in range(2):
        head = _open(gateway_url, link, "HEAD")
        assert head.status_code == 200
        assert head.headers["Cache-Control"] == "no-store"
        page = _open(gateway_url, link, "GET", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert f"recipient <strong>{name}</strong>" in page.text
        assert '<form method="post">' in page.text
        assert "bearerToken" not in page.text
        described = _open(gateway_url, link, "GET", headers={"Accept": "application/json"})
        assert described.status_code == 200
        assert described.json()["recipient"] == name
        assert described.json()["activate"]["method"] == "POST"
    state = _admin(gateway_url, admin_token, "GET", f"/recipients/{name}").json()
    assert state["activation"]["state"] == "pending"
    assert state["tokens"] == []

    # What the page's button sends.
    profile = _open(gateway_url, link, "POST", data=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert profile.status_code == 200, profile.text
    assert profile.headers["Content-Disposition"] == f'attachment; filename="{name}.share"'
    assert profile.json()["bearerToken"]
    assert _open(gateway_url, link, "HEAD").status_code == 404
