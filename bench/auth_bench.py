#!/usr/bin/env python3
"""What each kind of recipient credential costs a Delta Sharing request.

    python bench/auth_bench.py --app target/quarkus-app/quarkus-run.jar [--requests 3000] [--rounds 5]

1. Writes a one-file Delta table with delta-rs and a catalog of three recipients of the same share:
   `bearer` (a bearer token, the baseline), `oauth` (a client secret: its client gets access tokens
   from the gateway's token endpoint) and `federated` (a federation policy naming an identity
   provider this script serves on loopback: OIDC discovery and a JWKS of one RSA-2048 key; tokens
   are RS256 JWTs signed with PyJWT).
2. Starts the gateway jar and, in --rounds interleaved rounds, sends --requests sequential
   `GET /delta-sharing/shares` on one keep-alive connection per credential, after a warm-up.
3. Prints the median and p99 latency of each credential over all rounds, and the ratio of each
   median to the bearer token's (same run, same connection handling), then the median of
   --requests token endpoint calls (client credentials grant).
The machine is noisy (2 cores): compare ratios, not absolute figures, across runs.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sharing_bench import Gateway, free_port  # noqa: E402

BEARER = "bench-auth-bearer-token"
CLIENT_SECRET = "bench-auth-client-secret"
AUDIENCE = "goldgate"


def b64url_uint(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class IdentityProvider:
    """OIDC discovery and a JWKS on loopback; signs RS256 tokens."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.key.public_key().public_numbers()
        self.kid = "bench-key"
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/realms/bench"
        self.fetches = 0
        jwks = {"keys": [{"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                          "n": b64url_uint(numbers.n), "e": b64url_uint(numbers.e)}]}
        discovery = {"issuer": self.issuer, "jwks_uri": f"{self.issuer}/jwks"}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                doc = discovery if self.path.endswith("openid-configuration") else jwks
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, subject: str) -> str:
        import jwt

        now = int(time.time())
        claims = {"iss": self.issuer, "aud": AUDIENCE, "sub": subject, "azp": subject, "iat": now, "exp": now + 3600}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def close(self):
        self.server.shutdown()


def write_catalog(shares_dir: Path, table: Path, issuer: str) -> None:
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    (shares_dir / "bench.yaml").write_text(f"""shares:
  - name: bench
    schemas:
      - name: s
        tables:
          - name: t
            location: {table}
recipients:
  - name: bearer
    tokens: [{{hash: "sha256:{digest(BEARER)}"}}]
    shares: [bench]
  - name: oauth
    clientSecrets: [{{hash: "sha256:{digest(CLIENT_SECRET)}"}}]
    shares: [bench]
  - name: federated
    shares: [bench]
    federationPolicies:
      - {{issuer: "{issuer}", audiences: [{AUDIENCE}], subjectClaim: azp, subject: partner-etl}}
""")


def timed_calls(session, url: str, headers: dict, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = session.get(url, headers=headers)
        out.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{url} answered {r.status_code}: {r.text[:300]}")
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", required=True, type=Path)
    ap.add_argument("--java", default="java")
    ap.add_argument("--requests", type=int, default=3000, help="requests per credential and round")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    import pyarrow as pa
    import requests
    from deltalake import write_deltalake

    idp = IdentityProvider()
    with tempfile.TemporaryDirectory(prefix="goldgate-auth-bench-") as tmp:
        root = Path(tmp)
        table = root / "table"
        write_deltalake(str(table), pa.table({"id": list(range(100))}))
        shares = root / "shares"
        shares.mkdir()
        write_catalog(shares, table, idp.issuer)
        gw = Gateway(args.java, args.app, shares, BEARER, root / "gateway.log", "1g")
        gw.start()
        try:
            url = f"{gw.base}/delta-sharing/shares"
            token_url = f"{gw.base}/delta-sharing/oauth/token"
            basic = "Basic " + base64.b64encode(f"oauth:{CLIENT_SECRET}".encode()).decode()
            form = {"grant_type": "client_credentials"}
            session = requests.Session()
            granted = session.post(token_url, data=form, headers={"Authorization": basic})
            granted.raise_for_status()
            credentials = {
                "bearer token": {"Authorization": f"Bearer {BEARER}"},
                "gateway access token (HS256)": {"Authorization": f"Bearer {granted.json()['access_token']}"},
                "federated token (RS256)": {"Authorization": f"Bearer {idp.token('partner-etl')}"},
            }
            warmup = max(200, args.requests // 5)
            for headers in credentials.values():
                timed_calls(session, url, headers, warmup)
            samples = {name: [] for name in credentials}
            for _ in range(args.rounds):
                for name, headers in credentials.items():
                    samples[name] += timed_calls(session, url, headers, args.requests)
            token_times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                r = session.post(token_url, data=form, headers={"Authorization": basic})
                token_times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"token endpoint answered {r.status_code}")
        finally:
            gw.stop()
            idp.close()

    base = statistics.median(samples["bearer token"])
    print(f"GET /delta-sharing/shares, {args.rounds} rounds x {args.requests} sequential requests per credential, keep-alive")
    print(f"{'credential':32} {'median ms':>10} {'p99 ms':>8} {'x bearer':>9}")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:32} {med:10.3f} {p99(values):8.3f} {med / base:9.2f}")
    print(f"token endpoint (client credentials): median {statistics.median(token_times):.3f} ms, p99 {p99(token_times):.3f} ms")
    print(f"identity provider fetches (discovery + JWKS): {idp.fetches}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
