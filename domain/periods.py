"""Measurement months (`YYYY-MM`), as calendar months in Europe/Paris local time."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidPeriod

PARIS = ZoneInfo("Europe/Paris")
_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, label: str) -> "Period":
        match = _LABEL.match(label)
        if not match:
            raise InvalidPeriod(f"'{label}' is not a month label of the form YYYY-MM")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or year < 2000:
            raise InvalidPeriod(f"'{label}' is not a real month")
        return cls(year, month)

    @classmethod
    def containing(cls, day: date) -> "Period":
        return cls(day.year, day.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def shifted(self, months: int) -> "Period":
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.shifted(1).first_day.toordinal() - 1)

    @property
    def starts_at(self) -> datetime:
        """First instant of the month in Paris."""
        return datetime(self.year, self.month, 1, tzinfo=PARIS)

    @property
    def ends_at(self) -> datetime:
        """First instant of the next month in Paris (exclusive end)."""
        return self.shifted(1).starts_at

    def ensure_not_after(self, now: datetime) -> "Period":
        """Refuse a month later than the current one (Paris time)."""
        current = Period.containing(now.astimezone(PARIS).date())
        if self > current:
            raise InvalidPeriod(f"{self.label} is in the future (current month: {current.label})")
        return self
