"""Records in the audit trail every request of an ARS auditor, every change (any method but GET
and HEAD) and every export of evidence, whoever makes it (api.md: "every such read is audited").

An ASGI middleware: the event is appended when the response starts, in its own transaction, so
that a read is on record before its answer leaves; if the trail cannot be written the request
fails rather than go unrecorded."""

from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.persistence.pg_audit_trail import AuditEvent, PgAuditTrail
from domain.access import Principal, Role

_READS = frozenset({"GET", "HEAD"})
_EXPORTS = ("/evidence", "/samples/")


def audit_action(method: str, path: str, role: Role) -> str | None:
    """What the request is on record as, or None when it is not recorded."""
    if method not in _READS:
        return "write"
    if any(marker in path for marker in _EXPORTS):
        return "export"
    return "read" if role is Role.ARS_AUDITOR else None


def audit_trail_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = scope["method"]

        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                await _record(scope, method, message["status"])
            await send(message)

        await app(scope, receive, send_recorded)

    return middleware


async def _record(scope: Scope, method: str, status: int) -> None:
    state: dict[str, Any] = scope.get("state", {})  # type: ignore[assignment]
    principal = state.get("principal")
    if not isinstance(principal, Principal):  # unauthenticated: refused before any work
        return
    action = audit_action(method, scope["path"], principal.role)
    if action is None:
        return
    runtime = scope["app"].state.runtime
    await PgAuditTrail(runtime.engine).append(AuditEvent(
        runtime.clock(), principal.key_id, principal.role.value, action, method, scope["path"],
        scope.get("query_string", b"").decode("latin-1"), status))
