"""The counting queries never need a nested loop: right after an upload, before PostgreSQL has
statistics, a nested loop over the stays rescanned every document for each stay (over 10
minutes on the demo's largest member instead of 2 s)."""

from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.strata import Dimension
from tests.support.stored_records import stored_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH


class PlanRecorder:
    """Stands in for the engine's connection: plans each query it is given, then runs it."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.plans: list[str] = []

    def transaction(self) -> Any:
        return self._connection.transaction()

    async def execute(self, sql: str, *arguments: Any) -> str:
        if sql.startswith("INSERT"):  # the latest state of the records, into the counting tables
            await self._plan(sql, arguments)
        return str(await self._connection.execute(sql, *arguments))

    async def fetch(self, sql: str, *arguments: Any) -> list[Any]:
        await self._plan(sql, arguments)
        return list(await self._connection.fetch(sql, *arguments))

    async def fetchval(self, sql: str, *arguments: Any) -> Any:
        await self._plan(sql, arguments)
        return await self._connection.fetchval(sql, *arguments)

    async def _plan(self, sql: str, arguments: tuple[Any, ...]) -> None:
        rows = await self._connection.fetch("EXPLAIN " + sql, *arguments)
        self.plans.append("\n".join(row[0] for row in rows))


async def test_no_counting_plan_has_a_nested_loop(engine: AsyncEngine) -> None:
    month = with_uuid_patients(MARCH)
    async with stored_month(engine, month, datetime(2025, 4, 1, tzinfo=UTC)) as raw:
        recorder = PlanRecorder(raw)
        counting = PgIndicatorEngine(recorder)  # type: ignore[arg-type]
        await counting.count(month.entity, month.month, month.as_of)
        for dimension in Dimension:
            await counting.count_strata(month.entity, month.month, month.as_of, dimension)
        await counting.next_as_of_change(month.entity.finess_ej, month.as_of)
    counting_plans = [plan for plan in recorder.plans if "current_" in plan or "record" in plan]
    assert len(counting_plans) >= 4 + 1 + 9 + 1 + 2 * 9 + 1  # the latest state of 4 kinds, then the countings
    assert [plan for plan in recorder.plans if "Nested Loop" in plan] == []
