"""OAuth client credentials and OIDC federation with a real identity provider (Keycloak, keycloak.py),
against a gateway this module starts.

Keycloak itself first: the tokens of the realms of src/test/keycloak are what the federation tests
assume (issuer, ``azp`` = client id, audience, ``kid`` of a published key, lifetimes), and a key
rotation publishes a new ``kid``.

The gateway's catalog (written here): share ``partner`` (tables ``sales_daily`` and
``customer_features`` of shares/sample-lake; feature view ``customer_stats`` over the latter) and
recipients without a token of their own, each signing in with Keycloak realm ``goldgate-test`` by
``azp``: ``partner`` (client ``partner-etl``), ``short-lived-partner`` (``short-lived``, whose tokens
live 2 s), ``other-aud-partner`` (``other-aud``, whose tokens are for another audience). Client
``intruder`` and realm ``elsewhere`` are named by no policy; ``catalog-client`` is an OAuth client of
the gateway's own token endpoint, by the hash of its client secret. Config: clock skew 1 s, the gateway's
own access tokens live 10 s (the least it allows), keys of an identity provider refetched for an
unknown ``kid`` at most every second, and unauthenticated failures audited one by one.

* The partner's stock clients sign in with Keycloak: the Delta Sharing connector with a version-2
  profile naming Keycloak's token endpoint, pyarrow.flight and a feature lookup with its access
  token; rows and values equal delta-rs reading the same tables; the audit log names the recipient,
  the token's subject and issuer.
* A recipient created with ``"credential": "oauth_client_credentials"`` gets a version-2 profile
  from its activation link, naming the gateway's own token endpoint; the connector reads with it
  before and after its first access token expired. So does the catalog's OAuth client.
* Refused tokens: 401 with the reason (body, ``WWW-Authenticate``, audit event with the claimed
  issuer and subject, never the token); the token endpoint refuses a wrong secret.
* Keycloak rotates its keys: a token with the new ``kid`` is accepted with no restart.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlparse

import delta_sharing
import jwt
import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import test_delta_format_and_cdf as oracle
from catalogs import FederationPolicy, Recipient, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, _free_port, launch_gateway, own_gateway_root
from keycloak import CLIENT_SECRETS, OTHER_REALM, REALM

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
SHARE, SCHEMA = "partner", "gold"
TABLES = ["sales_daily", "customer_features"]
VIEW = "customer_stats"
FEATURES = {"segment": "String", "lifetime_value": "Float64", "orders_count": "Int32"}
REDIS_DB = 8
OWN_TOKEN_LIFETIME_S = 10
CLOCK_SKEW_S = 1
KEYS_MIN_REFRESH_S = 1
# A recipient the catalog declares as an OAuth client (by the hash of its client secret).
CATALOG_CLIENT, CATALOG_CLIENT_SECRET = "catalog-client", "goldgate-interop-catalog-client-secret-local-only"


def _verified(keycloak, realm: str, token: str, audience: str) -> dict:
    """The token's claims, its signature checked against the realm's published key of its ``kid``."""
    kid = jwt.get_unverified_header(token)["kid"]
    keys = [k for k in keycloak.jwks(realm)["keys"] if k["kid"] == kid]
    assert len(keys) == 1, f"kid {kid} is not published by {realm}"
    return jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["RS256"], audience=audience,
                      issuer=keycloak.issuer(realm), options={"require": ["exp", "iat", "iss", "aud", "azp"]})


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# --------------------------------------------------------------------------------------------
# Keycloak as the tests assume it
# --------------------------------------------------------------------------------------------


def test_keycloak_issues_client_credentials_tokens(keycloak):
    token = keycloak.client_token(REALM, "partner-etl")
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")
    claims = _verified(keycloak, REALM, token, "goldgate")
    assert claims["iss"] == keycloak.issuer(REALM) == f"{keycloak.base_url}/realms/goldgate-test"
    assert claims["azp"] == claims["client_id"] == "partner-etl"
    assert claims["aud"] == "goldgate"
    assert claims["exp"] - claims["iat"] == 3600

    assert _verified(keycloak, REALM, keycloak.client_token(REALM, "intruder"), "goldgate")["azp"] == "intruder"
    other = _verified(keycloak, REALM, keycloak.client_token(REALM, "other-aud"), "not-goldgate")
    assert (other["azp"], other["aud"]) == ("other-aud", "not-goldgate")
    short = _verified(keycloak, REALM, keycloak.client_token(REALM, "short-lived"), "goldgate")
    assert (short["azp"], short["exp"] - short["iat"]) == ("short-lived", 2)
    stranger = _verified(keycloak, OTHER_REALM, keycloak.client_token(OTHER_REALM, "stranger"), "goldgate")
    assert (stranger["iss"], stranger["azp"]) == (keycloak.issuer(OTHER_REALM), "stranger")


def test_keycloak_signs_with_a_new_kid_after_a_key_rotation(keycloak):
    before = keycloak.client_token(REALM, "partner-etl")
    old_kid = jwt.get_unverified_header(before)["kid"]

    new_kid = keycloak.rotate_keys(REALM)

    after = keycloak.client_token(REALM, "partner-etl")
    assert new_kid != old_kid
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    assert _verified(keycloak, REALM, after, "goldgate")["azp"] == "partner-etl"
    # the former key stays published: tokens it signed are still valid
    assert _verified(keycloak, REALM, before, "goldgate")["azp"] == "partner-etl"


# --------------------------------------------------------------------------------------------
# the gateway
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, served_catalog, redis_server, keycloak):
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "oidc")

    def signs_in_as(client_id: str) -> list[FederationPolicy]:
        return [FederationPolicy(keycloak.issuer(REALM), client_id, audiences=["goldgate"], subject_claim="azp")]

    shares = write_catalog(root / "shares", {f"{SHARE}.{SCHEMA}.{t}": oracle.SAMPLE_LAKE / t for t in TABLES}, [
        Recipient("partner", None, [SHARE], federation_policies=signs_in_as("partner-etl")),
        Recipient("short-lived-partner", None, [SHARE], federation_policies=signs_in_as("short-lived")),
        Recipient("other-aud-partner", None, [SHARE], federation_policies=signs_in_as("other-aud")),
        Recipient(CATALOG_CLIENT, None, [SHARE], client_secrets=[CATALOG_CLIENT_SECRET]),
    ])
    defs = write_feature_defs(root / "feature-defs", [
        View(VIEW, table=f"{SHARE}.{SCHEMA}.customer_features", timestamp_column="last_order_ts", features=FEATURES)])
    flight_port = _free_port()
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=f"{redis_server.url}/{REDIS_DB}",
                        flight_port=flight_port, features_dir=defs, extra_args=[
                            f"-Dgoldgate.federation.clock-skew={CLOCK_SKEW_S}s",
                            f"-Dgoldgate.federation.keys-min-refresh-interval={KEYS_MIN_REFRESH_S}s",
                            f"-Dgoldgate.oauth.token-lifetime={OWN_TOKEN_LIFETIME_S}s",
                            "-Dgoldgate.audit.unauthenticated.burst=1000",
                            "-Dgoldgate.audit.unauthenticated.budget=1000",
                        ]) as url:
        r = requests.post(f"{url}/admin/features/views/{VIEW}/materialize", headers=ADMIN, timeout=120)
        assert r.status_code == 200, r.text
        yield {"url": url, "flight": f"grpc://localhost:{flight_port}"}


def _now() -> str:
    return dt.datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _audit(gateway, since: str, matches, expected: int = 1) -> list[dict]:
    """The events since ``since`` that ``matches``, oldest first, once at least ``expected`` are there
    (the audit writer is asynchronous)."""
    events: list[dict] = []
    for _ in range(100):
        r = requests.get(f"{gateway['url']}/admin/audit", params={"order": "oldest", "limit": 1000, "from": since},
                         headers=ADMIN, timeout=10)
        assert r.status_code == 200, r.text
        events = [e for e in r.json()["events"] if matches(e)]
        if len(events) >= expected:
            break
        time.sleep(0.05)
    return events


def _profile(path, **fields) -> str:
    path.write_text(json.dumps({"shareCredentialsVersion": 2, "type": "oauth_client_credentials", **fields}, indent=2))
    return str(path)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _assert_rows(frame_or_table, table: str, what: str) -> None:
    columns, expected = oracle.delta_rs_table(oracle.SAMPLE_LAKE / table)
    frame = frame_or_table.to_pandas() if isinstance(frame_or_table, pa.Table) else frame_or_table
    assert list(frame.columns) == columns, what
    oracle.assert_same_rows(oracle.frame_rows(frame, columns), expected, what)


# --------------------------------------------------------------------------------------------
# 1. the partner signs in with Keycloak
# --------------------------------------------------------------------------------------------


def test_the_connector_reads_with_a_profile_naming_keycloaks_token_endpoint(gateway, keycloak, tmp_path):
    since = _now()
    profile = _profile(tmp_path / "partner.share", endpoint=f"{gateway['url']}/delta-sharing",
                       tokenEndpoint=keycloak.token_endpoint(REALM), clientId="partner-etl",
                       clientSecret=CLIENT_SECRETS[REALM]["partner-etl"])

    client = delta_sharing.SharingClient(profile)
    assert sorted(f"{t.share}.{t.schema}.{t.name}" for t in client.list_all_tables()) == \
        sorted(f"{SHARE}.{SCHEMA}.{t}" for t in TABLES)
    frame = delta_sharing.load_as_pandas(f"{profile}#{SHARE}.{SCHEMA}.sales_daily")
    _assert_rows(frame, "sales_daily", "sales_daily read with a Keycloak token")

    subject = _claims(keycloak.client_token(REALM, "partner-etl"))["sub"]  # the service account of partner-etl
    events = _audit(gateway, since, lambda e: e.get("recipient") == "partner" and e["operation"] == "queryTable")
    assert len(events) == 1, events
    # Every call with the access token names its subject and issuer; the file downloads, whose
    # pre-signed URL is their only credential, name neither.
    signed_in = _audit(gateway, since, lambda e: e.get("recipient") == "partner" and e["operation"] != "downloadFile", expected=4)
    assert [e["operation"] for e in signed_in] == ["listShares", "listAllTables", "getTableMetadata", "queryTable"], signed_in
    for event in signed_in:
        assert (event.get("subject"), event.get("issuer"), event["status"]) == (subject, keycloak.issuer(REALM), "200"), event
    downloads = _audit(gateway, since, lambda e: e["operation"] == "downloadFile")
    assert downloads and all("subject" not in e and "issuer" not in e for e in downloads), downloads


def test_pyarrow_flight_reads_with_a_keycloak_access_token(gateway, keycloak):
    since = _now()
    token = keycloak.client_token(REALM, "partner-etl")
    auth = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {token}".encode())])
    client = flight.FlightClient(gateway["flight"])
    try:
        info = client.get_flight_info(flight.FlightDescriptor.for_path(SHARE, SCHEMA, "sales_daily"), auth)
        parts = [client.do_get(e.ticket, auth).read_all() for e in info.endpoints]
    finally:
        client.close()
    _assert_rows(pa.concat_tables(parts), "sales_daily", "sales_daily over Flight with a Keycloak token")

    events = _audit(gateway, since, lambda e: e["protocol"] == "flight", expected=1 + len(info.endpoints))
    assert [e["operation"] for e in events] == ["GetFlightInfo"] + ["DoGet"] * len(info.endpoints), events
    for event in events:
        assert (event["recipient"], event["subject"], event["issuer"], event["status"]) == \
            ("partner", _claims(token)["sub"], keycloak.issuer(REALM), "OK"), event


def test_a_feature_lookup_with_a_keycloak_access_token_gets_delta_rs_values(gateway, keycloak):
    columns, rows = oracle.delta_rs_table(oracle.SAMPLE_LAKE / "customer_features")
    by_id = {row[columns.index("customer_id")]: row for row in rows}
    assert len(by_id) == len(rows)
    ids = sorted(by_id)[:5] + sorted(by_id)[-5:]
    token = keycloak.client_token(REALM, "partner-etl")

    r = requests.post(f"{gateway['url']}/get-online-features", headers=_bearer(token), timeout=30, json={
        "features": [f"{VIEW}:{f}" for f in FEATURES], "entities": {"customer_id": ids}})

    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[0]["values"] == ids
    for i, feature in enumerate(FEATURES, start=1):
        assert results[i]["values"] == [by_id[c][columns.index(feature)] for c in ids], feature
        assert results[i]["statuses"] == ["PRESENT"] * len(ids), feature


# --------------------------------------------------------------------------------------------
# 2. the gateway's own token endpoint
# --------------------------------------------------------------------------------------------


def _admin(gateway, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{gateway['url']}/admin{path}", json=body, headers=ADMIN, timeout=30)


def _oauth_recipient(gateway) -> tuple[str, dict]:
    """A recipient created through the admin API as an OAuth client, and the profile its link gives."""
    name = f"oauth-{uuid.uuid4().hex[:8]}"
    created = _admin(gateway, "POST", "/recipients", {"name": name, "shares": [SHARE], "credential": "oauth_client_credentials"})
    assert created.status_code == 201, created.text
    link = created.json()["activation"]["url"]
    answer = requests.post(f"{gateway['url']}{urlparse(link).path}", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    return name, answer.json()


def _token_request(gateway, client_id: str, secret: str) -> requests.Response:
    return requests.post(f"{gateway['url']}/delta-sharing/oauth/token", data={"grant_type": "client_credentials"},
                         auth=(client_id, secret), timeout=30)


def test_an_oauth_recipients_profile_reads_before_and_after_its_first_access_token_expired(gateway, tmp_path):
    since = _now()
    name, profile = _oauth_recipient(gateway)
    assert set(profile) == {"shareCredentialsVersion", "type", "endpoint", "tokenEndpoint", "clientId", "clientSecret"}
    assert (profile["shareCredentialsVersion"], profile["type"], profile["clientId"]) == (2, "oauth_client_credentials", name)
    assert profile["endpoint"] == f"{gateway['url']}/delta-sharing"
    assert profile["tokenEndpoint"] == f"{gateway['url']}/delta-sharing/oauth/token"
    profile_file = tmp_path / f"{name}.share"
    profile_file.write_text(json.dumps(profile))

    client = delta_sharing.SharingClient(str(profile_file))
    assert [s.name for s in client.list_shares()] == [SHARE]
    _assert_rows(delta_sharing.load_as_pandas(f"{profile_file}#{SHARE}.{SCHEMA}.sales_daily"), "sales_daily", "first read")
    first = _audit(gateway, since, lambda e: e["operation"] == "token" and e.get("recipient") == name)
    assert first, "the connector fetched an access token"

    time.sleep(OWN_TOKEN_LIFETIME_S + 1)  # every token fetched so far has expired
    _assert_rows(delta_sharing.load_as_pandas(f"{profile_file}#{SHARE}.{SCHEMA}.customer_features"), "customer_features",
                 "read after the first token expired")

    tokens = _audit(gateway, since, lambda e: e["operation"] == "token" and e.get("recipient") == name, expected=len(first) + 1)
    assert len(tokens) > len(first), tokens
    assert {(e["protocol"], e["status"]) for e in tokens} == {("delta-sharing", "200")}, tokens
    reads = _audit(gateway, since, lambda e: e["operation"] == "queryTable" and e.get("recipient") == name, expected=2)
    assert [e["table"] for e in reads] == ["sales_daily", "customer_features"], reads
    for event in reads:
        assert (event["subject"], event["issuer"], event["status"]) == (name, "goldgate", "200"), event
    stored = json.dumps(_audit(gateway, since, lambda e: True))
    assert profile["clientSecret"] not in stored
    _admin(gateway, "DELETE", f"/recipients/{name}")


def test_a_catalog_declared_oauth_client_reads_with_the_gateways_token_endpoint(gateway, tmp_path):
    since = _now()
    profile = _profile(tmp_path / "catalog-client.share", endpoint=f"{gateway['url']}/delta-sharing",
                       tokenEndpoint=f"{gateway['url']}/delta-sharing/oauth/token", clientId=CATALOG_CLIENT,
                       clientSecret=CATALOG_CLIENT_SECRET)
    _assert_rows(delta_sharing.load_as_pandas(f"{profile}#{SHARE}.{SCHEMA}.sales_daily"), "sales_daily", "catalog OAuth client")
    reads = _audit(gateway, since, lambda e: e["operation"] == "queryTable")
    assert [(e["recipient"], e["subject"], e["issuer"]) for e in reads] == [(CATALOG_CLIENT, CATALOG_CLIENT, "goldgate")], reads
    assert _audit(gateway, since, lambda e: e["operation"] == "token" and e.get("recipient") == CATALOG_CLIENT)


def test_the_token_endpoint_refuses_a_wrong_secret(gateway):
    name, profile = _oauth_recipient(gateway)
    since = _now()
    r = _token_request(gateway, name, profile["clientSecret"] + "x")
    assert r.status_code == 401, r.text
    assert r.json() == {"error": "invalid_client",
                        "error_description": "Unknown client, a client secret that is wrong, expired or revoked, or an address the client may not connect from"}
    assert r.headers["WWW-Authenticate"] == 'Basic realm="goldgate"'
    assert r.headers["Cache-Control"] == "no-store"
    events = _audit(gateway, since, lambda e: e["operation"] == "token")
    assert len(events) == 1, events
    assert (events[0]["protocol"], events[0]["status"], events[0].get("recipient")) == ("delta-sharing", "401", None), events[0]
    assert profile["clientSecret"] not in json.dumps(events)
    # the right secret still works, and the profile's client secret is no bearer token
    assert _token_request(gateway, name, profile["clientSecret"]).status_code == 200
    assert requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(profile["clientSecret"]), timeout=30).status_code == 401
    _admin(gateway, "DELETE", f"/recipients/{name}")


# --------------------------------------------------------------------------------------------
# 3. refused tokens
# --------------------------------------------------------------------------------------------


def _assert_rejected(gateway, token: str, reason: str, detail: str, claimed: dict) -> None:
    """GET /delta-sharing/shares with the token: 401 with the reason, and its audit event."""
    since = _now()
    r = requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(token), timeout=30)
    message = f"Token rejected ({reason}): {detail}"
    assert r.status_code == 401, r.text
    assert r.json() == {"errorCode": "UNAUTHENTICATED", "message": message}
    assert r.headers["WWW-Authenticate"] == f'Bearer realm="goldgate", error="invalid_token", error_description="{reason}"'
    assert token not in r.text
    events = _audit(gateway, since, lambda e: e["status"] == "401" and e.get("message") == message)
    assert len(events) == 1, _audit(gateway, since, lambda e: True)
    event = events[0]
    assert (event["protocol"], event["operation"], event.get("recipient")) == ("delta-sharing", "listShares", None), event
    assert (event.get("issuer"), event.get("subject")) == (claimed["iss"], claimed["sub"]), event
    assert token not in json.dumps(event) and token.split(".")[1] not in json.dumps(event)


def _instant(epoch_seconds: int) -> str:
    """Java's Instant.toString of whole seconds."""
    return dt.datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_expired_keycloak_token_is_refused(gateway, keycloak):
    token = keycloak.client_token(REALM, "short-lived")
    claims = _claims(token)
    time.sleep(max(0.0, claims["exp"] + CLOCK_SKEW_S + 0.5 - time.time()))  # past its expiry and the allowed skew
    _assert_rejected(gateway, token, "expired", f"the token expired at {_instant(claims['exp'])}", claims)


