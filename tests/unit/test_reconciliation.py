"""Reconciliation with national counts (indicators.md §7), one rule per test, figures by hand."""

from decimal import Decimal

from domain.reconciliation.ght_reconciliation import MemberFigures, reconcile_ght
from domain.reconciliation.national_checks import NATIONAL_CHECKS
from domain.reconciliation.reconcile import (
    LikelyCause,
    LocalDocumentFacts,
    NationalFigure,
    ReconciliationStatus,
    reconcile,
)

LETTERS, PRESCRIPTIONS = NATIONAL_CHECKS["P1.O2.LDL"], NATIONAL_CHECKS["P1.O2.ODS"]
TOLERANCES = dict.fromkeys(NATIONAL_CHECKS, Decimal(5))


def test_a_national_count_within_five_points_is_consistent() -> None:
    # local 60 / 100 = 60.0 %; national 64 / 100 = 64.0 %: gap +4.0 points ≤ 5
    line = reconcile(LETTERS, 60, 100, NationalFigure(64), LocalDocumentFacts())
    assert (line.local_rate, line.national_rate, line.gap_points) == (Decimal("60.0"), Decimal("64.0"), Decimal("4.0"))
    assert line.relative_gap == Decimal("0.067")  # (64 − 60) / 60 = 0.0666… → 0.067
    assert line.status is ReconciliationStatus.CONSISTENT


def test_a_gap_of_exactly_the_tolerance_is_consistent_and_just_over_it_is_not() -> None:
    # 5 points of 200 stays is 10 documents: 110 vs 100 is exactly +5.0, 111 vs 100 is +5.5
    assert (
        reconcile(LETTERS, 100, 200, NationalFigure(110), LocalDocumentFacts()).status
        is ReconciliationStatus.CONSISTENT
    )
    assert (
        reconcile(LETTERS, 100, 200, NationalFigure(111), LocalDocumentFacts()).status
        is ReconciliationStatus.NATIONAL_HIGHER
    )


def test_a_national_count_below_the_local_numerator_beyond_tolerance_is_local_higher() -> None:
    # 80 / 100 locally, 50 nationally: gap −30.0 points, relative (50 − 80) / 80 = −0.375
    line = reconcile(LETTERS, 80, 100, NationalFigure(50), LocalDocumentFacts())
    assert (line.gap_points, line.relative_gap, line.status) == (
        Decimal("-30.0"),
        Decimal("-0.375"),
        ReconciliationStatus.LOCAL_HIGHER,
    )


def test_the_tolerance_is_configurable_per_indicator() -> None:
    line = reconcile(LETTERS, 60, 100, NationalFigure(64), LocalDocumentFacts(), tolerance_points=Decimal(2))
    assert line.status is ReconciliationStatus.NATIONAL_HIGHER
    assert line.tolerance_points == Decimal(2)


def test_no_national_row_is_national_missing() -> None:
    line = reconcile(LETTERS, 60, 100, NationalFigure(None), LocalDocumentFacts())
    assert (line.status, line.national_rate, line.gap_points, line.relative_gap) == (
        ReconciliationStatus.NATIONAL_MISSING,
        None,
        None,
        None,
    )


def test_a_zero_local_denominator_is_not_comparable() -> None:
    line = reconcile(LETTERS, 0, 0, NationalFigure(12), LocalDocumentFacts())
    assert (line.status, line.local_rate, line.national_rate, line.gap_points, line.relative_gap) == (
        ReconciliationStatus.NOT_COMPARABLE,
        None,
        None,
        None,
        None,
    )


def test_the_relative_gap_is_null_when_the_local_numerator_is_zero() -> None:
    line = reconcile(LETTERS, 0, 50, NationalFigure(5), LocalDocumentFacts())
    assert (line.relative_gap, line.gap_points) == (None, Decimal("10.0"))


