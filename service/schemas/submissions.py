"""Bodies of uploads' answers, submission histories and their issues."""

from datetime import datetime
from typing import Literal

import msgspec

from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionStatus

RecordKindName = Literal["patients", "encounters", "consultations", "documents", "messages"]


class ReceiptView(msgspec.Struct, kw_only=True):
    submission_id: int | None
    version: int | None
    row_count: int
    created: bool
    dry_run: bool
    content_sha256: str
    warnings: list[str]


class SubmissionView(msgspec.Struct, kw_only=True):
    submission_id: int
    finess_ej: str
    period: str
    kind: RecordKind
    status: SubmissionStatus
    version: int | None
    content_sha256: str
    size_bytes: int
    row_count: int
    file_format: str  # csv or ndjson
    encoding: str | None
    delimiter: str | None
    uploaded_by: str
    received_at: datetime
    issue_total: int


class IssueView(msgspec.Struct, kw_only=True, omit_defaults=True):
    line: int
    field: str
    reason: str
    value: str | None = None


class IssuesView(msgspec.Struct, kw_only=True):
    submission_id: int
    error_total: int
    errors: list[IssueView]


class RecordCountsView(msgspec.Struct, kw_only=True):
    finess_ej: str
    as_of: datetime
    records: dict[RecordKindName, int]
