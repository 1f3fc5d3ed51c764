"""The set-based SQL of P1.O1, P1.O4–P1.O8 equals the domain's reference computation, field by
field, on random months (month ends and DST, every exclusion, both MES modes)."""

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.counting_state import prepare_counting_state
from adapters.persistence.pg_document_indicator_counts import count_document_indicator_sql
from adapters.persistence.pg_patient_file_gaps import count_patients_missing_from_file
from adapters.persistence.pg_patient_indicator_counts import count_patient_indicator_sql
from domain.indicators.catalogue import CATALOGUE
from domain.indicators.entity_month import EntityMonth
from domain.indicators.results import count_indicator
from domain.indicators.warnings import missing_patients_warning, patients_missing_from_file
from domain.periods import PARIS, Period
from domain.records import (
    Activity,
    Channel,
    Consultation,
    DmpStatus,
    Document,
    DocumentFormat,
    Encounter,
    EncounterKind,
    IdentityStatus,
    ImagingModality,
    LabDiscipline,
    Message,
    MesStatus,
    PatientState,
)
from domain.referential import Capabilities, Eligibility, LegalEntity, MesMode, Policies
from tests.support.stored_records import stored_month

ENTITY, SITE = "750712184", "750100018"
MONTH = Period(2025, 3)
PATIENTS = [str(uuid.UUID(int=i + 1)) for i in range(5)]
EDGES = [
    datetime(2025, month, day, hour, minute, tzinfo=PARIS)
    for month, day in [(2, 28), (3, 1), (3, 30), (3, 31), (4, 1)]
    for hour, minute in [(0, 0), (0, 30), (2, 30), (3, 0), (23, 30), (23, 59)]
]


def instants() -> st.SearchStrategy[datetime]:
    anywhere = st.builds(
        lambda minutes: datetime(2025, 2, 10, tzinfo=PARIS) + timedelta(minutes=minutes), st.integers(0, 70 * 24 * 60)
    )
    return st.builds(
        lambda instant, utc: instant.astimezone(UTC if utc else PARIS), st.sampled_from(EDGES) | anywhere, st.booleans()
    )


patients_ = st.sampled_from(PATIENTS)
pathways = st.none() | st.just("ONCO")


@st.composite
def months(draw: st.DrawFn) -> EntityMonth:
    encounters = tuple(
        Encounter(
            f"E{i}",
            draw(patients_),
            SITE,
            draw(st.sampled_from(list(Activity))),
            draw(st.sampled_from(list(EncounterKind))),
            admitted,
            draw(
                st.none()
                | st.builds(lambda minutes, at=admitted: at + timedelta(minutes=minutes), st.integers(0, 20 * 24 * 60))
            ),
            eligible_pathway=draw(pathways),
        )
        for i, admitted in enumerate(draw(st.lists(instants(), max_size=10)))
    )
    consultations = tuple(
        Consultation(f"C{i}", draw(patients_), SITE, occurred, draw(st.booleans()), draw(pathways))
        for i, occurred in enumerate(draw(st.lists(instants(), max_size=8)))
    )
    documents = []
    for i in range(draw(st.integers(0, 14))):
        produced = draw(instants())
        status = draw(st.sampled_from([DmpStatus.ACCEPTED] * 3 + list(DmpStatus)))
        documents.append(
            Document(
                f"D{i}",
                draw(patients_),
                draw(st.sampled_from(["11488-4", "11502-2", "11502-2", "18748-4", "11490-0"])),
                produced,
                draw(st.sampled_from([DocumentFormat.CDA_R2_N1] * 2 + list(DocumentFormat))),
                draw(st.sampled_from([True, True, False])),
                report_id=draw(st.none() | st.sampled_from(["R1", "R2"])),
                consultation_id=draw(
                    st.none() | st.sampled_from([c.consultation_id for c in consultations] or ["none"])
                ),
                datamatrix=draw(st.sampled_from([True, False, None])),
                dmp_status=status,
                dmp_sent_at=None
                if status is DmpStatus.NOT_SENT
                else draw(
                    st.sampled_from([produced, produced + timedelta(days=40), datetime(2025, 5, 1, tzinfo=PARIS)])
                ),
                subcontracted=draw(st.booleans()) and draw(st.booleans()),
                no_transmission=draw(st.booleans()) and draw(st.booleans()),
                discipline=draw(st.none() | st.sampled_from(list(LabDiscipline))),
                modality=draw(st.none() | st.sampled_from(list(ImagingModality))),
            )
        )
    messages = tuple(
        Message(
            f"M{i}",
            draw(patients_),
            draw(st.sampled_from(list(Channel))),
            sent,
            SITE,
            draw(st.none() | st.booleans()),
            draw(st.booleans()),
            draw(st.none() | st.booleans()),
        )
        for i, sent in enumerate(draw(st.lists(instants(), max_size=10)))
    )
    rarely = st.sampled_from([False, False, False, True])
    patients = {
        patient: PatientState(
            patient,
            draw(st.sampled_from(list(IdentityStatus))),
            draw(rarely),
            draw(rarely),
            draw(st.sampled_from(list(MesStatus))),
        )
        for patient in PATIENTS
        if draw(st.booleans())
    }
    policies = Policies(
        mes_mode=draw(st.sampled_from(list(MesMode))),
        eligibility=draw(st.sampled_from(list(Eligibility))),
        feeding_grace_months=draw(st.integers(0, 1)),
        require_datamatrix=draw(st.booleans()),
    )
    entity = LegalEntity(ENTITY, "CH", "GHT", "75", date(2024, 1, 1), Capabilities(), policies=policies)
    as_of = draw(st.sampled_from([datetime(2025, 3, 31, 23, 59, tzinfo=PARIS), datetime(2025, 6, 1, tzinfo=PARIS)]))
    return EntityMonth(entity, MONTH, as_of, patients, encounters, consultations, tuple(documents), messages)


