"""Demo care schedules: lengths of stay, session series and PSY venue groups, as day numbers."""

import random

from adapters.demo.demo_calendar import Timeline

_MONDAY_WEDNESDAY_FRIDAY = (0, 2, 4)
_TUESDAY_THURSDAY_SATURDAY = (1, 3, 5)


def length_of_stay(rng: random.Random, activity: str) -> int:
    """Days between admission and discharge (0 = same-day stay)."""
    if activity == "MCO":
        return 0 if rng.random() < 0.28 else min(60, 1 + int(rng.expovariate(1 / 4.5)))
    if activity == "SMR":
        return min(120, 7 + int(rng.expovariate(1 / 25)))
    if activity == "PSY":
        return min(180, 3 + int(rng.expovariate(1 / 25)))
    if activity == "HAD":  # some shorter than the 8 days a HAD stay needs to count
        return rng.randint(1, 7) if rng.random() < 0.15 else min(150, 8 + int(rng.expovariate(1 / 30)))
    raise ValueError(f"no length of stay for {activity}")


def series_window_ends(timeline: Timeline, days: list[int], months: int) -> list[int]:
    """For each session (sorted days), the last day of its window (D6): windows anchored at the
    first session not yet grouped, lasting `months` calendar months."""
    ends: list[int] = []
    window_end = -1
    for day in days:
        if day > window_end:
            window_end = timeline.add_calendar_months(day, months) - 1
        ends.append(window_end)
    return ends


def dialysis_days(rng: random.Random, timeline: Timeline, start: int, stop: int) -> list[int]:
    """Three sessions a week between `start` and `stop`, with a rare missed session."""
    pattern = _MONDAY_WEDNESDAY_FRIDAY if rng.random() < 0.55 else _TUESDAY_THURSDAY_SATURDAY
    return [day for day in range(start, stop + 1) if timeline.weekday(day) in pattern and rng.random() > 0.02]


def chemotherapy_days(rng: random.Random, start: int) -> list[int]:
    """A chemotherapy course: usually 4-8 cycles, sometimes only one or two sessions."""
    count = rng.randint(1, 2) if rng.random() < 0.2 else rng.randint(4, 8)
    interval = rng.choice((14, 21, 28))
    return [start + cycle * interval + rng.randint(0, 2) for cycle in range(count)]


def radiotherapy_days(rng: random.Random, timeline: Timeline, start: int) -> list[int]:
    """Daily weekday fractions for 3-7 weeks, or a short palliative course of 1-3 sessions."""
    count = rng.randint(1, 3) if rng.random() < 0.15 else rng.randint(15, 35)
    days: list[int] = []
    day = start
    while len(days) < count:
        if timeline.weekday(day) < 5:
            days.append(day)
        day += 1
    return days


def venue_group_days(rng: random.Random, timeline: Timeline, start: int) -> list[int]:
    """Day-hospital venues of one PSY stay: 1-3 fixed weekdays for 2-12 weeks."""
    weekdays = sorted(rng.sample(range(5), rng.randint(1, 3)))
    monday = start - timeline.weekday(start)
    weeks = rng.randint(2, 12)
    return [
        monday + 7 * week + weekday
        for week in range(weeks)
        for weekday in weekdays
        if monday + 7 * week + weekday >= start
    ]
