"""Target referentials as versioned data and the exact judgement of a rate (§2, D9, D10, D14, D18)."""

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.indicators.targets import (
    DEFAULT_REFERENTIAL,
    TARGET_REFERENTIALS,
    Status,
    TargetReferential,
    Tier,
    TierTargets,
    display_rate,
    is_achieved,
    judge,
    target_for,
    target_referential,
    weighted_denominator,
)
from domain.referential import INDICATOR_IDS, SUNES_ANALOGUES

DETAILED_SHEETS = {
    "P1.O1": (80, 80),
    "P1.O2.LDL": (70, 55),
    "P1.O2.ODS": (65, 50),
    "P1.O3": (70, 55),
    "P1.O4": (50, 50),
    "P1.O5": (65, 50),
    "P1.O6": (60, 45),
    "P1.O7": (60, 45),
    "P1.O8": (60, 45),
}
ALL_ANALOGUES = frozenset(SUNES_ANALOGUES)


def _pairs(version: str) -> dict[str, tuple[int, int]]:
    return {key: (t.sunes_reached, t.other) for key, t in target_referential(version).targets.items()}


def test_default_referential_holds_the_targets_of_the_guide_detailed_sheets() -> None:
    assert DEFAULT_REFERENTIAL == "HOPEN2-P1"
    assert target_referential() is TARGET_REFERENTIALS["HOPEN2-P1"]
    assert _pairs("HOPEN2-P1") == DETAILED_SHEETS


def test_summary_referential_raises_mss_targets() -> None:
    assert _pairs("HOPEN2-P1-SUMMARY") == DETAILED_SHEETS | {"P1.O7": (70, 50), "P1.O8": (70, 50)}


def test_webinar_referential_changes_only_ods_other_tier() -> None:
    assert _pairs("HOPEN2-P1-WEBINAR") == DETAILED_SHEETS | {"P1.O2.ODS": (65, 55)}


def test_every_referential_says_what_it_is_and_weights_mes_profiles_at_93_percent() -> None:
    for version, referential in TARGET_REFERENTIALS.items():
        assert referential.version == version and referential.label
        assert referential.weighting_rate == Decimal("0.93")


def test_unknown_referential_version_is_refused() -> None:
    with pytest.raises(InvalidInput, match="HOPEN2-P9"):
        target_referential("HOPEN2-P9")


def test_referential_missing_an_indicator_is_refused() -> None:
    targets = {key: TierTargets(*pair) for key, pair in DETAILED_SHEETS.items() if key != "P1.O8"}
    with pytest.raises(InvalidInput, match=r"P1\.O8"):
        TargetReferential("X", "incomplete", Decimal("0.93"), targets)


def test_target_outside_zero_to_one_hundred_is_refused() -> None:
    with pytest.raises(InvalidInput):
        TierTargets(101, 50)


def test_referential_targets_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        target_referential().targets["P1.O1"] = TierTargets(0, 0)  # type: ignore[index]


def test_sunes_tier_applies_only_for_the_indicator_analogue() -> None:
    referential = target_referential()
    assert target_for(referential, "P1.O2.LDL", frozenset({"DS1.1"})) == (70, Tier.SUNES)
    assert target_for(referential, "P1.O2.LDL", frozenset({"DS1.2", "DS1.3"})) == (55, Tier.OTHER)
    assert target_for(referential, "P1.O2.ODS", frozenset({"DS1.1"})) == (50, Tier.OTHER)
    assert target_for(referential, "P1.O6", frozenset({"DS3.1"})) == (60, Tier.SUNES)


def test_new_indicator_has_one_target_whatever_the_sunes_achievements() -> None:
    referential = target_referential()
    assert target_for(referential, "P1.O1", ALL_ANALOGUES) == (80, Tier.OTHER)
    assert target_for(referential, "P1.O4", ALL_ANALOGUES) == target_for(referential, "P1.O4", frozenset())


def test_every_indicator_has_a_target_in_every_referential() -> None:
    for referential in TARGET_REFERENTIALS.values():
        for indicator in INDICATOR_IDS:
            target, _ = target_for(referential, indicator, frozenset())
            assert 0 < target <= 100


def test_target_of_an_unknown_indicator_is_refused() -> None:
    with pytest.raises(InvalidInput):
        target_for(target_referential(), "P1.O9", frozenset())


def test_rate_equal_to_target_is_achieved() -> None:
    assert is_achieved(11, 20, 55)
    assert judge(55, 100, 55) is Status.ACHIEVED


def test_rate_just_below_target_is_not_achieved_even_when_it_displays_as_the_target() -> None:
    assert display_rate(5499, 10000) == Decimal("55.0")
    assert judge(5499, 10000, 55) is Status.NOT_ACHIEVED


def test_zero_denominator_is_no_activity_and_has_no_rate() -> None:
    assert judge(0, 0, 50) is Status.NO_ACTIVITY
    assert display_rate(0, 0) is None


def test_negative_counts_are_refused() -> None:
    with pytest.raises(InvalidInput):
        judge(-1, 10, 50)


def test_rate_is_rounded_half_up_to_one_decimal() -> None:
    assert display_rate(1, 16) == Decimal("6.3")  # 6.25: half-even would give 6.2
    assert display_rate(3, 16) == Decimal("18.8")  # 18.75
    assert display_rate(2, 3) == Decimal("66.7")
    assert display_rate(1, 3) == Decimal("33.3")
    assert display_rate(7, 7) == Decimal("100.0")
    assert str(display_rate(0, 5)) == "0.0"


def test_weighted_denominator_is_rounded_down() -> None:
    assert weighted_denominator(100, Decimal("0.93")) == 93
    assert weighted_denominator(15, Decimal("0.93")) == 13  # 13.95
    assert weighted_denominator(0, Decimal("0.93")) == 0
