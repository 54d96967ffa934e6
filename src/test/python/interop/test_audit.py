"""The audit log as real clients leave it: the delta-sharing Python connector (query, then its own
file downloads) and pyarrow.flight, read back through GET /admin/audit."""
from __future__ import annotations

import datetime as dt
import json
import time

import delta_sharing
import pyarrow.flight as flight
import requests

TABLE = "retail.gold.inventory_levels"


def audit(gateway_url: str, admin_token: str, expected: int, **params) -> list[dict]:
    """The matching events, oldest first, once at least ``expected`` are there (the writer is asynchronous)."""
    events: list[dict] = []
    for _ in range(100):
        r = requests.get(f"{gateway_url}/admin/audit", params={"order": "oldest", "limit": 1000, **params},
                         headers={"Authorization": f"Bearer {admin_token}"}, timeout=10)
        assert r.status_code == 200, r.text
        events = r.json()["events"]
        if len(events) >= expected:
            break
        time.sleep(0.05)
    return events


def test_the_python_connector_leaves_one_query_event_and_one_event_per_file_request(gateway_url, admin_token, partner_profile, partner_token):
    started = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    frame = delta_sharing.load_as_pandas(f"{partner_profile}#{TABLE}")
    assert len(frame) > 0

    events = audit(gateway_url, admin_token, 2, table=TABLE, **{"from": started})
    queries = [e for e in events if e["operation"] == "queryTable"]
    downloads = [e for e in events if e["operation"] == "downloadFile"]
    assert len(queries) == 1, events
    query = queries[0]
    assert query["recipient"] == "sample-partner"
    assert query["status"] == "200"
    assert query["version"] == 3
    assert query["files"] >= 1
    assert query["userAgent"].startswith("Delta-Sharing-Python"), query["userAgent"]
    assert downloads, "the connector fetched the files through the gateway"
    for download in downloads:
        assert download["recipient"] == "sample-partner", download
        assert download["status"] in ("200", "206"), download
    # fsspec asks for the size first (HEAD: no body, no file counted), then reads the bytes.
    reads = [d for d in downloads if d.get("files") == 1]
    assert reads and all(d["bytes"] > 0 for d in reads), downloads
    stored = json.dumps(events)
    assert partner_token not in stored
    assert "sig=" not in stored and "&s=" not in stored and "/delta-sharing/files/" not in stored


def test_a_pyarrow_flight_read_is_audited_with_its_exact_rows(gateway_url, admin_token, flight_location, partner_token):
    started = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    client = flight.FlightClient(flight_location)
    try:
        auth = flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {partner_token}".encode())])
        info = client.get_flight_info(flight.FlightDescriptor.for_path(*TABLE.split(".")), auth)
        rows = sum(client.do_get(e.ticket, auth).read_all().num_rows for e in info.endpoints)
    finally:
        client.close()

    events = audit(gateway_url, admin_token, 1 + len(info.endpoints), table=TABLE, **{"from": started})
    assert [e["operation"] for e in events].count("GetFlightInfo") == 1, events
    gets = [e for e in events if e["operation"] == "DoGet"]
    assert len(gets) == len(info.endpoints)
    assert sum(e["rows"] for e in gets) == rows == info.total_records
    assert {e["recipient"] for e in events} == {"sample-partner"}
    assert {e["protocol"] for e in events} == {"flight"}
    assert {e["status"] for e in events} == {"OK"}
    assert all(e["version"] == 3 for e in events)
