"""Warnings beside the figures: numerator above denominator, missing kinds and patients, flow breaks."""

from dataclasses import replace
from decimal import Decimal

from domain.indicators.results import IndicatorResult, compute_month
from domain.indicators.targets import target_referential
from domain.indicators.warnings import (
    FlowBreakThresholds,
    WarningCode,
    flow_breaks,
    missing_kinds,
    patients_missing_from_file,
    result_warnings,
)
from domain.submissions.record_kinds import RecordKind
from tests.unit.test_indicator_scenario import MARCH

LDL = {result.indicator_id: result for result in compute_month(MARCH, target_referential())}["P1.O2.LDL"]


def month(numerator: int, denominator: int) -> IndicatorResult:
    rate = None if not denominator else (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"))
    return replace(LDL, numerator=numerator, denominator=denominator, raw_denominator=denominator, rate=rate)


def test_a_rate_falling_by_twenty_points_against_the_last_three_months_is_a_flow_break() -> None:
    history = [month(80, 100), month(82, 100), month(78, 100)]  # mean 80 %
    assert [w.code for w in flow_breaks(month(60, 100), history)] == [WarningCode.RATE_DROP]
    assert flow_breaks(month(61, 100), history) == []


def test_a_numerator_halved_against_the_last_three_months_is_a_flow_break() -> None:
    history = [month(80, 100), month(80, 100), month(80, 100)]
    codes = [w.code for w in flow_breaks(month(40, 50), history)]  # rate stays 80 %, numerator halves
    assert codes == [WarningCode.NUMERATOR_DROP]


def test_thresholds_are_settings() -> None:
    history = [month(80, 100)] * 3
    assert flow_breaks(month(70, 100), history, FlowBreakThresholds(rate_drop_points=Decimal(10))) != []


def test_no_flow_break_is_judged_without_three_previous_months() -> None:
    assert flow_breaks(month(0, 100), [month(80, 100), month(80, 100)]) == []


def test_a_numerator_above_a_weighted_denominator_is_warned() -> None:
    (warning,) = result_warnings([replace(LDL, numerator=3, denominator=2, weighting="MES profile rate 0.93")])
    assert warning.code is WarningCode.NUMERATOR_ABOVE_DENOMINATOR and warning.indicator_id == "P1.O2.LDL"


def test_kinds_missing_for_the_month_are_listed() -> None:
    warnings = missing_kinds([RecordKind.PATIENTS, RecordKind.ENCOUNTERS, RecordKind.DOCUMENTS])
    assert [w.detail for w in warnings] == ["no consultations file for the month", "no messages file for the month"]


def test_patients_referenced_but_absent_from_the_patients_file_are_counted() -> None:
    # The scenario's pF has an HAD encounter, a consultation, a document and a message but no patients row.
    (warning,) = patients_missing_from_file(MARCH)
    assert (warning.code, warning.count) == (WarningCode.PATIENTS_MISSING_FROM_PATIENTS_FILE, 1)
