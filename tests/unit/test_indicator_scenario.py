"""A small month of one legal entity whose figures are derived by hand in the comments below,
not by the code under test. March 2025, as of 15 May 2025 (after the end-of-April deadline, D2).

Patients file: pA QUAL/MES open · pB QUAL/no MES profile · pC VALI/MES unknown · pD QUAL but
doubtful · pE PROV (emergency passage only) · pF absent from the file (so PROV, MES unknown, D4).
"""

from dataclasses import replace
from datetime import date, datetime

from domain.indicators.catalogue import Exclusion as X
from domain.indicators.entity_month import EntityMonth
from domain.indicators.results import HAD_NO_ODS, IndicatorResult, compute_month
from domain.indicators.targets import Status, target_referential
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
    Message,
    MesStatus,
    PatientState,
)
from domain.referential import Capabilities, CountingUnit, LegalEntity, MesMode, Policies

H, PASSAGE = EncounterKind.HOSPITALISATION, EncounterKind.PASSAGE
N1, N3, SCAN = DocumentFormat.CDA_R2_N1, DocumentFormat.CDA_R2_N3, DocumentFormat.SCAN
SITE = "750100018"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def sent(
    document_id: str, patient: str, type_code: str, produced: str, accepted: str | None, **fields: object
) -> Document:
    status = DmpStatus.ACCEPTED if accepted else DmpStatus.NOT_SENT
    values: dict[str, object] = {"format": N1, "ins_qualified": True, "datamatrix": True}
    values.update(fields)
    return Document(
        document_id,
        patient,
        type_code,
        at(produced),
        dmp_status=status,  # type: ignore[arg-type]
        dmp_sent_at=at(accepted) if accepted else None,
        **values,
    )


ENTITY = LegalEntity(
    "750712184",
    "CHU",
    "GHT",
    "75",
    date(2024, 1, 1),
    Capabilities(has_surgery=True, has_ace=True, has_internal_lab=True, has_imaging=True),
    sunes_achieved=frozenset({"DS1.1"}),
)
PATIENTS = {
    "pA": PatientState("pA", IdentityStatus.QUAL, mes_status=MesStatus.OPEN),
    "pB": PatientState("pB", IdentityStatus.QUAL, mes_status=MesStatus.NONE),
    "pC": PatientState("pC", IdentityStatus.VALI),
    "pD": PatientState("pD", IdentityStatus.QUAL, doubtful=True),
    "pE": PatientState("pE", IdentityStatus.PROV),
}
ENCOUNTERS = (
    Encounter(
        "e1",
        "pA",
        SITE,
        Activity.MCO,
        H,
        at("2025-03-02T09:00"),
        at("2025-03-06T11:00"),
        surgical_act=True,
        eligible_pathway="CHIR",
        unit="UF1",
    ),
    Encounter("e2", "pB", SITE, Activity.MCO, H, at("2025-03-10T09:00"), at("2025-03-12T11:00")),
    Encounter("e3", "pC", SITE, Activity.MCO, H, at("2025-03-20T09:00"), at("2025-04-02T11:00")),
    Encounter("e4", "pD", SITE, Activity.SMR, H, at("2025-02-20T09:00"), at("2025-03-15T11:00")),
    Encounter("e5", "pE", SITE, Activity.URGENCES, PASSAGE, at("2025-03-05T02:00"), at("2025-03-05T05:00")),
    Encounter("e6", "pF", SITE, Activity.HAD, H, at("2025-03-01T09:00"), at("2025-03-05T11:00"), age_at_admission=80),
)
CONSULTATIONS = (
    Consultation("c1", "pA", SITE, at("2025-03-15T10:00"), ace_billed=True),
    Consultation("c2", "pC", SITE, at("2025-03-16T10:00"), ace_billed=True),
    Consultation("c3", "pF", SITE, at("2025-03-17T10:00"), ace_billed=False),
)
DOCUMENTS = (
    sent("d1", "pA", "11490-0", "2025-03-06T12:00", "2025-03-07T09:00", encounter_id="e1"),
    sent("d2", "pA", "57833-6", "2025-03-06T12:00", "2025-05-10T09:00", encounter_id="e1"),  # late
    sent("d3", "pA", "34874-8", "2025-03-03T12:00", "2025-03-04T09:00", encounter_id="e1", format=SCAN),
    sent("d4", "pD", "11490-0", "2025-03-15T12:00", "2025-03-16T09:00", encounter_id="e4", ins_qualified=False),
    sent("d5", "pA", "11488-4", "2025-03-15T12:00", "2025-03-16T09:00", consultation_id="c1", datamatrix=None),
    replace(
        sent("d6", "pC", "11488-4", "2025-03-16T12:00", None, consultation_id="c2"),
        dmp_status=DmpStatus.PENDING,
        dmp_sent_at=at("2025-03-17T09:00"),
    ),
    sent("d7", "pA", "11502-2", "2025-03-18T08:00", "2025-03-18T09:00", report_id="R1", format=N3),
    sent("d8", "pA", "11502-2", "2025-03-18T08:00", None, report_id="R1"),
    sent("d9", "pC", "11502-2", "2025-03-19T08:00", "2025-03-19T09:00", subcontracted=True),
    sent("d10", "pB", "11502-2", "2025-03-20T08:00", "2025-03-20T09:00"),
    sent(
        "d11",
        "pF",
        "18748-4",
        "2025-03-25T08:00",
        "2025-03-25T09:00",
        modality=ImagingModality.SCANNER,
        datamatrix=False,
    ),
    sent("d12", "pA", "18748-4", "2025-03-26T08:00", "2025-03-26T09:00", modality=ImagingModality.AUTRE),
    sent("d13", "pC", "11502-2", "2025-02-27T08:00", "2025-02-27T09:00"),  # February's
)
MESSAGES = (
    Message("m1", "pA", Channel.PRO, at("2025-03-07T10:00"), SITE, to_health_correspondent=True, has_cda_xdm=True),
    Message("m2", "pC", Channel.PRO, at("2025-03-21T10:00"), SITE, to_health_correspondent=False, has_cda_xdm=True),
    Message("m3", "pD", Channel.PRO, at("2025-03-16T10:00"), SITE, to_health_correspondent=True, has_cda_xdm=False),
    Message("m4", "pA", Channel.CITOYENNE, at("2025-03-08T10:00"), SITE),
    Message("m5", "pF", Channel.CITOYENNE, at("2025-03-08T10:00"), SITE, attachment_ins_qualified=False),
    Message("m6", "pE", Channel.CITOYENNE, at("2025-03-08T10:00"), SITE),
)
MARCH = EntityMonth(
    ENTITY, Period(2025, 3), at("2025-05-15T12:00"), PATIENTS, ENCOUNTERS, CONSULTATIONS, DOCUMENTS, MESSAGES
)


