"""Stays (séjours) built from encounters, per activity: the stay policy of indicators.md §3.

Decisions applied: D5 (what forms a stay), D6 (series windows), D7 (HAD), D8 (a closed stay
belongs to the month of its exit date, Paris time). Every stay names the rule that made it, and
candidates the policy rejects are returned with their reason, so that the explanation and the
"justification de la notion de séjour" come from the same run.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from domain.periods import PARIS, Period
from domain.records import Activity, Encounter, EncounterKind

STAY_POLICY_VERSION = "HOPEN2-SEJOURS-1"
HAD_MINIMUM_DAYS = 8
HAD_ADULT_AGE = 18
SERIES_MINIMUM_SESSIONS = 3
SERIES_WINDOW_MONTHS = {Activity.RADIOTHERAPIE: 3, Activity.CHIMIOTHERAPIE: 3, Activity.DIALYSE: 4}


class StayRule(StrEnum):
    HOSPITALISATION = "hospitalisation"  # one hospitalisation encounter (MCO, SMR, PSY without group…)
    PSY_GROUP = "psy_group"  # PSY encounters sharing a stay_group_id
    HAD = "had"  # an adult HAD hospitalisation of at least 8 days
    SERIES_WINDOW = "series_window"  # >= 3 sessions in one radiotherapy/chemotherapy/dialysis window


class Rejection(StrEnum):
    """Why an encounter (or a window of sessions) forms no stay."""

    HAD_MINOR = "had_minor"
    HAD_SHORTER_THAN_8_DAYS = "had_shorter_than_8_days"
    SERIES_FEWER_THAN_3_SESSIONS = "series_fewer_than_3_sessions"


@dataclass(frozen=True, slots=True)
class Stay:
    stay_id: str
    patient: str
    activity: Activity
    rule: StayRule
    entry: datetime
    exit: datetime | None  # the instant it is over (None while ongoing)
    exit_month: Period | None  # the month it belongs to once closed (D8)
    encounter_ids: frozenset[str]
    group_id: str | None
    surgical: bool
    last_site: str  # site and unit of its last encounter: its stratum (D17)
    last_unit: str | None

    def is_closed(self, as_of: datetime) -> bool:
        return self.exit is not None and self.exit <= as_of

    def closed_in(self, month: Period, as_of: datetime) -> bool:
        return self.is_closed(as_of) and self.exit_month == month


@dataclass(frozen=True, slots=True)
class RejectedCandidate:
    patient: str
    activity: Activity
    encounter_ids: frozenset[str]
    reason: Rejection
    exit_month: Period | None
    last_site: str  # its stratum, as a stay's (D17)
    last_unit: str | None


@dataclass(frozen=True, slots=True)
class StayBuild:
    stays: tuple[Stay, ...]
    rejected: tuple[RejectedCandidate, ...]


def paris_date(instant: datetime) -> date:
    return instant.astimezone(PARIS).date()


def build_stays(encounters: Iterable[Encounter]) -> StayBuild:
    """The stays of one legal entity's encounters (their latest state)."""
    stays: list[Stay] = []
    rejected: list[RejectedCandidate] = []
    psy_groups: dict[str, list[Encounter]] = defaultdict(list)
    sessions: dict[tuple[str, Activity], list[Encounter]] = defaultdict(list)
    for encounter in encounters:
        if encounter.kind is EncounterKind.PASSAGE or encounter.activity is Activity.URGENCES:
            continue
        if encounter.activity is Activity.PSY and encounter.stay_group_id:
            psy_groups[encounter.stay_group_id].append(encounter)
        elif encounter.kind is EncounterKind.SEANCE and encounter.activity in SERIES_WINDOW_MONTHS:
            sessions[(encounter.patient, encounter.activity)].append(encounter)
        elif encounter.kind is EncounterKind.HOSPITALISATION and encounter.activity is Activity.HAD:
            _had(encounter, stays, rejected)
        elif encounter.kind is EncounterKind.HOSPITALISATION:
            stays.append(_single(encounter, StayRule.HOSPITALISATION))
    stays.extend(_psy_group(group_id, members) for group_id, members in psy_groups.items())
    for (patient, activity), series in sessions.items():
        _series_windows(patient, activity, series, stays, rejected)
    return StayBuild(tuple(stays), tuple(rejected))


def _single(encounter: Encounter, rule: StayRule) -> Stay:
    exit = encounter.discharged_at
    return Stay(
        stay_id=encounter.encounter_id,
        patient=encounter.patient,
        activity=encounter.activity,
        rule=rule,
        entry=encounter.admitted_at,
        exit=exit,
        exit_month=_month_of(exit),
        encounter_ids=frozenset({encounter.encounter_id}),
        group_id=encounter.stay_group_id,
        surgical=encounter.surgical_act,
        last_site=encounter.site,
        last_unit=encounter.unit,
    )


