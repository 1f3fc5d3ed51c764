"""A national file as a table of cell texts, and the reading of a CSV one into it."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from adapters.uploads.text_dialect import detect_delimiter
from domain.errors import UnreadableFile

Cells = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """The header and the non-blank rows under it, each numbered by its line (CSV) or sheet row (XLSX)."""

    header_line: int
    header: Cells
    rows: tuple[tuple[int, Cells], ...]


def table_from(numbered_rows: Iterable[tuple[int, Cells]]) -> Table:
    """The first non-blank row is the header; blank rows are skipped."""
    rows = [(number, cells) for number, cells in numbered_rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise UnreadableFile("the file is empty")
    (header_line, header), *data = rows
    if not data:
        raise UnreadableFile("the file has a header line but no data rows")
    return Table(header_line, header, tuple(data))


def read_csv_table(content: bytes) -> Table:
    """UTF-8 (BOM or not) when the bytes decode as such, else Windows-1252, else Latin-1; `;` or `,` delimited."""
    text = _decoded(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return table_from(_numbered_records(text, detect_delimiter(first_line)))
    except csv.Error as error:
        raise UnreadableFile(f"the file is not readable as CSV: {error}") from error


def _decoded(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _numbered_records(text: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    """Each record with the line it starts on (a quoted cell may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, tuple(cells)
        start = reader.line_num + 1
