"""The response matrix as CSV for a French Excel: `;` between fields, UTF-8 with a byte order mark
(so that accents open right), a decimal comma in the rate, an empty cell when there is no rate."""

import csv
from collections.abc import Sequence
from decimal import Decimal
from io import StringIO

from domain.evidence.response_matrix import RESPONSE_MATRIX_HEADERS, Cell, ResponseMatrixRow

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def response_matrix_csv(rows: Sequence[ResponseMatrixRow]) -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(RESPONSE_MATRIX_HEADERS)
    writer.writerows([_text(value) for value in row.cells()] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return str(value).replace(".", ",") if isinstance(value, Decimal) else str(value)
