"""Flight SQL with the ADBC Flight SQL driver (adbc-driver-flightsql from PyPI), the way BI and
notebook tools connect: list objects, run SELECT ... WHERE ... LIMIT, get clear errors."""
from __future__ import annotations

import adbc_driver_flightsql.dbapi as flightsql
import pytest

import test_delta_format_and_cdf as oracle


@pytest.fixture(scope="module")
def connection(gateway_url, flight_location, partner_token):
    conn = flightsql.connect(flight_location, db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {partner_token}"})
    yield conn
    conn.close()


def query(connection, sql):
    cur = connection.cursor()
    try:
        cur.execute(sql)
        return cur.fetch_arrow_table()
    finally:
        cur.close()


def test_get_objects_lists_shares_as_catalogs_with_their_schemas_and_tables(connection):
    objects = connection.adbc_get_objects(depth="tables").read_all().to_pylist()
    found = {(c["catalog_name"], s["db_schema_name"], t["table_name"])
             for c in objects for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]}
    assert found == {("retail", "gold", t) for t in oracle.RETAIL_TABLES} | {("labs", "delta", t) for t in oracle.LABS_TABLES}


def test_a_table_schema_is_the_tables_logical_schema(connection):
    schema = connection.adbc_get_table_schema("customers_cm", catalog_filter="labs", db_schema_filter="delta")
    assert schema.names == oracle.spark_table("customers_cm", oracle.latest("customers_cm"))[0]


def test_select_where_limit_returns_exactly_the_matching_rows(connection):
    result = query(connection, "SELECT customer_id, segment FROM retail.gold.customer_features WHERE customer_id <= 60 AND segment IS NOT NULL")
    columns, expected = oracle.reference("retail", "customer_features")
    want = [(r[columns.index("customer_id")], r[columns.index("segment")]) for r in expected
            if r[columns.index("customer_id")] <= 60 and r[columns.index("segment")] is not None]
    oracle.assert_same_rows(oracle.frame_rows(result.to_pandas(), ["customer_id", "segment"]), want, "WHERE customer_id <= 60")
    assert query(connection, "SELECT * FROM retail.gold.sales_daily WHERE region = 'EMEA' LIMIT 5").num_rows == 5


def test_select_star_of_a_deletion_vector_table_matches_spark(connection):
    result = query(connection, 'SELECT * FROM labs.delta.orders_dv')
    columns, expected = oracle.spark_table("orders_dv", oracle.latest("orders_dv"))
    oracle.assert_same_rows(oracle.frame_rows(result.to_pandas(), columns), expected, "orders_dv via Flight SQL")


@pytest.mark.parametrize("sql,named", [
    ("SELECT region FROM retail.gold.sales_daily GROUP BY region", "GROUP"),
    ("SELECT count(*) FROM retail.gold.sales_daily", "count"),
    ("DELETE FROM retail.gold.sales_daily", "DELETE"),
    ("SELECT ghost FROM retail.gold.sales_daily", "ghost"),
])
def test_sql_outside_the_subset_is_refused_naming_what_is_unsupported(connection, sql, named):
    with pytest.raises(Exception) as error:
        query(connection, sql)
    assert "INVALID_ARGUMENT" in str(error.value) and named in str(error.value)


def test_an_ungranted_share_is_not_found(connection):
    with pytest.raises(Exception, match="NOT_FOUND"):
        query(connection, "SELECT * FROM finance.gold.customer_ltv")
