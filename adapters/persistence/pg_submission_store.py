"""Versioned, atomic, idempotent storage of monthly submissions through PostgreSQL `COPY`.

One upload is one transaction: an advisory lock serialises uploads of the same (entity, month,
kind); the rows stream from the reader thread straight into the record table; set-based checks
follow; any issue, an empty file or a dry run rolls everything back. A refusal is then recorded
(its issues, never its rows) in a transaction of its own.
"""

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.pg_month_workflow import workflow_lock_key
from adapters.persistence.pg_retention import RETENTION_LOCK_KEY
from adapters.persistence.pg_submission_checks import check_copied_rows
from adapters.persistence.tables import record_table_name, storage_columns
from adapters.uploads.arrow_record_validator import UploadContext
from adapters.uploads.issue_sink import IssueSink
from adapters.uploads.storage_chunks import (
    FileFormat,
    MalformedCsv,
    UploadReading,
    storage_chunks,
)
from adapters.uploads.text_dialect import TextDialect
from adapters.uploads.thread_stream import iterate_in_thread
from adapters.uploads.upload_spool import SpooledFile
from domain.errors import MonthPurged, RecordIssue, StorageUnavailable, SubmissionRefused
from domain.submissions.record_kinds import RECORD_KINDS, RecordKind
from domain.submissions.submission import (
    SubmissionReceipt,
    SubmissionRequest,
)
from domain.workflow.month_workflow import MonthClosed, MonthState

_EMPTY = "the file holds no records; upload with allow_empty=true to declare that there are none this month"


class _Refusal(Exception):
    """Internal: leave the transaction so that it rolls back."""


class _DryRun(Exception):
    """Internal: roll back a successful dry run and answer its receipt."""

    def __init__(self, receipt: SubmissionReceipt) -> None:
        super().__init__()
        self.receipt = receipt