def test_a_token_for_another_audience_is_refused(gateway, keycloak):
    token = keycloak.client_token(REALM, "other-aud")
    _assert_rejected(gateway, token, "wrong_audience",
                     "the token's audience [not-goldgate] is none its recipient's policy accepts", _claims(token))


def test_a_token_of_an_issuer_no_policy_names_is_refused(gateway, keycloak):
    token = keycloak.client_token(OTHER_REALM, "stranger")
    _assert_rejected(gateway, token, "unknown_issuer", f"no recipient signs in with issuer {keycloak.issuer(OTHER_REALM)}",
                     _claims(token))


def test_a_token_of_a_client_no_policy_names_is_refused(gateway, keycloak):
    token = keycloak.client_token(REALM, "intruder")
    _assert_rejected(gateway, token, "wrong_subject", "no recipient's federation policy names this token's subject", _claims(token))


def test_a_token_of_a_client_no_policy_names_is_refused_over_flight(gateway, keycloak):
    auth = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {keycloak.client_token(REALM, 'intruder')}".encode())])
    client = flight.FlightClient(gateway["flight"])
    try:
        with pytest.raises(flight.FlightUnauthenticatedError) as refused:
            client.get_flight_info(flight.FlightDescriptor.for_path(SHARE, SCHEMA, "sales_daily"), auth)
    finally:
        client.close()
    assert "Token rejected (wrong_subject): no recipient's federation policy names this token's subject" in str(refused.value)