def _had(encounter: Encounter, stays: list[Stay], rejected: list[RejectedCandidate]) -> None:
    """D7: adult (18 or more at admission) and exit date - entry date >= 8 Paris calendar days.

    An ongoing HAD stay is kept (it is not closed, so it counts nowhere yet); its length is
    judged once it has an exit."""
    reason = None
    if encounter.age_at_admission is not None and encounter.age_at_admission < HAD_ADULT_AGE:
        reason = Rejection.HAD_MINOR
    elif encounter.discharged_at is not None:
        days = (paris_date(encounter.discharged_at) - paris_date(encounter.admitted_at)).days
        if days < HAD_MINIMUM_DAYS:
            reason = Rejection.HAD_SHORTER_THAN_8_DAYS
    if reason is None:
        stays.append(_single(encounter, StayRule.HAD))
    else:
        rejected.append(
            RejectedCandidate(
                encounter.patient,
                encounter.activity,
                frozenset({encounter.encounter_id}),
                reason,
                _month_of(encounter.discharged_at),
                encounter.site,
                encounter.unit,
            )
        )


def _psy_group(group_id: str, members: list[Encounter]) -> Stay:
    """Entry = first admission, exit = last discharge, closed once every venue is discharged."""
    ordered = sorted(members, key=lambda encounter: (encounter.admitted_at, encounter.encounter_id))
    discharges = [encounter.discharged_at for encounter in ordered]
    exit = None if any(discharge is None for discharge in discharges) else max(d for d in discharges if d)
    last = max(
        ordered, key=lambda encounter: (encounter.discharged_at or encounter.admitted_at, encounter.encounter_id)
    )
    return Stay(
        stay_id=f"group:{group_id}",
        patient=ordered[0].patient,
        activity=Activity.PSY,
        rule=StayRule.PSY_GROUP,
        entry=ordered[0].admitted_at,
        exit=exit,
        exit_month=_month_of(exit),
        encounter_ids=frozenset(encounter.encounter_id for encounter in ordered),
        group_id=group_id,
        surgical=any(encounter.surgical_act for encounter in ordered),
        last_site=last.site,
        last_unit=last.unit,
    )


def _series_windows(
    patient: str,
    activity: Activity,
    series: list[Encounter],
    stays: list[Stay],
    rejected: list[RejectedCandidate],
) -> None:
    """D6: windows [anchor, anchor + n months) in Paris dates, anchored at the first session not
    yet grouped; each window consumes its sessions; 3 or more make a stay whose exit is the
    window's last day (whole day included)."""
    months = SERIES_WINDOW_MONTHS[activity]
    ordered = sorted(series, key=lambda encounter: (encounter.admitted_at, encounter.encounter_id))
    start = 0
    while start < len(ordered):
        anchor = paris_date(ordered[start].admitted_at)
        window_end = add_months(anchor, months)  # first day after the window
        end = start
        while end < len(ordered) and paris_date(ordered[end].admitted_at) < window_end:
            end += 1
        window = ordered[start:end]
        last_day = date.fromordinal(window_end.toordinal() - 1)
        ids = frozenset(encounter.encounter_id for encounter in window)
        if len(window) >= SERIES_MINIMUM_SESSIONS:
            stays.append(
                Stay(
                    stay_id=f"series:{activity.value}:{window[0].encounter_id}",
                    patient=patient,
                    activity=activity,
                    rule=StayRule.SERIES_WINDOW,
                    entry=window[0].admitted_at,
                    exit=datetime.combine(window_end, time(), tzinfo=PARIS),
                    exit_month=Period.containing(last_day),
                    encounter_ids=ids,
                    group_id=None,
                    surgical=any(encounter.surgical_act for encounter in window),
                    last_site=window[-1].site,
                    last_unit=window[-1].unit,
                )
            )
        else:
            rejected.append(
                RejectedCandidate(
                    patient,
                    activity,
                    ids,
                    Rejection.SERIES_FEWER_THAN_3_SESSIONS,
                    Period.containing(last_day),
                    window[-1].site,
                    window[-1].unit,
                )
            )
        start = end


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    target = Period.containing(day).shifted(months)
    return date(target.year, target.month, min(day.day, target.last_day.day))


def _month_of(instant: datetime | None) -> Period | None:
    return None if instant is None else Period.containing(paris_date(instant))
