"""The share catalog and feature definitions a module's own gateway serves, written from a few typed
values instead of YAML by hand.

``write_catalog`` writes one ``shares/*.yaml`` (what ``GOLDGATE_SHARES_DIR`` holds): tables named
``share.schema.table`` with their locations, and recipients with the SHA-256 of their tokens (and
client secrets) and their federation policies.
``write_feature_defs`` writes one ``feature-defs/*.yaml`` (``GOLDGATE_FEATURES_DIR``): entities,
feature views, feature services. Both return the directory to hand to ``launch_gateway``.

The YAML is dumped from plain data, so it means exactly what the keys say; the gateway's readers are
``io.goldgate.catalog.CatalogFile`` and ``io.goldgate.features.FeatureDefsFile``, whose javadoc says
what each key does. A key left at its default here is left out of the file, as the gateway then takes
its own default.

    shares = write_catalog(root / "shares",
                           {"mlops.gold.customers": table},
                           [Recipient("ml-service", TOKEN, ["mlops"])])
    defs = write_feature_defs(root / "feature-defs",
                              [View("stats", table="mlops.gold.customers", timestamp_column="ts",
                                    features={"lifetime_value": "Float64"}, schedule="PT1S")])
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Table:
    """A shared table with more than a location; a bare location (``Path``/``str``) stands for
    ``Table(location)`` wherever ``write_catalog`` takes a table."""

    location: Path | str  # table root: a local path or a URI such as s3://bucket/path
    history_shared: bool = False  # historyShared: time travel and the change data feed are shared
    # recipientPartitionFilter: partition column -> value, e.g. {"region": "${recipient.region}"}
    # (each recipient sees only the rows of its own partition)
    recipient_partition_filter: Mapping[str, str] | None = None


@dataclass(frozen=True)
class FederationPolicy:
    """Lets a recipient sign in with a token of its own identity provider (OIDC federation)."""

    issuer: str  # the tokens' exact iss
    subject: str  # the value subject_claim must have (or, for an array claim, contain)
    audiences: Sequence[str] = ("goldgate",)  # the token's aud must name one
    subject_claim: str = "sub"


@dataclass(frozen=True)
class Recipient:
    """A catalog recipient: its bearer token (written as its SHA-256 only; None: no token, it signs in
    otherwise) and what it is granted."""

    name: str
    token: str | None
    shares: Sequence[str]
    # properties, e.g. {"region": "EMEA"} (what ${recipient.region} resolves to) or
    # {"goldgate.featureWrites": "view_a,view_b"} (the views it may push to)
    properties: Mapping[str, str] = field(default_factory=dict)
    feature_services: Sequence[str] = ()  # featureServices it may read, shared tables or not
    # client secrets of its OAuth client (client id = name), written as their SHA-256 only
    client_secrets: Sequence[str] = ()
    federation_policies: Sequence[FederationPolicy] = ()


@dataclass(frozen=True)
class Entity:
    """What features describe, with its join keys (name -> Feast value type, e.g. "Int64")."""

    name: str
    join_keys: Mapping[str, str]


CUSTOMER = Entity("customer", {"customer_id": "Int64"})


@dataclass(frozen=True)
class View:
    """A feature view. Its source is either a shared table (``table="share.schema.table"``) or a
    bare Delta table location (``location=...``, no share): exactly one of the two."""

    name: str
    timestamp_column: str  # the event-time column
    features: Mapping[str, str]  # feature (= column) name -> Feast type, e.g. {"score": "Float64"}
    table: str | None = None
    location: Path | str | None = None
    entities: Sequence[str] = (CUSTOMER.name,)
    layout: str | None = None  # online: {layout: ...}: "feast" (hash) or "packed"; None: the default
    ttl: str | None = None  # ISO-8601 duration (e.g. "PT1H"); None: values never age out
    schedule: str | None = None  # ISO-8601 duration between materializations; None: only when triggered

    def __post_init__(self):
        assert (self.table is None) != (self.location is None), f"view {self.name}: a table or a location, not both"


def token_hash(token: str) -> str:
    """A token as a catalog lists it: ``sha256:`` and the hex SHA-256 of its UTF-8 bytes."""
    return f"sha256:{hashlib.sha256(token.encode()).hexdigest()}"


def write_catalog(directory: Path, tables: Mapping[str, Table | Path | str], recipients: Sequence[Recipient],
                  file_name: str = "catalog.yaml") -> Path:
    """Writes ``directory/file_name`` (creating the directory) and returns ``directory``.

    ``tables`` maps ``share.schema.table`` to its table; shares and schemas are listed in the order
    their first table comes, their tables in the order given.
    """
    shares: dict[str, dict[str, list[dict]]] = {}
    for qualified, table in tables.items():
        share, schema, name = qualified.split(".")
        if not isinstance(table, Table):
            table = Table(table)
        entry = {"name": name, "location": str(table.location)}
        if table.history_shared:
            entry["historyShared"] = True
        if table.recipient_partition_filter is not None:
            entry["recipientPartitionFilter"] = dict(table.recipient_partition_filter)
        shares.setdefault(share, {}).setdefault(schema, []).append(entry)
    listed = []
    for r in recipients:
        entry = {"name": r.name}
        if r.token is not None:
            entry["tokens"] = [{"hash": token_hash(r.token)}]
        if r.client_secrets:
            entry["clientSecrets"] = [{"hash": token_hash(secret)} for secret in r.client_secrets]
        if r.federation_policies:
            entry["federationPolicies"] = [
                {"issuer": p.issuer, "audiences": list(p.audiences), "subjectClaim": p.subject_claim, "subject": p.subject}
                for p in r.federation_policies]
        entry["shares"] = list(r.shares)
        if r.properties:
            entry["properties"] = dict(r.properties)
        if r.feature_services:
            entry["featureServices"] = list(r.feature_services)
        listed.append(entry)
    return _write(directory, file_name, {
        "shares": [{"name": share, "schemas": [{"name": schema, "tables": tables} for schema, tables in schemas.items()]}
                   for share, schemas in shares.items()],
        "recipients": listed,
    })


def write_feature_defs(directory: Path, views: Sequence[View], entities: Sequence[Entity] = (CUSTOMER,),
                       services: Mapping[str, Sequence[str]] | None = None, file_name: str = "features.yaml") -> Path:
    """Writes ``directory/file_name`` (creating the directory) and returns ``directory``.

    ``services`` maps a feature service's name to its ``view:feature`` references.
    """
    listed = []
    for v in views:
        entry = {"name": v.name, "source": {"table": v.table} if v.table is not None else {"location": str(v.location)},
                 "entities": list(v.entities), "timestampColumn": v.timestamp_column}
        if v.layout is not None:
            entry["online"] = {"layout": v.layout}
        if v.ttl is not None:
            entry["ttl"] = v.ttl
        if v.schedule is not None:
            entry["schedule"] = v.schedule
        entry["features"] = [{"name": name, "type": type_} for name, type_ in v.features.items()]
        listed.append(entry)
    document = {
        "entities": [{"name": e.name, "joinKeys": [{"name": k, "type": t} for k, t in e.join_keys.items()]} for e in entities],
        "featureViews": listed,
    }
    if services:
        document["featureServices"] = [{"name": name, "features": list(refs)} for name, refs in services.items()]
    return _write(directory, file_name, document)


def _write(directory: Path, file_name: str, document: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / file_name).write_text("# written by src/test/python/interop/catalogs.py\n"
                                       + yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return directory
