"""The demo generator's calendar: day numbers, calendar months and ISO 8601 stamps in Paris time.

Times are Paris wall-clock times: a day number (day 0 = first day of the first warm-up month) and
a minute of the day. No event is ever placed between 02:00 and 03:00, so that a stamp written
without an offset is never a missing (spring) or repeated (autumn) Paris local time.
"""

import re
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise

BEYOND = 1_000_000
"""Month index of a day after the last generated month (not yet known when the files are extracted)."""

_MONTH_LABEL = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_HOURS = tuple(f"T{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(1440))
_GAP_START, _GAP_END = 120, 180


def parse_month(label: str) -> tuple[int, int]:
    match = _MONTH_LABEL.match(label)
    if match is None:
        raise ValueError(f"not a YYYY-MM month label: {label!r}")
    return int(match.group(1)), int(match.group(2))


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + count
    return index // 12, index % 12 + 1


def _first_of_next_month(year: int, month: int) -> date:
    next_year, next_month = add_months(year, month, 1)
    return date(next_year, next_month, 1)


def _last_sunday(year: int, month: int) -> date:
    last = _first_of_next_month(year, month) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def _is_summer(day: date) -> bool:
    """Central European Summer Time for times from 03:00 on `day` (EU rule since 1996)."""
    return _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)


def clamp_minute(minute: int) -> int:
    """Moves a time of the 02:00-02:59 hour to 03:00 (monotone: keeps the order of events)."""
    return _GAP_END if _GAP_START <= minute < _GAP_END else minute


class Timeline:
    """The generated months, preceded by warm-up months whose stays reach into the first one.

    Month indexes are relative to the first generated month: warm-up months are negative, days
    after the last generated month map to `BEYOND`.
    """

    def __init__(self, months: Sequence[str], warmup_months: int, tail_days: int) -> None:
        if not months:
            raise ValueError("at least one month is needed")
        parsed = [parse_month(label) for label in months]
        for previous, following in pairwise(parsed):
            if add_months(*previous, 1) != following:
                raise ValueError("months must be consecutive and in ascending order")
        self.months = tuple(months)
        self.warmup_months = warmup_months
        start_year, start_month = add_months(*parsed[0], -warmup_months)
        self.origin = date(start_year, start_month, 1)
        firsts: list[int] = []
        lasts: list[int] = []
        self.year_month: list[tuple[int, int]] = []
        for offset in range(warmup_months + len(months)):
            year, month = add_months(start_year, start_month, offset)
            firsts.append((date(year, month, 1) - self.origin).days)
            lasts.append((_first_of_next_month(year, month) - self.origin).days - 1)
            self.year_month.append((year, month))
        self._firsts, self._lasts = firsts, lasts
        self.first_day = firsts[warmup_months]
        self.last_day = lasts[-1]
        total_days = self.last_day + 1 + tail_days
        self._month_of: list[int] = []
        for index, (first, last) in enumerate(zip(firsts, lasts, strict=True)):
            self._month_of.extend([index - warmup_months] * (last - first + 1))
        self._month_of.extend([BEYOND] * tail_days)
        self._iso: list[str] = []
        self._summer: list[bool] = []
        for day in range(total_days + 1):
            moment = self.origin + timedelta(days=day)
            self._iso.append(moment.isoformat())
            self._summer.append(_is_summer(moment))

    def first(self, index: int) -> int:
        """First day of month `index` (negative for warm-up months)."""
        return self._firsts[index + self.warmup_months]

    def last(self, index: int) -> int:
        return self._lasts[index + self.warmup_months]

    def month_of(self, day: int) -> int:
        if day < 0:
            return -self.warmup_months - 1
        if day >= len(self._month_of):
            return BEYOND
        return self._month_of[day]

    def year_month_of(self, day: int) -> tuple[int, int]:
        index = self.month_of(day)
        if index == BEYOND:
            current = self.origin + timedelta(days=day)
            return current.year, current.month
        return self.year_month[index + self.warmup_months]

    def is_last_day_of_month(self, day: int) -> bool:
        return self.date_of(day + 1).day == 1

    def weekday(self, day: int) -> int:
        """0 = Monday."""
        return (self.origin.weekday() + day) % 7

    def date_of(self, day: int) -> date:
        return self.origin + timedelta(days=day)

    def day_of(self, value: date) -> int:
        return (value - self.origin).days

    def add_calendar_months(self, day: int, count: int) -> int:
        """`day` plus `count` calendar months, clamped to the month end (31 Jan + 1 = 28/29 Feb)."""
        current = self.date_of(day)
        year, month = add_months(current.year, current.month, count)
        last = (_first_of_next_month(year, month) - timedelta(days=1)).day
        return self.day_of(date(year, month, min(current.day, last)))

    def stamp(self, day: int, minute: int, with_offset: bool = False) -> str:
        """ISO 8601 local date-time; with its explicit Paris offset when asked."""
        text = self._iso[day] + _HOURS[minute]
        if not with_offset:
            return text
        summer = self._summer[day if minute >= _GAP_END or day == 0 else day - 1]
        return text + ("+02:00" if summer else "+01:00")

    def iso_date(self, day: int) -> str:
        return self._iso[day]
