"""The counting tables of a transaction (`counting_state`): refilled when the entity's files
change, reused without new locks across entities, and the planner setting scoped to counting."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.catalogue import CATALOGUE
from domain.indicators.results import count_indicator
from domain.records import IdentityStatus, MesStatus
from tests.support.stored_records import store_entity_month, store_month, stored_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH

MONTH = with_uuid_patients(MARCH)
RECEIVED = datetime(2025, 4, 1, tzinfo=UTC)
OTHER = replace(MONTH, entity=replace(MONTH.entity, finess_ej="130000011"))


async def _locks(connection: asyncpg.Connection) -> int:
    count: int = await connection.fetchval("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
    return count


async def test_an_upload_committed_between_two_countings_refills_the_tables(engine: AsyncEngine) -> None:
    async with stored_month(engine, MONTH, RECEIVED) as raw:
        counting = PgIndicatorEngine(raw)
        before = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
        # a second version of the month's files, without any record: no stay, no letter to count
        await store_month(raw, MONTH.entity.finess_ej, MONTH.month.label, RECEIVED + timedelta(hours=1), version=2)
        after = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
    letters = [
        (result.countings["P1.O2.LDL"].numerator, result.countings["P1.O2.LDL"].denominator)
        for result in (before, after)
    ]
    assert letters == [(1, 2), (0, 0)]


async def test_counting_entity_after_entity_in_one_transaction_does_not_pile_up_locks(engine: AsyncEngine) -> None:
    """A GHT read counts every member in the request's transaction: the tables are refilled, not
    created again, so the locks held do not grow with the members (the lock table is shared)."""
    async with stored_month(engine, MONTH, RECEIVED) as raw:
        await store_entity_month(raw, OTHER, RECEIVED)
        counting = PgIndicatorEngine(raw)
        first = await counting.count(MONTH.entity, MONTH.month, MONTH.as_of)
        second = await counting.count(OTHER.entity, OTHER.month, OTHER.as_of)
        locks = await _locks(raw)
        for _ in range(3):
            assert await counting.count(MONTH.entity, MONTH.month, MONTH.as_of) == first
            assert await counting.count(OTHER.entity, OTHER.month, OTHER.as_of) == second
        assert await _locks(raw) == locks
    assert first == second  # the same records under two entities


async def test_nested_loops_are_allowed_again_once_counting_is_over(engine: AsyncEngine) -> None:
    async with stored_month(engine, MONTH, RECEIVED) as raw:
        await PgIndicatorEngine(raw).count(MONTH.entity, MONTH.month, MONTH.as_of)
        assert await raw.fetchval("SHOW enable_nestloop") == "on"


async def test_a_month_is_judged_on_its_own_patients_file_not_another_months(engine: AsyncEngine) -> None:
    """D4: the counting tables hold every month's patients file; April's, where everyone is
    qualified with a MES profile, must not change March's figures."""
    april = [
        replace(state, identity_status=IdentityStatus.QUAL, mes_status=MesStatus.OPEN)
        for state in MONTH.patients.values()
    ]
    async with stored_month(engine, MONTH, RECEIVED) as raw:
        await store_month(raw, MONTH.entity.finess_ej, "2025-04", RECEIVED, patients=april)
        counted = await PgIndicatorEngine(raw).count(MONTH.entity, MONTH.month, MONTH.as_of)
    assert counted.countings == {indicator: count_indicator(MONTH, indicator) for indicator in CATALOGUE}
    assert (counted.countings["P1.O1"].numerator, counted.countings["P1.O1"].denominator) == (2, 5)
