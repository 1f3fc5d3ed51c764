"""The first worksheet of an XLSX national file as a table of cell texts, numbered by sheet row."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from adapters.national.csv_table import Table, table_from
from domain.errors import UnreadableFile


def read_xlsx_table(content: bytes) -> Table:
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some producers declare a wrong sheet size, which read-only mode would trust
            values = list(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    except Exception as error:  # a damaged workbook surfaces as zip, XML, key or index errors alike
        raise UnreadableFile(f"the file is not a readable XLSX workbook ({type(error).__name__}: {error})") from error
    return table_from((number, tuple(_text(value) for value in row)) for number, row in enumerate(values, start=1))


def _text(value: object) -> str:
    """A cell as the text a CSV export would hold; a whole float (a FINESS number, a count) loses its `.0`."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
