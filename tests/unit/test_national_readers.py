"""Reading national statistics files (data-contract.md §3): CSV or XLSX, through a column mapping."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from adapters.national.national_file_reader import read_national_file
from adapters.national.national_values import Invalid, parse_value
from domain.errors import RecordIssue, UnreadableFile
from domain.identifiers import finess_problem
from domain.national.datasets import ColumnMapping, FieldKind, FinessKind, NationalDataset, NationalRow
from domain.periods import Period

ENTITY = "750712184"
SITE = "750100018"
AIN_SITE = "010000123"  # department 01: a numeric spreadsheet cell shows it as 10000123
DMP_FEEDS = ColumnMapping("canonical", NationalDataset.DMP_FEEDS)
MSS_EQUIPMENT = ColumnMapping("canonical", NationalDataset.MSS_EQUIPMENT)
CNAM_2024 = ColumnMapping(
    "CNAM 2024",
    NationalDataset.DMP_FEEDS,
    {
        "finess": "FINESS EJ",
        "finess_kind": "Type FINESS",
        "period": "Mois",
        "type_code": "Type de document",
        "documents": "Nb documents",
        "documents_ins_qualified": "Nb documents INS qualifiée",
    },
)
MARCH = Period(2024, 3)


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode(encoding)


def xlsx_bytes(*rows: tuple[object, ...]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    content = BytesIO()
    workbook.save(content)
    return content.getvalue()


def test_the_finess_numbers_of_these_tests_are_valid() -> None:
    assert all(finess_problem(finess) is None for finess in (ENTITY, SITE, AIN_SITE))
    assert finess_problem("010000124") is not None


def test_a_canonical_layout_csv_with_semicolons_is_read_into_rows() -> None:
    content = csv_bytes(
        "finess;finess_kind;period;type_code;documents;documents_ins_qualified;lots",
        f"{ENTITY};EJ;2024-03;11488-4;1200;1100;3",
        f"{SITE};ET;2024-03;PRESC;40;38;",
    )

    reading = read_national_file(content, "dmp.csv", "text/csv", DMP_FEEDS)

    assert reading.issues == ()
    assert reading.rows == (
        NationalRow(
            2,
            MARCH,
            ENTITY,
            FinessKind.EJ,
            type_code="11488-4",
            counts={"documents": 1200, "documents_ins_qualified": 1100, "lots": 3},
        ),
        NationalRow(
            3, MARCH, SITE, FinessKind.ET, type_code="PRESC", counts={"documents": 40, "documents_ins_qualified": 38}
        ),
    )


def test_latin1_bytes_and_decimal_commas_are_read() -> None:
    mapping = ColumnMapping("latin-1", NationalDataset.INSI_CALLS, {"period": "Période", "calls": "Appels INSi"})
    content = csv_bytes(
        "finess;finess_kind;Période;Appels INSi",
        f"{SITE};géographique;03/2024;1 234,0",
        encoding="latin-1",
    )

    reading = read_national_file(content, None, None, mapping)

    assert reading.issues == ()
    assert reading.rows == (NationalRow(2, MARCH, SITE, FinessKind.ET, counts={"calls": 1234}),)


def test_a_utf8_file_with_a_byte_order_mark_matches_its_first_header() -> None:
    content = b"\xef\xbb\xbf" + csv_bytes("area;period;rate", "84;202403;0,5")

    reading = read_national_file(content, "equipement.csv", None, MSS_EQUIPMENT)

    assert reading.rows == (NationalRow(2, MARCH, area="84", rate=Decimal("0.5")),)


def test_a_comma_delimited_csv_reads_quoted_decimal_commas() -> None:
    content = csv_bytes("area,period,rate", '11,2024-03,"0,453"', '2A,2024-03,"12,5 %"')

    reading = read_national_file(content, "equipement.csv", "text/csv", MSS_EQUIPMENT)

    assert reading.issues == ()
    assert [(row.area, row.rate) for row in reading.rows] == [("11", Decimal("0.453")), ("2A", Decimal("0.125"))]


def test_a_mapping_reads_a_producer_layout_and_ignores_its_other_columns() -> None:
    content = csv_bytes(
        "Raison sociale;FINESS EJ;Type FINESS;Mois;Type de document;Nb documents;Nb documents INS qualifiée",
        f"CHU Test;{ENTITY};EJ;2024-03;11488-4;1.234;1 200",
    )

    reading = read_national_file(content, "dmp_2024.csv", None, CNAM_2024)

    assert reading.issues == ()
    assert reading.rows == (
        NationalRow(
            2,
            MARCH,
            ENTITY,
            FinessKind.EJ,
            type_code="11488-4",
            counts={"documents": 1234, "documents_ins_qualified": 1200},
        ),
    )


def test_headers_match_whatever_their_case_and_spacing() -> None:
    content = csv_bytes(
        "finess ej;TYPE FINESS;  mois ;Type  de document;NB DOCUMENTS",
        f"{ENTITY};EJ;2024-03;11488-4;5",
    )

    reading = read_national_file(content, None, None, CNAM_2024)

    assert reading.issues == ()
    assert reading.rows[0].counts == {"documents": 5}


def test_an_xlsx_workbook_restores_a_lost_leading_zero_and_reads_a_date_as_its_month() -> None:
    content = xlsx_bytes(
        ("FINESS EJ", "Type FINESS", "Mois", "Type de document", "Nb documents"),
        (10000123, "ET", datetime(2024, 3, 1), "11488-4", 12.0),
        (ENTITY, "EJ", "2024-03", 11488, 7),
    )

    reading = read_national_file(content, "dmp.xlsx", None, CNAM_2024)

    assert reading.issues == ()
    assert reading.rows == (
        NationalRow(2, MARCH, AIN_SITE, FinessKind.ET, type_code="11488-4", counts={"documents": 12}),
        NationalRow(3, MARCH, ENTITY, FinessKind.EJ, type_code="11488", counts={"documents": 7}),
    )


def test_an_xlsx_workbook_is_recognised_by_its_bytes_whatever_its_name_and_type() -> None:
    content = xlsx_bytes(("area", "period", "rate"), ("84", "2024-03", 0.453))

    reading = read_national_file(content, "upload.bin", "application/octet-stream", MSS_EQUIPMENT)

    assert reading.rows == (NationalRow(2, MARCH, area="84", rate=Decimal("0.453")),)


def test_xlsx_issues_are_numbered_by_sheet_row_below_empty_rows() -> None:
    content = xlsx_bytes(
        (),
        (None, None),
        ("area", "period", "rate"),
        ("84", "2024-03", 1.5),
    )

    reading = read_national_file(content, "equipement.xlsx", None, MSS_EQUIPMENT)

    assert reading.issues == (RecordIssue(4, "rate", "a rate lies between 0 and 1 (0 % and 100 %)", "1.5"),)


def test_a_file_named_xlsx_that_is_no_workbook_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="not a readable XLSX"):
        read_national_file(csv_bytes("area;period;rate", "84;2024-03;0,5"), "equipement.xlsx", None, MSS_EQUIPMENT)


def test_a_damaged_workbook_is_unreadable() -> None:
    content = xlsx_bytes(("area", "period", "rate"), ("84", "2024-03", 0.5))

    with pytest.raises(UnreadableFile, match="not a readable XLSX"):
        read_national_file(content[: len(content) // 2], "equipement.xlsx", None, MSS_EQUIPMENT)


def test_every_issue_is_listed_with_its_line_and_field() -> None:
    content = csv_bytes(
        "finess;finess_kind;period;type_code;documents;documents_ins_qualified;lots",
        f"{ENTITY};EJ;2024-03;11488-4;10;9;",
        "750712185;XX;2024-13;11488-4;10;9;",
        f"{SITE};ET;2024-03;;-4;2,5;",
        f"{SITE};ET;2024-03;11488-4;10;9;beaucoup",
    )

    reading = read_national_file(content, "dmp.csv", None, DMP_FEEDS)

    assert reading.issues == (
        RecordIssue(3, "finess", "the FINESS check digit (Luhn) does not match", "750712185"),
        RecordIssue(3, "finess_kind", "a FINESS kind is EJ (juridique) or ET (géographique)", "XX"),
        RecordIssue(3, "period", "'2024-13' is not a real month", "2024-13"),
        RecordIssue(4, "type_code", "required"),
        RecordIssue(4, "documents", "a count cannot be negative", "-4"),
        RecordIssue(4, "documents_ins_qualified", "a count is a whole number", "2,5"),
        RecordIssue(5, "lots", "a count is a whole number", "beaucoup"),
    )
    assert [row.line for row in reading.rows] == [2]


def test_a_quoted_cell_over_two_lines_keeps_the_next_lines_numbered_by_file_line() -> None:
    content = csv_bytes("area;period;rate;comment", '84;2024-03;0,5;"two', 'lines"', "84;2024-13;0,5;")

    reading = read_national_file(content, None, None, MSS_EQUIPMENT)

    assert [issue.line for issue in reading.issues] == [4]


def test_missing_required_headers_are_issues_on_line_1_naming_the_mapped_header() -> None:
    content = csv_bytes("FINESS EJ;Type FINESS;Période;Nb documents", f"{ENTITY};EJ;2024-03;10")

    reading = read_national_file(content, None, None, CNAM_2024)

    assert reading.rows == ()
    assert reading.issues == (
        RecordIssue(1, "period", "required field missing from the header: no column 'Mois'"),
        RecordIssue(1, "type_code", "required field missing from the header: no column 'Type de document'"),
    )


def test_a_mapped_header_given_twice_is_an_issue() -> None:
    content = csv_bytes("area;period;rate;rate", "84;2024-03;0,5;0,6")

    reading = read_national_file(content, None, None, MSS_EQUIPMENT)

    assert reading.issues == (RecordIssue(1, "rate", "column 'rate' given twice in the header"),)


@pytest.mark.parametrize("content", [b"", b"\r\n \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_unreadable(content: bytes) -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        read_national_file(content, "dmp.csv", None, DMP_FEEDS)


def test_a_header_without_data_rows_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="no data rows"):
        read_national_file(csv_bytes("area;period;rate", ";;"), None, None, MSS_EQUIPMENT)


def test_a_legacy_xls_file_is_unreadable_with_the_way_out() -> None:
    with pytest.raises(UnreadableFile, match="save the file as XLSX or CSV"):
        read_national_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "dmp.xls", None, DMP_FEEDS)


def test_an_area_dataset_reads_a_french_percentage_as_a_share() -> None:
    content = csv_bytes("area;period;rate", "84;2024-03;45,3 %", "1;2024-03;45.3%")

    reading = read_national_file(content, None, None, MSS_EQUIPMENT)

    assert reading.rows == (
        NationalRow(2, MARCH, area="84", rate=Decimal("0.453")),
        NationalRow(3, MARCH, area="01", rate=Decimal("0.453")),
    )


def test_lots_are_optional_whether_their_column_is_absent_or_their_cell_empty() -> None:
    absent = csv_bytes("finess;finess_kind;period;type_code;documents", f"{ENTITY};EJ;2024-03;11488-4;3")
    empty = csv_bytes("finess;finess_kind;period;type_code;documents;lots", f"{ENTITY};EJ;2024-03;11488-4;3;")

    for content in (absent, empty):
        reading = read_national_file(content, None, None, DMP_FEEDS)
        assert reading.issues == ()
        assert reading.rows[0].counts == {"documents": 3}


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("1\u202f234\u202f567", 1234567),
        ("1.234", 1234),
        ("1.234.567", 1234567),
        ("12,0", 12),
        ("12.0", 12),
        ("0", 0),
    ],
)
def test_counts_accept_thousands_separators_and_a_zero_fraction(text: str, count: int) -> None:
    assert parse_value(FieldKind.COUNT, text) == count


@pytest.mark.parametrize("text", ["-3", "12,5", "1.2345", "1 23", "1.234 567", "douze", "1e3", "1,000"])
def test_counts_refuse_negatives_fractions_text_and_an_ambiguous_comma(text: str) -> None:
    assert isinstance(parse_value(FieldKind.COUNT, text), Invalid)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("0,453", Decimal("0.453")),
        ("0.453", Decimal("0.453")),
        ("45,3 %", Decimal("0.453")),
        ("45.3%", Decimal("0.453")),
        ("45,3\u00a0%", Decimal("0.453")),
        ("100 %", Decimal(1)),
        ("0", Decimal(0)),
    ],
)
def test_rates_accept_a_decimal_comma_and_a_percentage(text: str, rate: Decimal) -> None:
    assert parse_value(FieldKind.RATE, text) == rate


@pytest.mark.parametrize("text", ["1,5", "45,3", "-0,1", "120 %", "élevé"])
def test_rates_outside_0_to_1_or_not_numbers_are_refused(text: str) -> None:
    assert isinstance(parse_value(FieldKind.RATE, text), Invalid)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03",
        "202403",
        "03/2024",
        "3/2024",
        "2024/03",
        "2024-03-15",
        "2024-03-15T10:30:00",
        "2024-03-01 00:00:00",
        "15/03/2024",
    ],
)
def test_periods_are_read_from_the_usual_month_and_date_forms(text: str) -> None:
    assert parse_value(FieldKind.PERIOD, text) == MARCH


@pytest.mark.parametrize("text", ["2024-13", "13/2024", "202400", "2024-02-30", "1999-12", "mars 2024"])
def test_periods_that_are_no_real_month_are_refused(text: str) -> None:
    assert isinstance(parse_value(FieldKind.PERIOD, text), Invalid)


@pytest.mark.parametrize(("text", "area"), [("84", "84"), ("2a", "2A"), ("1", "01"), ("971", "971"), ("94", "94")])
def test_areas_are_region_or_department_codes(text: str, area: str) -> None:
    assert parse_value(FieldKind.AREA, text) == area


@pytest.mark.parametrize("text", ["00", "20", "96", "977", "2C", "Bretagne"])
def test_areas_that_are_no_region_or_department_are_refused(text: str) -> None:
    assert isinstance(parse_value(FieldKind.AREA, text), Invalid)


def test_a_finess_keeps_its_leading_zero_and_loses_its_inner_spaces() -> None:
    assert parse_value(FieldKind.FINESS, AIN_SITE) == AIN_SITE
    assert parse_value(FieldKind.FINESS, "750 712 184") == ENTITY
    assert parse_value(FieldKind.FINESS, "2a0000001") == "2A0000001"


def test_an_eight_digit_finess_is_padded_only_when_that_makes_it_valid() -> None:
    assert parse_value(FieldKind.FINESS, "10000123") == AIN_SITE
    assert parse_value(FieldKind.FINESS, "10000124") == Invalid(
        "a FINESS number is 9 characters: a department code (2 digits, 2A or 2B) and 7 digits"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("EJ", FinessKind.EJ),
        ("et", FinessKind.ET),
        ("Juridique", FinessKind.EJ),
        ("Géographique", FinessKind.ET),
        ("geographique", FinessKind.ET),
    ],
)
def test_finess_kinds_are_read_from_their_code_or_name(text: str, kind: FinessKind) -> None:
    assert parse_value(FieldKind.FINESS_KIND, text) is kind
