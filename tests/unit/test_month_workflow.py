"""The monthly workflow (api.md): one rule per test."""

from datetime import UTC, datetime

import pytest

from domain.access import Role
from domain.errors import ActionNotAllowed, Conflict, InvalidInput
from domain.periods import PARIS, Period
from domain.submissions.record_kinds import RecordKind
from domain.workflow.completeness import MonthCompleteness, due_at
from domain.workflow.month_workflow import MonthState, Transition, next_state


def test_a_member_submits_its_draft_month() -> None:
    assert next_state(MonthState.DRAFT, Transition.SUBMIT, Role.MEMBER, None) is MonthState.SUBMITTED


def test_only_the_ght_support_or_an_admin_validates_and_locks() -> None:
    assert next_state(MonthState.SUBMITTED, Transition.VALIDATE, Role.GHT_SUPPORT, None) is MonthState.VALIDATED
    assert next_state(MonthState.VALIDATED, Transition.LOCK, Role.ADMIN, None) is MonthState.LOCKED
    with pytest.raises(ActionNotAllowed):
        next_state(MonthState.SUBMITTED, Transition.VALIDATE, Role.MEMBER, None)


def test_an_auditor_makes_no_transition() -> None:
    for transition in Transition:
        with pytest.raises(ActionNotAllowed):
            next_state(MonthState.DRAFT, transition, Role.ARS_AUDITOR, "because")


def test_a_draft_month_cannot_be_locked() -> None:
    with pytest.raises(Conflict):
        next_state(MonthState.DRAFT, Transition.LOCK, Role.ADMIN, None)


def test_only_an_admin_reopens_a_locked_month_and_only_with_a_reason() -> None:
    with pytest.raises(ActionNotAllowed):
        next_state(MonthState.LOCKED, Transition.REOPEN, Role.GHT_SUPPORT, "correction")
    with pytest.raises(InvalidInput):
        next_state(MonthState.LOCKED, Transition.REOPEN, Role.ADMIN, "  ")
    assert next_state(MonthState.LOCKED, Transition.REOPEN, Role.ADMIN, "correction") is MonthState.DRAFT


def test_the_support_returns_a_validated_month_to_draft_but_not_a_locked_one() -> None:
    assert next_state(MonthState.VALIDATED, Transition.RETURN, Role.GHT_SUPPORT, "missing file") is MonthState.DRAFT
    with pytest.raises(Conflict):
        next_state(MonthState.LOCKED, Transition.RETURN, Role.GHT_SUPPORT, "missing file")


def test_uploads_are_accepted_until_the_month_is_validated() -> None:
    assert [state.accepts_uploads for state in MonthState] == [True, True, False, False]


def test_march_is_due_by_the_end_of_15_april_paris_time() -> None:
    assert due_at(Period(2025, 3), 15) == datetime(2025, 4, 16, tzinfo=PARIS)
    assert due_at(Period(2025, 12), 10) == datetime(2026, 1, 11, tzinfo=PARIS)


def _march(submitted: datetime | None, now: datetime) -> MonthCompleteness:
    return MonthCompleteness(
        "750712184",
        Period(2025, 3),
        MonthState.SUBMITTED,
        {RecordKind.PATIENTS: now, RecordKind.DOCUMENTS: now},
        submitted,
        due_at(Period(2025, 3), 15),
        now,
    )


def test_a_month_submitted_on_its_due_day_is_on_time() -> None:
    on_time = _march(datetime(2025, 4, 15, 23, 59, tzinfo=PARIS), datetime(2025, 5, 1, tzinfo=UTC))
    assert (on_time.late, on_time.days_late) == (False, 0)
    assert on_time.missing == (RecordKind.ENCOUNTERS, RecordKind.CONSULTATIONS, RecordKind.MESSAGES)


def test_a_month_not_submitted_after_its_due_date_is_late_by_started_days() -> None:
    # due instant 16 April 00:00 Paris; on 17 April 12:00 Paris, 1 day and 12 hours have passed: 2 days started
    waiting = _march(None, datetime(2025, 4, 17, 12, tzinfo=PARIS))
    assert (waiting.late, waiting.days_late) == (True, 2)
    submitted_late = _march(datetime(2025, 4, 16, 0, 0, tzinfo=PARIS), datetime(2025, 6, 1, tzinfo=UTC))
    assert (submitted_late.late, submitted_late.days_late) == (True, 1)
