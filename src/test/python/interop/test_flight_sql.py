"""Flight SQL with the ADBC Flight SQL driver (adbc-driver-flightsql from PyPI), the way BI and
notebook tools connect: read-only SQL (aggregates, joins, subqueries, CTEs, window functions),
prepared statements with parameters, metadata (``adbc_get_objects``, ``adbc_get_table_schema``),
governance (row restrictions, ungranted tables, deletion vectors) and clear errors.

Every answer is checked against computations that never go through the gateway:
  * pandas over delta-rs (``deltalake``) reads of the same tables (``frame``), written out per query;
  * DuckDB (the Python package) running the very same SQL text over the same delta-rs reads, loaded
    into in-memory catalogs named like the shares (``retail.gold.sales_daily``; ``duck``). The gateway
    embeds DuckDB too, but feeds it from its own governed read path; this cross-check catches a
    gateway that feeds its engine the wrong rows, not an engine bug;
  * Spark's record (``shares/feature-lake/expected``) for the deletion-vector table, which delta-rs
    cannot read.
Values are compared exactly (floats within 1e-9 relative), in order where ORDER BY is total,
otherwise as multisets.

Two ways a query reaches the gateway:
  * ``cursor.execute`` (the DB-API path): the ADBC driver always prepares first
    (CreatePreparedStatement, then DoPut of any parameters and GetFlightInfo of the prepared
    statement), like the JDBC driver;
  * ``AdbcStatement.execute_query`` without prepare: CommandStatementQuery.
"""
from __future__ import annotations

import contextlib
import math
from collections import Counter
from decimal import Decimal
from functools import lru_cache

import adbc_driver_flightsql.dbapi as flightsql
import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from adbc_driver_manager import AdbcStatusCode
from deltalake import DeltaTable, QueryBuilder

import test_delta_format_and_cdf as oracle
from conftest import ANALYST_TOKEN, REGIONAL_SCHEMA, REGIONAL_SHARE, REGIONAL_TABLE, REGIONAL_TOKENS

# Flight SQL has no transactions here: the DB-API wrapper warns that autocommit stays on
pytestmark = pytest.mark.filterwarnings("ignore:Cannot disable autocommit")

NOT_SHARED = "Table '{}' does not exist or is not shared with you"
READ_ONLY = "Goldgate is read-only"


# ---------------------------------------------------------------------------
# the gateway side
# ---------------------------------------------------------------------------


