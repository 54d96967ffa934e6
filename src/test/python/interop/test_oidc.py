"""OAuth client credentials and OIDC federation with a real identity provider (Keycloak, keycloak.py).

Keycloak itself first: the tokens of the realms of src/test/keycloak are what the federation tests
assume (issuer, ``azp`` = client id, audience, ``kid`` of a published key, lifetimes), and a key
rotation publishes a new ``kid``.
"""
from __future__ import annotations

import jwt

from keycloak import OTHER_REALM, REALM


def _verified(keycloak, realm: str, token: str, audience: str) -> dict:
    """The token's claims, its signature checked against the realm's published key of its ``kid``."""
    kid = jwt.get_unverified_header(token)["kid"]
    keys = [k for k in keycloak.jwks(realm)["keys"] if k["kid"] == kid]
    assert len(keys) == 1, f"kid {kid} is not published by {realm}"
    return jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["RS256"], audience=audience,
                      issuer=keycloak.issuer(realm), options={"require": ["exp", "iat", "iss", "aud", "azp"]})


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
