"""A fake OpenID Connect issuer for tests: RSA and EC keys, signed tokens, and its JWKS served
over HTTP on 127.0.0.1 (no network), with keys that can be rotated."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.support.referential import ENTITY_A

ISSUER = "https://idp.test/realms/hopen2"
AUDIENCE = "hopen2-api"
ABSENT = object()
"""A claim given as ABSENT is left out of the token."""


class FakeIssuer:
    """An identity provider in memory: signing keys, the tokens it signs, its JWKS served over HTTP
    on 127.0.0.1 by a thread, and how many times that JWKS was fetched."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[Any, str]] = {}  # kid -> (private key, algorithm)
        self.published: list[str] = []
        self.fetches = 0
        self.publish("key-1")
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.fetches += 1
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/protocol/openid-connect/certs"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, kid: str, algorithm: str = "RS256") -> None:
        """A new key, published in the JWKS (a rotation when the others stay published)."""
        if algorithm == "ES256":
            private: Any = ec.generate_private_key(ec.SECP256R1())
        else:
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = (private, algorithm)
        self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            private, algorithm = self.keys[kid]
            to_jwk = ECAlgorithm.to_jwk if algorithm == "ES256" else RSAAlgorithm.to_jwk
            keys.append({**to_jwk(private.public_key(), as_dict=True), "kid": kid, "alg": algorithm, "use": "sig"})
        return {"keys": keys}

    def token(self, kid: str = "key-1", *, signing_key: Any = None, algorithm: str | None = None, **claims: Any) -> str:
        """A token naming the key `kid`, signed with it (or `signing_key`), with the claims of a member
        of ENTITY_A unless given; a claim given as ABSENT is left out."""
        now = int(time.time())
        values = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "f3a9c2e1-user",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "hopen2_role": "member",
            "hopen2_finess_ej": [ENTITY_A],
            **claims,
        }
        private, key_algorithm = self.keys.get(kid, self.keys["key-1"])  # an unpublished kid: key-1 signs
        return jwt.encode(
            {name: value for name, value in values.items() if value is not ABSENT},
            signing_key if signing_key is not None else private,
            algorithm=algorithm or key_algorithm,
            headers={"kid": kid},
        )
