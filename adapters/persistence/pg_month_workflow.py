"""Entity-months' workflow in PostgreSQL: the append-only history of transitions, the current
state, and what completeness reads (each kind's first accepted file).

A transition holds the month's workflow lock exclusively and an upload holds it shared
(`pg_submission_store`), so a month cannot be locked while one of its files is being stored."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.access import Role
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind
from domain.workflow.month_workflow import MonthState, MonthTransition, Transition


def workflow_lock_key(finess_ej: str, period: str) -> str:
    return f"workflow/{finess_ej}/{period}"


class PgMonthWorkflow:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def lock_month(self, finess_ej: str, period: str) -> None:
        await self._connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": workflow_lock_key(finess_ej, period)},
        )

    async def history(self, finess_ej: str, period: str) -> list[MonthTransition]:
        rows = await self._connection.execute(
            text("SELECT * FROM month_transition WHERE finess_ej = :ej AND period = :period ORDER BY id"),
            {"ej": finess_ej, "period": period},
        )
        return [
            MonthTransition(
                row.finess_ej,
                row.period,
                Transition(row.transition),
                MonthState(row.from_state),
                MonthState(row.to_state),
                row.actor,
                Role(row.role),
                row.at,
                row.reason,
            )
            for row in rows
        ]

    async def states(self, finess_ejs: Iterable[str], period: str) -> dict[str, tuple[MonthState, datetime | None]]:
        """Each entity's current state and first submission instant (draft and None when it has no history)."""
        entities = sorted(set(finess_ejs))
        rows = await self._connection.execute(
            text(
                "SELECT finess_ej, (array_agg(to_state ORDER BY id DESC))[1] AS state, "
                "min(at) FILTER (WHERE transition = 'submit') AS submitted_at "
                "FROM month_transition WHERE finess_ej = ANY(:entities) AND period = :period GROUP BY finess_ej"
            ),
            {"entities": entities, "period": period},
        )
        found = {row.finess_ej: (MonthState(row.state), row.submitted_at) for row in rows}
        return {entity: found.get(entity, (MonthState.DRAFT, None)) for entity in entities}

    async def record(self, step: MonthTransition) -> None:
        await self._connection.execute(
            text(
                "INSERT INTO month_transition (finess_ej, period, transition, from_state, to_state, actor, role, "
                "reason, at) VALUES (:ej, :period, :transition, :from_state, :to_state, :actor, :role, :reason, :at)"
            ),
            {
                "ej": step.finess_ej,
                "period": step.period,
                "transition": step.transition.value,
                "from_state": step.from_state.value,
                "to_state": step.to_state.value,
                "actor": step.actor,
                "role": step.role.value,
                "reason": step.reason,
                "at": step.at,
            },
        )

    async def kinds_received(
        self, finess_ejs: Iterable[str], month: Period, as_of: datetime
    ) -> dict[str, dict[RecordKind, datetime]]:
        """Each entity's kinds with an accepted file for the month, and when the first came."""
        rows = await self._connection.execute(
            text(
                "SELECT finess_ej, kind, min(received_at) AS first FROM submission WHERE finess_ej = ANY(:entities) "
                "AND period = :period AND status = 'accepted' AND received_at <= :as_of GROUP BY finess_ej, kind"
            ),
            {"entities": sorted(set(finess_ejs)), "period": month.label, "as_of": as_of},
        )
        received: dict[str, dict[RecordKind, datetime]] = {}
        for row in rows:
            received.setdefault(row.finess_ej, {})[RecordKind(row.kind)] = row.first
        return received
