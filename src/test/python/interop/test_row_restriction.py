"""Per-recipient row restriction (``recipientPartitionFilter``) seen through real clients.

Share ``regional`` (written by conftest.py) publishes shares/sample-lake/sales_daily restricted to
``region = ${recipient.region}``. Each recipient's rows, read with the delta-sharing client (parquet
and delta response formats, latest and time travel) and with pyarrow.flight, must equal what
delta-rs reads from the table directly, filtered to that region; a recipient without the property
is refused with 403.
"""

from __future__ import annotations

import delta_sharing
import pyarrow.flight as flight
import pytest
import requests

import test_delta_format_and_cdf as oracle
import test_delta_sharing_client as ref
from conftest import REGIONAL_SCHEMA, REGIONAL_SHARE, REGIONAL_TABLE, REGIONAL_TOKENS

REGIONS = ["EMEA", "APAC"]


def regional_url(profile: str) -> str:
    return f"{profile}#{REGIONAL_SHARE}.{REGIONAL_SCHEMA}.{REGIONAL_TABLE}"


def only(region: str):
    return lambda row: row["region"] == region


def test_the_fixture_has_rows_in_several_regions():
    regions = {row[ref.delta_columns("sales_daily").index(("region", "string"))] for row in ref.reference_rows("sales_daily")}
    assert {"EMEA", "APAC", "AMER"} <= regions, "the restriction must have other regions' rows to hide"


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_load_as_pandas_returns_exactly_the_recipients_region(regional_profiles, region, use_delta_format):
    df = delta_sharing.load_as_pandas(regional_url(regional_profiles[region]), use_delta_format=use_delta_format)
    assert len(df) > 0
    assert set(df["region"]) == {region}
    ref.assert_frame_matches_delta(df, "sales_daily", where=only(region))


@pytest.mark.parametrize("version", [0, 1, 3])
def test_time_travel_returns_the_recipients_region_at_that_version(regional_profiles, version):
    df = delta_sharing.load_as_pandas(regional_url(regional_profiles["EMEA"]), version=version)
    ref.assert_frame_matches_delta(df, "sales_daily", version=version, where=only("EMEA"))


def test_a_predicate_on_another_region_returns_no_row(regional_profiles):
    df = delta_sharing.load_as_pandas(
        regional_url(regional_profiles["EMEA"]),
        jsonPredicateHints=ref.predicate("equal", "region", "string", "APAC"),
    )
    assert len(df) == 0


def test_a_recipient_without_the_property_is_refused_with_403(regional_profiles):
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        delta_sharing.load_as_pandas(regional_url(regional_profiles[None]))
    assert refused.value.response.status_code == 403
    body = refused.value.response.json()
    assert body["errorCode"] == "PERMISSION_DENIED"
    assert "'region'" in body["message"]


@pytest.mark.parametrize("region", REGIONS)
def test_flight_returns_exactly_the_recipients_region(regional_profiles, flight_location, region):
    client = flight.FlightClient(flight_location)
    try:
        auth = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {REGIONAL_TOKENS[region]}".encode())])
        info = client.get_flight_info(flight.FlightDescriptor.for_path(REGIONAL_SHARE, REGIONAL_SCHEMA, REGIONAL_TABLE), auth)
        parts = [client.do_get(e.ticket, auth).read_all() for e in info.endpoints]
    finally:
        client.close()
    columns, everything = oracle.reference("retail", "sales_daily")
    expected = [row for row in everything if row[columns.index("region")] == region]
    assert 0 < len(expected) < len(everything)
    rows = [row for part in parts for row in oracle.frame_rows(part.to_pandas(), columns)]
    oracle.assert_same_rows(rows, expected, f"flight {region}")
    assert info.total_records == len(expected)
