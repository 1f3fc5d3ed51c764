"""A national statistics file (data-contract.md §3), CSV or XLSX, read into canonical rows through a column mapping."""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar, cast

from adapters.national.csv_table import Cells, Table, read_csv_table
from adapters.national.national_values import Invalid, NationalValue, parse_value
from adapters.national.xlsx_table import read_xlsx_table
from domain.errors import RecordIssue, UnreadableFile
from domain.national.datasets import (
    CANONICAL_FIELDS,
    CanonicalField,
    ColumnMapping,
    FieldKind,
    FinessKind,
    NationalRow,
)
from domain.periods import Period

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy binary .xls
_XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class NationalFileReading:
    """The lines read, and every issue found; any issue refuses the whole import."""

    rows: tuple[NationalRow, ...]
    issues: tuple[RecordIssue, ...]


def read_national_file(
    content: bytes, file_name: str | None, content_type: str | None, mapping: ColumnMapping
) -> NationalFileReading:
    """Issues are numbered by line (CSV) or sheet row (XLSX), 1 being the first. Header problems are
    reported alone, on the header's line: no line can be read without its columns."""
    if not content.strip():
        raise UnreadableFile("the file is empty")
    if content.startswith(_OLE2_SIGNATURE):
        raise UnreadableFile("the legacy XLS format is not read: save the file as XLSX or CSV")
    table = read_xlsx_table(content) if _is_xlsx(content, file_name, content_type) else read_csv_table(content)
    fields = CANONICAL_FIELDS[mapping.dataset]
    columns, header_issues = _columns(table, fields, mapping)
    if header_issues:
        return NationalFileReading((), tuple(header_issues))
    rows: list[NationalRow] = []
    issues: list[RecordIssue] = []
    for line, cells in table.rows:
        values, line_issues = _values(line, cells, fields, columns)
        if line_issues:
            issues.extend(line_issues)
        else:
            rows.append(_row(line, values, fields))
    return NationalFileReading(tuple(rows), tuple(issues))


def _is_xlsx(content: bytes, file_name: str | None, content_type: str | None) -> bool:
    declared_type = (content_type or "").partition(";")[0].strip().lower()
    return (
        content.startswith(_ZIP_SIGNATURE)
        or declared_type == _XLSX_CONTENT_TYPE
        or (file_name or "").lower().endswith(".xlsx")
    )


def _header_key(header: str) -> str:
    """Headers match whatever their case, spacing or Unicode composition."""
    return " ".join(unicodedata.normalize("NFC", header).split()).casefold()


def _columns(
    table: Table, fields: tuple[CanonicalField, ...], mapping: ColumnMapping
) -> tuple[dict[str, int], list[RecordIssue]]:
    """The column of each canonical field present in the header, and the header's issues."""
    positions: dict[str, list[int]] = {}
    for position, header in enumerate(table.header):
        positions.setdefault(_header_key(header), []).append(position)
    columns: dict[str, int] = {}
    issues: list[RecordIssue] = []
    for field in fields:
        header = mapping.header_of(field.name)
        found = positions.get(_header_key(header), [])
        if len(found) > 1:
            issues.append(RecordIssue(table.header_line, field.name, f"column '{header}' given twice in the header"))
        elif found:
            columns[field.name] = found[0]
        elif field.required:
            issues.append(
                RecordIssue(
                    table.header_line, field.name, f"required field missing from the header: no column '{header}'"
                )
            )
    return columns, issues


def _values(
    line: int, cells: Cells, fields: tuple[CanonicalField, ...], columns: Mapping[str, int]
) -> tuple[dict[str, NationalValue], list[RecordIssue]]:
    """The values of one line by canonical field (empty optional cells left out), and its issues."""
    values: dict[str, NationalValue] = {}
    issues: list[RecordIssue] = []
    for field in fields:
        column = columns.get(field.name)
        text = cells[column].strip() if column is not None and column < len(cells) else ""
        if not text:
            if field.required:
                issues.append(RecordIssue(line, field.name, "required"))
            continue
        value = parse_value(field.kind, text)
        if isinstance(value, Invalid):
            issues.append(RecordIssue(line, field.name, value.reason, text))
        else:
            values[field.name] = value
    return values, issues


def _row(line: int, values: Mapping[str, NationalValue], fields: tuple[CanonicalField, ...]) -> NationalRow:
    return NationalRow(
        line=line,
        period=cast(Period, values["period"]),  # required in every dataset, so read when the line has no issue
        finess=_value_of(values, "finess", str),
        finess_kind=_value_of(values, "finess_kind", FinessKind),
        area=_value_of(values, "area", str),
        type_code=_value_of(values, "type_code", str),
        counts={
            field.name: count
            for field in fields
            if field.kind is FieldKind.COUNT and (count := _value_of(values, field.name, int)) is not None
        },
        rate=_value_of(values, "rate", Decimal),
    )


def _value_of(values: Mapping[str, NationalValue], name: str, kind: type[V]) -> V | None:
    value = values.get(name)
    return value if isinstance(value, kind) else None
