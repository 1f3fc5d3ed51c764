"""Validation rules run beside the figures: they warn, they never change a result (issue #3, api.md).

- a numerator above its denominator (only possible with a weighted denominator);
- record kinds missing for the month;
- patients referenced by the month's records but absent from its patients file (D4);
- flow breaks ("ruptures de flux"): a rate falling by 20 points or more, or a numerator falling
  by half or more, against the mean of the previous three months (thresholds are settings).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.indicators.entity_month import EntityMonth
from domain.indicators.populations import occurs_in, overlaps
from domain.indicators.results import IndicatorResult
from domain.submissions.record_kinds import RecordKind


class WarningCode(StrEnum):
    NUMERATOR_ABOVE_DENOMINATOR = "numerator_above_denominator"
    KIND_MISSING = "kind_missing"
    PATIENTS_MISSING_FROM_PATIENTS_FILE = "patients_missing_from_patients_file"
    RATE_DROP = "rate_drop"
    NUMERATOR_DROP = "numerator_drop"


@dataclass(frozen=True, slots=True)
class DataWarning:
    code: WarningCode
    detail: str
    indicator_id: str | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class FlowBreakThresholds:
    rate_drop_points: Decimal = Decimal(20)
    numerator_drop_share: Decimal = Decimal("0.5")
    previous_months: int = 3


def result_warnings(results: Iterable[IndicatorResult]) -> list[DataWarning]:
    return [
        DataWarning(
            WarningCode.NUMERATOR_ABOVE_DENOMINATOR,
            f"numerator {result.numerator} above denominator {result.denominator} ({result.weighting})",
            result.indicator_id,
        )
        for result in results
        if result.applicable and result.numerator > result.denominator
    ]


def missing_kinds(received: Iterable[RecordKind]) -> list[DataWarning]:
    present = set(received)
    return [
        DataWarning(WarningCode.KIND_MISSING, f"no {kind.value} file for the month")
        for kind in RecordKind
        if kind not in present
    ]


def patients_missing_from_file(data: EntityMonth) -> list[DataWarning]:
    """Counted as PROV with an unknown MES status meanwhile (D4)."""
    month = data.month
    referenced = {encounter.patient for encounter in data.encounters if overlaps(encounter, month)}
    referenced.update(consultation.patient for consultation in data.consultations if occurs_in(consultation, month))
    referenced.update(
        document.patient for document in data.documents if month.starts_at <= document.produced_at < month.ends_at
    )
    referenced.update(
        message.patient for message in data.messages if month.starts_at <= message.sent_at < month.ends_at
    )
    return missing_patients_warning(len(referenced - set(data.patients)))


def missing_patients_warning(missing: int) -> list[DataWarning]:
    if not missing:
        return []
    return [
        DataWarning(
            WarningCode.PATIENTS_MISSING_FROM_PATIENTS_FILE,
            f"{missing} patient(s) referenced this month are not in the month's patients file "
            "(counted as provisional identity, MES status unknown)",
            count=missing,
        )
    ]


def flow_breaks(
    current: IndicatorResult,
    previous: Sequence[IndicatorResult],
    thresholds: FlowBreakThresholds = FlowBreakThresholds(),
) -> list[DataWarning]:
    """`previous`: the same indicator's results of the months before, most recent last."""
    recent = [result for result in previous[-thresholds.previous_months :] if result.applicable]
    if not current.applicable or len(recent) < thresholds.previous_months:
        return []
    warnings = []
    rates = [result.rate for result in recent if result.rate is not None]
    if current.rate is not None and len(rates) == len(recent):
        mean_rate = sum(rates, Decimal(0)) / len(rates)
        if mean_rate - current.rate >= thresholds.rate_drop_points:
            warnings.append(
                DataWarning(
                    WarningCode.RATE_DROP,
                    f"rate {current.rate} against a mean of {mean_rate:.1f} over the previous {len(recent)} months",
                    current.indicator_id,
                )
            )
    mean_numerator = Decimal(sum(result.numerator for result in recent)) / len(recent)
    if mean_numerator and Decimal(current.numerator) <= mean_numerator * (1 - thresholds.numerator_drop_share):
        warnings.append(
            DataWarning(
                WarningCode.NUMERATOR_DROP,
                f"numerator {current.numerator} against a mean of "
                f"{mean_numerator:.1f} over the previous {len(recent)} months",
                current.indicator_id,
            )
        )
    return warnings


def flow_breaks_of_month(
    current: Iterable[IndicatorResult],
    history: Mapping[str, Sequence[IndicatorResult]],
    thresholds: FlowBreakThresholds = FlowBreakThresholds(),
) -> list[DataWarning]:
    return [
        warning
        for result in current
        for warning in flow_breaks(result, history.get(result.indicator_id, ()), thresholds)
    ]