def connect(flight_location: str, token: str):
    return flightsql.connect(flight_location, db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {token}"})


@pytest.fixture(scope="module")
def connection(gateway_url, flight_location, partner_token):
    """Recipient sample-partner: shares retail and labs (not finance)."""
    conn = connect(flight_location, partner_token)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def regional(served_catalog, gateway_url, flight_location):
    """Region -> connection of that recipient of share regional (sales_daily restricted to
    region = its region property); skips when the gateway was not started by this suite."""
    if served_catalog is None:
        pytest.skip("GOLDGATE_URL is set: the regional share exists only in the catalog of a self-started gateway")
    with contextlib.ExitStack() as stack:
        yield {region: stack.enter_context(contextlib.closing(connect(flight_location, REGIONAL_TOKENS[region])))
               for region in ("EMEA", "APAC")}


def query(connection, sql: str, parameters=None) -> pa.Table:
    """The DB-API path: the driver prepares the statement, binds parameters, executes the handle."""
    cur = connection.cursor()
    try:
        cur.execute(sql, parameters=parameters)
        return cur.fetch_arrow_table()
    finally:
        cur.close()


def statement_query(connection, sql: str) -> pa.Table:
    """CommandStatementQuery: an ad-hoc statement, never prepared."""
    cur = connection.cursor()
    try:
        stmt = cur.adbc_statement
        stmt.set_sql_query(sql)
        stream, _ = stmt.execute_query()
        return pa.RecordBatchReader.from_stream(stream).read_all()
    finally:
        cur.close()


PATHS = [pytest.param(query, id="prepared"), pytest.param(statement_query, id="statement")]


def refusal(run, *args, **kwargs) -> Exception:
    """The ADBC error ``run(*args, **kwargs)`` raises (it must raise one)."""
    with pytest.raises(Exception) as raised:
        run(*args, **kwargs)
    assert hasattr(raised.value, "status_code"), f"not an ADBC error: {raised.value!r}"
    return raised.value


def table_rows(table: pa.Table) -> list[tuple]:
    return [tuple(row.values()) for row in table.to_pylist()]


# ---------------------------------------------------------------------------
# the independent side: delta-rs reads, pandas, DuckDB
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def lake(table: str) -> pa.Table:
    """The latest version of shares/sample-lake/<table> as delta-rs reads it (QueryBuilder; never
    DeltaTable.to_pyarrow_table, which aborts the interpreter at exit with deltalake 1.6.6), string
    views as plain strings."""
    read = pa.table(QueryBuilder().register("t", DeltaTable(str(oracle.SAMPLE_LAKE / table))).execute("SELECT * FROM t").read_all())
    return read.cast(pa.schema([f.with_type(pa.string()) if f.type == pa.string_view() else f for f in read.schema]))


def frame(table: str) -> pd.DataFrame:
    return lake(table).to_pandas()


@lru_cache(maxsize=None)
def duck() -> duckdb.DuckDBPyConnection:
    """DuckDB with the retail tables (delta-rs reads) at the names the gateway shares them under,
    so a query's SQL text runs unchanged."""
    con = duckdb.connect()
    con.execute(f"ATTACH ':memory:' AS {oracle.RETAIL}")
    con.execute(f"CREATE SCHEMA {oracle.RETAIL}.{oracle.RETAIL_SCHEMA}")
    for table in oracle.RETAIL_TABLES:
        con.register("delta_rs_read", lake(table))
        con.execute(f"CREATE TABLE {oracle.RETAIL}.{oracle.RETAIL_SCHEMA}.{table} AS SELECT * FROM delta_rs_read")
        con.unregister("delta_rs_read")
    return con


def duck_answer(sql: str, parameters=None) -> tuple[list[str], list[tuple]]:
    cur = duck().execute(sql, parameters) if parameters is not None else duck().execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


def frame_tuples(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return list(zip(*(df[c].tolist() for c in columns))) if len(df) else []


def plain(v):
    """numpy / pandas scalars as Python values; NaN and NaT as None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def same_value(a, b) -> bool:
    a, b = plain(a), plain(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (bool, str)) or isinstance(b, (bool, str)):
        return type(a) is type(b) and a == b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b  # ints, Decimals (Decimal(5) == 5), dates, timestamps


def sort_key(row: tuple) -> tuple:
    return tuple((v is None, round(float(v), 6) if isinstance(v, float) else v) for v in map(plain, row))


def assert_rows(got: list[tuple], want: list[tuple], what: str, ordered: bool) -> None:
    """Same rows (same order when ordered), each value equal (floats within 1e-9 relative)."""
    assert len(got) == len(want), f"{what}: {len(got)} rows, expected {len(want)}\n got  {got[:5]}\n want {want[:5]}"
    if not ordered:
        got, want = sorted(got, key=sort_key), sorted(want, key=sort_key)
    for i, (g, w) in enumerate(zip(got, want)):
        assert len(g) == len(w) and all(same_value(x, y) for x, y in zip(g, w)), \
            f"{what}: row {i} differs\n got  {g}\n want {w}"


def decimal_sum(series: pd.Series) -> Decimal:
    return sum(series, Decimal(0))


# ---------------------------------------------------------------------------
# SQL over the retail share: the gateway == pandas == DuckDB over delta-rs reads
# ---------------------------------------------------------------------------


def grouped_with_having() -> list[tuple]:
    df = frame("sales_daily")
    g = df.groupby("region").agg(n=("region", "size"), units=("units", "sum"), avg_price=("unit_price", "mean"),
                                 min_revenue=("revenue", "min"), last_day=("sale_date", "max"),
                                 last_update=("updated_at", "max")).reset_index()
    g = g[g.n > 28].sort_values("region")
    return frame_tuples(g, ["region", "n", "units", "avg_price", "min_revenue", "last_day", "last_update"])


def top_customers_page() -> list[tuple]:
    df = frame("customer_features").sort_values("lifetime_value", ascending=False).iloc[5:15]
    return frame_tuples(df, ["customer_id", "segment", "lifetime_value"])


def sales_joined_with_stock() -> list[tuple]:
    j = frame("sales_daily").merge(frame("inventory_levels"), on="sku")
    g = j.groupby(["region", "warehouse"]).agg(n=("sku", "size"), units=("units", "sum"), on_hand=("on_hand", "sum"))
    return frame_tuples(g.reset_index().sort_values(["region", "warehouse"]), ["region", "warehouse", "n", "units", "on_hand"])


def stock_of_promoted_skus() -> list[tuple]:
    sales, stock = frame("sales_daily"), frame("inventory_levels")
    promoted = set(sales[sales.is_promo].sku)
    df = stock[stock.sku.isin(promoted)].sort_values(["sku", "warehouse"])
    assert 0 < len(df) < len(stock), "the IN subquery must filter something"
    return frame_tuples(df, ["sku", "warehouse", "on_hand"])


def customers_above_average() -> list[tuple]:
    df = frame("customer_features")
    return frame_tuples(df[df.lifetime_value > df.lifetime_value.mean()].sort_values("customer_id"),
                        ["customer_id", "lifetime_value"])


def best_day_per_region() -> list[tuple]:
    df = frame("sales_daily")
    per_day = df.groupby(["sale_date", "region"]).agg(revenue=("revenue", decimal_sum), units=("units", "sum")).reset_index()
    g = per_day.groupby("region").agg(days=("sale_date", "size"), best_day=("revenue", "max"), units=("units", "sum"))
    return frame_tuples(g.reset_index().sort_values("region"), ["region", "days", "best_day", "units"])


def rank_in_segment() -> list[tuple]:
    df = frame("customer_features")
    df["rank_in_segment"] = df.groupby("segment").lifetime_value.rank(method="min", ascending=False).astype("int64")
    df["segment_size"] = df.groupby("segment").customer_id.transform("size")
    return frame_tuples(df.sort_values("customer_id"), ["customer_id", "segment", "lifetime_value", "rank_in_segment", "segment_size"])


SALE_ORDER = ["region", "sale_date", "store_id", "sku", "updated_at"]  # unique per row: a total order


def running_units() -> list[tuple]:
    df = frame("sales_daily").sort_values(SALE_ORDER)
    df["running_units"] = df.groupby("region").units.cumsum()
    df["previous_units"] = df.groupby("region").units.shift(1)
    return frame_tuples(df, [*SALE_ORDER, "units", "running_units", "previous_units"])


def distinct_region_promo() -> list[tuple]:
    df = frame("sales_daily")[["region", "is_promo"]].drop_duplicates().sort_values(["region", "is_promo"])
    return frame_tuples(df, ["region", "is_promo"])


def skus_per_warehouse() -> list[tuple]:
    df = frame("inventory_levels")
    g = df.groupby("warehouse").agg(skus=("sku", "nunique"), priced=("unit_cost", "count"), n=("sku", "size"))
    return frame_tuples(g.reset_index().sort_values("warehouse"), ["warehouse", "skus", "priced", "n"])


def discount_codes() -> list[tuple]:
    df = frame("sales_daily")
    df = df[df.discount_code.notna()]
    return frame_tuples(df[["discount_code"]].drop_duplicates(), ["discount_code"])


# (SQL, pandas computation of the answer, whether ORDER BY makes the row order total)
SQL_CASES = {
    "group_by_having_order_by": (
        "SELECT region, count(*) AS n, sum(units) AS units, avg(unit_price) AS avg_price, min(revenue) AS min_revenue, "
        "max(sale_date) AS last_day, max(updated_at) AS last_update "
        "FROM retail.gold.sales_daily GROUP BY region HAVING count(*) > 28 ORDER BY region",
        grouped_with_having, True),
    "order_by_limit_offset": (
        "SELECT customer_id, segment, lifetime_value FROM retail.gold.customer_features "
        "ORDER BY lifetime_value DESC LIMIT 10 OFFSET 5",
        top_customers_page, True),
    "join_of_two_tables": (
        "SELECT s.region, i.warehouse, count(*) AS n, sum(s.units) AS units, sum(i.on_hand) AS on_hand "
        "FROM retail.gold.sales_daily AS s JOIN retail.gold.inventory_levels AS i ON s.sku = i.sku "
        "GROUP BY s.region, i.warehouse ORDER BY s.region, i.warehouse",
        sales_joined_with_stock, True),
    "in_subquery": (
        "SELECT sku, warehouse, on_hand FROM retail.gold.inventory_levels "
        "WHERE sku IN (SELECT sku FROM retail.gold.sales_daily WHERE is_promo) ORDER BY sku, warehouse",
        stock_of_promoted_skus, True),
    "scalar_subquery": (
        "SELECT customer_id, lifetime_value FROM retail.gold.customer_features "
        "WHERE lifetime_value > (SELECT avg(lifetime_value) FROM retail.gold.customer_features) ORDER BY customer_id",
        customers_above_average, True),
    "cte": (
        "WITH per_day AS (SELECT sale_date, region, sum(revenue) AS revenue, sum(units) AS units "
        "FROM retail.gold.sales_daily GROUP BY sale_date, region) "
        "SELECT region, count(*) AS days, max(revenue) AS best_day, sum(units) AS units FROM per_day "
        "GROUP BY region ORDER BY region",
        best_day_per_region, True),
    "window_rank": (
        "SELECT customer_id, segment, lifetime_value, "
        "rank() OVER (PARTITION BY segment ORDER BY lifetime_value DESC) AS rank_in_segment, "
        "count(*) OVER (PARTITION BY segment) AS segment_size "
        "FROM retail.gold.customer_features ORDER BY customer_id",
        rank_in_segment, True),
    "window_running_sum": (
        f"SELECT {', '.join(SALE_ORDER)}, units, "
        f"sum(units) OVER (PARTITION BY region ORDER BY {', '.join(SALE_ORDER[1:])} ROWS UNBOUNDED PRECEDING) AS running_units, "
        f"lag(units) OVER (PARTITION BY region ORDER BY {', '.join(SALE_ORDER[1:])}) AS previous_units "
        f"FROM retail.gold.sales_daily ORDER BY {', '.join(SALE_ORDER)}",
        running_units, True),
    "distinct": (
        "SELECT DISTINCT region, is_promo FROM retail.gold.sales_daily ORDER BY region, is_promo",
        distinct_region_promo, True),
    "count_distinct": (
        "SELECT warehouse, count(DISTINCT sku) AS skus, count(unit_cost) AS priced, count(*) AS n "
        "FROM retail.gold.inventory_levels GROUP BY warehouse ORDER BY warehouse",
        skus_per_warehouse, True),
    "distinct_unordered": (
        "SELECT DISTINCT discount_code FROM retail.gold.sales_daily WHERE discount_code IS NOT NULL",
        discount_codes, False),
}


@pytest.mark.parametrize("run", PATHS)
@pytest.mark.parametrize("case", list(SQL_CASES))
def test_sql_equals_pandas_and_duckdb_over_delta_rs_reads(connection, case, run):
    sql, pandas_answer, ordered = SQL_CASES[case]
    result = run(connection, sql)
    names, duck_rows = duck_answer(sql)
    assert result.column_names == names
    want = pandas_answer()
    assert want, f"{case}: the reference answer is empty, the case proves nothing"
    assert_rows(duck_rows, want, f"{case}: DuckDB vs pandas (the two references)", ordered)
    assert_rows(table_rows(result), want, f"{case}: gateway vs pandas", ordered)


def test_result_columns_have_duckdbs_types_as_arrow(connection):
    sql, _, _ = SQL_CASES["group_by_having_order_by"]
    schema = query(connection, sql).schema
    assert {f.name: f.type for f in schema} == {
        "region": pa.string(), "n": pa.int64(), "units": pa.decimal128(38, 0), "avg_price": pa.float64(),
        "min_revenue": pa.decimal128(12, 2), "last_day": pa.date32(), "last_update": pa.timestamp("us", tz="UTC"),
    }


def test_nested_ctes_are_named_without_a_share(connection):
    sql = ("WITH promo AS (SELECT * FROM retail.gold.sales_daily WHERE is_promo), "
           "big AS (SELECT * FROM promo WHERE units >= 3) SELECT count(*) AS n, sum(units) AS units FROM big")
    df = frame("sales_daily")
    df = df[df.is_promo & (df.units >= 3)]
    assert_rows(table_rows(query(connection, sql)), [(len(df), int(df.units.sum()))], "nested CTEs", True)


# ---------------------------------------------------------------------------
# prepared statements with parameters
# ---------------------------------------------------------------------------


def test_a_prepared_statement_reports_one_parameter_per_placeholder(connection):
    cur = connection.cursor()
    try:
        params = cur.adbc_prepare("SELECT customer_id FROM retail.gold.customer_features WHERE orders_count > ? AND segment = ?")
    finally:
        cur.close()
    assert params is not None and len(params) == 2


def test_a_prepared_statement_binds_its_parameter_each_time(connection):
    sql = "SELECT customer_id, orders_count FROM retail.gold.customer_features WHERE orders_count > ? ORDER BY customer_id"
    df = frame("customer_features")
    cur = connection.cursor()
    try:
        for minimum in (5, 30, 60):  # one cursor: prepared once, bound three times (60 is the maximum)
            cur.execute(sql, parameters=(minimum,))
            got = table_rows(cur.fetch_arrow_table())
            want = frame_tuples(df[df.orders_count > minimum].sort_values("customer_id"), ["customer_id", "orders_count"])
            assert_rows(got, want, f"orders_count > {minimum}", True)
            assert_rows(got, duck_answer(sql, [minimum])[1], f"orders_count > {minimum} (DuckDB)", True)
    finally:
        cur.close()


def test_prepared_parameters_of_several_types_in_an_aggregate(connection):
    sql = ("SELECT region, count(*) AS n, sum(revenue) AS revenue, avg(unit_price) AS avg_price "
           "FROM retail.gold.sales_daily WHERE region = ? AND units >= ? AND unit_price < ? GROUP BY region")
    df = frame("sales_daily")
    for region, units, price in (("EMEA", 3, 50.0), ("APAC", 1, 10.5), ("AMER", 1000, 1.0)):
        got = table_rows(query(connection, sql, (region, units, price)))
        sel = df[(df.region == region) & (df.units >= units) & (df.unit_price < price)]
        want = [(region, len(sel), decimal_sum(sel.revenue), sel.unit_price.mean())] if len(sel) else []
        assert_rows(got, want, f"region {region}, units >= {units}, unit_price < {price}", True)


# ---------------------------------------------------------------------------
# metadata
# ---------------------------------------------------------------------------


def logical_columns(share: str, table: str) -> list[str]:
    if share == oracle.RETAIL:
        return lake(table).column_names
    return oracle.spark_table(table, oracle.latest(table))[0]


def test_get_objects_lists_shares_as_catalogs_with_their_schemas_and_tables(connection):
    objects = connection.adbc_get_objects(depth="tables").read_all().to_pylist()
    found = {(c["catalog_name"], s["db_schema_name"], t["table_name"])
             for c in objects for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]}
    assert found == {("retail", "gold", t) for t in oracle.RETAIL_TABLES} | {("labs", "delta", t) for t in oracle.LABS_TABLES}


def test_get_objects_to_the_columns_lists_every_tables_logical_columns_in_order(connection):
    objects = connection.adbc_get_objects(depth="all").read_all().to_pylist()
    columns = {(c["catalog_name"], s["db_schema_name"], t["table_name"]): t["table_columns"]
               for c in objects for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]}
    expected = [(oracle.RETAIL, oracle.RETAIL_SCHEMA, t) for t in oracle.RETAIL_TABLES] + \
               [(oracle.LABS, oracle.LABS_SCHEMA, t) for t in oracle.LABS_TABLES]
    assert set(columns) == set(expected)
    for share, schema, table in expected:
        listed = sorted(columns[(share, schema, table)], key=lambda col: col["ordinal_position"])
        assert [col["column_name"] for col in listed] == logical_columns(share, table), f"{share}.{schema}.{table}"
        assert [col["ordinal_position"] for col in listed] == list(range(1, len(listed) + 1))


def test_get_objects_filters_by_catalog_table_and_column_pattern(connection):
    objects = connection.adbc_get_objects(depth="all", catalog_filter="retail", table_name_filter="%s_daily",
                                          column_name_filter="%_id").read_all().to_pylist()
    found = [(c["catalog_name"], s["db_schema_name"], t["table_name"], [col["column_name"] for col in t["table_columns"]])
             for c in objects for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]]
    assert found == [("retail", "gold", "sales_daily", ["store_id"])]


@pytest.mark.parametrize("table", oracle.RETAIL_TABLES)
def test_a_table_schema_is_the_delta_rs_schema(connection, table):
    schema = connection.adbc_get_table_schema(table, catalog_filter=oracle.RETAIL, db_schema_filter=oracle.RETAIL_SCHEMA)
    assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in lake(table).schema]


def test_a_table_schema_has_the_logical_names_of_a_column_mapped_table(connection):
    schema = connection.adbc_get_table_schema("customers_cm", catalog_filter="labs", db_schema_filter="delta")
    assert schema.names == oracle.spark_table("customers_cm", oracle.latest("customers_cm"))[0]


def test_a_table_schema_of_an_ungranted_table_is_not_found(connection):
    error = refusal(connection.adbc_get_table_schema, "customer_ltv", catalog_filter="finance", db_schema_filter="gold")
    assert error.status_code == AdbcStatusCode.NOT_FOUND


# ---------------------------------------------------------------------------
# the simple subset still answers
# ---------------------------------------------------------------------------


def test_select_where_limit_returns_exactly_the_matching_rows(connection):
    result = query(connection, "SELECT customer_id, segment FROM retail.gold.customer_features WHERE customer_id <= 60 AND segment IS NOT NULL")
    columns, expected = oracle.reference("retail", "customer_features")
    want = [(r[columns.index("customer_id")], r[columns.index("segment")]) for r in expected
            if r[columns.index("customer_id")] <= 60 and r[columns.index("segment")] is not None]
    oracle.assert_same_rows(oracle.frame_rows(result.to_pandas(), ["customer_id", "segment"]), want, "WHERE customer_id <= 60")
    assert query(connection, "SELECT * FROM retail.gold.sales_daily WHERE region = 'EMEA' LIMIT 5").num_rows == 5


def test_quoted_and_differently_cased_table_names_resolve(connection):
    want = [(len(frame("sales_daily")),)]
    for name in ('"retail"."gold"."sales_daily"', "RETAIL.Gold.SALES_DAILY"):
        assert_rows(table_rows(query(connection, f"SELECT count(*) AS n FROM {name}")), want, name, True)


# ---------------------------------------------------------------------------
# governance
# ---------------------------------------------------------------------------


def test_select_star_of_a_deletion_vector_table_matches_spark(connection):
    result = query(connection, 'SELECT * FROM labs.delta.orders_dv')
    columns, expected = oracle.spark_table("orders_dv", oracle.latest("orders_dv"))
    oracle.assert_same_rows(oracle.frame_rows(result.to_pandas(), columns), expected, "orders_dv via Flight SQL")


def test_aggregates_of_a_deletion_vector_table_count_only_the_live_rows(connection):
    version = oracle.latest("orders_dv")
    columns, spark_rows = oracle.spark_table("orders_dv", version)
    assert len(spark_rows) == oracle.expected_figures()[0]["orders_dv"][version]
    assert_rows(table_rows(query(connection, "SELECT count(*) AS n FROM labs.delta.orders_dv")), [(len(spark_rows),)],
                "count(*) of orders_dv", True)
    spark = pd.DataFrame(spark_rows, columns=columns)
    spark["amount"] = spark.amount.map(lambda a: None if a is None else Decimal(a))
    g = spark.groupby("status", dropna=False).agg(n=("order_id", "size"), amount=("amount", decimal_sum), last=("order_id", "max"))
    want = frame_tuples(g.reset_index().sort_values("status"), ["status", "n", "amount", "last"])
    got = query(connection, "SELECT status, count(*) AS n, sum(amount) AS amount, max(order_id) AS last "
                            "FROM labs.delta.orders_dv GROUP BY status ORDER BY status")
    assert_rows(table_rows(got), want, "orders_dv per status", True)


@pytest.mark.parametrize("region", ["EMEA", "APAC"])
def test_a_region_restricted_recipient_aggregates_over_its_region_only(regional, region):
    conn = regional[region]
    df = frame("sales_daily")
    mine = df[df.region == region]
    assert 0 < len(mine) < len(df)
    got = query(conn, f"SELECT region, count(*) AS n, sum(units) AS units, sum(revenue) AS revenue, avg(unit_price) AS avg_price "
                      f"FROM {REGIONAL_SHARE}.{REGIONAL_SCHEMA}.{REGIONAL_TABLE} GROUP BY region ORDER BY region")
    want = [(region, len(mine), int(mine.units.sum()), decimal_sum(mine.revenue), mine.unit_price.mean())]
    assert_rows(table_rows(got), want, f"{region} recipient's aggregate", True)
    others = query(conn, f"SELECT count(*) AS n FROM {REGIONAL_SHARE}.{REGIONAL_SCHEMA}.{REGIONAL_TABLE} WHERE region <> ?", (region,))
    assert table_rows(others) == [(0,)]
    # a self-join sees the restricted rows on both sides
    pairs = query(conn, f"SELECT count(*) AS n FROM {REGIONAL_SHARE}.{REGIONAL_SCHEMA}.{REGIONAL_TABLE} a "
                        f"JOIN {REGIONAL_SHARE}.{REGIONAL_SCHEMA}.{REGIONAL_TABLE} b ON a.sku = b.sku")
    assert table_rows(pairs) == [(int(mine.groupby("sku").size().pow(2).sum()),)]


UNGRANTED_JOINS = [
    "SELECT s.region, count(*) AS n FROM retail.gold.sales_daily AS s JOIN {table} AS c ON s.store_id = c.customer_id GROUP BY s.region",
    "SELECT count(*) AS n FROM retail.gold.sales_daily WHERE store_id IN (SELECT customer_id FROM {table})",
    "WITH c AS (SELECT * FROM {table}) SELECT count(*) AS n FROM c",
]


@pytest.mark.parametrize("run", PATHS)
@pytest.mark.parametrize("template", UNGRANTED_JOINS, ids=["join", "subquery", "cte"])
def test_a_query_touching_an_ungranted_table_fails_as_if_the_table_did_not_exist(connection, gateway_url, flight_location,
                                                                                 template, run):
    ungranted = refusal(run, connection, template.format(table="finance.gold.customer_ltv"))
    missing = refusal(run, connection, template.format(table="finance.gold.no_such_table"))
    for error, name in ((ungranted, "finance.gold.customer_ltv"), (missing, "finance.gold.no_such_table")):
        assert error.status_code == AdbcStatusCode.NOT_FOUND, error
        assert NOT_SHARED.format(name) in str(error)
    assert str(ungranted).replace("customer_ltv", "X") == str(missing).replace("no_such_table", "X")
    # the same query runs for a recipient granted share finance: the table exists
    with contextlib.closing(connect(flight_location, ANALYST_TOKEN)) as analyst:
        assert run(analyst, template.format(table="finance.gold.customer_ltv")).column_names


def test_a_restricted_recipient_cannot_reach_a_table_of_another_share(regional):
    error = refusal(query, regional["EMEA"], "SELECT r.region, count(*) AS n FROM regional.gold.sales_daily r "
                                             "JOIN retail.gold.sales_daily s ON r.sku = s.sku GROUP BY r.region")
    assert error.status_code == AdbcStatusCode.NOT_FOUND
    assert NOT_SHARED.format("retail.gold.sales_daily") in str(error)


def test_an_ungranted_share_is_not_found(connection):
    error = refusal(query, connection, "SELECT * FROM finance.gold.customer_ltv")
    assert error.status_code == AdbcStatusCode.NOT_FOUND
    assert NOT_SHARED.format("finance.gold.customer_ltv") in str(error)


@pytest.mark.parametrize("name", ["sales_daily", "gold.sales_daily"])
def test_a_table_named_without_its_share_is_not_found(connection, name):
    error = refusal(query, connection, f"SELECT count(*) AS n FROM {name}")
    assert error.status_code == AdbcStatusCode.NOT_FOUND
    assert "share.schema.table" in str(error)


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("run", PATHS)
@pytest.mark.parametrize("sql,named", [
    ("SELEC region FROM retail.gold.sales_daily", "SELEC"),
    ("SELECT region FROM retail.gold.sales_daily WHERE", "syntax"),
    ("SELECT ghost FROM retail.gold.sales_daily", "ghost"),
    ("SELECT no_such_function(units) AS x FROM retail.gold.sales_daily", "no_such_function"),
], ids=["keyword", "truncated", "unknown_column", "unknown_function"])
def test_a_syntax_or_binding_error_is_invalid_argument_with_the_engines_message(connection, run, sql, named):
    error = refusal(run, connection, sql)
    assert error.status_code == AdbcStatusCode.INVALID_ARGUMENT, error
    assert named in str(error)


@pytest.mark.parametrize("run", PATHS)
@pytest.mark.parametrize("sql", [
    "DELETE FROM retail.gold.sales_daily",
    "INSERT INTO retail.gold.sales_daily SELECT * FROM retail.gold.sales_daily",
    "UPDATE retail.gold.sales_daily SET units = 0",
    "CREATE TABLE scratch AS SELECT 1 AS x",
    "DROP TABLE retail.gold.sales_daily",
    "COPY (SELECT 1) TO '/tmp/goldgate-interop-copy.csv'",
    "ATTACH '/tmp/goldgate-interop-attach.db' AS other",
    "SET memory_limit = '64GB'",
    "PRAGMA enable_profiling",
], ids=["delete", "insert", "update", "create", "drop", "copy", "attach", "set", "pragma"])
def test_a_statement_that_is_not_a_query_is_unimplemented_read_only(connection, run, sql):
    error = refusal(run, connection, sql)
    assert error.status_code == AdbcStatusCode.NOT_IMPLEMENTED, error
    assert READ_ONLY in str(error)


def test_an_update_command_is_unimplemented_read_only(connection):
    cur = connection.cursor()
    try:
        stmt = cur.adbc_statement
        stmt.set_sql_query("DELETE FROM retail.gold.sales_daily")
        error = refusal(stmt.execute_update)  # CommandStatementUpdate
    finally:
        cur.close()
    assert error.status_code == AdbcStatusCode.NOT_IMPLEMENTED, error
    assert READ_ONLY in str(error)


def test_bulk_ingest_is_unimplemented_read_only(connection):
    cur = connection.cursor()
    try:
        error = refusal(cur.adbc_ingest, "scratch", pa.table({"x": [1, 2]}), "create")  # CommandStatementIngest
    finally:
        cur.close()
    assert error.status_code == AdbcStatusCode.NOT_IMPLEMENTED, error
    assert READ_ONLY in str(error)
