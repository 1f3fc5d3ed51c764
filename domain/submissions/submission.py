"""A monthly submission: one file of one record kind for one legal entity and month."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.periods import Period
from domain.submissions.record_kinds import RecordKind


class SubmissionStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class SubmissionRequest:
    finess_ej: str
    period: Period
    kind: RecordKind
    uploaded_by: str
    allow_empty: bool = False
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class SubmissionReceipt:
    """The answer to an upload. `created` is false when the same file was already the current
    version (idempotent re-send); a dry run has no id and stores nothing."""

    submission_id: int | None
    version: int | None
    row_count: int
    created: bool
    dry_run: bool
    content_sha256: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubmissionSummary:
    submission_id: int
    finess_ej: str
    period: str
    kind: RecordKind
    status: SubmissionStatus
    version: int | None
    content_sha256: str
    size_bytes: int
    row_count: int
    file_format: str
    encoding: str | None
    delimiter: str | None
    uploaded_by: str
    received_at: datetime
    issue_total: int
