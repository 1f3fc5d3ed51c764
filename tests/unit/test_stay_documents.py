"""Linking documents to stays: by encounter, by PSY group, by series window."""

from datetime import datetime

from domain.indicators.stay_documents import documents_by_stay
from domain.periods import PARIS
from domain.records import Activity, Document, DocumentFormat, Encounter, EncounterKind
from domain.stays import build_stays


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def doc(document_id: str, produced: str, patient: str = "p1", **links: str) -> Document:
    return Document(document_id, patient, "11490-0", at(produced), DocumentFormat.CDA_R2_N1, True, **links)  # type: ignore[arg-type]


def test_a_document_linked_to_any_encounter_of_a_psy_group_belongs_to_the_group_stay() -> None:
    stays = build_stays(
        [
            Encounter(
                "v1",
                "p1",
                "750100018",
                Activity.PSY,
                EncounterKind.VENUE,
                at("2025-03-01T09:00"),
                at("2025-03-01T17:00"),
                "g1",
            ),
            Encounter(
                "v2",
                "p1",
                "750100018",
                Activity.PSY,
                EncounterKind.VENUE,
                at("2025-03-08T09:00"),
                at("2025-03-08T17:00"),
                "g1",
            ),
        ]
    ).stays
    linked = documents_by_stay(
        stays, [doc("d1", "2025-03-09T10:00", encounter_id="v1"), doc("d2", "2025-03-09T10:00", stay_group_id="g1")]
    )
    assert {d.document_id for d in linked["group:g1"]} == {"d1", "d2"}


def test_a_document_of_the_patient_within_a_series_window_belongs_to_the_series_stay() -> None:
    sessions = [
        Encounter(f"s{i}", "p1", "750100018", Activity.DIALYSE, EncounterKind.SEANCE, at(day), at(day))
        for i, day in enumerate(["2025-01-02T08:00", "2025-01-09T08:00", "2025-01-16T08:00"])
    ]
    (stay,) = build_stays(sessions).stays
    linked = documents_by_stay(
        [stay],
        [
            doc("in", "2025-04-30T10:00"),
            doc("after", "2025-05-02T10:00"),
            doc("other", "2025-02-01T10:00", patient="p2"),
        ],
    )
    assert [d.document_id for d in linked[stay.stay_id]] == ["in"]


def test_a_document_linked_to_nothing_belongs_to_no_stay() -> None:
    stays = build_stays(
        [
            Encounter(
                "e1",
                "p1",
                "750100018",
                Activity.MCO,
                EncounterKind.HOSPITALISATION,
                at("2025-03-01T09:00"),
                at("2025-03-03T09:00"),
            )
        ]
    ).stays
    assert documents_by_stay(stays, [doc("d1", "2025-03-03T10:00", encounter_id="e404")]) == {}
