"""Online features governed like the table data they come from, against a gateway this module starts.

Catalog (written here, tables by delta-rs): share ``crm`` with table ``customers`` (one row per
customer, partitioned by ``region``) and table ``regional_customers`` (the same table, rows restricted
per recipient by ``recipientPartitionFilter: {region: ${recipient.region}}``); share ``other`` with
nothing of it. Feature definitions: ``crm_stats`` over ``crm.gold.customers``, ``regional_stats``
over ``crm.gold.regional_customers``, ``raw_stats`` over a bare location (no share), and feature
service ``raw_service`` with one feature of ``raw_stats``, granted to recipient ``raw-reader``.

* A recipient of ``crm`` reads ``crm_stats`` (values equal to delta-rs's rows); a recipient of
  ``other`` only gets 403 naming the feature, and no values.
* A recipient whose rows of ``regional_customers`` are restricted to one region gets, through
  ``regional_stats``, exactly the customers whose newest row lies in that region (values equal to
  delta-rs's rows), and NOT_FOUND for every other customer; a recipient without the property the
  restriction needs gets 403.
* ``raw_stats`` is refused to every recipient, the share recipients included, except through the
  granted ``raw_service``, and only its listed feature.
"""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
import requests
from deltalake import DeltaTable, write_deltalake

from catalogs import Recipient, Table, View, write_catalog, write_feature_defs
from conftest import SELF_STARTED_ADMIN_TOKEN, launch_gateway, own_gateway_root

UTC = dt.timezone.utc
ADMIN = {"Authorization": f"Bearer {SELF_STARTED_ADMIN_TOKEN}"}
TOKENS = {
    "crm-reader": "goldgate-interop-governance-crm-token",
    "other-reader": "goldgate-interop-governance-other-token",
    "emea-reader": "goldgate-interop-governance-emea-token",
    "raw-reader": "goldgate-interop-governance-raw-token",
    "apac-reader": "goldgate-interop-governance-apac-token",
    "unassigned-reader": "goldgate-interop-governance-unassigned-token",
}
REGIONS = ["EMEA", "APAC", "AMER"]


def _auth(recipient: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[recipient]}"}


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, served_catalog, redis_server):
    root = own_gateway_root(tmp_path_factory, served_catalog, redis_server, "governance")
    table = root / "customers"
    ids = list(range(1, 301))
    write_deltalake(str(table), pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "region": pa.array([REGIONS[i % 3] for i in ids]),
        "score": pa.array([i * 0.5 for i in ids], pa.float64()),
        "tier": pa.array([f"tier-{i % 4}" for i in ids]),
        "updated_at": pa.array([dt.datetime(2025, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=i) for i in ids], pa.timestamp("us", tz="UTC")),
    }), partition_by=["region"])
    shares = write_catalog(root / "shares", {
        "crm.gold.customers": table,
        "crm.gold.regional_customers": Table(table, recipient_partition_filter={"region": "${recipient.region}"}),
        "other.gold.customers_again": table,
    }, [
        Recipient("crm-reader", TOKENS["crm-reader"], ["crm"]),
        Recipient("other-reader", TOKENS["other-reader"], ["other"]),
        Recipient("emea-reader", TOKENS["emea-reader"], ["crm"], properties={"region": "EMEA"}),
        Recipient("raw-reader", TOKENS["raw-reader"], ["other"], feature_services=["raw_service"]),
        Recipient("apac-reader", TOKENS["apac-reader"], ["crm"], properties={"region": "APAC"}),
        Recipient("unassigned-reader", TOKENS["unassigned-reader"], ["crm"]),
    ])
    features = {"score": "Float64", "tier": "String"}
    defs = write_feature_defs(root / "feature-defs", [
        View("crm_stats", table="crm.gold.customers", timestamp_column="updated_at", features=features),
        View("regional_stats", table="crm.gold.regional_customers", timestamp_column="updated_at", features=features),
        View("raw_stats", location=table, timestamp_column="updated_at", features=features),
    ], services={"raw_service": ["raw_stats:score"]})
    with launch_gateway(request.config, root / "gateway.log", shares_dir=shares, redis_url=f"{redis_server.url}/3", features_dir=defs) as url:
        for view in ("crm_stats", "regional_stats", "raw_stats"):
            r = requests.post(f"{url}/admin/features/views/{view}/materialize", headers=ADMIN, timeout=120)
            assert r.status_code == 200, r.text
        yield {"url": url, "table": table}


