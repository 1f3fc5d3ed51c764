"""The set-based SQL of the stay indicators equals the domain's reference computation, field by
field, on random months (all activities, edges around month ends and the DST change, every
exclusion)."""

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.counting_state import prepare_counting_state
from adapters.persistence.pg_stay_indicator_counts import count_stay_indicator_sql
from domain.indicators.catalogue import CATALOGUE
from domain.indicators.entity_month import EntityMonth
from domain.indicators.results import count_indicator
from domain.periods import PARIS, Period
from domain.records import (
    Activity,
    DmpStatus,
    Document,
    DocumentFormat,
    Encounter,
    EncounterKind,
    IdentityStatus,
    MesStatus,
    PatientState,
)
from domain.referential import Capabilities, CountingUnit, LegalEntity, MesMode, Policies
from tests.support.database import EMPTY_ALL_TABLES
from tests.support.stored_records import store_month

ENTITY, SITE = "750712184", "750100018"
MONTH = Period(2025, 3)
PATIENTS = [str(uuid.UUID(int=i + 1)) for i in range(5)]
TYPE_CODES = ["11490-0", "57833-6", "PRESC-KINE", "34874-8", "34112-3", "11502-2"]
START = datetime(2024, 11, 1, tzinfo=PARIS)


EDGES = [
    datetime(2025, month, day, hour, minute, tzinfo=PARIS)
    for month, day in [(1, 31), (2, 28), (3, 1), (3, 30), (3, 31), (4, 1), (4, 30), (5, 1), (5, 31), (6, 1)]
    for hour, minute in [(0, 0), (0, 30), (1, 59), (2, 30), (3, 0), (23, 30), (23, 59)]
]
LENGTHS = [
    timedelta(0),
    timedelta(minutes=1),
    timedelta(days=7),
    timedelta(days=7, hours=23),
    timedelta(days=8),
    timedelta(days=8, minutes=1),
    timedelta(days=31),
]


def instants(start: datetime = START, days: int = 170) -> st.SearchStrategy[datetime]:
    """Instants between `start` and `days` later, often on month ends and around the DST change,
    given in Paris or UTC time."""
    anywhere = st.builds(lambda minutes: start + timedelta(minutes=minutes), st.integers(0, days * 24 * 60))
    edge = st.sampled_from([instant for instant in EDGES if start <= instant <= start + timedelta(days=days)])
    return st.builds(lambda instant, utc: instant.astimezone(UTC if utc else PARIS), edge | anywhere, st.booleans())


ACTIVITIES = (
    [Activity.MCO] * 3
    + [Activity.HAD] * 2
    + [Activity.PSY] * 2
    + [Activity.CHIMIOTHERAPIE, Activity.DIALYSE, Activity.RADIOTHERAPIE, Activity.SMR, Activity.URGENCES]
)
KINDS = [EncounterKind.HOSPITALISATION] * 3 + [EncounterKind.SEANCE] * 2 + [EncounterKind.VENUE, EncounterKind.PASSAGE]


@st.composite
def encounters(draw: st.DrawFn) -> list[Encounter]:
    """Mostly encounters that end around March (their exit drawn first), some ongoing."""
    found = []
    for index in range(draw(st.integers(0, 16))):
        activity = draw(st.sampled_from(ACTIVITIES))
        kind = draw(st.sampled_from(KINDS))
        length = draw(st.sampled_from(LENGTHS) | st.builds(timedelta, minutes=st.integers(0, 60 * 24 * 40)))
        ongoing = draw(st.integers(0, 5)) == 0
        exit = draw(instants(datetime(2025, 2, 15, tzinfo=PARIS), 60))
        found.append(
            Encounter(
                f"E{index}",
                draw(st.sampled_from(PATIENTS[:3])),
                SITE,
                activity,
                kind,
                exit - length,
                None if ongoing else exit,
                draw(st.none() | st.sampled_from(["G1", "G2"])),
                draw(st.sampled_from([17, 18, 60])),
                draw(st.booleans()),
            )
        )
    return found


@st.composite
def documents(draw: st.DrawFn, found: list[Encounter]) -> list[Document]:
    """Documents mostly linked to an encounter and produced near its end; a few loose ones."""
    documents = []
    for index in range(draw(st.integers(0, 18))):
        encounter = draw(st.sampled_from(found)) if found and draw(st.integers(0, 4)) else None
        near = (encounter.discharged_at or encounter.admitted_at) if encounter else draw(instants())
        produced = near + timedelta(hours=draw(st.integers(-48, 72)))
        status = draw(st.sampled_from([DmpStatus.ACCEPTED] * 4 + list(DmpStatus)))
        documents.append(
            Document(
                f"D{index}",
                encounter.patient if encounter else draw(st.sampled_from(PATIENTS[:3])),
                draw(st.sampled_from(["11490-0", "11490-0", "57833-6", "34874-8", "34874-8", *TYPE_CODES])),
                produced,
                draw(st.sampled_from([DocumentFormat.CDA_R2_N1] * 4 + list(DocumentFormat))),
                draw(st.sampled_from([True, True, True, False])),
                encounter_id=encounter.encounter_id if encounter and draw(st.integers(0, 5)) else None,
                stay_group_id=draw(st.none() | st.sampled_from(["G1", "G2"])),
                datamatrix=draw(st.sampled_from([True, False, None])),
                dmp_status=status,
                dmp_sent_at=None
                if status is DmpStatus.NOT_SENT
                else draw(
                    st.sampled_from(EDGES)
                    | st.builds(lambda days, at=produced: at + timedelta(days=days), st.integers(0, 70))
                ),
            )
        )
    return documents


