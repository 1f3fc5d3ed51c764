"""Month populations: active file, emergency-only and cared-for patients (D3), patient state (D4)."""

from datetime import datetime

from domain.indicators.populations import active_file, cared_for, emergency_only, has_mes_profile, state_of
from domain.periods import PARIS, Period
from domain.records import Activity, Consultation, Encounter, EncounterKind, IdentityStatus, MesStatus, PatientState

MARCH = Period(2025, 3)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def enc(patient: str, kind: EncounterKind, admitted: str, discharged: str | None = None) -> Encounter:
    activity = Activity.URGENCES if kind is EncounterKind.PASSAGE else Activity.MCO
    return Encounter(
        f"e-{patient}-{admitted}",
        patient,
        "750100018",
        activity,
        kind,
        at(admitted),
        at(discharged) if discharged else None,
    )


def test_an_encounter_admitted_before_the_month_and_ongoing_is_in_the_active_file() -> None:
    assert active_file([enc("p1", EncounterKind.HOSPITALISATION, "2025-02-10T10:00")], [], MARCH) == {"p1"}


def test_an_encounter_discharged_before_the_month_is_not_in_the_active_file() -> None:
    encounters = [enc("p1", EncounterKind.HOSPITALISATION, "2025-02-10T10:00", "2025-02-28T23:59")]
    assert active_file(encounters, [], MARCH) == set()


def test_an_emergency_passage_puts_the_patient_in_the_active_file() -> None:
    assert active_file([enc("p1", EncounterKind.PASSAGE, "2025-03-05T03:00", "2025-03-05T06:00")], [], MARCH) == {"p1"}


def test_a_consultation_of_the_month_puts_the_patient_in_the_active_file() -> None:
    consultation = Consultation("c1", "p2", "750100018", at("2025-03-31T23:30"), ace_billed=True)
    assert active_file([], [consultation], MARCH) == {"p2"}


def test_a_consultation_at_0030_paris_on_april_first_belongs_to_april() -> None:
    consultation = Consultation("c1", "p2", "750100018", datetime.fromisoformat("2025-03-31T22:30:00+00:00"), True)
    assert active_file([], [consultation], MARCH) == set()
    assert active_file([], [consultation], Period(2025, 4)) == {"p2"}


def test_a_patient_whose_only_contacts_are_emergency_passages_is_emergency_only() -> None:
    encounters = [
        enc("p1", EncounterKind.PASSAGE, "2025-03-05T03:00", "2025-03-05T06:00"),
        enc("p2", EncounterKind.PASSAGE, "2025-03-05T03:00", "2025-03-05T06:00"),
        enc("p2", EncounterKind.HOSPITALISATION, "2025-03-05T06:00", "2025-03-09T12:00"),
    ]
    assert emergency_only(encounters, [], MARCH) == {"p1"}
    assert cared_for(encounters, [], MARCH) == {"p2"}


def test_a_consultation_makes_an_emergency_patient_cared_for() -> None:
    encounters = [enc("p1", EncounterKind.PASSAGE, "2025-03-05T03:00", "2025-03-05T06:00")]
    consultation = Consultation("c1", "p1", "750100018", at("2025-03-20T10:00"), ace_billed=False)
    assert cared_for(encounters, [consultation], MARCH) == {"p1"}


def test_a_patient_absent_from_the_patients_file_is_provisional_with_unknown_mes() -> None:
    state = state_of({}, "p9")
    assert (state.identity_status, state.mes_status) == (IdentityStatus.PROV, MesStatus.UNKNOWN)


def test_unknown_mes_status_counts_as_having_a_profile() -> None:
    assert has_mes_profile(PatientState("p", IdentityStatus.QUAL, mes_status=MesStatus.UNKNOWN))
    assert has_mes_profile(PatientState("p", IdentityStatus.QUAL, mes_status=MesStatus.OPEN))


def test_no_profile_opposed_or_closed_mes_has_no_profile() -> None:
    for status in (MesStatus.NONE, MesStatus.OPPOSED, MesStatus.CLOSED):
        assert not has_mes_profile(PatientState("p", IdentityStatus.QUAL, mes_status=status))
