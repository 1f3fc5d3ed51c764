"""The response matrix as an XLSX workbook a person reads in Excel or LibreOffice: the matrix with
French headers and numbers stored as numbers, then the calculation details and the justification
of the stay notion, one line of text per row."""

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.evidence.response_matrix import RESPONSE_MATRIX_HEADERS, Cell, ResponseMatrixRow

MATRIX_SHEET = "Matrice de réponse"
DETAILS_SHEET = "Détails de calcul"
STAY_NOTION_SHEET = "Notion de séjour"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_RATE_COLUMN = RESPONSE_MATRIX_HEADERS.index("Taux (%)") + 1
_WIDEST = 70  # characters; longer labels wrap rather than widen the sheet
_TEXT_WIDTH = 140


def response_matrix_xlsx(rows: Sequence[ResponseMatrixRow], calculation_details: str, stay_notion: str) -> bytes:
    workbook = Workbook()
    matrix = workbook.active
    assert isinstance(matrix, Worksheet)
    matrix.title = MATRIX_SHEET
    _write_matrix(matrix, rows)
    for title, text in ((DETAILS_SHEET, calculation_details), (STAY_NOTION_SHEET, stay_notion)):
        sheet = workbook.create_sheet(title)
        for line in text.splitlines():
            sheet.append([line])
        sheet.column_dimensions["A"].width = _TEXT_WIDTH
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_matrix(sheet: Worksheet, rows: Sequence[ResponseMatrixRow]) -> None:
    values = [[_number(value) for value in row.cells()] for row in rows]
    sheet.append(list(RESPONSE_MATRIX_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for line in values:
        sheet.append(line)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=_RATE_COLUMN, max_col=_RATE_COLUMN):
        cell.number_format = "0.0"
    for index, header in enumerate(RESPONSE_MATRIX_HEADERS):
        longest = max([len(header), *(len("" if line[index] is None else str(line[index])) for line in values)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(longest + 2, _WIDEST)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _number(value: Cell) -> str | int | float | None:
    """Decimals as floats: Excel has no decimal type, and a one-decimal rate survives the conversion."""
    return float(value) if isinstance(value, Decimal) else value
