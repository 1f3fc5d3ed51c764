"""Strata by site and by care unit (D17), one rule per test, figures by hand."""

from datetime import date, datetime

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
    PatientState,
)
from domain.referential import LegalEntity

A, B = "750100018", "750100026"
H, SEANCE = EncounterKind.HOSPITALISATION, EncounterKind.SEANCE
ENTITY = LegalEntity("750712184", "CH", "GHT", "75", date(2024, 1, 1))
MARCH = Period(2025, 3)


def _paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


def _month(
    encounters: tuple[Encounter, ...] = (),
    consultations: tuple[Consultation, ...] = (),
    documents: tuple[Document, ...] = (),
) -> EntityMonth:
    patients = {"p": PatientState("p", IdentityStatus.QUAL), "q": PatientState("q", IdentityStatus.PROV)}
    return EntityMonth(ENTITY, MARCH, _paris(2025, 6, 1), patients, encounters, consultations, documents)


def _figures(month: EntityMonth, dimension: Dimension, indicator: str) -> dict[str | None, tuple[int, int]]:
    return {
        key: (counting.numerator, counting.denominator)
        for key, counting in count_strata(month, dimension)[indicator].items()
    }


def test_a_psy_group_counts_in_the_stratum_of_its_last_discharged_venue() -> None:
    month = _month(
        (
            Encounter("E1", "p", A, Activity.PSY, H, _paris(2025, 3, 1), _paris(2025, 3, 20), "G", unit="U1"),
            Encounter("E2", "p", B, Activity.PSY, H, _paris(2025, 3, 5), _paris(2025, 3, 10), "G", unit="U2"),
        )
    )
    assert _figures(month, Dimension.SITE, "P1.O2.LDL") == {A: (0, 1)}
    assert _figures(month, Dimension.UNIT, "P1.O2.LDL") == {"U1": (0, 1)}


def test_a_series_counts_in_the_stratum_of_its_last_session() -> None:
    sessions = tuple(
        Encounter(f"S{i}", "p", site, Activity.CHIMIOTHERAPIE, SEANCE, day, day, unit=unit)
        for i, (site, unit, day) in enumerate(
            [(A, "U1", _paris(2024, 12, 31, 9)), (A, "U1", _paris(2025, 1, 15, 9)), (B, "U2", _paris(2025, 3, 1, 9))]
        )
    )
    assert _figures(_month(sessions), Dimension.UNIT, "P1.O2.LDL") == {"U2": (0, 1)}


def test_a_patient_counts_in_every_site_and_unit_of_their_contacts_so_strata_need_not_add_up() -> None:
    month = _month(
        (
            Encounter("E1", "p", A, Activity.MCO, H, _paris(2025, 3, 1), _paris(2025, 3, 4), unit="U1"),
            Encounter("E2", "p", B, Activity.MCO, H, _paris(2025, 3, 9), _paris(2025, 3, 12), unit="U2"),
        ),
        (Consultation("C1", "q", A, _paris(2025, 3, 15), True),),
    )
    assert _figures(month, Dimension.SITE, "P1.O1") == {A: (1, 2), B: (1, 1)}  # 3 patient-strata, 2 patients
    assert _figures(month, Dimension.UNIT, "P1.O1") == {"U1": (1, 1), "U2": (1, 1), None: (0, 1)}


def test_a_consultation_counts_in_its_site_and_has_no_unit() -> None:
    month = _month(consultations=(Consultation("C1", "q", B, _paris(2025, 3, 15), True),))
    assert _figures(month, Dimension.SITE, "P1.O4") == {B: (0, 1)}
    assert _figures(month, Dimension.UNIT, "P1.O4") == {None: (0, 1)}


def test_a_report_counts_in_its_first_documents_unit_and_the_site_of_its_linked_encounter() -> None:
    month = _month(
        (Encounter("E1", "p", B, Activity.MCO, H, _paris(2025, 3, 1), _paris(2025, 3, 4)),),
        (Consultation("C1", "p", A, _paris(2025, 3, 2), False),),
        (
            Document(
                "D1",
                "p",
                "11502-2",
                _paris(2025, 3, 2, 10),
                DocumentFormat.CDA_R2_N1,
                True,
                report_id="R",
                encounter_id="E1",
                consultation_id="C1",
                unit="BIO",
            ),
            Document(
                "D2",
                "p",
                "11502-2",
                _paris(2025, 3, 2, 11),
                DocumentFormat.CDA_R2_N1,
                True,
                report_id="R",
                unit="BIO-2",
            ),
        ),
    )
    assert _figures(month, Dimension.SITE, "P1.O5") == {B: (0, 1)}
    assert _figures(month, Dimension.UNIT, "P1.O5") == {"BIO": (0, 1)}


def test_a_report_linked_to_nothing_has_no_site() -> None:
    month = _month(documents=(Document("D1", "p", "11502-2", _paris(2025, 3, 2), DocumentFormat.CDA_R2_N1, True),))
    assert _figures(month, Dimension.SITE, "P1.O5") == {None: (0, 1)}