def results(data: EntityMonth = MARCH) -> dict[str, IndicatorResult]:
    return {result.indicator_id: result for result in compute_month(data, target_referential())}


def figures(result: IndicatorResult) -> tuple[int, int, str | None, int, Status, dict[X, int]]:
    rate = None if result.rate is None else str(result.rate)
    return result.numerator, result.denominator, rate, result.target, result.status, dict(result.explanation)


def test_qualified_ins() -> None:
    # Active file: pA pB pC pD pE pF (6); pD doubtful is removed; QUAL among the 5 left: pA pB.
    assert figures(results()["P1.O1"]) == (
        2,
        5,
        "40.0",
        80,
        Status.NOT_ACHIEVED,
        {X.DOUBTFUL_OR_FICTITIOUS_IDENTITY: 1, X.IDENTITY_NOT_QUALIFIED: 3},
    )


def test_discharge_letters() -> None:
    # Closed in March: e1 e2 e4 (e3 closes in April); e6 is a 4-day HAD, no stay. pB has no MES
    # profile. e1 has d1 sent; e4's letter lacks the qualified INS. DS1.1 reached: target 70.
    assert figures(results()["P1.O2.LDL"]) == (
        1,
        2,
        "50.0",
        70,
        Status.NOT_ACHIEVED,
        {X.HAD_SHORTER_THAN_8_DAYS: 1, X.NO_MES_PROFILE: 1, X.NO_QUALIFIED_INS: 1},
    )


def test_discharge_prescriptions() -> None:
    # Only e1 has a prescription produced; it was accepted on 10 May, after the end of April: late.
    assert figures(results()["P1.O2.ODS"]) == (
        0,
        1,
        "0.0",
        50,
        Status.NOT_ACHIEVED,
        {X.HAD_SHORTER_THAN_8_DAYS: 1, X.LATE: 1},
    )


def test_operative_reports() -> None:
    # Surgical stays closed in March: e1, whose operative report was scanned. DS1.3 not reached: 55.
    assert figures(results()["P1.O3"]) == (
        0,
        1,
        "0.0",
        55,
        Status.NOT_ACHIEVED,
        {X.HAD_SHORTER_THAN_8_DAYS: 1, X.SCANNED: 1},
    )


def test_consultation_reports() -> None:
    # ACE consultations: c1 (report sent; unknown DataMatrix never excludes) and c2 (pending). 1/2 = 50 % = target.
    assert figures(results()["P1.O4"]) == (1, 2, "50.0", 50, Status.ACHIEVED, {X.NOT_ACCEPTED_BY_DMP: 1})


