"""The SQL listing of an indicator's units agrees with its aggregate counting: the numerator side
lists the numerator's units, the denominator side the denominator's (before weighting), each
failure under the rule the explanation counts it under; and a seed draws the same units whatever
the rows' physical order."""

import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from adapters.persistence.pg_indicator_samples import SampleSide, UnitSample
from domain.indicators.catalogue import CATALOGUE, Stage, Unit
from domain.indicators.counting import Counting
from domain.indicators.entity_month import EntityMonth
from domain.referential import CountingUnit, MesMode, Policies
from tests.integration.test_patient_and_document_indicators_sql import months as patient_and_document_months
from tests.integration.test_stay_indicators_sql import months as stay_months
from tests.support.stored_records import stored_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH

RECEIVED = datetime(2025, 3, 1, tzinfo=UTC)
EVERY_UNIT = 1000
NUM, DEN = SampleSide.NUMERATOR, SampleSide.DENOMINATOR


def pseudonym(name: str) -> str:
    """The stored pseudonym of a patient of the unit scenario (see `with_uuid_patients`)."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, name))


async def _listings(
    engine: AsyncEngine, month: EntityMonth, seed: int = 0, size: int = EVERY_UNIT
) -> tuple[dict[str, Counting], dict[tuple[str, SampleSide], UnitSample]]:
    """The month's countings, and both sides of every indicator drawn with `seed`."""
    async with stored_month(engine, month, RECEIVED) as raw:
        sql = PgIndicatorEngine(raw)
        counted = await sql.count(month.entity, month.month, month.as_of)
        drawn = {
            (indicator, side): await sql.sample(month.entity, month.month, month.as_of, definition, side, size, seed)
            for indicator, definition in CATALOGUE.items()
            for side in SampleSide
        }
    return dict(counted.countings), drawn


def _assert_listings_agree(countings: dict[str, Counting], drawn: dict[tuple[str, SampleSide], UnitSample]) -> None:
    for indicator, counting in countings.items():
        numerator, denominator = drawn[indicator, NUM], drawn[indicator, DEN]
        assert (numerator.population, denominator.population) == (counting.numerator, counting.denominator), indicator
        assert len(denominator.units) == counting.denominator and numerator.unit is counting.unit
        assert all(unit.failure is None for unit in numerator.units)
        assert {unit.unit_id for unit in numerator.units} == {u.unit_id for u in denominator.units if u.failure is None}
        failures = Counter(unit.failure for unit in denominator.units if unit.failure is not None)
        assert failures == {
            exclusion: n for exclusion, n in counting.explanation if exclusion.stage is Stage.NUMERATOR
        }, indicator
        assert len({unit.unit_id for unit in denominator.units}) == counting.denominator  # no unit twice


def _ids(drawn: dict[tuple[str, SampleSide], UnitSample], indicator: str, side: SampleSide) -> set[str]:
    return {unit.unit_id for unit in drawn[indicator, side].units}


async def test_the_units_of_the_scenario_are_listed_on_each_side(engine: AsyncEngine) -> None:
    month = with_uuid_patients(MARCH)
    countings, drawn = await _listings(engine, month)
    _assert_listings_agree(countings, drawn)
    # Hand-derived in tests/unit/test_indicator_scenario.py: e1 has its letter, e4's lacks the INS.
    assert (_ids(drawn, "P1.O2.LDL", NUM), _ids(drawn, "P1.O2.LDL", DEN)) == ({"e1"}, {"e1", "e4"})
    assert _ids(drawn, "P1.O4", DEN) == {"c1", "c2"} and _ids(drawn, "P1.O4", NUM) == {"c1"}
    assert _ids(drawn, "P1.O5", NUM) == {"R1"}  # d7 (N3) and d8 (N1) are one report
    assert _ids(drawn, "P1.O1", DEN) == {pseudonym(name) for name in ("pA", "pB", "pC", "pE", "pF")}
    assert _ids(drawn, "P1.O8", NUM) == {pseudonym("pA")}
    letters = {unit.unit_id: unit for unit in drawn["P1.O2.LDL", DEN].units}
    assert letters["e4"].patient_pseudonym == pseudonym("pD") and letters["e4"].failure is not None
    assert letters["e4"].failure.value == "no_qualified_ins"
    assert (drawn["P1.O4", NUM].unit, drawn["P1.O6", NUM].unit) == (Unit.CONSULTATION, Unit.DOCUMENT)


async def test_patient_units_and_weighting_are_listed_before_weighting(engine: AsyncEngine) -> None:
    policies = Policies(mes_mode=MesMode.WEIGHTED, unit_override={"P1.O2.LDL": CountingUnit.PATIENTS})
    month = with_uuid_patients(replace(MARCH, entity=replace(MARCH.entity, policies=policies)))
    countings, drawn = await _listings(engine, month)
    _assert_listings_agree(countings, drawn)  # the countings are raw: weighting comes with judging
    # Weighted: no MES filter, stays e1 e2 e4 of pA pB pD; under the override, a patient is the unit.
    assert _ids(drawn, "P1.O2.LDL", DEN) == {pseudonym(name) for name in ("pA", "pB", "pD")}
    assert drawn["P1.O2.LDL", DEN].unit is Unit.PATIENT


async def test_a_seed_draws_the_same_units_whatever_the_physical_order(engine: AsyncEngine) -> None:
    month = with_uuid_patients(MARCH)
    reversed_month = replace(
        month,
        patients=dict(reversed(month.patients.items())),
        encounters=month.encounters[::-1],
        consultations=month.consultations[::-1],
        documents=month.documents[::-1],
        messages=month.messages[::-1],
    )
    _, first = await _listings(engine, month, seed=7, size=3)
    _, again = await _listings(engine, reversed_month, seed=7, size=3)
    _, everything = await _listings(engine, month, seed=7)
    assert first == again
    sample, population = first["P1.O1", DEN], everything["P1.O1", DEN]
    assert len(sample.units) == 3 and sample.population == 5
    assert sample.units == population.units[:3]  # a smaller sample is the start of the same draw
    _, other = await _listings(engine, month, seed=8)
    orders = {
        seed: [unit.unit_id for unit in drawn["P1.O1", DEN].units] for seed, drawn in ((7, everything), (8, other))
    }
    assert orders[7] != orders[8] and sorted(orders[7]) == sorted(orders[8])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=stay_months() | patient_and_document_months(), seed=st.integers(-(10**12), 10**12))
@example(month=with_uuid_patients(MARCH), seed=0)
async def test_the_listed_units_agree_with_the_counting_on_random_months(
    engine: AsyncEngine, month: EntityMonth, seed: int
) -> None:
    countings, drawn = await _listings(engine, month, seed=seed)
    _assert_listings_agree(countings, drawn)
