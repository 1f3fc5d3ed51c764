"""D13: the GHT satisfies an indicator only when each candidate member does."""

from dataclasses import replace

from domain.indicators.ght_view import GhtStatus, ght_indicators
from domain.indicators.results import compute_month
from domain.indicators.targets import Status, target_referential
from tests.unit.test_indicator_scenario import MARCH

LDL = next(result for result in compute_month(MARCH, target_referential()) if result.indicator_id == "P1.O2.LDL")


def member(status: Status, numerator: int = 1, denominator: int = 2, candidate: bool = True) -> object:
    applicable = status is not Status.NOT_APPLICABLE
    return replace(
        LDL, status=status, numerator=numerator, denominator=denominator, candidate=candidate, applicable=applicable
    )


def test_one_candidate_not_achieving_blocks_the_ght() -> None:
    (ldl,) = ght_indicators({"A": [member(Status.ACHIEVED)], "B": [member(Status.NOT_ACHIEVED)]})  # type: ignore[list-item]
    assert (ldl.status, ldl.blocking_members) == (GhtStatus.NOT_SATISFIED, ("B",))


def test_not_applicable_and_no_activity_members_do_not_block() -> None:
    (ldl,) = ght_indicators(
        {
            "A": [member(Status.ACHIEVED)],
            "B": [member(Status.NOT_APPLICABLE)],  # type: ignore[list-item]
            "C": [member(Status.NO_ACTIVITY, 0, 0)],
        }
    )
    assert ldl.status is GhtStatus.SATISFIED


def test_non_candidates_are_ignored() -> None:
    (ldl,) = ght_indicators(
        {
            "A": [member(Status.ACHIEVED)],  # type: ignore[list-item]
            "B": [member(Status.NOT_ACHIEVED, candidate=False)],
        }
    )
    assert ldl.status is GhtStatus.SATISFIED


def test_without_any_achieving_member_the_ght_is_undetermined() -> None:
    (ldl,) = ght_indicators({"A": [member(Status.NO_ACTIVITY, 0, 0)]})  # type: ignore[list-item]
    assert ldl.status is GhtStatus.UNDETERMINED


def test_the_consolidated_rate_sums_numerators_and_denominators() -> None:
    (ldl,) = ght_indicators({"A": [member(Status.ACHIEVED, 7, 10)], "B": [member(Status.NOT_ACHIEVED, 1, 10)]})  # type: ignore[list-item]
    assert (ldl.consolidated_numerator, ldl.consolidated_denominator, str(ldl.consolidated_rate)) == (8, 20, "40.0")
