"""The audit trail in PostgreSQL: appended to, never changed (a trigger refuses updates and
deletes), read back by administrators. It names callers by key id and resources by their path,
never a patient identifier."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: datetime
    actor: str
    role: str
    action: str  # read | write | export
    method: str
    path: str
    query: str
    status: int
    id: int | None = None


class PgAuditTrail:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(self, event: AuditEvent) -> None:
        """In a transaction of its own: a read is recorded even when its handler's work rolled back."""
        async with self._engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO audit_event (at, actor, role, action, method, path, query, status) "
                     "VALUES (:at, :actor, :role, :action, :method, :path, :query, :status)"),
                {"at": event.at, "actor": event.actor, "role": event.role, "action": event.action,
                 "method": event.method, "path": event.path, "query": event.query, "status": event.status})


async def audit_events(connection: AsyncConnection, *, actor: str | None, role: str | None, since: datetime | None,
                       before_id: int | None, limit: int) -> list[AuditEvent]:
    """Most recent first; `before_id` pages further back."""
    rows = await connection.execute(text(
        "SELECT * FROM audit_event WHERE (CAST(:actor AS text) IS NULL OR actor = :actor) "
        "AND (CAST(:role AS text) IS NULL OR role = :role) AND (CAST(:since AS timestamptz) IS NULL OR at >= :since) "
        "AND (CAST(:before AS bigint) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit"),
        {"actor": actor, "role": role, "since": since, "before": before_id, "limit": limit})
    return [AuditEvent(row.at, row.actor, row.role, row.action, row.method, row.path, row.query, row.status, row.id)
            for row in rows]
