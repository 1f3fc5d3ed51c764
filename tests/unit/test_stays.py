"""The stay policy of indicators.md §3 and decisions D5–D8, one rule a test."""

from datetime import date, datetime, timedelta

from domain.periods import PARIS, Period
from domain.records import Activity, Encounter, EncounterKind
from domain.stays import Rejection, StayRule, add_months, build_stays

H, S, V, P = EncounterKind.HOSPITALISATION, EncounterKind.SEANCE, EncounterKind.VENUE, EncounterKind.PASSAGE


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PARIS)


def enc(
    encounter_id: str,
    activity: Activity,
    kind: EncounterKind,
    admitted: datetime,
    discharged: datetime | None = None,
    **fields: object,
) -> Encounter:
    return Encounter(
        encounter_id,
        fields.pop("patient", "p1"),
        "750100018",
        activity,
        kind,  # type: ignore[arg-type]
        admitted,
        discharged,
        **fields,
    )  # type: ignore[arg-type]


def test_an_mco_hospitalisation_is_one_stay_from_admission_to_discharge() -> None:
    stays = build_stays([enc("e1", Activity.MCO, H, at("2025-03-01"), at("2025-03-05"))]).stays
    assert [(s.rule, s.entry, s.exit, s.exit_month) for s in stays] == [
        (StayRule.HOSPITALISATION, at("2025-03-01"), at("2025-03-05"), Period(2025, 3))
    ]


def test_a_same_day_smr_hospitalisation_is_a_stay() -> None:
    assert (
        len(build_stays([enc("e1", Activity.SMR, H, at("2025-03-01", "08:00"), at("2025-03-01", "18:00"))]).stays) == 1
    )


def test_an_emergency_passage_is_never_a_stay() -> None:
    built = build_stays(
        [
            enc("e1", Activity.URGENCES, P, at("2025-03-01"), at("2025-03-01", "12:00")),
            enc("e2", Activity.MCO, P, at("2025-03-01"), at("2025-03-01", "12:00")),
        ]
    )
    assert built.stays == () and built.rejected == ()


def test_a_venue_without_a_group_and_a_seance_of_another_activity_are_not_stays() -> None:
    built = build_stays(
        [
            enc("e1", Activity.PSY, V, at("2025-03-01")),
            enc("e2", Activity.MCO, S, at("2025-03-02"), at("2025-03-02", "12:00")),
        ]
    )
    assert built.stays == ()


def test_psy_venues_sharing_a_group_are_one_stay_from_first_admission_to_last_discharge() -> None:
    built = build_stays(
        [
            enc("v2", Activity.PSY, V, at("2025-03-10"), at("2025-03-10", "17:00"), stay_group_id="g1", unit="UF2"),
            enc("v1", Activity.PSY, V, at("2025-03-03"), at("2025-03-03", "17:00"), stay_group_id="g1", unit="UF1"),
        ]
    )
    (stay,) = built.stays
    assert (stay.rule, stay.entry, stay.exit, stay.encounter_ids) == (
        StayRule.PSY_GROUP,
        at("2025-03-03"),
        at("2025-03-10", "17:00"),
        frozenset({"v1", "v2"}),
    )
    assert stay.last_unit == "UF2"


def test_a_psy_group_with_an_ongoing_venue_is_not_closed() -> None:
    (stay,) = build_stays(
        [
            enc("v1", Activity.PSY, V, at("2025-03-03"), at("2025-03-03", "17:00"), stay_group_id="g"),
            enc("v2", Activity.PSY, V, at("2025-03-20"), None, stay_group_id="g"),
        ]
    ).stays
    assert stay.exit is None and not stay.is_closed(at("2025-12-31"))


def test_a_psy_hospitalisation_without_group_is_a_stay() -> None:
    (stay,) = build_stays([enc("h1", Activity.PSY, H, at("2025-03-01"), at("2025-03-20"))]).stays
    assert stay.rule is StayRule.HOSPITALISATION


def test_had_stay_of_seven_days_is_not_a_stay() -> None:
    built = build_stays([enc("h", Activity.HAD, H, at("2025-03-01"), at("2025-03-08"), age_at_admission=70)])
    assert built.stays == ()
    assert [r.reason for r in built.rejected] == [Rejection.HAD_SHORTER_THAN_8_DAYS]


def test_had_stay_of_eight_days_is_a_stay() -> None:
    (stay,) = build_stays(
        [enc("h", Activity.HAD, H, at("2025-03-01", "23:00"), at("2025-03-09", "01:00"), age_at_admission=70)]
    ).stays
    assert stay.rule is StayRule.HAD


def test_had_length_counts_paris_calendar_days() -> None:
    """Admitted 1 March 10:00, discharged 9 March 00:30 (Paris): 8 calendar days in Paris, a stay;
    in UTC the discharge is still 8 March (7 days) and the stay would wrongly be rejected."""
    built = build_stays([enc("h", Activity.HAD, H, at("2025-03-01"), at("2025-03-09", "00:30"), age_at_admission=70)])
    assert [s.rule for s in built.stays] == [StayRule.HAD] and built.rejected == ()


