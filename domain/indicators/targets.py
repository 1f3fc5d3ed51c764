"""Targets as versioned data (indicators.md §2) and the exact judgement of a rate (D10, D14, D18).

The sources disagree on some targets: the guide's detailed sheets (default), its summary table
(P1.O7, P1.O8) and the SESAN webinar (P1.O2.ODS). Each reading is one referential version, and
every result names the version it was judged against.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from types import MappingProxyType

from domain.errors import InvalidInput
from domain.indicators.catalogue import CATALOGUE
from domain.referential import INDICATOR_IDS


class Tier(StrEnum):
    """`sunes`: the entity reached the indicator's SUN-ES analogue; `other` otherwise, and always
    for a new indicator (no analogue: both tiers have the same target)."""

    SUNES = "sunes"
    OTHER = "other"


class Status(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    NOT_APPLICABLE = "not_applicable"
    NO_ACTIVITY = "no_activity"


@dataclass(frozen=True, slots=True)
class TierTargets:
    sunes_reached: int
    other: int

    def __post_init__(self) -> None:
        if not (0 <= self.sunes_reached <= 100 and 0 <= self.other <= 100):
            raise InvalidInput("a target is a whole percentage between 0 and 100")


@dataclass(frozen=True, slots=True)
class TargetReferential:
    version: str
    label: str
    weighting_rate: Decimal
    """MES weighted mode: the phase's fixed share of patients with a profile (D9)."""
    targets: Mapping[str, TierTargets] = field(hash=False)

    def __post_init__(self) -> None:
        missing = sorted(set(INDICATOR_IDS) - set(self.targets))
        unknown = sorted(set(self.targets) - set(INDICATOR_IDS))
        if missing or unknown:
            raise InvalidInput(f"target referential {self.version}: missing {missing}, unknown {unknown}")
        if not Decimal(0) < self.weighting_rate <= Decimal(1):
            raise InvalidInput(f"target referential {self.version}: weighting rate must be in ]0, 1]")
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))

    def with_targets(self, version: str, label: str, changes: Mapping[str, TierTargets]) -> "TargetReferential":
        """A new version that differs from this one by the targets of some indicators."""
        return TargetReferential(version, label, self.weighting_rate, {**self.targets, **changes})


_PHASE_1 = TargetReferential(
    "HOPEN2-P1",
    "HOP'EN2 phase 1, fiches détaillées du guide des indicateurs (DNS)",
    Decimal("0.93"),
    {
        "P1.O1": TierTargets(80, 80),
        "P1.O2.LDL": TierTargets(70, 55),
        "P1.O2.ODS": TierTargets(65, 50),
        "P1.O3": TierTargets(70, 55),
        "P1.O4": TierTargets(50, 50),
        "P1.O5": TierTargets(65, 50),
        "P1.O6": TierTargets(60, 45),
        "P1.O7": TierTargets(60, 45),
        "P1.O8": TierTargets(60, 45),
    },
)
_SUMMARY = _PHASE_1.with_targets(
    "HOPEN2-P1-SUMMARY",
    "HOP'EN2 phase 1, tableau récapitulatif du guide (cibles MSSanté relevées)",
    {"P1.O7": TierTargets(70, 50), "P1.O8": TierTargets(70, 50)},
)
_WEBINAR = _PHASE_1.with_targets(
    "HOPEN2-P1-WEBINAR",
    "HOP'EN2 phase 1, webinaire SESAN 2025 (ordonnances de sortie : 55 hors SUN-ES)",
    {"P1.O2.ODS": TierTargets(65, 55)},
)

DEFAULT_REFERENTIAL = "HOPEN2-P1"
TARGET_REFERENTIALS: Mapping[str, TargetReferential] = MappingProxyType(
    {referential.version: referential for referential in (_PHASE_1, _SUMMARY, _WEBINAR)}
)


def target_referential(version: str = DEFAULT_REFERENTIAL) -> TargetReferential:
    try:
        return TARGET_REFERENTIALS[version]
    except KeyError:
        known = ", ".join(TARGET_REFERENTIALS)
        raise InvalidInput(f"unknown target referential '{version}' (known: {known})") from None


def target_for(referential: TargetReferential, indicator_id: str, sunes_achieved: frozenset[str]) -> tuple[int, Tier]:
    """The entity's target for one indicator: the higher tier only when it reached *that
    indicator's* SUN-ES analogue (D18)."""
    if indicator_id not in CATALOGUE:
        raise InvalidInput(f"unknown indicator '{indicator_id}'")
    targets = referential.targets[indicator_id]
    analogue = CATALOGUE[indicator_id].sunes_analogue
    if analogue is not None and analogue in sunes_achieved:
        return targets.sunes_reached, Tier.SUNES
    return targets.other, Tier.OTHER


def is_achieved(numerator: int, denominator: int, target: int) -> bool:
    """D14: judged exactly on integers, never on a rounded rate; a rate equal to the target is met."""
    return numerator * 100 >= target * denominator


def judge(numerator: int, denominator: int, target: int) -> Status:
    """The status of an applicable indicator: `no_activity` on a zero denominator (D10)."""
    if numerator < 0 or denominator < 0:
        raise InvalidInput("counts cannot be negative")
    if denominator == 0:
        return Status.NO_ACTIVITY
    return Status.ACHIEVED if is_achieved(numerator, denominator, target) else Status.NOT_ACHIEVED


def display_rate(numerator: int, denominator: int) -> Decimal | None:
    """The rate in percent rounded half-up to one decimal (D14); None when the denominator is 0 (D10)."""
    if denominator == 0:
        return None
    with localcontext(prec=60):  # exact for any terminating quotient, so ties are real ties
        rate = Decimal(numerator * 100) / Decimal(denominator)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weighted_denominator(raw_denominator: int, weighting_rate: Decimal) -> int:
    """MES weighted mode (§4, D9): the raw denominator times the phase's rate, rounded down."""
    return int((Decimal(raw_denominator) * weighting_rate).to_integral_value(rounding=ROUND_FLOOR))
