"""Every stable code a person may read has its French label, and numbers and instants read French."""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

import pytest

from domain import french
from domain.indicators.catalogue import Stage, Unit
from domain.indicators.ght_view import GhtStatus
from domain.indicators.targets import Status, Tier
from domain.indicators.warnings import WarningCode
from domain.reconciliation.reconcile import LikelyCause, ReconciliationStatus
from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionStatus
from domain.workflow.month_workflow import MonthState


@pytest.mark.parametrize(
    ("codes", "labels"),
    [
        (Status, french.STATUS_FR),
        (Tier, french.TIER_FR),
        (GhtStatus, french.GHT_STATUS_FR),
        (Stage, french.STAGE_FR),
        (Unit, french.UNIT_FR),
        (Unit, french.UNIT_PLURAL_FR),
        (RecordKind, french.RECORD_KIND_FR),
        (MonthState, french.MONTH_STATE_FR),
        (SubmissionStatus, french.SUBMISSION_STATUS_FR),
        (ReconciliationStatus, french.RECONCILIATION_STATUS_FR),
        (LikelyCause, french.LIKELY_CAUSE_FR),
        (WarningCode, french.WARNING_FR),
    ],
)
def test_every_code_has_its_french_label(codes: type[StrEnum], labels: Mapping[str, str]) -> None:
    assert [code for code in codes if code not in labels] == []


def test_numbers_read_french() -> None:
    assert french.number_fr(Decimal("0.93")) == "0,93"
    assert french.number_fr(3843) == "3\u202f843"
    assert french.number_fr(Decimal("70"), 1) == "70,0"
    assert french.percent_fr(Decimal("42.95")) == "43,0\u00a0%"
    assert french.percent_fr(None) == "—"


def test_instants_read_in_paris_time() -> None:
    winter = datetime(2026, 12, 5, 13, 32, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 22, 5, tzinfo=UTC)
    assert french.instant_fr(winter) == "05/12/2026 14:32, heure de Paris"
    assert french.instant_fr(summer) == "02/07/2026 00:05, heure de Paris"
    assert french.date_fr(summer) == "02/07/2026"
