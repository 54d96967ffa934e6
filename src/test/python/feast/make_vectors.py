#!/usr/bin/env python3
"""Generate byte-level test vectors for Goldgate's Feast-compatible Redis online store.

Every byte string in the output is produced by Feast's own code (the installed
``feast`` package): ``feast.infra.online_stores.helpers._redis_key`` / ``_mmh3``,
``feast.infra.key_encoding_utils.serialize_entity_key``,
``RedisOnlineStore._generate_hset_keys_for_features``, the Feast protobuf classes and
``google.protobuf.Timestamp.FromDatetime`` exactly as ``RedisOnlineStore.online_write_batch``
uses them. Nothing is re-implemented here.

Optionally (default: on, when ``redis-server`` is on PATH) it also starts a throw-away
redis-server on a free loopback port, builds a minimal Feast repo in a temp dir, calls
``FeatureStore.write_to_online_store`` and dumps the raw Redis contents (keys, hash
fields and values as hex) so the Java side can assert byte equality against a real
Feast write.

Usage (from the repo root):
    python3.11 -m venv /tmp/feastvenv
    /tmp/feastvenv/bin/pip install -r src/test/python/feast/requirements.txt
    apt-get install -y redis-server        # optional, for the end-to-end dump
    /tmp/feastvenv/bin/python src/test/python/feast/make_vectors.py

Options:
    --out PATH          output JSON (default: src/test/resources/feast/vectors.json)
    --no-redis          skip the end-to-end Redis dump (keeps no "redis_dump" section)
    --redis-server BIN  redis-server binary (default: first on PATH)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("FEAST_USAGE", "False")  # no telemetry

import feast  # noqa: E402
from feast import utils as feast_utils  # noqa: E402
from feast.infra.key_encoding_utils import serialize_entity_key  # noqa: E402
from feast.infra.online_stores.helpers import _mmh3, _redis_key  # noqa: E402
from feast.infra.online_stores.redis import RedisOnlineStore  # noqa: E402
from feast.protos.feast.types.EntityKey_pb2 import EntityKey as EntityKeyProto  # noqa: E402
from feast.protos.feast.types.Value_pb2 import (  # noqa: E402
    BytesList,
    DoubleList,
    Int64List,
    Null,
    StringList,
)
from feast.protos.feast.types.Value_pb2 import Value as ValueProto  # noqa: E402
from feast.type_map import python_values_to_proto_values  # noqa: E402
from feast.value_type import ValueType  # noqa: E402
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_OUT = REPO_ROOT / "src" / "test" / "resources" / "feast" / "vectors.json"
EKS_VERSION = 3


# --------------------------------------------------------------------------- helpers


def hx(b: bytes) -> str:
    return bytes(b).hex()


def value_proto(kind: str, v) -> ValueProto:
    """Build a Feast ValueProto for the oneof field `kind`."""
    if kind == "null_val":
        return ValueProto(null_val=Null.NULL)
    if kind == "empty":
        return ValueProto()
    return ValueProto(**{kind: v})


def json_value(kind: str, v):
    """A JSON-friendly rendering of an input value."""
    if kind == "bytes_val":
        return {"bytes_hex": hx(v)}
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    return v


def feast_ts_bytes(dt: datetime) -> bytes:
    """Exactly what RedisOnlineStore.online_write_batch stores under `_ts:<view>`."""
    ts = Timestamp()
    ts.FromDatetime(feast_utils.make_tzaware(dt))
    return ts.SerializeToString()


def make_feature_view(view: str, features: list[str]):
    from feast import Entity, FeatureView, Field, FileSource
    from feast.types import Float64

    src = FileSource(path="unused.parquet", timestamp_field="event_timestamp")
    ent = Entity(name="dummy", join_keys=["dummy_id"], value_type=ValueType.INT64)
    return FeatureView(
        name=view,
        entities=[ent],
        schema=[Field(name=f, dtype=Float64) for f in features],
        source=src,
        ttl=timedelta(days=1),
    )


# --------------------------------------------------------------------------- vectors


ENTITY_KEY_CASES = [
    # (name, project, [(join_key, kind, value), ...])
    ("int64_customer_id_1001", "goldgate", [("customer_id", "int64_val", 1001)]),
    ("int64_customer_id_1001_retail_demo", "retail_demo", [("customer_id", "int64_val", 1001)]),
    ("int64_negative", "goldgate", [("customer_id", "int64_val", -42)]),
    ("int64_large", "goldgate", [("customer_id", "int64_val", 9007199254740993)]),
    ("int64_max", "goldgate", [("customer_id", "int64_val", 9223372036854775807)]),
    ("int64_min", "retail_demo", [("customer_id", "int64_val", -9223372036854775808)]),
    ("int64_zero", "goldgate", [("customer_id", "int64_val", 0)]),
    ("string_sku", "goldgate", [("sku", "string_val", "SKU-0007")]),
    ("string_sku_retail_demo", "retail_demo", [("sku", "string_val", "SKU-0007")]),
    ("string_non_ascii", "goldgate", [("sku", "string_val", "café")]),
    ("string_empty", "goldgate", [("sku", "string_val", "")]),
    (
        "two_keys_given_unsorted",
        "goldgate",
        [("store_id", "string_val", "S1"), ("customer_id", "int64_val", 7)],
    ),
    (
        "two_keys_given_sorted",
        "goldgate",
        [("customer_id", "int64_val", 7), ("store_id", "string_val", "S1")],
    ),
    (
        "two_keys_given_unsorted_retail_demo",
        "retail_demo",
        [("store_id", "string_val", "S1"), ("customer_id", "int64_val", 7)],
    ),
    (
        "three_keys_unsorted_mixed_types",
        "goldgate",
        [
            ("zone", "int32_val", 3),
            ("customer_id", "int64_val", 7),
            ("store_id", "string_val", "S1"),
        ],
    ),
    ("int32_key", "goldgate", [("region_id", "int32_val", 12)]),
    ("int32_key_negative", "retail_demo", [("region_id", "int32_val", -1)]),
    ("unix_timestamp_key", "goldgate", [("day", "unix_timestamp_val", 1767607200)]),
    ("bytes_key", "goldgate", [("blob_id", "bytes_val", b"\x00\x01\xff")]),
    ("non_ascii_join_key_name", "goldgate", [("clé", "string_val", "x")]),
]


def entity_key_vectors():
    out = []
    for name, project, parts in ENTITY_KEY_CASES:
        ek = EntityKeyProto(
            join_keys=[k for k, _, _ in parts],
            entity_values=[value_proto(kind, v) for _, kind, v in parts],
        )
        key = _redis_key(project, ek, entity_key_serialization_version=EKS_VERSION)
        ser = serialize_entity_key(ek, entity_key_serialization_version=EKS_VERSION)
        assert key == ser + project.encode("utf-8")
        out.append(
            {
                "name": name,
                "input": {
                    "project": project,
                    "entity_key_serialization_version": EKS_VERSION,
                    "join_keys": [
                        {"name": k, "type": kind.removesuffix("_val"), "value": json_value(kind, v)}
                        for k, kind, v in parts
                    ],
                },
                "serialized_entity_key_hex": hx(ser),
                "hex": hx(key),
            }
        )
    return out


FIELD_CASES = [
    ("customer_stats", "lifetime_value"),
    ("customer_stats", "orders_count"),
    ("a", "b"),  # 3 bytes: murmur tail of 3
    ("ab", "c"),  # 4 bytes: no tail
    ("a", "bcde"),  # 6 bytes: tail of 2
    ("customer_stats", "größe"),  # non-ASCII, BMP (2-byte UTF-8)
    ("customer_stats", "prix_€"),  # non-ASCII, BMP (3-byte UTF-8)
    ("customer_stats", "score_😀"),  # non-BMP (4-byte UTF-8, UTF-16 surrogate pair)
]


def field_name_vectors():
    import mmh3

    store = RedisOnlineStore()
    out = []
    for view, feat in FIELD_CASES:
        s = f"{view}:{feat}"
        b = _mmh3(s)
        # cross-check against the exact call path used by online_read
        fv = make_feature_view(view, [feat])
        _, hset_keys = store._generate_hset_keys_for_features(fv, [feat])
        assert hset_keys[0] == b, (hset_keys, b)
        out.append(
            {
                "name": s,
                "input": {
                    "feature_view": view,
                    "feature": feat,
                    "hashed_string": s,
                    "hashed_utf8_hex": hx(s.encode("utf-8")),
                },
                "murmur3_32_unsigned": mmh3.hash(s, signed=False),
                "murmur3_32_signed": mmh3.hash(s, signed=True),
                "hex": hx(b),
            }
        )
    return out


def ts_field_vectors():
    store = RedisOnlineStore()
    out = []
    for view in ["customer_stats", "a", "größe_view"]:
        fv = make_feature_view(view, ["f"])
        _, hset_keys = store._generate_hset_keys_for_features(fv, ["f"])
        ts_key = hset_keys[-1]
        assert isinstance(ts_key, str) and ts_key == f"_ts:{view}"
        out.append(
            {
                "name": f"ts_field_{view}",
                "input": {"feature_view": view},
                "string": ts_key,
                # redis-py sends str arguments UTF-8 encoded
                "hex": hx(ts_key.encode("utf-8")),
            }
        )
    return out


TS_CASES = [
    ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10, 0, 0, tzinfo=timezone.utc)),
    ("2026-01-05T10:00:00.123456Z", datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=timezone.utc)),
    ("2026-01-05T10:00:00 (naive, treated as UTC)", datetime(2026, 1, 5, 10, 0, 0)),
    (
        "2026-01-05T11:00:00+01:00",
        datetime(2026, 1, 5, 11, 0, 0, tzinfo=timezone(timedelta(hours=1))),
    ),
    ("1970-01-01T00:00:00Z", datetime(1970, 1, 1, tzinfo=timezone.utc)),
    ("1969-12-31T23:59:59.5Z", datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=timezone.utc)),
]


def ts_value_vectors():
    out = []
    for label, dt in TS_CASES:
        b = feast_ts_bytes(dt)
        ts = Timestamp()
        ts.ParseFromString(b)
        out.append(
            {
                "name": label,
                "input": {"iso": label, "seconds": ts.seconds, "nanos": ts.nanos},
                "hex": hx(b),
            }
        )
    return out


VALUE_CASES = [
    ("int32_42", "int32_val", 42),
    ("int32_minus_1", "int32_val", -1),
    ("int32_zero", "int32_val", 0),
    ("int64_1234567890123", "int64_val", 1234567890123),
    ("int64_minus_5", "int64_val", -5),
    ("int64_zero", "int64_val", 0),
    ("double_3.25", "double_val", 3.25),
    ("double_zero", "double_val", 0.0),
    ("double_NaN", "double_val", float("nan")),
    ("float_1.5", "float_val", 1.5),
    ("string_gold", "string_val", "gold"),
    ("string_empty", "string_val", ""),
    ("string_cafe", "string_val", "café"),
    ("bool_true", "bool_val", True),
    ("bool_false", "bool_val", False),
    ("bytes_00_01", "bytes_val", b"\x00\x01"),
    ("unix_timestamp_1767607200", "unix_timestamp_val", 1767607200),
    ("empty_value", "empty", None),
    ("null_val", "null_val", None),
]

LIST_CASES = [
    ("double_list_1.0_2.5", "double_list_val", DoubleList(val=[1.0, 2.5]), [1.0, 2.5]),
    ("int64_list_1_minus_2", "int64_list_val", Int64List(val=[1, -2]), [1, -2]),
    ("string_list_a_b", "string_list_val", StringList(val=["a", "b"]), ["a", "b"]),
    ("bytes_list_00", "bytes_list_val", BytesList(val=[b"\x00"]), [{"bytes_hex": "00"}]),
]


def value_vectors():
    out = []
    for name, kind, v in VALUE_CASES:
        vp = value_proto(kind, v)
        b = vp.SerializeToString()
        out.append(
            {
                "name": name,
                "input": {
                    "type": kind.removesuffix("_val") if kind != "empty" else "none (no oneof field set)",
                    "value": json_value(kind, v) if kind not in ("empty", "null_val") else None,
                },
                "hex": hx(b),
            }
        )
    for name, kind, msg, jv in LIST_CASES:
        vp = ValueProto(**{kind: msg})
        out.append(
            {"name": name, "input": {"type": kind.removesuffix("_val"), "value": jv}, "hex": hx(vp.SerializeToString())}
        )
    return out


def feast_conversion_vectors():
    """How Feast's python->proto conversion (used by write_to_online_store/materialize) treats nulls."""
    cases = [
        ("DOUBLE", ValueType.DOUBLE, [1.5, None, float("nan")]),
        ("INT64", ValueType.INT64, [3, None]),
        ("STRING", ValueType.STRING, ["a", None]),
        ("BOOL", ValueType.BOOL, [True, None]),
    ]
    out = []
    for label, vt, vals in cases:
        protos = python_values_to_proto_values(vals, vt)
        for v, p in zip(vals, protos):
            out.append(
                {
                    "name": f"python_values_to_proto_values {label} {json_value('', v)!r}",
                    "input": {"value_type": label, "value": json_value("", v)},
                    "hex": hx(p.SerializeToString()),
                }
            )
    return out


