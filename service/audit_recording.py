"""Records in the audit trail every request of an ARS auditor, every change (any method but GET
and HEAD: key issues and revocations included), every export of evidence, whoever makes it, and
every refused key or token (api.md: "every such read is audited").

An ASGI middleware: the event is appended when the response starts, in its own transaction, so
that a read is on record before its answer leaves; if the trail cannot be written the request
fails rather than go unrecorded."""

from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.persistence.pg_audit_trail import PgAuditTrail
from domain.access import Principal, Role
from domain.audit import AuditEvent

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
    if isinstance(principal, Principal):
        action = audit_action(method, scope["path"], principal.role)
        actor, role = principal.key_id, principal.role.value
    elif status == 401:  # a refused key or token: on record, without what was presented
        actor, role, action = "anonymous", "-", "login_failed"
    else:
        return
    if action is None:
        return
    runtime = scope["app"].state.runtime
    await PgAuditTrail(runtime.engine).append(
        AuditEvent(
            runtime.clock(),
            actor,
            role,
            action,
            method,
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            status,
        )
    )
