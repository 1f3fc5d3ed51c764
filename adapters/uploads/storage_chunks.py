"""From a spooled upload to CSV chunks ready for PostgreSQL `COPY`, validating on the way.

The whole file is always read to the end so that every issue is counted.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa
import pyarrow.csv as pa_csv

from adapters.uploads.arrow_line_batches import (
    LineBatch,
    MalformedCsv,
    csv_batches_exact,
    csv_batches_fast,
    ndjson_batches,
)
from adapters.uploads.arrow_record_validator import UploadContext, validated_batch
from adapters.uploads.issue_sink import IssueSink
from adapters.uploads.text_dialect import TextDialect, detect_delimiter, header_line
from adapters.uploads.upload_spool import SpooledFile
from domain.errors import RecordIssue
from domain.submissions.record_kinds import RecordKindSpec

_WRITE_OPTIONS = pa_csv.WriteOptions(include_header=False, quoting_style="needed")


class FileFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"


@dataclass(frozen=True, slots=True)
class StorageChunk:
    csv: bytes
    rows: int


@dataclass(slots=True)
class UploadReading:
    """What reading the file learnt, filled in while chunks are produced."""

    dialect: TextDialect
    rows: int = 0
    restarted_exact: bool = False


def storage_chunks(
    spooled: SpooledFile,
    file_format: FileFormat,
    reading: UploadReading,
    spec: RecordKindSpec,
    context: UploadContext,
    sink: IssueSink,
    submission_id: int,
    batch_rows: int,
) -> Iterator[StorageChunk]:
    """Chunks of the valid rows, with the columns `submission_id, line_no, <spec fields>`.

    Rows with issues are left out, so that the store's set-based checks still run over the
    others and the refusal lists every issue. Raises MalformedCsv when the fast CSV reader
    must give way to the exact one.
    """
    for batch in _batches(spooled, file_format, reading, spec, sink, batch_rows):
        reading.rows += batch.num_rows
        columns, lines = validated_batch(batch, spec, context, sink).storable()
        if not len(lines):
            continue
        owner = pa.repeat(pa.scalar(submission_id, pa.int64()), len(lines))
        table = pa.table({"submission_id": owner, "line_no": lines, **columns})
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, _WRITE_OPTIONS)
        yield StorageChunk(buffer.getvalue(), len(lines))


def _batches(
    spooled: SpooledFile,
    file_format: FileFormat,
    reading: UploadReading,
    spec: RecordKindSpec,
    sink: IssueSink,
    batch_rows: int,
) -> Iterator[LineBatch]:
    dialect = reading.dialect
    if file_format is FileFormat.NDJSON:
        yield from ndjson_batches(spooled.path, dialect.encoding, spec.field_names, batch_rows, sink)
        return
    header_text = header_line(spooled.sample, dialect)
    delimiter = detect_delimiter(header_text)
    dialect = reading.dialect = TextDialect(dialect.encoding, dialect.has_bom, delimiter)
    header = [name.strip().strip('"').strip() for name in header_text.split(delimiter)]
    if not _header_is_usable(header, spec, sink):
        return
    if reading.restarted_exact:
        yield from csv_batches_exact(spooled.path, dialect, header, batch_rows, sink)
    else:
        yield from csv_batches_fast(spooled.path, dialect, header, spooled.lines)


def _header_is_usable(header: list[str], spec: RecordKindSpec, sink: IssueSink) -> bool:
    known = set(spec.field_names)
    seen: set[str] = set()
    for name in header:
        if name not in known:
            sink.add(RecordIssue(1, name, "unknown field"))
        elif name in seen:
            sink.add(RecordIssue(1, name, "field given twice in the header"))
        seen.add(name)
    for field in spec.fields:
        if field.required and field.name not in seen:
            sink.add(RecordIssue(1, field.name, "required field missing from the header"))
    return not sink


__all__ = ["FileFormat", "MalformedCsv", "StorageChunk", "UploadReading", "storage_chunks"]
