"""Completeness and timeliness of a member's month: which kinds are in, the due date, lateness.

The due date is a day of the following month (by default the 15th, configurable per GHT), due
by the end of that day in Paris; a month is late once that instant passed without its
submission, or when it was submitted after it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.periods import PARIS, Period
from domain.submissions.record_kinds import RecordKind
from domain.workflow.month_workflow import MonthState

DEFAULT_DUE_DAY = 15


def due_at(month: Period, due_day: int) -> datetime:
    """The first Paris instant after the due day of the following month (exclusive)."""
    following = month.shifted(1)
    return datetime(following.year, following.month, due_day, tzinfo=PARIS) + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MonthCompleteness:
    finess_ej: str
    month: Period
    state: MonthState
    received: Mapping[RecordKind, datetime]  # each kind's first accepted file, when it came
    submitted_at: datetime | None  # the month's first submission
    due_at: datetime
    now: datetime

    @property
    def missing(self) -> tuple[RecordKind, ...]:
        return tuple(kind for kind in RecordKind if kind not in self.received)

    @property
    def late(self) -> bool:
        if self.submitted_at is not None:
            return self.submitted_at >= self.due_at
        return self.now >= self.due_at

    @property
    def days_late(self) -> int:
        """Whole days past the due instant (0 when on time)."""
        if not self.late:
            return 0
        return (((self.submitted_at or self.now) - self.due_at) // timedelta(days=1)) + 1
