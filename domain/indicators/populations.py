"""Patient populations of a month (decisions D3 and D4, and the MES-profile rule of §4)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from domain.indicators.strata import Stratum, strata_of
from domain.periods import Period
from domain.records import Consultation, Encounter, EncounterKind, IdentityStatus, MesStatus, PatientState

WITHOUT_MES_PROFILE = frozenset({MesStatus.NONE, MesStatus.OPPOSED, MesStatus.CLOSED})


def overlaps(encounter: Encounter, month: Period) -> bool:
    """Admitted before the month ends and not discharged before it starts (D3)."""
    return encounter.admitted_at < month.ends_at and (
        encounter.discharged_at is None or encounter.discharged_at >= month.starts_at
    )


def occurs_in(consultation: Consultation, month: Period) -> bool:
    return month.starts_at <= consultation.occurred_at < month.ends_at


def active_file(encounters: Iterable[Encounter], consultations: Iterable[Consultation], month: Period) -> set[str]:
    """Patients with an encounter of any activity (emergency passages included) overlapping the
    month, or a consultation in it (P1.O1's population)."""
    patients = {encounter.patient for encounter in encounters if overlaps(encounter, month)}
    patients.update(consultation.patient for consultation in consultations if occurs_in(consultation, month))
    return patients


def contact_strata(
    encounters: Iterable[Encounter], consultations: Iterable[Consultation], month: Period
) -> dict[str, set[Stratum]]:
    """Every site and care unit where each active-file patient had contact in the month (D17)."""
    strata: dict[str, set[Stratum]] = defaultdict(set)
    for encounter in encounters:
        if overlaps(encounter, month):
            strata[encounter.patient].update(strata_of(encounter.site, encounter.unit))
    for consultation in consultations:
        if occurs_in(consultation, month):
            strata[consultation.patient].update(strata_of(consultation.site, None))
    return strata


def emergency_only(encounters: Iterable[Encounter], consultations: Iterable[Consultation], month: Period) -> set[str]:
    """Patients whose every contact of the month is an emergency passage (D3)."""
    passages: set[str] = set()
    other: set[str] = set()
    for encounter in encounters:
        if overlaps(encounter, month):
            (passages if encounter.kind is EncounterKind.PASSAGE else other).add(encounter.patient)
    other.update(consultation.patient for consultation in consultations if occurs_in(consultation, month))
    return passages - other


def cared_for(encounters: Iterable[Encounter], consultations: Iterable[Consultation], month: Period) -> set[str]:
    """The active file without the emergency-only patients (P1.O7, P1.O8)."""
    encounters, consultations = list(encounters), list(consultations)
    return active_file(encounters, consultations, month) - emergency_only(encounters, consultations, month)


def state_of(patients: Mapping[str, PatientState], patient: str) -> PatientState:
    """The patient as the month's patients file gives it; absent: PROV, MES unknown (D4)."""
    return patients.get(patient) or PatientState(patient, IdentityStatus.PROV)


def has_mes_profile(state: PatientState) -> bool:
    """Unknown counts as having a profile (D9); no profile, opposed or closed do not."""
    return state.mes_status not in WITHOUT_MES_PROFILE
