"""The SQL engine gives the hand-computed figures of the unit scenario, result by result."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.results import compute_month
from domain.indicators.targets import target_referential
from tests.support.stored_records import stored_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH


async def test_the_sql_engine_gives_the_scenario_figures(engine: AsyncEngine) -> None:
    month = with_uuid_patients(MARCH)
    async with stored_month(engine, month, datetime(2025, 4, 1, tzinfo=UTC)) as raw:
        counted = await PgIndicatorEngine(raw).compute(month.entity, month.month, month.as_of, target_referential())
    assert counted == compute_month(month, target_referential())
    assert [(r.indicator_id, r.numerator, r.denominator) for r in counted] == [
        ("P1.O1", 2, 5),
        ("P1.O2.LDL", 1, 2),
        ("P1.O2.ODS", 0, 1),
        ("P1.O3", 0, 1),
        ("P1.O4", 1, 2),
        ("P1.O5", 1, 1),
        ("P1.O6", 0, 1),
        ("P1.O7", 1, 5),
        ("P1.O8", 1, 1),
    ]
