"""Authentication on every route but the public ones, and the caller as a dependency.

Two kinds of credentials (api.md), each of which a deployment enables or not:

- OpenID Connect bearer tokens, for people: `Authorization: Bearer <JWT>`, accepted when an
  issuer is configured (`HOPEN2_OIDC_ISSUER`) and checked by `JwtTokenVerifier`;
- API keys, for machines: `Authorization: Bearer <key>` or `X-API-Key: <key>`, accepted while
  `HOPEN2_API_KEYS_ENABLED` is true (the default).

A value shaped like a JWT (three base64url segments joined by dots; an API key has no dot) is
taken for a token, anything else for a key. Every refusal answers 401.
"""

import re
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Principal
from domain.errors import NotAuthenticated
from service.runtime import Runtime

_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


async def require_api_key(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard of the app: sets `connection.state.principal` from an API key or a bearer token, or
    answers 401. Handlers marked `opt={"public": True}` (health, readiness) need neither."""
    if handler.opt.get("public"):
        return
    runtime: Runtime = connection.app.state.runtime
    credential = _credential(connection)
    if not credential:
        raise NotAuthenticated(f"{_accepted(runtime)} is required (Authorization: Bearer ...)")
    if _JWT_SHAPE.fullmatch(credential):
        principal = await _token_principal(runtime, credential)
    else:
        principal = await _key_principal(runtime, credential)
    connection.state.principal = principal


def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal: Principal = request.state.principal
    return principal


async def _token_principal(runtime: Runtime, token: str) -> Principal:
    if runtime.token_verifier is None:
        raise NotAuthenticated("bearer tokens are not accepted here: OpenID Connect is not configured")
    return await runtime.token_verifier.verify(token)


async def _key_principal(runtime: Runtime, key: str) -> Principal:
    if not runtime.settings.api_keys_enabled:
        raise NotAuthenticated("API keys are disabled on this deployment; use an OpenID Connect token")
    async with runtime.engine.begin() as database:  # committed: the key's last use, a re-hash
        principal = await PgApiKeyStore(database).authenticate(key, runtime.clock())
    if principal is None:
        raise NotAuthenticated("the API key is unknown, revoked or expired")
    return principal


def _accepted(runtime: Runtime) -> str:
    kinds = [
        kind
        for kind, enabled in (
            ("an API key", runtime.settings.api_keys_enabled),
            ("an OpenID Connect token", runtime.token_verifier is not None),
        )
        if enabled
    ]
    return " or ".join(kinds) or "a credential"


def _credential(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    authorization = connection.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.headers.get("x-api-key", "").strip()
