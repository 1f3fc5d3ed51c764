"""The audit trail in PostgreSQL: appended to, never changed (a trigger refuses updates and
deletes), each event chained to the one before by its hash (`domain.audit`), read back by
administrators and verified by `hopen2 audit verify`."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.audit import GENESIS, AuditEvent, ChainVerification, ChainVerifier, event_hash

_COLUMNS = "id, at, actor, role, action, method, path, query, status, previous_hash, hash"


class PgAuditTrail:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(self, event: AuditEvent) -> AuditEvent:
        """In a transaction of its own, so that a read is recorded even when its handler's work
        rolled back; appends are serialised, as each must know the hash of the last."""
        async with self._engine.begin() as connection:
            await connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('audit_event/chain', 0))"))
            last = (await connection.execute(text("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1"))).scalar()
            event_id = (
                await connection.execute(text("SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))"))
            ).scalar_one()
            previous = last or GENESIS
            chained = replace(event, id=event_id, previous_hash=previous, hash=event_hash(event_id, previous, event))
            await connection.execute(
                text(
                    f"INSERT INTO audit_event ({_COLUMNS}) VALUES (:id, :at, :actor, :role, :action, :method, "
                    ":path, :query, :status, :previous_hash, :hash)"
                ),
                {
                    "id": chained.id,
                    "at": chained.at,
                    "actor": chained.actor,
                    "role": chained.role,
                    "action": chained.action,
                    "method": chained.method,
                    "path": chained.path,
                    "query": chained.query,
                    "status": chained.status,
                    "previous_hash": chained.previous_hash,
                    "hash": chained.hash,
                },
            )
        return chained

    async def verify(self, batch: int = 10_000) -> ChainVerification:
        """Walks the whole trail in id order, a batch at a time."""
        verifier = ChainVerifier()
        async with self._engine.connect() as connection:
            async for event in _all_events(connection, batch):
                if not verifier.check(event):
                    break
        return verifier.result()


async def _all_events(connection: AsyncConnection, batch: int) -> AsyncIterator[AuditEvent]:
    after = 0
    while True:
        rows = (
            await connection.execute(
                text(f"SELECT {_COLUMNS} FROM audit_event WHERE id > :after ORDER BY id LIMIT :batch"),
                {"after": after, "batch": batch},
            )
        ).all()
        for row in rows:
            yield _event(row)
        if len(rows) < batch:
            return
        after = rows[-1].id


async def audit_events(
    connection: AsyncConnection,
    *,
    actor: str | None,
    role: str | None,
    since: datetime | None,
    before_id: int | None,
    limit: int,
) -> list[AuditEvent]:
    """Most recent first; `before_id` pages further back."""
    rows = await connection.execute(
        text(
            f"SELECT {_COLUMNS} FROM audit_event WHERE (CAST(:actor AS text) IS NULL OR actor = :actor) "
            "AND (CAST(:role AS text) IS NULL OR role = :role) "
            "AND (CAST(:since AS timestamptz) IS NULL OR at >= :since) "
            "AND (CAST(:before AS bigint) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit"
        ),
        {"actor": actor, "role": role, "since": since, "before": before_id, "limit": limit},
    )
    return [_event(row) for row in rows]


def _event(row: object) -> AuditEvent:
    values = row._mapping  # type: ignore[attr-defined]
    return AuditEvent(
        values["at"],
        values["actor"],
        values["role"],
        values["action"],
        values["method"],
        values["path"],
        values["query"],
        values["status"],
        values["id"],
        values["previous_hash"],
        values["hash"],
    )