def test_had_stay_of_a_minor_is_not_a_stay() -> None:
    built = build_stays([enc("h", Activity.HAD, H, at("2025-03-01"), at("2025-03-30"), age_at_admission=17)])
    assert [r.reason for r in built.rejected] == [Rejection.HAD_MINOR]


def test_had_patient_of_eighteen_is_an_adult() -> None:
    assert (
        len(build_stays([enc("h", Activity.HAD, H, at("2025-03-01"), at("2025-03-30"), age_at_admission=18)]).stays)
        == 1
    )


def test_three_chemotherapy_sessions_in_three_months_are_one_stay_closing_at_the_window_end() -> None:
    sessions = [
        enc(f"s{i}", Activity.CHIMIOTHERAPIE, S, at(day), at(day, "16:00"))
        for i, day in enumerate(["2025-01-15", "2025-02-12", "2025-04-14"])
    ]
    (stay,) = build_stays(sessions).stays
    assert stay.rule is StayRule.SERIES_WINDOW
    assert stay.exit == datetime(2025, 4, 15, tzinfo=PARIS)  # window 15 Jan – 14 Apr, whole last day
    assert stay.exit_month == Period(2025, 4)
    assert not stay.is_closed(datetime(2025, 4, 14, 23, 59, tzinfo=PARIS))


def test_fewer_than_three_sessions_in_a_window_make_no_stay_and_are_consumed() -> None:
    sessions = [
        enc(f"s{i}", Activity.RADIOTHERAPIE, S, at(day))
        for i, day in enumerate(["2025-01-10", "2025-02-10", "2025-04-10", "2025-04-11", "2025-04-12"])
    ]
    built = build_stays(sessions)
    assert [r.reason for r in built.rejected] == [Rejection.SERIES_FEWER_THAN_3_SESSIONS]
    (stay,) = built.stays  # the window anchored on 10 April holds three sessions
    assert stay.entry == at("2025-04-10") and stay.exit_month == Period(2025, 7)


def test_dialysis_windows_last_four_months() -> None:
    sessions = [
        enc(f"d{i}", Activity.DIALYSE, S, at(day)) for i, day in enumerate(["2025-01-02", "2025-03-01", "2025-05-01"])
    ]
    (stay,) = build_stays(sessions).stays
    assert stay.exit == datetime(2025, 5, 2, tzinfo=PARIS)


def test_a_session_on_the_day_the_window_ends_starts_the_next_window() -> None:
    sessions = [
        enc(f"d{i}", Activity.CHIMIOTHERAPIE, S, at(day))
        for i, day in enumerate(["2025-01-15", "2025-02-01", "2025-03-01", "2025-04-15"])
    ]
    built = build_stays(sessions)
    assert len(built.stays) == 1 and len(built.stays[0].encounter_ids) == 3
    assert [len(r.encounter_ids) for r in built.rejected] == [1]


def test_sessions_of_two_patients_or_two_activities_never_share_a_window() -> None:
    sessions = [
        enc("a1", Activity.CHIMIOTHERAPIE, S, at("2025-01-02")),
        enc("a2", Activity.CHIMIOTHERAPIE, S, at("2025-01-03")),
        enc("b1", Activity.CHIMIOTHERAPIE, S, at("2025-01-04"), patient="p2"),
        enc("c1", Activity.RADIOTHERAPIE, S, at("2025-01-05")),
    ]
    assert build_stays(sessions).stays == ()


def test_month_end_anchors_clamp() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_stay_discharged_after_midnight_paris_time_belongs_to_the_next_month() -> None:
    """31 March 2025 22:30 UTC is 1 April 00:30 in Paris: the stay closes in April (D8)."""
    discharged = datetime.fromisoformat("2025-03-31T22:30:00+00:00")
    (stay,) = build_stays([enc("e1", Activity.MCO, H, at("2025-03-20"), discharged)]).stays
    assert stay.exit_month == Period(2025, 4)
    assert stay.closed_in(Period(2025, 4), discharged + timedelta(seconds=1))


def test_a_stay_discharged_after_the_as_of_instant_is_not_closed() -> None:
    (stay,) = build_stays([enc("e1", Activity.MCO, H, at("2025-03-01"), at("2025-03-05"))]).stays
    assert not stay.is_closed(at("2025-03-04")) and stay.is_closed(at("2025-03-05"))


def test_a_surgical_act_on_any_encounter_makes_the_stay_surgical() -> None:
    built = build_stays(
        [
            enc("v1", Activity.PSY, V, at("2025-03-03"), at("2025-03-03", "17:00"), stay_group_id="g"),
            enc(
                "v2", Activity.PSY, V, at("2025-03-04"), at("2025-03-04", "17:00"), stay_group_id="g", surgical_act=True
            ),
        ]
    )
    assert built.stays[0].surgical
