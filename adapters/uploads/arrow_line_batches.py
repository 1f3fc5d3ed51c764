"""Read an uploaded CSV or NDJSON file as batches of text columns, each row with its line number.

CSV goes through Arrow's streaming reader (fast path). A row Arrow cannot split (wrong field
count, or a quoted value spanning lines) makes the caller restart with the exact reader, which
walks the file with Python's `csv` module and knows the line of every record.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from adapters.uploads.issue_sink import IssueSink
from adapters.uploads.text_dialect import TextDialect
from domain.errors import RecordIssue

_BLOCK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LineBatch:
    columns: dict[str, pa.Array]  # text columns by field name; absent optional fields omitted
    lines: pa.Array  # int64 line number of each row

    last_line: int = 0  # the physical line the batch ends on, blank lines included

    @property
    def num_rows(self) -> int:
        return len(self.lines)


class MalformedCsv(Exception):
    """Arrow met a row it cannot split, or a value spanning lines (which would shift its line
    count): re-read the file with the exact reader."""


def csv_batches_fast(path: Path, dialect: TextDialect, header: list[str], lines: int) -> Iterator[LineBatch]:
    """Batches of Arrow's reader; `lines` (the file's physical lines) proves at the end that no
    quoted value spanned lines, else MalformedCsv: the line numbers given so far were wrong."""
    try:
        records = 0
        for batch in _arrow_csv_batches(path, dialect, header):
            records = batch.last_line
            yield batch
    except pa.ArrowInvalid as error:
        if "CSV parse error" in str(error):
            raise MalformedCsv from None
        raise
    if max(records, 1) != lines:
        raise MalformedCsv


def _arrow_csv_batches(path: Path, dialect: TextDialect, header: list[str]) -> Iterator[LineBatch]:
    """Blocks of whole lines, each parsed by Arrow on its own: memory stays one block whatever the
    file size (Arrow's own streaming reader reads dozens of blocks ahead)."""
    read_options = pa_csv.ReadOptions(
        encoding=dialect.encoding, column_names=header, use_threads=False, block_size=2 * _BLOCK_BYTES
    )  # one record batch per block
    parse_options = pa_csv.ParseOptions(delimiter=dialect.delimiter, newlines_in_values=False, ignore_empty_lines=False)
    convert_options = pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    first_line = 2
    for block in _line_blocks(path):
        table = pa_csv.read_csv(pa.py_buffer(block), read_options, parse_options, convert_options)
        for record_batch in table.to_batches():
            count = record_batch.num_rows
            lines = pc.add(pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), count)), first_line - 1)
            first_line += count
            yield _without_blank_rows(
                LineBatch(dict(zip(header, record_batch.columns, strict=True)), lines, first_line - 1)
            )


def _line_blocks(path: Path) -> Iterator[bytes]:
    """The file after its header line, in blocks of about _BLOCK_BYTES ending on a line end."""
    with path.open("rb") as handle:
        handle.readline()
        carried = b""
        while block := handle.read(_BLOCK_BYTES):
            block = carried + block
            end = block.rfind(b"\n") + 1
            if end:
                carried = block[end:]
                yield block[:end]
            else:
                carried = block
        if carried:
            yield carried


def csv_batches_exact(
    path: Path, dialect: TextDialect, header: list[str], batch_rows: int, sink: IssueSink
) -> Iterator[LineBatch]:
    with path.open(encoding=dialect.encoding, newline="") as handle:
        if dialect.has_bom and dialect.encoding == "utf-8":
            handle.read(1)
        reader = csv.reader(handle, delimiter=dialect.delimiter)
        next(reader, None)
        rows: list[list[str]] = []
        lines: list[int] = []
        while True:
            line = reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                sink.add(RecordIssue(line, "", f"expected {len(header)} fields, found {len(record)}"))
                continue
            rows.append(record)
            lines.append(line)
            if len(rows) == batch_rows:
                yield _batch_from_rows(header, rows, lines)
                rows, lines = [], []
        if rows:
            yield _batch_from_rows(header, rows, lines)


def ndjson_batches(
    path: Path, encoding: str, known_fields: tuple[str, ...], batch_rows: int, sink: IssueSink
) -> Iterator[LineBatch]:
    decoder = msgspec.json.Decoder()
    known = set(known_fields)
    columns: dict[str, list[str | None]] = {name: [] for name in known_fields}
    lines: list[int] = []
    with path.open(encoding=encoding, newline="") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            row = _decode_object(decoder, text, line, known, sink)
            if row is None:
                continue
            for name in known_fields:
                columns[name].append(row.get(name))
            lines.append(line)
            if len(lines) == batch_rows:
                yield _batch_from_columns(columns, lines)
                columns = {name: [] for name in known_fields}
                lines = []
    if lines:
        yield _batch_from_columns(columns, lines)


def _decode_object(
    decoder: msgspec.json.Decoder[Any], text: str, line: int, known: set[str], sink: IssueSink
) -> dict[str, str | None] | None:
    try:
        value = decoder.decode(text)
    except msgspec.DecodeError:
        sink.add(RecordIssue(line, "", "not a JSON object"))
        return None
    if not isinstance(value, dict):
        sink.add(RecordIssue(line, "", "not a JSON object"))
        return None
    row: dict[str, str | None] = {}
    for name, item in value.items():
        if name not in known:
            sink.add(RecordIssue(line, str(name), "unknown field"))
        elif isinstance(item, dict | list):
            sink.add(RecordIssue(line, name, "must be a single value, not an object or a list"))
        elif item is None or isinstance(item, str):
            row[name] = item or None
        elif isinstance(item, bool):
            row[name] = "true" if item else "false"
        else:
            row[name] = str(item)
    return row


def _batch_from_rows(header: list[str], rows: list[list[str]], lines: list[int]) -> LineBatch:
    columns = {name: pa.array([row[index] or None for row in rows], pa.string()) for index, name in enumerate(header)}
    return LineBatch(columns, pa.array(lines, pa.int64()))


def _batch_from_columns(columns: dict[str, list[str | None]], lines: list[int]) -> LineBatch:
    arrays = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    return LineBatch(arrays, pa.array(lines, pa.int64()))


def _without_blank_rows(batch: LineBatch) -> LineBatch:
    """Blank lines are tolerated; they keep their place in the line count but carry no record."""
    first = next(iter(batch.columns.values()), None)
    if first is None or not first.null_count:  # a blank line always leaves the first cell empty
        return batch
    blank: pa.Array | None = None
    for column in batch.columns.values():
        empty = pc.or_kleene(pc.is_null(column), pc.equal(pc.utf8_trim_whitespace(column), ""))
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is None or not pc.any(blank).as_py():
        return batch
    keep = pc.invert(blank)
    return LineBatch(
        {name: column.filter(keep) for name, column in batch.columns.items()}, batch.lines.filter(keep), batch.last_line
    )