def test_lab_reports() -> None:
    # March reports: R1 (d7 N3 sent + d8 N1: one report), d9 subcontracted, d10 of pB (no MES); d13 is February's.
    assert figures(results()["P1.O5"]) == (
        1,
        1,
        "100.0",
        50,
        Status.ACHIEVED,
        {X.NO_MES_PROFILE: 1, X.SUBCONTRACTED: 1},
    )


def test_imaging_reports() -> None:
    # d12 is an "other" modality; d11 (CT) has datamatrix=false while the policy requires it.
    assert figures(results()["P1.O6"]) == (
        0,
        1,
        "0.0",
        45,
        Status.NOT_ACHIEVED,
        {X.EXCLUDED_MODALITY: 1, X.NO_DATAMATRIX: 1},
    )


def test_mssante_professional() -> None:
    # Cared for: the active file less pE (emergency only) = 5; only pA's m1 goes to a correspondent with a CDA.
    assert figures(results()["P1.O7"]) == (
        1,
        5,
        "20.0",
        45,
        Status.NOT_ACHIEVED,
        {X.EMERGENCY_ONLY: 1, X.NO_MSS_PRO_MESSAGE: 2, X.MSS_NOT_TO_CORRESPONDENT: 1, X.MSS_WITHOUT_CDA_DOCUMENT: 1},
    )


def test_mes_messaging() -> None:
    # Eligible pathway: only pA (e1); pA received m4. pB pC pD pF are cared for but not eligible.
    assert figures(results()["P1.O8"]) == (
        1,
        1,
        "100.0",
        45,
        Status.ACHIEVED,
        {X.EMERGENCY_ONLY: 1, X.NOT_ELIGIBLE_PATHWAY: 4},
    )


def test_every_result_names_its_versions_and_instant() -> None:
    for result in results().values():
        assert (result.referential_version, result.stay_policy_version) == ("HOPEN2-P1", "HOPEN2-SEJOURS-1")
        assert result.as_of == MARCH.as_of and result.candidate


def test_weighted_mes_mode_keeps_every_patient_and_weights_the_denominator() -> None:
    # No MES filter: e1 e2 e4; e2 has no letter. Raw 3, weighted floor(3 x 0.93) = 2; numerator unchanged.
    entity = replace(ENTITY, policies=Policies(mes_mode=MesMode.WEIGHTED))
    ldl = results(replace(MARCH, entity=entity))["P1.O2.LDL"]
    assert (ldl.numerator, ldl.raw_denominator, ldl.denominator, ldl.rate) == (1, 3, 2, 50)
    assert dict(ldl.explanation)[X.NO_DOCUMENT_OF_TYPE] == 1
    ins = results(replace(MARCH, entity=entity))["P1.O1"]  # not a DMP indicator: never weighted
    assert (ins.weighting, ins.denominator) == (None, 5)


def test_unit_override_counts_patients_instead_of_stays() -> None:
    # pA gets a second stay closed in March without letter: by stay 1/3, by patient pA counts once (sent for e1).
    second = Encounter("e7", "pA", SITE, Activity.MCO, H, at("2025-03-20T09:00"), at("2025-03-22T09:00"))
    data = replace(MARCH, encounters=(*ENCOUNTERS, second))
    assert (results(data)["P1.O2.LDL"].numerator, results(data)["P1.O2.LDL"].denominator) == (1, 3)
    entity = replace(ENTITY, policies=Policies(unit_override={"P1.O2.LDL": CountingUnit.PATIENTS}))
    by_patient = results(replace(data, entity=entity))["P1.O2.LDL"]
    assert (by_patient.numerator, by_patient.denominator, by_patient.unit.value) == (1, 2, "patient")


def test_an_entity_without_surgery_is_not_concerned_by_operative_reports() -> None:
    entity = replace(ENTITY, capabilities=Capabilities(has_ace=True))
    result = results(replace(MARCH, entity=entity))["P1.O3"]
    assert (result.applicable, result.status, result.rate) == (False, Status.NOT_APPLICABLE, None)


def test_had_entity_without_prescription_is_not_concerned_by_ods() -> None:
    entity = replace(ENTITY, capabilities=Capabilities(is_had=True))
    data = replace(MARCH, entity=entity, documents=tuple(d for d in DOCUMENTS if d.document_id != "d2"))
    result = results(data)["P1.O2.ODS"]
    assert (result.status, result.not_applicable_reason) == (Status.NOT_APPLICABLE, HAD_NO_ODS)


def test_no_prescription_at_all_is_no_activity_never_a_rate() -> None:
    data = replace(MARCH, documents=tuple(d for d in DOCUMENTS if d.document_id != "d2"))
    result = results(data)["P1.O2.ODS"]
    assert (result.numerator, result.denominator, result.rate, result.status) == (0, 0, None, Status.NO_ACTIVITY)