class PgSubmissionStore:
    def __init__(
        self, engine: AsyncEngine, clock: Callable[[], datetime], *, max_listed_errors: int, batch_rows: int
    ) -> None:
        """`clock` stamps `received_at` once the upload holds its lock, so that versions and
        receipt instants keep one order and as-of reads (D1) replay exactly."""
        self._engine = engine
        self._clock = clock
        self._cap = max_listed_errors
        self._batch_rows = batch_rows

    async def receive(
        self,
        request: SubmissionRequest,
        spooled: SpooledFile,
        file_format: FileFormat,
        dialect: TextDialect,
        context: UploadContext,
    ) -> SubmissionReceipt:
        reading = UploadReading(dialect)
        sink = IssueSink(self._cap)
        async with self._engine.connect() as sa_connection:
            connection = await asyncpg_connection(sa_connection)
            try:
                receipt = await self._store(connection, request, spooled, file_format, reading, context, sink)
            except _DryRun as dry_run:
                return dry_run.receipt
            except _Refusal:
                refusal_id = await self._record_refusal(connection, request, spooled, file_format, reading, sink)
                report = sink.report()
                raise SubmissionRefused(
                    f"{report.total} issue(s) found; nothing of the file was stored",
                    report,
                    refusal_id,
                ) from None
            except (OSError, asyncpg.exceptions.ConnectionDoesNotExistError) as error:
                raise StorageUnavailable("the database connection was lost") from error
        return receipt

    async def _store(
        self,
        connection: asyncpg.Connection,
        request: SubmissionRequest,
        spooled: SpooledFile,
        file_format: FileFormat,
        reading: UploadReading,
        context: UploadContext,
        sink: IssueSink,
    ) -> SubmissionReceipt:
        async with connection.transaction():
            await connection.execute("SET LOCAL TimeZone = 'Europe/Paris'")
            await connection.execute("SET LOCAL work_mem = '256MB'")  # a duplicate listing hashes in memory
            await self._month_accepts(connection, request)
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                f"submission/{request.finess_ej}/{request.period.label}/{request.kind.value}",
            )
            current = await connection.fetchrow(
                """SELECT id, version, content_sha256, row_count FROM submission
                   WHERE finess_ej = $1 AND period = $2 AND kind = $3 AND status = 'accepted'
                   ORDER BY version DESC LIMIT 1""",
                request.finess_ej,
                request.period.label,
                request.kind.value,
            )
            if current is not None and current["content_sha256"] == spooled.sha256:
                return SubmissionReceipt(
                    current["id"],
                    current["version"],
                    current["row_count"],
                    created=False,
                    dry_run=request.dry_run,
                    content_sha256=spooled.sha256,
                )
            version = (current["version"] if current else 0) + 1
            submission_id = await connection.fetchval(
                """INSERT INTO submission (finess_ej, period, kind, status, version, content_sha256,
                       size_bytes, row_count, file_format, allow_empty, uploaded_by)
                   VALUES ($1, $2, $3, 'accepted', $4, $5, $6, 0, $7, $8, $9) RETURNING id""",
                request.finess_ej,
                request.period.label,
                request.kind.value,
                version,
                spooled.sha256,
                spooled.size,
                file_format.value,
                request.allow_empty,
                request.uploaded_by,
            )
            table = record_table_name(request.kind)
            copy = (connection, submission_id, request.kind, spooled, file_format, reading, context, sink)
            try:
                await self._copy_rows(table, *copy)
                duplicates_possible = False
            except asyncpg.UniqueViolationError:
                # Duplicate ids: copy again into a table without the unique index, to list them all.
                table = f"diagnostic_{table}"
                await connection.execute(
                    f"CREATE TEMP TABLE {table} (LIKE {record_table_name(request.kind)}) ON COMMIT DROP"
                )
                await self._copy_rows(table, *copy)
                duplicates_possible = True
            warnings = await check_copied_rows(
                connection,
                table,
                submission_id,
                request.kind,
                request.finess_ej,
                request.period.ends_at,
                sink,
                duplicates=duplicates_possible,
            )
            if not sink and reading.rows == 0 and not request.allow_empty:
                sink.add(RecordIssue(1, "", _EMPTY))
            if sink:
                raise _Refusal
            receipt = SubmissionReceipt(
                None if request.dry_run else submission_id,
                version,
                reading.rows,
                created=not request.dry_run,
                dry_run=request.dry_run,
                content_sha256=spooled.sha256,
                warnings=tuple(warnings),
            )
            if request.dry_run:
                raise _DryRun(receipt)
            await connection.execute(
                """UPDATE submission SET row_count = $2, encoding = $3, delimiter = $4, received_at = $5
                   WHERE id = $1""",
                submission_id,
                reading.rows,
                reading.dialect.encoding,
                _delimiter(file_format, reading),
                self._clock(),
            )
            return receipt

    @staticmethod
    async def _month_accepts(connection: asyncpg.Connection, request: SubmissionRequest) -> None:
        """Holds the month's workflow lock and the retention lock shared until the upload ends, so
        that no transition closes the month and no purge deletes it meanwhile; a validated, locked
        or purged month refuses every stored upload."""
        for key in (workflow_lock_key(request.finess_ej, request.period.label), RETENTION_LOCK_KEY):
            await connection.execute("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", key)
        if request.dry_run:
            return
        purged_at = await connection.fetchval(
            "SELECT purged_at FROM purged_month WHERE finess_ej = $1 AND period = $2",
            request.finess_ej,
            request.period.label,
        )
        if purged_at is not None:
            raise MonthPurged(
                f"the month {request.period.label} was purged under the retention period on "
                f"{purged_at:%Y-%m-%d}: its figures are kept as they were computed and no upload "
                "can change them"
            )
        state = await connection.fetchval(
            "SELECT to_state FROM month_transition WHERE finess_ej = $1 AND period = $2 ORDER BY id DESC LIMIT 1",
            request.finess_ej,
            request.period.label,
        )
        if state is not None and not MonthState(state).accepts_uploads:
            raise MonthClosed(
                f"the month {request.period.label} is {state}: uploads are refused until it is "
                "returned to draft (GHT support) or reopened (administrator)"
            )

    async def _copy_rows(
        self,
        table: str,
        connection: asyncpg.Connection,
        submission_id: int,
        kind: RecordKind,
        spooled: SpooledFile,
        file_format: FileFormat,
        reading: UploadReading,
        context: UploadContext,
        sink: IssueSink,
    ) -> None:
        """Stream the file's valid rows into `table`; any failure leaves nothing of them behind."""
        spec = RECORD_KINDS[kind]
        columns = ["submission_id", "line_no", *storage_columns(kind)]
        while True:
            reading.rows = 0
            sink.clear()
            try:
                async with connection.transaction():  # a savepoint: a restart leaves nothing behind
                    chunks = iterate_in_thread(
                        lambda: storage_chunks(
                            spooled, file_format, reading, spec, context, sink, submission_id, self._batch_rows
                        )
                    )
                    await connection.copy_to_table(table, source=_csv_bytes(chunks), columns=columns, format="csv")
                return
            except MalformedCsv:
                reading.restarted_exact = True

    async def _record_refusal(
        self,
        connection: asyncpg.Connection,
        request: SubmissionRequest,
        spooled: SpooledFile,
        file_format: FileFormat,
        reading: UploadReading,
        sink: IssueSink,
    ) -> int | None:
        if request.dry_run:
            return None
        report = sink.report()
        issues = json.dumps([{k: v for k, v in asdict(issue).items() if v is not None} for issue in report.issues])
        return int(
            await connection.fetchval(
                """INSERT INTO submission (finess_ej, period, kind, status, content_sha256, size_bytes,
                   row_count, file_format, encoding, delimiter, allow_empty, uploaded_by, issue_total, issues,
                   received_at)
               VALUES ($1, $2, $3, 'refused', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14)
               RETURNING id""",
                request.finess_ej,
                request.period.label,
                request.kind.value,
                spooled.sha256,
                spooled.size,
                reading.rows,
                file_format.value,
                reading.dialect.encoding,
                _delimiter(file_format, reading),
                request.allow_empty,
                request.uploaded_by,
                report.total,
                issues,
                self._clock(),
            )
        )


async def _csv_bytes(chunks: Any) -> Any:
    async for chunk in chunks:
        yield chunk.csv


def _delimiter(file_format: FileFormat, reading: UploadReading) -> str | None:
    return reading.dialect.delimiter if file_format is FileFormat.CSV else None
