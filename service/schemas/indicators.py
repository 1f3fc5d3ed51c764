"""Bodies of the indicator results (indicators.md §6)."""

from datetime import datetime

import msgspec

from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.strata import Dimension
from domain.indicators.targets import Status, Tier


class ExplanationView(msgspec.Struct, kw_only=True):
    exclusion: Exclusion
    label_fr: str
    count: int


class IndicatorResultView(msgspec.Struct, kw_only=True):
    indicator_id: str
    label_fr: str
    candidate: bool
    applicable: bool
    not_applicable_reason: str | None
    unit: Unit
    numerator: int
    denominator: int
    raw_denominator: int
    weighting: str | None
    rate: float | None  # percent, rounded half-up to one decimal (D14); null when the denominator is 0
    target: int
    tier: Tier
    status: Status
    explanation: list[ExplanationView]


class DataWarningView(msgspec.Struct, kw_only=True, omit_defaults=True):
    code: str
    detail: str
    indicator_id: str | None = None
    count: int | None = None


class EntityMonthResultsView(msgspec.Struct, kw_only=True):
    finess_ej: str
    period: str
    as_of: datetime
    counted_as_of: datetime  # the stored counting's own instant: nothing it reads changed in between
    referential_version: str
    stay_policy_version: str
    results: list[IndicatorResultView]
    warnings: list[DataWarningView]


class StratumView(msgspec.Struct, kw_only=True):
    key: str | None  # the site's FINESS or the care unit's code; null where the uploads did not give it
    name: str | None  # the site's name (by site)
    results: list[IndicatorResultView]  # the indicators with units in this stratum


class EntityMonthStrataView(msgspec.Struct, kw_only=True):
    finess_ej: str
    period: str
    as_of: datetime
    by: Dimension
    referential_version: str
    stay_policy_version: str
    strata: list[StratumView]  # by key, the stratum without key last


class TrendMonthView(msgspec.Struct, kw_only=True):
    period: str
    counted_as_of: datetime
    results: list[IndicatorResultView]
    warnings: list[DataWarningView]


class EntityTrendView(msgspec.Struct, kw_only=True):
    finess_ej: str
    first_period: str
    last_period: str
    as_of: datetime
    referential_version: str
    stay_policy_version: str
    months: list[TrendMonthView]  # the months the entity was declared for, oldest first


class MemberResultsView(msgspec.Struct, kw_only=True):
    finess_ej: str
    name: str
    counted_as_of: datetime
    results: list[IndicatorResultView]


class GhtIndicatorView(msgspec.Struct, kw_only=True):
    indicator_id: str
    status: str  # satisfied | not_satisfied | undetermined (D13)
    blocking_members: list[str]
    consolidated_numerator: int
    consolidated_denominator: int
    consolidated_rate: float | None  # for information only


class GhtMonthResultsView(msgspec.Struct, kw_only=True):
    ght_id: str
    period: str
    as_of: datetime
    referential_version: str
    members: list[MemberResultsView]
    ght: list[GhtIndicatorView]
