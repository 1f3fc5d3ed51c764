"""Authentication by API key on every route but the public ones, and the caller as a dependency.

Keys arrive as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
"""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Principal
from domain.errors import NotAuthenticated
from service.runtime import Runtime


async def require_api_key(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    token = _token(connection)
    if not token:
        raise NotAuthenticated("an API key is required (Authorization: Bearer <key>)")
    runtime: Runtime = connection.app.state.runtime
    async with runtime.engine.connect() as database:
        principal = await PgApiKeyStore(database).authenticate(token)
    if principal is None:
        raise NotAuthenticated("the API key is unknown or revoked")
    connection.state.principal = principal


def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal: Principal = request.state.principal
    return principal


def _token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    authorization = connection.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.headers.get("x-api-key", "").strip()
