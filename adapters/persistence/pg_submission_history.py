"""Reading submissions back: versions with who and when, refusals with their issues, and the
number of records each kind holds in its latest state as of an instant."""

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.latest_state import latest_records_sql
from domain.errors import IssueReport, RecordIssue
from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionStatus, SubmissionSummary

_COLUMNS = """id, finess_ej, period, kind, status, version, content_sha256, size_bytes, row_count,
    file_format, encoding, delimiter, uploaded_by, received_at, issue_total"""


class PgSubmissionHistory:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def of_period(self, finess_ej: str, period: str) -> list[SubmissionSummary]:
        rows = await self._connection.execute(
            text(
                f"SELECT {_COLUMNS} FROM submission WHERE finess_ej = :ej AND period = :period "
                "ORDER BY kind, received_at, id"
            ),
            {"ej": finess_ej, "period": period},
        )
        return [_summary(row) for row in rows.mappings()]

    async def summary(self, submission_id: int) -> SubmissionSummary | None:
        row = (
            (
                await self._connection.execute(
                    text(f"SELECT {_COLUMNS} FROM submission WHERE id = :id"),
                    {"id": submission_id},
                )
            )
            .mappings()
            .first()
        )
        return _summary(row) if row else None

    async def issues(self, submission_id: int) -> IssueReport:
        row = (
            await self._connection.execute(
                text("SELECT issues, issue_total FROM submission WHERE id = :id"),
                {"id": submission_id},
            )
        ).first()
        if row is None:
            return IssueReport()
        return IssueReport(tuple(RecordIssue(**issue) for issue in row[0]), row[1])

    async def current_record_counts(self, finess_ej: str, as_of: datetime) -> dict[RecordKind, int]:
        """How many records of each kind count for the entity at `as_of` (latest state per id)."""
        raw = await self._connection.get_raw_connection()
        connection: Any = raw.driver_connection
        counts = {}
        for kind in RecordKind:
            counts[kind] = await connection.fetchval(
                f"SELECT count(*) FROM ({latest_records_sql(kind)}) latest", finess_ej, as_of
            )
        return counts


def _summary(row: Any) -> SubmissionSummary:
    return SubmissionSummary(
        submission_id=row["id"],
        finess_ej=row["finess_ej"],
        period=row["period"],
        kind=RecordKind(row["kind"]),
        status=SubmissionStatus(row["status"]),
        version=row["version"],
        content_sha256=row["content_sha256"],
        size_bytes=row["size_bytes"],
        row_count=row["row_count"],
        file_format=row["file_format"],
        encoding=row["encoding"],
        delimiter=row["delimiter"],
        uploaded_by=row["uploaded_by"],
        received_at=row["received_at"],
        issue_total=row["issue_total"],
    )