def _partner_claims(keycloak) -> tuple[dict, str]:
    """The claims of a real partner-etl token, and the kid Keycloak signed it with."""
    token = keycloak.client_token(REALM, "partner-etl")
    return _claims(token), jwt.get_unverified_header(token)["kid"]


def test_a_token_signed_by_another_key_under_keycloaks_kid_is_refused(gateway, keycloak):
    claims, kid = _partner_claims(keycloak)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid})
    _assert_rejected(gateway, forged, "bad_signature", "the signature does not verify with the issuer's keys", claims)


def test_an_unsigned_token_is_refused(gateway, keycloak):
    claims, _ = _partner_claims(keycloak)
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert unsigned.endswith(".")
    _assert_rejected(gateway, unsigned, "unsupported_algorithm", "unsigned tokens (alg none) are not accepted", claims)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_hs256_token_keyed_with_keycloaks_public_key_is_refused(gateway, keycloak):
    claims, kid = _partner_claims(keycloak)
    jwk = next(k for k in keycloak.jwks(REALM)["keys"] if k["kid"] == kid)
    public_pem = jwt.PyJWK(jwk).key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    # By hand: PyJWT itself refuses a PEM key as an HMAC secret, which is the point of this attack.
    signing_input = f"{_b64url(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': kid}).encode())}.{_b64url(json.dumps(claims).encode())}"
    forged = f"{signing_input}.{_b64url(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())}"
    _assert_rejected(gateway, forged, "unsupported_algorithm",
                     "identity provider tokens must be signed with RS256 or ES256, not HS256", claims)


