"""Arrow Flight reads with pyarrow.flight, all endpoints of a table read in parallel, compared with
independent readers of the same tables (delta-rs for the sample lake, the recorded Spark reads for
the feature lake; see test_delta_format_and_cdf.py for both oracles)."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import test_delta_format_and_cdf as oracle


@pytest.fixture(scope="module")
def client(gateway_url, flight_location):
    c = flight.FlightClient(flight_location)
    yield c
    c.close()


@pytest.fixture(scope="module")
def auth(partner_token):
    return flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {partner_token}".encode())])


def read(client, auth, descriptor) -> tuple[flight.FlightInfo, pa.Table]:
    info = client.get_flight_info(descriptor, auth)
    with ThreadPoolExecutor(max_workers=max(1, len(info.endpoints))) as pool:
        parts = list(pool.map(lambda e: client.do_get(e.ticket, auth).read_all(), info.endpoints))
    table = pa.concat_tables(parts) if parts else info.schema.empty_table()
    assert table.schema.equals(info.schema), f"stream schema {table.schema} differs from the announced {info.schema}"
    return info, table


def command(**fields) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(json.dumps(fields))


def rows(table: pa.Table, columns: list[str]) -> list[tuple]:
    return oracle.frame_rows(table.to_pandas(), columns)


TABLES = [(oracle.RETAIL, t) for t in oracle.RETAIL_TABLES] + [(oracle.LABS, t) for t in oracle.LABS_TABLES]


@pytest.mark.parametrize("share,table", TABLES, ids=[t for _, t in TABLES])
def test_every_table_read_through_all_endpoints_in_parallel_equals_the_reference(client, auth, share, table):
    schema = oracle.RETAIL_SCHEMA if share == oracle.RETAIL else oracle.LABS_SCHEMA
    info, result = read(client, auth, flight.FlightDescriptor.for_path(share, schema, table))
    columns, expected = oracle.reference(share, table)
    assert result.column_names == columns
    oracle.assert_same_rows(rows(result, columns), expected, f"flight {share}.{table}")
    assert info.total_records in (-1, len(expected))


def test_a_multi_file_table_is_split_into_parallel_endpoints(client, auth):
    info = client.get_flight_info(flight.FlightDescriptor.for_path("retail", "gold", "sales_daily"), auth)
    assert len(info.endpoints) > 1
    tickets = {e.ticket.ticket for e in info.endpoints}
    assert len(tickets) == len(info.endpoints)


def test_a_projection_returns_only_those_columns_in_that_order(client, auth):
    _, result = read(client, auth, command(table="retail.gold.sales_daily", columns=["units", "region"]))
    assert result.column_names == ["units", "region"]
    columns, expected = oracle.reference("retail", "sales_daily")
    picked = [tuple(row[columns.index(c)] for c in ["units", "region"]) for row in expected]
    oracle.assert_same_rows(rows(result, ["units", "region"]), picked, "projection")


def test_a_partition_predicate_returns_exactly_the_matching_rows(client, auth):
    predicate = {"op": "equal", "children": [
        {"op": "column", "name": "region", "valueType": "string"},
        {"op": "literal", "value": "EMEA", "valueType": "string"}]}
    _, result = read(client, auth, command(table="retail.gold.sales_daily", predicate=predicate))
    columns, expected = oracle.reference("retail", "sales_daily")
    emea = [row for row in expected if row[columns.index("region")] == "EMEA"]
    oracle.assert_same_rows(rows(result, columns), emea, "region = EMEA")


def test_a_version_pin_reads_that_version(client, auth):
    _, result = read(client, auth, command(table="retail.gold.sales_daily", version=2))
    columns, expected = oracle.delta_rs_table(oracle.SAMPLE_LAKE / "sales_daily", 2)
    oracle.assert_same_rows(rows(result, columns), expected, "sales_daily v2")


@pytest.mark.parametrize("version", [0, 1, 2, 3])
def test_deletion_vectors_at_every_version_match_spark(client, auth, version):
    _, result = read(client, auth, command(table="labs.delta.orders_dv", version=version))
    columns, expected = oracle.spark_table("orders_dv", version)
    oracle.assert_same_rows(rows(result, columns), expected, f"orders_dv v{version}")


def test_an_ungranted_table_is_not_found_and_listing_hides_it(client, auth):
    # pyarrow maps Flight's NOT_FOUND to ArrowKeyError, a KeyError.
    with pytest.raises(KeyError, match="not found"):
        client.get_flight_info(flight.FlightDescriptor.for_path("finance", "gold", "customer_ltv"), auth)
    listed = {".".join(p.decode() for p in f.descriptor.path) for f in client.list_flights(options=auth)}
    assert "retail.gold.sales_daily" in listed and not any(n.startswith("finance.") for n in listed)


def test_no_token_is_unauthenticated(client):
    with pytest.raises(flight.FlightUnauthenticatedError):
        client.get_flight_info(flight.FlightDescriptor.for_path("retail", "gold", "sales_daily"))