# --------------------------------------------------------------------------- end-to-end


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dump_redis(client) -> list:
    keys = []
    for k in sorted(client.keys("*")):
        fields = client.hgetall(k)
        keys.append(
            {
                "key_hex": hx(k),
                "type": client.type(k).decode(),
                "ttl": client.ttl(k),
                "fields": [
                    {"field_hex": hx(f), "value_hex": hx(fields[f])} for f in sorted(fields)
                ],
            }
        )
    return keys


def end_to_end(redis_bin: str) -> dict:
    import pandas as pd
    import redis as redis_py

    from feast import Entity, FeatureStore, FeatureView, Field, FileSource
    from feast.types import Float64, Int64

    tmp = Path(tempfile.mkdtemp(prefix="goldgate-feast-"))
    port = free_port()
    proc = subprocess.Popen(
        [
            redis_bin,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis_py.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis_py.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not come up")
        redis_version = client.info()["redis_version"]

        repo = tmp / "repo"
        (repo / "data").mkdir(parents=True)
        (repo / "feature_store.yaml").write_text(
            "project: goldgate\n"
            "registry: data/registry.db\n"
            "provider: local\n"
            "online_store:\n"
            "  type: redis\n"
            f"  connection_string: \"127.0.0.1:{port}\"\n"
            "offline_store:\n"
            "  type: file\n"
            "entity_key_serialization_version: 3\n"
        )
        rows = [
            {
                "customer_id": 1001,
                "lifetime_value": 123.45,
                "orders_count": 7,
                "event_timestamp": "2026-01-05T10:00:00Z",
            },
            {
                "customer_id": 1002,
                "lifetime_value": 0.5,
                "orders_count": 0,
                "event_timestamp": "2026-01-05T10:00:00.123456Z",
            },
        ]
        df = pd.DataFrame(rows)
        df["customer_id"] = df["customer_id"].astype("int64")
        df["orders_count"] = df["orders_count"].astype("int64")
        df["lifetime_value"] = df["lifetime_value"].astype("float64")
        df["event_timestamp"] = pd.to_datetime(df["event_timestamp"], utc=True, format="ISO8601")
        parquet = repo / "data" / "customer_stats.parquet"
        df.to_parquet(parquet)

        customer = Entity(name="customer", join_keys=["customer_id"], value_type=ValueType.INT64)
        fv = FeatureView(
            name="customer_stats",
            entities=[customer],
            ttl=timedelta(days=1),
            schema=[
                Field(name="customer_id", dtype=Int64),
                Field(name="lifetime_value", dtype=Float64),
                Field(name="orders_count", dtype=Int64),
            ],
            source=FileSource(path=str(parquet), timestamp_field="event_timestamp"),
            online=True,
        )
        store = FeatureStore(repo_path=str(repo))
        store.apply([customer, fv])
        client.flushall()  # nothing should be there, but make the dump exactly the write
        store.write_to_online_store("customer_stats", df)
        dump = dump_redis(client)

        # Cross-check: the keys Feast wrote are exactly what the vector functions give.
        for r in rows:
            ek = EntityKeyProto(join_keys=["customer_id"], entity_values=[ValueProto(int64_val=r["customer_id"])])
            assert any(d["key_hex"] == hx(_redis_key("goldgate", ek, EKS_VERSION)) for d in dump)

        # Read back through the Feast SDK (also for a customer that was never written).
        resp = store.get_online_features(
            features=["customer_stats:lifetime_value", "customer_stats:orders_count"],
            entity_rows=[{"customer_id": 1001}, {"customer_id": 1002}, {"customer_id": 999}],
        )
        proto = resp.proto
        from feast.protos.feast.serving.ServingService_pb2 import FieldStatus

        # Feast's column order in the response varies between runs: key the results by name.
        by_name = dict(zip(proto.metadata.feature_names.val, proto.results))
        read_back = {
            "entity_rows": [{"customer_id": 1001}, {"customer_id": 1002}, {"customer_id": 999}],
            "results": {
                name: {
                    "values_hex": [hx(v.SerializeToString()) for v in by_name[name].values],
                    "statuses": [FieldStatus.Name(s) for s in by_name[name].statuses],
                    "event_timestamps": [
                        {"seconds": t.seconds, "nanos": t.nanos} for t in by_name[name].event_timestamps
                    ],
                }
                for name in sorted(by_name)
            },
        }

        # Null probe: a row whose lifetime_value is NaN (orders_count set, so the row is not dropped).
        client.flushall()
        df_null = pd.DataFrame(
            {
                "customer_id": pd.Series([1003], dtype="int64"),
                "lifetime_value": pd.Series([float("nan")], dtype="float64"),
                "orders_count": pd.Series([5], dtype="int64"),
                "event_timestamp": pd.to_datetime(["2026-01-05T10:00:00Z"], utc=True),
            }
        )
        store.write_to_online_store("customer_stats", df_null)
        dump_null = dump_redis(client)

        # Stale-write probe: write 1003 again with an OLDER timestamp -> Feast skips it.
        df_old = df_null.copy()
        df_old["orders_count"] = 99
        df_old["event_timestamp"] = pd.to_datetime(["2026-01-04T10:00:00Z"], utc=True)
        store.write_to_online_store("customer_stats", df_old)
        dump_after_stale = dump_redis(client)

        def rows_json(d):
            return [
                {
                    "customer_id": int(r.customer_id),
                    "lifetime_value": "NaN" if math.isnan(r.lifetime_value) else float(r.lifetime_value),
                    "orders_count": int(r.orders_count),
                    "event_timestamp": r.event_timestamp.isoformat(),
                }
                for r in d.itertuples()
            ]

        return {
            "redis_server_version": redis_version,
            "feature_store_yaml": {
                "project": "goldgate",
                "provider": "local",
                "online_store": {"type": "redis", "connection_string": "127.0.0.1:<port>"},
                "entity_key_serialization_version": 3,
            },
            "feature_view": {
                "name": "customer_stats",
                "entity": {"name": "customer", "join_key": "customer_id", "dtype": "Int64"},
                "features": [
                    {"name": "lifetime_value", "dtype": "Float64"},
                    {"name": "orders_count", "dtype": "Int64"},
                ],
                "ttl_seconds": 86400,
            },
            "call": 'store.write_to_online_store("customer_stats", df)',
            "df_rows": rows_json(df),
            "keys": dump,
            "read_back_via_feast_sdk": read_back,
            "null_probe": {
                "note": "separate write after FLUSHALL: a NaN float feature",
                "df_rows": rows_json(df_null),
                "keys": dump_null,
            },
            "stale_write_probe": {
                "note": "after the null probe, the same entity written with an older event_timestamp; "
                "Feast compares against the stored _ts and skips the row, so Redis is unchanged",
                "df_rows": rows_json(df_old),
                "keys": dump_after_stale,
                "unchanged": dump_after_stale == dump_null,
            },
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- notes

NOTES = {
    "sources_read": [
        "feast/infra/online_stores/redis.py (RedisOnlineStore.online_write_batch, online_read, "
        "_generate_hset_keys_for_features, _get_features_for_entity)",
        "feast/infra/online_stores/helpers.py (_redis_key, _mmh3)",
        "feast/infra/key_encoding_utils.py (serialize_entity_key, _serialize_val)",
        "feast/protos/feast/types/Value_pb2, EntityKey_pb2; google/protobuf/timestamp.proto",
    ],
    "redis_key": (
        "key = serialize_entity_key(entity_key, v3) ++ UTF-8(project). No separator, no length prefix for "
        "the project. serialize_entity_key v3 = u32le(number of join keys); then for each join key, in "
        "sorted order: u32le(2 = ValueType.STRING) u32le(len of UTF-8 name) UTF-8(name); then for each "
        "value, in the same sorted order: u32le(ValueType enum) u32le(len of payload) payload. All u32 are "
        "little-endian unsigned. Names come first (all of them), then values (all of them) - not interleaved."
    ),
    "join_key_sorting": (
        "With >1 join key Feast sorts the (name, value) pairs by join-key name using Python str ordering "
        "(Unicode code point order; equals Java String.compareTo except for supplementary-plane characters, "
        "where Java compares UTF-16 code units). A single join key takes a fast path with no sorting."
    ),
    "entity_value_payloads": (
        "int64_val -> ValueType INT64=4, 8 bytes signed little-endian (struct '<q'); "
        "int32_val -> INT32=3, 4 bytes signed LE ('<i'); string_val -> STRING=2, UTF-8 bytes; "
        "bytes_val -> BYTES=1, raw bytes; unix_timestamp_val -> UNIX_TIMESTAMP=8, 8 bytes signed LE. "
        "Any other type (bool, double, float, lists) raises ValueError: not usable as an entity key."
    ),
    "hash_field_for_feature": (
        "field = _mmh3(f'{view}:{feature}') = mmh3.hash(str, seed=0, signed=False) i.e. MurmurHash3 "
        "x86_32, seed 0, over the UTF-8 bytes of '<view>:<feature>'; the 32-bit result is written as 4 "
        "bytes LITTLE-endian (struct.pack('<Q', h).hex()[:8]). Signedness does not matter for the bytes "
        "(the 4 LE bytes of the signed and unsigned ints are identical). Java: Guava "
        "Hashing.murmur3_32_fixed().hashString(s, UTF_8).asBytes() (or hashBytes(utf8)) gives the same 4 "
        "bytes; the deprecated murmur3_32() differs for non-BMP characters in hashString. '<view>' is the "
        "FeatureView name (with '_v<N>' appended only when registry.enable_online_feature_view_versioning)."
    ),
    "ts_field": (
        "field name = UTF-8 of '_ts:' + view name (plain text, NOT hashed). Value = serialized "
        "google.protobuf.Timestamp of the row's event timestamp (naive datetimes are taken as UTC; "
        "tz-aware are converted): field 1 seconds (int64 varint, tag 0x08), field 2 nanos (int32 varint, "
        "tag 0x10); proto3 omits zero fields, so epoch 0 serializes to empty bytes and whole seconds have "
        "no nanos field. Negative instants: seconds negative (10-byte varint), nanos positive. "
        "Python datetimes carry microseconds, so nanos are always a multiple of 1000 from Feast."
    ),
    "value_encoding": (
        "hash value = feast.types.Value (ValueProto).SerializeToString(). All scalar kinds are members of "
        "oneof 'val', so a set field is serialized even when it holds the default (0, '', false, 0.0). "
        "Field numbers / wire types: bytes_val=1 (LEN, tag 0x0a), string_val=2 (LEN, 0x12), int32_val=3 "
        "(varint, 0x18; negative int32 is sign-extended to a 10-byte varint), int64_val=4 (varint, 0x20), "
        "double_val=5 (I64, 0x29, IEEE754 LE), float_val=6 (I32, 0x35, LE), bool_val=7 (varint, 0x38), "
        "unix_timestamp_val=8 (int64 varint, 0x40), lists 11..18 (bytes_list..unix_timestamp_list; "
        "message with repeated 'val'=1, numeric ones packed), null_val=19 (enum Null{NULL=0}, tag 0x98 "
        "0x01 -> '980100'), map_val=20, ... up to 48. Missing/NULL feature values as written by Feast's "
        "converters (python_values_to_proto_values: None and float NaN) are an EMPTY ValueProto (zero "
        "bytes), not null_val. A ValueProto built explicitly with double_val=NaN serializes the NaN bits "
        "(0x7ff8000000000000)."
    ),
    "hash_layout": (
        "One Redis HASH per (entity key, project). All feature views that share the same join keys "
        "(and project) live in the SAME hash: each view adds its own 4-byte murmur fields plus its own "
        "'_ts:<view>' field. Write = HSET key {_ts:<view>: ts, mmh3(view:f): value, ...} (pipelined, "
        "non-transactional). Read = HMGET key [mmh3(view:f) for requested f] + ['_ts:<view>']."
    ),
    "write_dedup": (
        "Unless online_store.skip_dedup=true, online_write_batch first HMGETs '_ts:<view>' and skips a row "
        "whose event timestamp is <= the stored one (nanosecond compare), also across rows of the same batch."
    ),
    "key_ttl": (
        "online_store.key_ttl_seconds (default None) -> after each HSET, EXPIRE key key_ttl_seconds "
        "(whole hash, i.e. all views of that entity; refreshed on every write). Without it keys never "
        "expire (TTL -1). The FeatureView ttl is NOT applied to Redis keys, and Feast's normal online read "
        "path (utils._populate_response_from_feature_data) does not filter by it either: fields are "
        "returned as PRESENT whatever their age."
    ),
    "read_of_missing": (
        "Redis online_read of an entity that was never written gets HMGET all-nil; Feast turns that into "
        "empty ValueProtos with timestamp epoch 0 and (see read_back_via_feast_sdk) reports them with "
        "status PRESENT, not NOT_FOUND."
    ),
}


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-redis", action="store_true")
    ap.add_argument("--redis-server", default=shutil.which("redis-server"))
    args = ap.parse_args(argv)

    from importlib.metadata import version

    doc = {
        "generator": "src/test/python/feast/make_vectors.py",
        "feast_version": feast.__version__,
        "library_versions": {
            **{p: version(p) for p in ("protobuf", "mmh3", "redis", "pandas", "pyarrow")},
            "python": sys.version.split()[0],
        },
        "entity_key_serialization_version": EKS_VERSION,
        "notes": NOTES,
        "entity_keys": entity_key_vectors(),
        "field_names": field_name_vectors(),
        "ts_field_names": ts_field_vectors(),
        "ts_values": ts_value_vectors(),
        "values": value_vectors(),
        "feast_null_conversion": feast_conversion_vectors(),
    }
    if not args.no_redis:
        if not args.redis_server:
            print("redis-server not found: use --no-redis or install it", file=sys.stderr)
            return 2
        doc["redis_dump"] = end_to_end(args.redis_server)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