def _lookup(gateway, recipient: str, body: dict) -> requests.Response:
    return requests.post(f"{gateway['url']}/get-online-features", headers=_auth(recipient), json=body, timeout=30)


def _assert_refused(response: requests.Response, feature: str, why: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body == {"errorCode": "PERMISSION_DENIED", "message": f"You may not read feature '{feature}': {why}"}


def test_a_recipient_of_the_views_share_reads_delta_rs_values(gateway):
    rows = {r["customer_id"]: r for r in DeltaTable(str(gateway["table"])).to_pyarrow_table().to_pylist()}
    ids = [1, 2, 3, 150, 300]
    r = _lookup(gateway, "crm-reader", {"features": ["crm_stats:score", "crm_stats:tier"], "entities": {"customer_id": ids}})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[1]["values"] == [rows[i]["score"] for i in ids]
    assert results[2]["values"] == [rows[i]["tier"] for i in ids]
    assert results[1]["statuses"] == ["PRESENT"] * len(ids)


def test_a_recipient_without_the_share_gets_403_naming_the_feature(gateway):
    _assert_refused(_lookup(gateway, "other-reader", {"features": ["crm_stats:score"], "entities": {"customer_id": [1]}}),
                    "crm_stats:score", "its table is not shared with you")


@pytest.mark.parametrize("recipient,region", [("emea-reader", "EMEA"), ("apac-reader", "APAC")])
def test_a_recipient_whose_rows_are_restricted_gets_exactly_the_entities_of_its_rows(gateway, recipient, region):
    rows = {r["customer_id"]: r for r in DeltaTable(str(gateway["table"])).to_pyarrow_table().to_pylist()}
    ids = sorted(rows)
    r = _lookup(gateway, recipient, {"features": ["regional_stats:score", "regional_stats:tier"], "entities": {"customer_id": ids}})
    assert r.status_code == 200, r.text
    score, tier = r.json()["results"][1:]
    for i, customer in enumerate(ids):
        if rows[customer]["region"] == region:
            assert (score["statuses"][i], score["values"][i], tier["values"][i]) == ("PRESENT", rows[customer]["score"], rows[customer]["tier"]), customer
        else:
            assert (score["statuses"][i], score["values"][i], tier["statuses"][i]) == ("NOT_FOUND", None, "NOT_FOUND"), customer
            assert score["event_timestamps"][i] == "1970-01-01T00:00:00Z"
    assert score["statuses"].count("PRESENT") == sum(1 for c in ids if rows[c]["region"] == region) == 100


def test_a_recipient_without_the_property_a_restriction_needs_is_refused(gateway):
    r = _lookup(gateway, "unassigned-reader", {"features": ["regional_stats:tier"], "entities": {"customer_id": [3]}})
    assert r.status_code == 403, r.text
    assert r.json()["errorCode"] == "PERMISSION_DENIED" and "results" not in r.json()
    # The same recipient reads the unrestricted name of the table.
    assert _lookup(gateway, "unassigned-reader", {"features": ["crm_stats:tier"], "entities": {"customer_id": [3]}}).status_code == 200


def test_a_location_view_opens_only_through_a_granted_feature_service(gateway):
    for recipient in ("crm-reader", "other-reader"):
        _assert_refused(_lookup(gateway, recipient, {"features": ["raw_stats:score"], "entities": {"customer_id": [1]}}),
                        "raw_stats:score", "it is granted only through a feature service")
    r = _lookup(gateway, "raw-reader", {"feature_service": "raw_service", "entities": {"customer_id": [1, 2]}})
    assert r.status_code == 200, r.text
    assert r.json()["results"][1]["values"] == [0.5, 1.0]
    _assert_refused(_lookup(gateway, "raw-reader", {"features": ["raw_stats:tier"], "entities": {"customer_id": [1]}}),
                    "raw_stats:tier", "it is granted only through a feature service")
