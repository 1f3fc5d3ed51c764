"""One computation: the nine results of a legal entity and month, with the fields of §6."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.indicators.catalogue import CATALOGUE, Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Counting, MonthCounting, Tally
from domain.indicators.document_indicators import tally_consultation_reports, tally_reports
from domain.indicators.entity_month import EntityMonth
from domain.indicators.patient_indicators import tally_mes_messaging, tally_mss_pro, tally_qualified_ins
from domain.indicators.stay_indicators import tally_stay_indicator
from domain.indicators.strata import Dimension
from domain.indicators.targets import (
    Status,
    TargetReferential,
    Tier,
    display_rate,
    judge,
    target_for,
    weighted_denominator,
)
from domain.periods import Period
from domain.referential import LegalEntity, MesMode, MssWeighting
from domain.stays import STAY_POLICY_VERSION

HAD_NO_ODS = "HAD_NO_ODS"

_TALLIES: Mapping[str, Callable[[EntityMonth, IndicatorDefinition], Tally]] = {
    "P1.O1": lambda data, _: tally_qualified_ins(data),
    "P1.O2.LDL": tally_stay_indicator,
    "P1.O2.ODS": tally_stay_indicator,
    "P1.O3": tally_stay_indicator,
    "P1.O4": tally_consultation_reports,
    "P1.O5": tally_reports,
    "P1.O6": tally_reports,
    "P1.O7": lambda data, _: tally_mss_pro(data),
    "P1.O8": lambda data, _: tally_mes_messaging(data),
}

StrataCountings = dict[str, dict[str | None, Counting]]
"""By indicator id, then stratum key; a stratum where an indicator has no unit is absent from it."""


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator_id: str
    candidate: bool  # the entity applied for it (D13); computed either way
    applicable: bool
    not_applicable_reason: str | None
    unit: Unit
    numerator: int
    denominator: int
    raw_denominator: int  # before weighting
    weighting: str | None  # which weighting made `denominator` from `raw_denominator`
    rate: Decimal | None
    target: int
    tier: Tier
    referential_version: str
    status: Status
    as_of: datetime
    stay_policy_version: str
    explanation: tuple[tuple[Exclusion, int], ...]


@dataclass(frozen=True, slots=True)
class JudgingContext:
    """What judging a counting needs besides it: who, when, and two facts of the month."""

    entity: LegalEntity
    month: Period
    as_of: datetime
    prescription_produced: bool  # any discharge prescription produced in the month (HAD_NO_ODS, D11)
    mss_equipment_rate: Decimal | None = None


def compute_month(data: EntityMonth, referential: TargetReferential) -> tuple[IndicatorResult, ...]:
    """The reference computation: counts with the domain's own code, then judges."""
    context = JudgingContext(data.entity, data.month, data.as_of, _prescription_produced(data), data.mss_equipment_rate)
    return tuple(
        judge_indicator(context, definition, referential, count_indicator(data, definition.id))
        for definition in CATALOGUE.values()
    )


def count_indicator(data: EntityMonth, indicator_id: str) -> Counting:
    """The reference counting of one indicator."""
    return _TALLIES[indicator_id](data, CATALOGUE[indicator_id]).counting()


def count_strata(data: EntityMonth, dimension: Dimension) -> StrataCountings:
    """The reference counting of the nine indicators in each stratum of `dimension` (D17)."""
    return {
        definition.id: _TALLIES[definition.id](data, definition).stratified(dimension)
        for definition in CATALOGUE.values()
    }


def judge_month(
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    referential: TargetReferential,
    counted: MonthCounting,
    mss_equipment_rate: Decimal | None = None,
) -> tuple[IndicatorResult, ...]:
    """The nine results of stored or fresh countings, judged against `referential`; the imported
    MSSanté equipment rate of the entity's area weights P1.O7 when its policy asks for it."""
    context = JudgingContext(entity, month, as_of, counted.prescription_produced, mss_equipment_rate)
    return tuple(
        judge_indicator(context, definition, referential, counted.countings[definition.id])
        for definition in CATALOGUE.values()
    )


def judge_strata(
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    referential: TargetReferential,
    counted: MonthCounting,
    strata: StrataCountings,
    mss_equipment_rate: Decimal | None = None,
) -> dict[str | None, tuple[IndicatorResult, ...]]:
    """Each stratum's countings judged as the entity's are (applicability, weighting, target), in
    the catalogue's order; `counted` is the entity's month, whose facts decide applicability."""
    context = JudgingContext(entity, month, as_of, counted.prescription_produced, mss_equipment_rate)
    keys = {key for by_stratum in strata.values() for key in by_stratum}
    return {
        key: tuple(
            judge_indicator(context, definition, referential, strata[definition.id][key])
            for definition in CATALOGUE.values()
            if key in strata.get(definition.id, {})
        )
        for key in keys
    }


def judge_indicator(
    context: JudgingContext, definition: IndicatorDefinition, referential: TargetReferential, counting: Counting
) -> IndicatorResult:
    """Applicability, weighting, target and status of one counting (§6, D10, D11, D13, D14, D18)."""
    entity = context.entity
    target, tier = target_for(referential, definition.id, entity.sunes_achieved)
    reason = _not_applicable_reason(context, definition)
    weighting, denominator = _weighted(context, definition, referential, counting.denominator)
    status = Status.NOT_APPLICABLE if reason else judge(counting.numerator, denominator, target)
    return IndicatorResult(
        indicator_id=definition.id,
        candidate=definition.id in entity.candidate_indicators,
        applicable=reason is None,
        not_applicable_reason=reason,
        unit=counting.unit,
        numerator=counting.numerator,
        denominator=denominator,
        raw_denominator=counting.denominator,
        weighting=weighting,
        rate=None if reason else display_rate(counting.numerator, denominator),
        target=target,
        tier=tier,
        referential_version=referential.version,
        status=status,
        as_of=context.as_of,
        stay_policy_version=STAY_POLICY_VERSION,
        explanation=counting.explanation,
    )


def _prescription_produced(data: EntityMonth) -> bool:
    codes = CATALOGUE["P1.O2.ODS"].type_codes
    return any(
        document.type_code in codes and data.month.starts_at <= document.produced_at < data.month.ends_at
        for document in data.documents
    )


def _not_applicable_reason(context: JudgingContext, definition: IndicatorDefinition) -> str | None:
    """Capabilities decide (D11); an HAD entity without any prescription produced in the month is
    not concerned by ODS."""
    capabilities = context.entity.capabilities
    if not definition.is_applicable(capabilities):
        return f"NO_{definition.applicability.name}" if definition.applicability else None
    if definition.id == "P1.O2.ODS" and capabilities.is_had and not context.prescription_produced:
        return HAD_NO_ODS
    return None


def _weighted(
    context: JudgingContext, definition: IndicatorDefinition, referential: TargetReferential, raw: int
) -> tuple[str | None, int]:
    policies = context.entity.policies
    if definition.type_codes and policies.mes_mode is MesMode.WEIGHTED:  # the DMP indicators (§4)
        return f"MES profile rate {referential.weighting_rate}", weighted_denominator(raw, referential.weighting_rate)
    if definition.id == "P1.O7" and policies.mss_weighting is not MssWeighting.OFF and context.mss_equipment_rate:
        rate = context.mss_equipment_rate
        return f"MSSanté equipment rate ({policies.mss_weighting.value}) {rate}", weighted_denominator(raw, rate)
    return None, raw
