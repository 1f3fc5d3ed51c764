"""The response matrix: one row per indicator with the figures of its result and its French label,
and the CSV a French Excel opens."""

from dataclasses import replace
from decimal import Decimal

from adapters.exports.csv_response_matrix import response_matrix_csv
from domain.evidence.response_matrix import RESPONSE_MATRIX_HEADERS, response_matrix
from domain.indicators.results import compute_month
from domain.indicators.targets import Status, Tier, target_referential
from tests.unit.test_indicator_scenario import MARCH


def test_each_result_gives_a_row_with_its_figures_and_french_label() -> None:
    results = compute_month(MARCH, target_referential())
    rows = response_matrix(MARCH.entity, MARCH.month, results)
    assert [row.indicator_id for row in rows] == [result.indicator_id for result in results]
    letters = rows[1]
    assert letters.cells() == (
        "750712184",
        "CHU",
        "2025-03",
        "P1.O2.LDL",
        "Lettres de liaison de sortie alimentées dans le DMP",
        1,
        2,
        Decimal("50.0"),
        70,
        "sunes",
        "not_achieved",
        "HOPEN2-P1",
    )
    assert rows[0].label_fr == "Patients de la file active avec une INS qualifiée"
    assert all(len(row.cells()) == len(RESPONSE_MATRIX_HEADERS) for row in rows)


def test_a_month_without_activity_has_no_rate() -> None:
    empty = replace(MARCH, encounters=(), consultations=(), documents=(), messages=())
    rows = response_matrix(empty.entity, empty.month, compute_month(empty, target_referential()))
    ins = rows[0]
    assert (ins.numerator, ins.denominator, ins.rate, ins.status) == (0, 0, None, Status.NO_ACTIVITY)
    assert {row.rate for row in rows} == {None}


def test_the_csv_has_a_bom_semicolons_and_a_decimal_comma() -> None:
    rows = response_matrix(MARCH.entity, MARCH.month, compute_month(MARCH, target_referential()))
    no_rate = replace(rows[0], rate=None, status=Status.NO_ACTIVITY, tier=Tier.OTHER)
    content = response_matrix_csv([rows[1], no_rate])
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";") == list(RESPONSE_MATRIX_HEADERS)
    assert lines[1].split(";")[5:] == ["1", "2", "50,0", "70", "sunes", "not_achieved", "HOPEN2-P1"]
    assert lines[2].split(";")[7] == "" and lines[3] == ""
