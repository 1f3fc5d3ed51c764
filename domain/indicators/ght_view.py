"""The GHT's view: every member against its targets, and whether the GHT satisfies each indicator.

D13: the GHT satisfies an indicator when no candidate member is `not_achieved` and at least one
is `achieved`; `not_applicable` and `no_activity` members do not block, non-candidates are shown
but ignored. The consolidated rate (sum of numerators / sum of denominators) is for information.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.indicators.results import IndicatorResult
from domain.indicators.targets import Status, display_rate


class GhtStatus(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    UNDETERMINED = "undetermined"  # no candidate member achieved nor failed it


@dataclass(frozen=True, slots=True)
class GhtIndicator:
    indicator_id: str
    status: GhtStatus
    blocking_members: tuple[str, ...]  # candidate members not achieving it
    consolidated_numerator: int
    consolidated_denominator: int
    consolidated_rate: Decimal | None


def ght_indicators(results_by_member: Mapping[str, Iterable[IndicatorResult]]) -> tuple[GhtIndicator, ...]:
    by_indicator: dict[str, list[tuple[str, IndicatorResult]]] = {}
    for member, results in sorted(results_by_member.items()):
        for result in results:
            by_indicator.setdefault(result.indicator_id, []).append((member, result))
    return tuple(_judge(indicator, members) for indicator, members in by_indicator.items())


def _judge(indicator_id: str, members: list[tuple[str, IndicatorResult]]) -> GhtIndicator:
    candidates = [(member, result) for member, result in members if result.candidate]
    blocking = tuple(member for member, result in candidates if result.status is Status.NOT_ACHIEVED)
    achieved = any(result.status is Status.ACHIEVED for _, result in candidates)
    status = GhtStatus.NOT_SATISFIED if blocking else GhtStatus.SATISFIED if achieved else GhtStatus.UNDETERMINED
    applicable = [result for _, result in candidates if result.applicable]
    numerator = sum(result.numerator for result in applicable)
    denominator = sum(result.denominator for result in applicable)
    return GhtIndicator(indicator_id, status, blocking, numerator, denominator, display_rate(numerator, denominator))
