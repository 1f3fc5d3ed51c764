"""Results by site and by care unit (D17): the SQL strata equal the domain's reference strata,
field by field, for the nine indicators, on the random months of the two other property tests
with their encounters, consultations and documents spread over two sites and three units."""

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.entity_month import EntityMonth
from domain.indicators.results import count_strata
from domain.indicators.strata import Dimension
from domain.periods import PARIS, Period
from domain.records import (
    Activity,
    Consultation,
    Document,
    DocumentFormat,
    Encounter,
    EncounterKind,
    IdentityStatus,
    MesStatus,
    PatientState,
)
from domain.referential import LegalEntity
from tests.integration.test_patient_and_document_indicators_sql import months as patient_and_document_months
from tests.integration.test_stay_indicators_sql import months as stay_months
from tests.support.stored_records import stored_month, with_uuid_patients
from tests.unit.test_indicator_scenario import MARCH

SITES = ["750100018", "750100026"]
UNITS = [None, "UF-CARDIO", "UF-PNEUMO"]
A, B = SITES
U1, U2 = UNITS[1:]
P0 = str(uuid.UUID(int=1))


def _paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


H, SEANCE = EncounterKind.HOSPITALISATION, EncounterKind.SEANCE
# Where "last" and "first" decide the stratum:
# - PSY group G1: E1 is admitted first but discharged last, so the group's last encounter is E1 (A, U1);
# - a chemotherapy series anchored on 31 Dec 2024 closes on 30 March: its last session is S3 (B, U2);
# - lab report R1: its first document D1 (unit U1) is linked to encounter E1 (site A) and to
#   consultation C1 (site B): the encounter wins; D2 (unit U2) comes later.
LAST_AND_FIRST = EntityMonth(
    LegalEntity("750712184", "CH", "GHT", "75", date(2024, 1, 1)),
    Period(2025, 3),
    _paris(2025, 6, 1),
    {P0: PatientState(P0, IdentityStatus.QUAL, mes_status=MesStatus.OPEN)},
    (
        Encounter("E1", P0, A, Activity.PSY, H, _paris(2025, 3, 1, 9), _paris(2025, 3, 20, 9), "G1", unit=U1),
        Encounter("E2", P0, B, Activity.PSY, H, _paris(2025, 3, 5, 9), _paris(2025, 3, 10, 9), "G1", unit=U2),
        Encounter(
            "S1", P0, A, Activity.CHIMIOTHERAPIE, SEANCE, _paris(2024, 12, 31, 9), _paris(2024, 12, 31, 12), unit=U1
        ),
        Encounter(
            "S2", P0, A, Activity.CHIMIOTHERAPIE, SEANCE, _paris(2025, 1, 15, 9), _paris(2025, 1, 15, 12), unit=U1
        ),
        Encounter("S3", P0, B, Activity.CHIMIOTHERAPIE, SEANCE, _paris(2025, 3, 1, 9), _paris(2025, 3, 1, 12), unit=U2),
    ),
    (Consultation("C1", P0, B, _paris(2025, 3, 10, 9), True),),
    (
        Document(
            "D1",
            P0,
            "11502-2",
            _paris(2025, 3, 10, 10),
            DocumentFormat.CDA_R2_N1,
            True,
            report_id="R1",
            encounter_id="E1",
            consultation_id="C1",
            unit=U1,
        ),
        Document("D2", P0, "11502-2", _paris(2025, 3, 11, 10), DocumentFormat.CDA_R2_N1, True, report_id="R1", unit=U2),
    ),
)


@st.composite
def stratified_months(draw: st.DrawFn) -> EntityMonth:
    month = draw(stay_months() | patient_and_document_months())
    encounters = tuple(
        replace(e, site=draw(st.sampled_from(SITES)), unit=draw(st.sampled_from(UNITS))) for e in month.encounters
    )
    linkable = [e.encounter_id for e in encounters] or ["none"]
    return replace(
        month,
        encounters=encounters,
        consultations=tuple(replace(c, site=draw(st.sampled_from(SITES))) for c in month.consultations),
        documents=tuple(
            replace(
                d,
                unit=draw(st.sampled_from(UNITS)),
                encounter_id=d.encounter_id or draw(st.none() | st.sampled_from(linkable)),
            )
            for d in month.documents
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=stratified_months())
@example(month=with_uuid_patients(MARCH))
@example(month=LAST_AND_FIRST)
async def test_strata_in_sql_equal_the_domain(engine: AsyncEngine, month: EntityMonth) -> None:
    async with stored_month(engine, month, datetime(2025, 3, 1, tzinfo=UTC)) as raw:
        for dimension in Dimension:
            counted = await PgIndicatorEngine(raw).count_strata(month.entity, month.month, month.as_of, dimension)
            assert counted == count_strata(month, dimension), dimension