@st.composite
def months(draw: st.DrawFn) -> EntityMonth:
    found = draw(encounters())
    policies = Policies(
        mes_mode=draw(st.sampled_from(list(MesMode))),
        unit_override=draw(
            st.sampled_from([{}, {}, {"P1.O2.LDL": CountingUnit.PATIENTS}, {"P1.O2.ODS": CountingUnit.PATIENTS}])
        ),
        feeding_grace_months=draw(st.integers(0, 2)),
        require_datamatrix=draw(st.booleans()),
    )
    entity = LegalEntity(ENTITY, "CH", "GHT", "75", date(2024, 1, 1), Capabilities(has_surgery=True), policies=policies)
    patients = {
        patient: PatientState(patient, IdentityStatus.QUAL, mes_status=draw(st.sampled_from(list(MesStatus))))
        for patient in PATIENTS
        if draw(st.booleans())
    }
    as_of = draw(st.sampled_from(EDGES[-21:]) | instants(datetime(2025, 3, 20, tzinfo=PARIS), 100))
    return EntityMonth(entity, MONTH, as_of, patients, tuple(found), documents=tuple(draw(documents(found))))


def _boundary(
    encounters: tuple[Encounter, ...],
    documents: tuple[Document, ...] = (),
    as_of: datetime = datetime(2025, 6, 1, tzinfo=UTC),
    grace: int = 1,
) -> EntityMonth:
    entity = LegalEntity(
        ENTITY,
        "CH",
        "GHT",
        "75",
        date(2024, 1, 1),
        Capabilities(has_surgery=True),
        policies=Policies(feeding_grace_months=grace),
    )
    return EntityMonth(entity, MONTH, as_of, {}, encounters, documents=documents)


def _paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


P0, H, SEANCE = PATIENTS[0], EncounterKind.HOSPITALISATION, EncounterKind.SEANCE
LETTER = dict(format=DocumentFormat.CDA_R2_N1, ins_qualified=True, dmp_status=DmpStatus.ACCEPTED, encounter_id="E1")
BOUNDARIES = [
    # HAD of exactly 7 and 8 Paris calendar days
    _boundary(
        (
            Encounter("E1", P0, SITE, Activity.HAD, H, _paris(2025, 3, 1, 10), _paris(2025, 3, 8, 10), None, 60),
            Encounter("E2", P0, SITE, Activity.HAD, H, _paris(2025, 3, 1, 10), _paris(2025, 3, 9, 0, 30), None, 60),
        )
    ),
    # discharged at 00:30 Paris on 1 April (31 March in UTC): an April stay
    _boundary((Encounter("E1", P0, SITE, Activity.MCO, H, _paris(2025, 3, 20, 10), _paris(2025, 4, 1, 0, 30)),)),
    # sessions on the anchor day, the window's last day and the day after (3-month windows)
    _boundary(
        tuple(
            Encounter(f"S{i}", P0, SITE, Activity.CHIMIOTHERAPIE, SEANCE, day, day)
            for i, day in enumerate(
                [
                    _paris(2024, 12, 31, 9),
                    _paris(2025, 1, 15, 9),
                    _paris(2025, 3, 30, 9),
                    _paris(2025, 3, 31, 9),
                    _paris(2025, 4, 2, 9),
                    _paris(2025, 4, 3, 9),
                ]
            )
        ),
        as_of=_paris(2025, 8, 1),
    ),
    # a letter accepted exactly at the deadline (1 May 00:00 Paris, late) and one a minute before
    _boundary(
        (Encounter("E1", P0, SITE, Activity.MCO, H, _paris(2025, 3, 2, 10), _paris(2025, 3, 6, 10)),),
        (Document("D1", P0, "11490-0", _paris(2025, 3, 6, 11), dmp_sent_at=_paris(2025, 5, 1), **LETTER),),
    ),
    _boundary(
        (Encounter("E1", P0, SITE, Activity.MCO, H, _paris(2025, 3, 2, 10), _paris(2025, 3, 6, 10)),),
        (Document("D1", P0, "11490-0", _paris(2025, 3, 6, 11), dmp_sent_at=_paris(2025, 4, 30, 23, 59), **LETTER),),
    ),
    # accepted exactly at the as-of instant (counts), with no grace month
    _boundary(
        (Encounter("E1", P0, SITE, Activity.MCO, H, _paris(2025, 3, 2, 10), _paris(2025, 3, 6, 10)),),
        (Document("D1", P0, "11490-0", _paris(2025, 3, 6, 11), dmp_sent_at=_paris(2025, 3, 25), **LETTER),),
        as_of=_paris(2025, 3, 25),
        grace=0,
    ),
]


def _examples(months: list[EntityMonth]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The boundary months above, always run before the random ones."""

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        for month in months:
            test = example(month=month)(test)
        return test

    return decorate


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=months())
@_examples(BOUNDARIES)
async def test_stay_indicators_in_sql_equal_the_domain(engine: AsyncEngine, month: EntityMonth) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_month(
            raw,
            ENTITY,
            MONTH.label,
            datetime(2025, 3, 1, tzinfo=UTC),  # type: ignore[arg-type]
            patients=list(month.patients.values()),
            encounters=month.encounters,
            documents=month.documents,
        )
        await prepare_counting_state(raw, ENTITY, month.as_of)  # type: ignore[arg-type]
        # March holds the patients file; June (no patients file) sees the next series windows close.
        for measured in (month, replace(month, month=Period(2025, 6), patients={})):
            for indicator in ("P1.O2.LDL", "P1.O2.ODS", "P1.O3"):
                definition = CATALOGUE[indicator]
                expected = count_indicator(measured, definition.id)
                counted = await count_stay_indicator_sql(
                    raw,
                    measured.entity,
                    measured.month,
                    measured.as_of,  # type: ignore[arg-type]
                    definition,
                )
                assert counted == expected, (indicator, measured.month)