def test_a_gateway_token_of_a_revoked_client_is_refused(gateway):
    name, profile = _oauth_recipient(gateway)
    issued = _token_request(gateway, name, profile["clientSecret"])
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert (set(body), body["token_type"], body["expires_in"]) == ({"access_token", "token_type", "expires_in"}, "Bearer", OWN_TOKEN_LIFETIME_S)
    assert issued.headers["Cache-Control"] == "no-store"
    token = body["access_token"]
    listed = requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(token), timeout=30)
    assert listed.status_code == 200, listed.text

    revoked = _admin(gateway, "POST", f"/recipients/{name}/revoke")
    assert revoked.status_code == 200, revoked.text
    secrets = [t for t in revoked.json()["tokens"] if t["type"] == "client_secret"]
    assert len(secrets) == 1 and secrets[0]["state"] == "revoked", revoked.json()

    claims = _claims(token)
    assert (claims["iss"], claims["sub"], claims["client_id"]) == ("goldgate", name, name)
    _assert_rejected(gateway, token, "revoked", f"the client secret that obtained this token was revoked at {secrets[0]['revokedAt']}",
                     claims)
    refused = _token_request(gateway, name, profile["clientSecret"])
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    _admin(gateway, "DELETE", f"/recipients/{name}")


# --------------------------------------------------------------------------------------------
# 4. key rotation at the identity provider
# --------------------------------------------------------------------------------------------


def test_a_token_signed_with_a_rotated_in_key_is_accepted_without_a_restart(gateway, keycloak):
    before = keycloak.client_token(REALM, "partner-etl")
    assert requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(before), timeout=30).status_code == 200

    new_kid = keycloak.rotate_keys(REALM)
    after = keycloak.client_token(REALM, "partner-etl")
    assert jwt.get_unverified_header(after)["kid"] == new_kid != jwt.get_unverified_header(before)["kid"]
    time.sleep(KEYS_MIN_REFRESH_S + 0.5)  # the gateway refetches an issuer's keys for an unknown kid at most this often

    since = _now()
    r = requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(after), timeout=30)
    assert r.status_code == 200, r.text
    assert [s["name"] for s in r.json()["items"]] == [SHARE]
    events = _audit(gateway, since, lambda e: e["operation"] == "listShares")
    assert [(e["recipient"], e["subject"], e["issuer"]) for e in events] == [("partner", _claims(after)["sub"], keycloak.issuer(REALM))]
    # the former key is still published, so its tokens still work
    assert requests.get(f"{gateway['url']}/delta-sharing/shares", headers=_bearer(before), timeout=30).status_code == 200