INDICATORS = ("P1.O1", "P1.O4", "P1.O5", "P1.O6", "P1.O7", "P1.O8")

# A report whose N3 copy is sent and N1 copy is not, produced at 00:30 Paris on 1 April (UTC: 31 March).
REPORT_AT_MONTH_END = EntityMonth(
    LegalEntity(ENTITY, "CH", "GHT", "75", date(2024, 1, 1)),
    MONTH,
    datetime(2025, 6, 1, tzinfo=PARIS),
    {},
    (),
    (),
    (
        Document(
            "D1",
            PATIENTS[0],
            "11502-2",
            datetime(2025, 3, 31, 23, 0, tzinfo=PARIS),
            DocumentFormat.CDA_R2_N3,
            True,
            report_id="R1",
            dmp_status=DmpStatus.ACCEPTED,
            dmp_sent_at=datetime(2025, 4, 2, tzinfo=PARIS),
        ),
        Document(
            "D2",
            PATIENTS[0],
            "11502-2",
            datetime(2025, 4, 1, 0, 30, tzinfo=PARIS),
            DocumentFormat.CDA_R2_N1,
            True,
            report_id="R1",
        ),
    ),
)


P0, P1, P2 = PATIENTS[:3]
_ENTITY = LegalEntity(ENTITY, "CH", "GHT", "75", date(2024, 1, 1))
_LATE = datetime(2025, 6, 1, tzinfo=PARIS)
_MID = datetime(2025, 3, 10, 10, tzinfo=PARIS)
# One patient of each identity state, all in the active file through a consultation.
IDENTITIES = EntityMonth(
    _ENTITY,
    MONTH,
    _LATE,
    {
        P0: PatientState(P0, IdentityStatus.QUAL),
        P1: PatientState(P1, IdentityStatus.VALI),
        P2: PatientState(P2, IdentityStatus.QUAL, doubtful=True),
    },
    (),
    tuple(Consultation(f"C{i}", patient, SITE, _MID, False) for i, patient in enumerate(PATIENTS)),
)
# P0: one PRO message to a correspondent without CDA, another with a CDA to no correspondent.
SPLIT_MESSAGES = EntityMonth(
    _ENTITY,
    MONTH,
    _LATE,
    {},
    (),
    (Consultation("C0", P0, SITE, _MID, False),),
    (),
    (Message("M1", P0, Channel.PRO, _MID, SITE, True, False), Message("M2", P0, Channel.PRO, _MID, SITE, False, True)),
)
# A report whose first document is of a patient without MES profile, the second of another patient.
TWO_PATIENT_REPORT = EntityMonth(
    _ENTITY,
    MONTH,
    _LATE,
    {P0: PatientState(P0, IdentityStatus.QUAL, mes_status=MesStatus.NONE)},
    (),
    (),
    (
        Document("D1", P0, "11502-2", _MID, DocumentFormat.CDA_R2_N1, True, report_id="R1"),
        Document("D2", P1, "11502-2", _MID + timedelta(hours=1), DocumentFormat.CDA_R2_N1, True, report_id="R1"),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=months())
@example(month=REPORT_AT_MONTH_END)
@example(month=IDENTITIES)
@example(month=SPLIT_MESSAGES)
@example(month=TWO_PATIENT_REPORT)
async def test_patient_and_document_indicators_in_sql_equal_the_domain(engine: AsyncEngine, month: EntityMonth) -> None:
    async with stored_month(engine, month, datetime(2025, 3, 1, tzinfo=UTC)) as raw:
        await prepare_counting_state(raw, ENTITY, month.as_of)
        for indicator in INDICATORS:
            if indicator in ("P1.O1", "P1.O7", "P1.O8"):
                counted = await count_patient_indicator_sql(raw, month.entity, MONTH, month.as_of, indicator)
            else:
                counted = await count_document_indicator_sql(
                    raw, month.entity, MONTH, month.as_of, CATALOGUE[indicator]
                )
            assert counted == count_indicator(month, indicator), indicator
        missing = await count_patients_missing_from_file(raw, MONTH)
    assert missing_patients_warning(missing) == patients_missing_from_file(month)