def test_eligible_documents_beyond_the_numerator_point_to_several_documents_per_stay() -> None:
    # 70 stays counted, 85 letters passing §4: 15 stays have a second letter
    line = reconcile(LETTERS, 70, 100, NationalFigure(85), LocalDocumentFacts(eligible_sent=85))
    assert line.causes == ((LikelyCause.SEVERAL_DOCUMENTS_PER_UNIT, 15),)


def test_document_causes_are_listed_with_their_counts_in_a_fixed_order() -> None:
    facts = LocalDocumentFacts(eligible_sent=60, late=4, rejected=3, sent_without_qualified_ins=9)
    line = reconcile(LETTERS, 60, 100, NationalFigure(50, unmatched_rows=2), facts)
    assert line.causes == (
        (LikelyCause.LATE_SENDING, 4),
        (LikelyCause.DMP_REJECTIONS, 3),
        (LikelyCause.WITHOUT_QUALIFIED_INS, 9),
        (LikelyCause.UNMATCHED_NATIONAL_ROWS, 2),
    )


def test_prescription_lots_other_than_the_stays_are_a_cause() -> None:
    assert reconcile(PRESCRIPTIONS, 40, 50, NationalFigure(55, lots=47), LocalDocumentFacts()).causes == (
        (LikelyCause.PRESCRIPTION_LOTS, 47),
    )
    assert reconcile(PRESCRIPTIONS, 40, 50, NationalFigure(55, lots=40), LocalDocumentFacts()).causes == ()


def test_insi_calls_are_never_one_per_patient() -> None:
    line = reconcile(NATIONAL_CHECKS["P1.O1"], 900, 1000, NationalFigure(2400), LocalDocumentFacts(late=5))
    assert line.causes == ((LikelyCause.INSI_CALLS_NOT_PER_PATIENT, 2400),)  # no document cause for P1.O1
    assert line.status is ReconciliationStatus.NATIONAL_HIGHER


def test_the_ght_line_sums_its_members_and_counts_unmatched_rows_once() -> None:
    # member A: 60 / 100, national 70, 2 unmatched rows in the month; member B: 30 / 50, national 20, same 2 rows.
    # GHT: 90 / 150 = 60.0 %; national 90 / 150 = 60.0 %: consistent, 2 unmatched rows (not 4)
    a = {"P1.O2.LDL": MemberFigures(60, 100, NationalFigure(70, unmatched_rows=2), LocalDocumentFacts(late=1))}
    b = {"P1.O2.LDL": MemberFigures(30, 50, NationalFigure(20, unmatched_rows=2), LocalDocumentFacts(late=3))}
    line = next(line for line in reconcile_ght([a, b], TOLERANCES) if line.indicator_id == "P1.O2.LDL")
    assert (line.local_numerator, line.local_denominator, line.national_count) == (90, 150, 90)
    assert (line.gap_points, line.status) == (Decimal("0.0"), ReconciliationStatus.CONSISTENT)
    assert line.causes == ((LikelyCause.LATE_SENDING, 4), (LikelyCause.UNMATCHED_NATIONAL_ROWS, 2))


def test_the_ght_national_count_sums_the_members_that_have_one() -> None:
    # A has no national row, B has 45 for 40 / 50 locally: the GHT compares 45 with 100 / 150 (gap −36.7 points)
    a = {"P1.O3": MemberFigures(60, 100, NationalFigure(None), LocalDocumentFacts())}
    b = {"P1.O3": MemberFigures(40, 50, NationalFigure(45), LocalDocumentFacts())}
    line = next(line for line in reconcile_ght([a, b], TOLERANCES) if line.indicator_id == "P1.O3")
    assert (line.national_count, line.gap_points, line.status) == (
        45,
        Decimal("-36.7"),
        ReconciliationStatus.LOCAL_HIGHER,
    )
    missing = next(line for line in reconcile_ght([a], TOLERANCES) if line.indicator_id == "P1.O3")
    assert missing.status is ReconciliationStatus.NATIONAL_MISSING
