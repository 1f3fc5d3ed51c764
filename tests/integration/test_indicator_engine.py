"""The SQL engine gives the hand-computed figures of the unit scenario, result by result."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.entity_month import EntityMonth
from domain.indicators.results import compute_month
from domain.indicators.targets import target_referential
from tests.support.database import EMPTY_ALL_TABLES
from tests.support.stored_records import store_month
from tests.unit.test_indicator_scenario import MARCH


def _with_uuid_patients(month: EntityMonth) -> EntityMonth:
    """The scenario names its patients pA…pF; stored pseudonyms are UUIDs."""
    ids = {name: str(uuid.uuid5(uuid.NAMESPACE_OID, name)) for name in ("pA", "pB", "pC", "pD", "pE", "pF")}
    return replace(
        month,
        patients={ids[name]: replace(state, patient=ids[name]) for name, state in month.patients.items()},
        encounters=tuple(replace(e, patient=ids[e.patient]) for e in month.encounters),
        consultations=tuple(replace(c, patient=ids[c.patient]) for c in month.consultations),
        documents=tuple(replace(d, patient=ids[d.patient]) for d in month.documents),
        messages=tuple(replace(m, patient=ids[m.patient]) for m in month.messages),
    )


async def test_the_sql_engine_gives_the_scenario_figures(engine: AsyncEngine) -> None:
    month = _with_uuid_patients(MARCH)
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_month(raw, month.entity.finess_ej, month.month.label, datetime(2025, 4, 1, tzinfo=UTC),  # type: ignore[arg-type]
                          patients=list(month.patients.values()), encounters=month.encounters,
                          consultations=month.consultations, documents=month.documents, messages=month.messages)
        counted = await PgIndicatorEngine(raw).compute(month.entity, month.month, month.as_of,  # type: ignore[arg-type]
                                                       target_referential())
    assert counted == compute_month(month, target_referential())
    assert [(r.indicator_id, r.numerator, r.denominator) for r in counted] == [
        ("P1.O1", 2, 5), ("P1.O2.LDL", 1, 2), ("P1.O2.ODS", 0, 1), ("P1.O3", 0, 1), ("P1.O4", 1, 2),
        ("P1.O5", 1, 1), ("P1.O6", 0, 1), ("P1.O7", 1, 5), ("P1.O8", 1, 1)]
