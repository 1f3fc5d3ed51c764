"""The counting tables of a transaction (`counting_state`): refilled when the entity's files
change, reused without new locks across entities, and the planner setting scoped to counting."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from tests.support.database import EMPTY_ALL_TABLES
from tests.support.stored_records import store_entity_month, store_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH

MONTH = with_uuid_patients(MARCH)
RECEIVED = datetime(2025, 4, 1, tzinfo=UTC)
OTHER = replace(MONTH, entity=replace(MONTH.entity, finess_ej="130000011"))


async def _locks(connection: asyncpg.Connection) -> int:
    count: int = await connection.fetchval("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
    return count


async def test_an_upload_committed_between_two_countings_refills_the_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_entity_month(raw, MONTH, RECEIVED)  # type: ignore[arg-type]
        counting = PgIndicatorEngine(raw)  # type: ignore[arg-type]
        before = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
        # a second version of the month's files, without any record: no stay, no letter to count
        await store_month(raw, MONTH.entity.finess_ej, MONTH.month.label, RECEIVED + timedelta(hours=1),  # type: ignore[arg-type]
                          version=2)
        after = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
    letters = [(result.countings["P1.O2.LDL"].numerator, result.countings["P1.O2.LDL"].denominator)
               for result in (before, after)]
    assert letters == [(1, 2), (0, 0)]


async def test_counting_entity_after_entity_in_one_transaction_does_not_pile_up_locks(engine: AsyncEngine) -> None:
    """A GHT read counts every member in the request's transaction: the tables are refilled, not
    created again, so the locks held do not grow with the members (the lock table is shared)."""
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_entity_month(raw, MONTH, RECEIVED)  # type: ignore[arg-type]
        await store_entity_month(raw, OTHER, RECEIVED)  # type: ignore[arg-type]
        counting = PgIndicatorEngine(raw)  # type: ignore[arg-type]
        first = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
        second = await counting.count(OTHER.entity, OTHER.month, OTHER.as_of)
        locks = await _locks(raw)  # type: ignore[arg-type]
        for _ in range(3):
            assert await counting.count(MONTH.entity, MONTH.month, MONTH.as_of) == first
            assert await counting.count(OTHER.entity, OTHER.month, OTHER.as_of) == second
        assert await _locks(raw) == locks  # type: ignore[arg-type]
    assert first == second  # the same records under two entities


async def test_nested_loops_are_allowed_again_once_counting_is_over(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_entity_month(raw, MONTH, RECEIVED)  # type: ignore[arg-type]
        await PgIndicatorEngine(raw).count(MONTH.entity, MONTH.month, MONTH.as_of)  # type: ignore[arg-type]
        assert await raw.fetchval("SHOW enable_nestloop") == "on"
