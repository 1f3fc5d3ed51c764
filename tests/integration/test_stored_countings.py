"""Stored countings are reused while their inputs hold, recounted when they change, and one
entity's new files never touch another entity's stored countings."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_results import PgIndicatorResults
from domain.indicators.results import compute_month, judge_month
from domain.indicators.targets import target_referential
from tests.support.database import EMPTY_ALL_TABLES
from tests.support.referential import ENTITY_B
from tests.support.stored_records import store_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH

MONTH = with_uuid_patients(MARCH)
RECEIVED = datetime(2025, 4, 1, tzinfo=UTC)
FIRST_READ = datetime(2025, 4, 2, tzinfo=UTC)
# The scenario's first record instant after FIRST_READ: a stay discharged on 2 April, 11:00 Paris.
STAY_CLOSES = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)


async def _store(connection: asyncpg.Connection, finess_ej: str, received_at: datetime) -> None:
    await store_month(
        connection,
        finess_ej,
        MONTH.month.label,
        received_at,
        patients=list(MONTH.patients.values()),
        encounters=MONTH.encounters,
        consultations=MONTH.consultations,
        documents=MONTH.documents,
        messages=MONTH.messages,
    )


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """An emptied database holding the scenario's month, received on 1 April."""
    async with engine.begin() as sa_connection:
        await sa_connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await sa_connection.get_raw_connection()).driver_connection
        await _store(raw, MONTH.entity.finess_ej, RECEIVED)  # type: ignore[arg-type]
        yield raw  # type: ignore[misc]


async def _rows(connection: asyncpg.Connection, finess_ej: str) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "SELECT id, as_of, valid_until, computed_at FROM indicator_counting WHERE finess_ej = $1 ORDER BY id",
            finess_ej,
        )
    )


async def test_a_counting_is_reused_until_a_record_instant_changes_it(connection: asyncpg.Connection) -> None:
    results = PgIndicatorResults(connection)
    first = await results.month_counting(MONTH.entity, MONTH.month, FIRST_READ)
    reused = await results.month_counting(MONTH.entity, MONTH.month, STAY_CLOSES - timedelta(microseconds=1))
    recounted = await results.month_counting(MONTH.entity, MONTH.month, STAY_CLOSES)
    rows = await _rows(connection, MONTH.entity.finess_ej)
    assert reused.counting_id == first.counting_id and reused.as_of == FIRST_READ
    assert [(row["as_of"], row["valid_until"]) for row in rows] == [
        (FIRST_READ, STAY_CLOSES),
        (STAY_CLOSES, datetime(2025, 5, 10, 7, 0, tzinfo=UTC)),
    ]  # a DMP acceptance
    assert recounted.counting_id == rows[1]["id"]
    for counting, instant in ((first, FIRST_READ), (recounted, STAY_CLOSES)):
        reference = compute_month(replace(MONTH, as_of=instant), target_referential())
        assert judge_month(MONTH.entity, MONTH.month, instant, target_referential(), counting.counted) == reference
    assert {file.kind for file in first.input_files} == {
        "patients",
        "encounters",
        "consultations",
        "documents",
        "messages",
    }


async def test_another_entitys_files_leave_a_stored_counting_untouched(connection: asyncpg.Connection) -> None:
    other = replace(MONTH.entity, finess_ej=ENTITY_B)
    results = PgIndicatorResults(connection)
    stored = await results.month_counting(MONTH.entity, MONTH.month, FIRST_READ)
    await _store(connection, ENTITY_B, FIRST_READ + timedelta(seconds=1))
    await results.month_counting(other, MONTH.month, FIRST_READ + timedelta(seconds=2))
    after_other = await results.month_counting(MONTH.entity, MONTH.month, FIRST_READ + timedelta(seconds=3))
    await store_month(connection, MONTH.entity.finess_ej, "2025-04", FIRST_READ + timedelta(seconds=4))
    after_own = await results.month_counting(MONTH.entity, MONTH.month, FIRST_READ + timedelta(seconds=5))
    own_rows = await _rows(connection, MONTH.entity.finess_ej)
    assert after_other.counting_id == stored.counting_id
    assert after_own.counting_id != stored.counting_id and len(own_rows) == 2
    assert {(file.kind, file.period) for file in after_own.input_files} - {
        (file.kind, file.period) for file in stored.input_files
    } == {(kind, "2025-04") for kind in ("patients", "encounters", "consultations", "documents", "messages")}


async def test_new_policies_are_new_inputs(connection: asyncpg.Connection) -> None:
    stricter = replace(MONTH.entity, policies=replace(MONTH.entity.policies, feeding_grace_months=0))
    results = PgIndicatorResults(connection)
    usual = await results.month_counting(MONTH.entity, MONTH.month, FIRST_READ)
    strict = await results.month_counting(stricter, MONTH.month, FIRST_READ)
    assert strict.counting_id != usual.counting_id
    reference = compute_month(replace(MONTH, entity=stricter, as_of=FIRST_READ), target_referential())
    assert judge_month(stricter, MONTH.month, FIRST_READ, target_referential(), strict.counted) == reference
