#!/usr/bin/env python3
"""Regenerate the bundled sample lakehouse used by Goldgate's tests and demos.

Deletes and rewrites three Delta tables next to this script with the real Delta
writer delta-rs (``deltalake``), producing a small multi-version history:

  sales_daily        partitioned by (sale_date, region); 5 versions, checkpoint at v2
  customer_features  unpartitioned, several files per write; 4 versions, checkpoint at v2
  inventory_levels   partitioned by warehouse; 4 versions

The row contents are fully deterministic (fixed seed, fixed values, no wall-clock
values in the data). Only file names / UUIDs and commit timestamps differ between runs.

All tables are plain reader-protocol-1 tables: no deletion vectors, no column
mapping, no timestamp_ntz, no change data feed.

Usage (with the venv from src/test/python/requirements.txt):
    python shares/sample-lake/regenerate.py
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable, QueryBuilder, WriterProperties, write_deltalake

LAKE = Path(__file__).resolve().parent
UTC = dt.timezone.utc
CENT = Decimal("0.01")
# delta-rs DML (delete/update) defaults to ZSTD; keep every data file SNAPPY like the writes.
SNAPPY = WriterProperties(compression="SNAPPY")


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=UTC)


def _single_batch(table: pa.Table) -> pa.Table:
    # One record batch -> delta-rs writes exactly one file per partition value.
    return table.combine_chunks()


def _multi_file(table: pa.Table, cut: int) -> pa.RecordBatchReader:
    # Two record batches + a tiny target_file_size -> delta-rs writes one file per
    # batch, so each file covers a disjoint customer_id range (prunable by stats).
    # (With more batches than CPU cores, delta-rs would interleave them.)
    parts = [table.slice(0, cut), table.slice(cut)]
    batches = [p.combine_chunks().to_batches()[0] for p in parts]
    return pa.RecordBatchReader.from_batches(table.schema, batches)


# ---------------------------------------------------------------------------
# sales_daily
# ---------------------------------------------------------------------------

SALES_SCHEMA = pa.schema(
    [
        pa.field("sale_date", pa.date32()),
        pa.field("region", pa.string()),
        pa.field("store_id", pa.int32()),
        pa.field("sku", pa.string()),
        pa.field("units", pa.int64()),
        pa.field("revenue", pa.decimal128(12, 2)),
        pa.field("unit_price", pa.float64()),
        pa.field("is_promo", pa.bool_()),
        pa.field("updated_at", pa.timestamp("us", tz="UTC")),
        pa.field("discount_code", pa.string()),
    ]
)

STORES = {"EMEA": [101, 102, 103], "AMER": [201, 202, 203], "APAC": [301, 302]}
SKU_PRICES = {
    "SKU-0001": 4.99,
    "SKU-0002": 12.50,
    "SKU-0003": 7.25,
    "SKU-0004": 19.99,
    "SKU-0005": 2.49,
    "SKU-0006": 34.00,
    "SKU-0007": 9.95,
    "SKU-0008": 15.75,
    "SKU-0009": 5.60,
    "SKU-0010": 49.90,
    "SKU-0011": 3.15,
    "SKU-0012": 24.30,
}
PROMO_CODES = ["WINTER10", "NEWYEAR15", "BUNDLE5"]


def sales_rows(rng: random.Random, day: str, regions: list[str], per_region: int, hour: int) -> pa.Table:
    rows = []
    for region in regions:
        skus = rng.sample(sorted(SKU_PRICES), per_region)
        for i, sku in enumerate(skus):
            is_promo = rng.random() < 0.3
            price = SKU_PRICES[sku] * (0.9 if is_promo else 1.0)
            price = round(price, 2)
            units = rng.randint(1, 40)
            rows.append(
                {
                    "sale_date": _d(day),
                    "region": region,
                    "store_id": rng.choice(STORES[region]),
                    "sku": sku,
                    "units": units,
                    "revenue": (Decimal(str(price)) * units).quantize(CENT),
                    "unit_price": price,
                    "is_promo": is_promo,
                    "updated_at": _ts(f"{day}T{hour:02d}:00:00") + dt.timedelta(minutes=7 * i, seconds=rng.randint(0, 59)),
                    "discount_code": rng.choice(PROMO_CODES) if is_promo else None,
                }
            )
    return pa.Table.from_pylist(rows, schema=SALES_SCHEMA)


def build_sales_daily(path: Path) -> None:
    rng = random.Random(20260105)
    regions = ["EMEA", "AMER", "APAC"]
    common = dict(partition_by=["sale_date", "region"])
    # v0: create with two days of sales
    v0 = pa.concat_tables(
        [sales_rows(rng, "2026-01-05", regions, 8, 23), sales_rows(rng, "2026-01-06", regions, 8, 23)]
    )
    write_deltalake(
        path,
        _single_batch(v0),
        mode="error",
        name="sales_daily",
        description="Daily web-shop sales per store and SKU (gold layer)",
        **common,
    )
    # v1: append a new day
    write_deltalake(path, _single_batch(sales_rows(rng, "2026-01-07", regions, 8, 23)), mode="append", **common)
    # v2: append another day, then checkpoint
    write_deltalake(path, _single_batch(sales_rows(rng, "2026-01-08", regions, 8, 23)), mode="append", **common)
    DeltaTable(path).create_checkpoint()
    # v3: a recalled product is purged (non-partition predicate -> files are rewritten)
    DeltaTable(path).delete("sku = 'SKU-0007'", writer_properties=SNAPPY)
    # v4: late-arriving sales for the last day, into existing partitions
    late = sales_rows(rng, "2026-01-08", ["EMEA", "APAC"], 3, 23)
    late = late.set_column(
        late.schema.get_field_index("updated_at"),
        "updated_at",
        pa.array([_ts("2026-01-09T06:15:00") + dt.timedelta(minutes=i) for i in range(late.num_rows)], pa.timestamp("us", tz="UTC")),
    )
    write_deltalake(path, _single_batch(late), mode="append", **common)


# ---------------------------------------------------------------------------
# customer_features
# ---------------------------------------------------------------------------

CUSTOMER_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.int64()),
        pa.field("segment", pa.string()),
        pa.field("lifetime_value", pa.float64()),
        pa.field("orders_count", pa.int32()),
        pa.field("avg_basket", pa.decimal128(10, 2)),
        pa.field("is_active", pa.bool_()),
        pa.field("first_order_date", pa.date32()),
        pa.field("last_order_ts", pa.timestamp("us", tz="UTC")),
        pa.field("churn_score", pa.float64()),
        pa.field("favorite_category", pa.string()),
    ]
)

CATEGORIES = ["electronics", "home", "garden", "fashion", "toys", "books", "grocery", "sports"]


def customer_rows(rng: random.Random, ids: range, as_of: str) -> pa.Table:
    as_of_ts = _ts(f"{as_of}T00:00:00")
    rows = []
    for cid in ids:
        orders = rng.randint(1, 60)
        basket = Decimal(str(round(rng.uniform(8, 180), 2))).quantize(CENT)
        ltv = float((basket * orders).quantize(CENT))
        segment = "platinum" if ltv > 5000 else "gold" if ltv > 2000 else "silver" if ltv > 500 else "bronze"
        first = _d("2023-01-01") + dt.timedelta(days=rng.randint(0, 1000))
        last = as_of_ts - dt.timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 1439))
        churn = round(min(1.0, (as_of_ts - last).days / 200 + rng.uniform(0, 0.2)), 4)
        rows.append(
            {
                "customer_id": cid,
                "segment": segment,
                "lifetime_value": ltv,
                "orders_count": orders,
                "avg_basket": basket,
                "is_active": (as_of_ts - last).days < 90,
                "first_order_date": first,
                "last_order_ts": last,
                "churn_score": churn,
                "favorite_category": None if rng.random() < 0.12 else rng.choice(CATEGORIES),
            }
        )
    return pa.Table.from_pylist(rows, schema=CUSTOMER_SCHEMA)


def build_customer_features(path: Path) -> None:
    rng = random.Random(4242)
    # v0: create, customers 1..120 in two files (1-60, 61-120)
    write_deltalake(
        path,
        _multi_file(customer_rows(rng, range(1, 121), "2026-01-01"), 60),
        mode="error",
        name="customer_features",
        description="Per-customer ML features (one row per customer)",
        target_file_size=1,
    )
    # v1: append newly acquired customers 121..150
    write_deltalake(path, _single_batch(customer_rows(rng, range(121, 151), "2026-01-01")), mode="append")
    # v2: full refresh of all features (overwrite), two files (1-75, 76-150), then checkpoint
    write_deltalake(
        path,
        _multi_file(customer_rows(rng, range(1, 151), "2026-01-08"), 75),
        mode="overwrite",
        target_file_size=1,
    )
    DeltaTable(path).create_checkpoint()
    # v3: append customers 151..170 acquired after the refresh
    write_deltalake(path, _single_batch(customer_rows(rng, range(151, 171), "2026-01-08")), mode="append")


# ---------------------------------------------------------------------------
# inventory_levels
# ---------------------------------------------------------------------------

INVENTORY_SCHEMA = pa.schema(
    [
        pa.field("sku", pa.string()),
        pa.field("warehouse", pa.string()),
        pa.field("on_hand", pa.int32()),
        pa.field("reorder_point", pa.int32()),
        pa.field("last_counted", pa.date32()),
        pa.field("updated_at", pa.timestamp("us", tz="UTC")),
        pa.field("unit_cost", pa.decimal128(8, 2)),
    ]
)

WAREHOUSES = ["WH-BER", "WH-DAL", "WH-SIN"]


def inventory_rows(rng: random.Random, skus: list[str], counted: bool, updated: str) -> pa.Table:
    rows = []
    for wh in WAREHOUSES:
        for i, sku in enumerate(skus):
            on_hand = 0 if rng.random() < 0.15 else rng.randint(1, 500)
            rows.append(
                {
                    "sku": sku,
                    "warehouse": wh,
                    "on_hand": on_hand,
                    "reorder_point": rng.choice([20, 50, 100]),
                    # newly listed SKUs have never been counted -> null
                    "last_counted": (_d("2025-12-15") + dt.timedelta(days=rng.randint(0, 20))) if counted else None,
                    "updated_at": _ts(updated) + dt.timedelta(seconds=30 * i),
                    # one SKU has no agreed supplier cost yet in Singapore -> null
                    "unit_cost": None
                    if (wh, sku) == ("WH-SIN", "SKU-0011")
                    else (Decimal(str(SKU_PRICES.get(sku, 8.0 + 1.5 * i))) * Decimal("0.55")).quantize(CENT),
                }
            )
    return pa.Table.from_pylist(rows, schema=INVENTORY_SCHEMA)


def build_inventory_levels(path: Path) -> None:
    rng = random.Random(777)
    common = dict(partition_by=["warehouse"])
    # v0: create, 12 SKUs x 3 warehouses
    write_deltalake(
        path,
        _single_batch(inventory_rows(rng, sorted(SKU_PRICES), True, "2026-01-05T05:00:00")),
        mode="error",
        name="inventory_levels",
        description="Stock on hand per SKU and warehouse",
        **common,
    )
    # v1: append newly listed SKUs (never counted yet)
    new_skus = [f"SKU-{n:04d}" for n in range(13, 17)]
    write_deltalake(path, _single_batch(inventory_rows(rng, new_skus, False, "2026-01-06T05:00:00")), mode="append", **common)
    # v2: drop out-of-stock rows
    DeltaTable(path).delete("on_hand = 0", writer_properties=SNAPPY)
    # v3: restock in Dallas: everything below its reorder point is topped up
    DeltaTable(path).update(
        predicate="warehouse = 'WH-DAL' AND on_hand < reorder_point",
        updates={"on_hand": "reorder_point * 3", "updated_at": "'2026-01-09T06:00:00Z'"},
        writer_properties=SNAPPY,
    )


# ---------------------------------------------------------------------------

TABLES = {
    "sales_daily": build_sales_daily,
    "customer_features": build_customer_features,
    "inventory_levels": build_inventory_levels,
}


def main() -> None:
    for name, build in TABLES.items():
        path = LAKE / name
        shutil.rmtree(path, ignore_errors=True)
        build(path)
    for name in TABLES:
        dt_ = DeltaTable(LAKE / name)
        # Counted through delta-rs' own query engine: DeltaTable.to_pyarrow_table() goes through a
        # pyarrow dataset whose IO threads often abort the interpreter at exit (rc 134,
        # "terminate called without an active exception") with deltalake 1.6.6 + pyarrow 23.
        rows = QueryBuilder().register("t", dt_).execute("SELECT count(*) AS n FROM t").read_all()
        print(
            f"{name}: version={dt_.version()} active_files={len(dt_.file_uris())} "
            f"rows={pa.table(rows).column('n')[0].as_py()}"
        )


if __name__ == "__main__":
    main()
