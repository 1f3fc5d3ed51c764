"""The domain's error hierarchy; the service maps each class to one HTTP answer in one place."""

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every error a caller can be told about. `slug` names the problem type."""

    slug = "domain-error"
    title = "The request could not be carried out"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """Missing, or outside the caller's scope: the two are deliberately indistinguishable."""

    slug = "not-found"
    title = "Resource not found"


class NotAuthenticated(DomainError):
    slug = "not-authenticated"
    title = "Authentication required"


class ActionNotAllowed(DomainError):
    """The resource is in the caller's scope but its role does not allow the action."""

    slug = "action-not-allowed"
    title = "Action not allowed for this role"


class InvalidInput(DomainError):
    slug = "invalid-input"
    title = "Invalid input"


class InvalidPeriod(InvalidInput):
    slug = "invalid-period"
    title = "Invalid month"


class UnknownRecordKind(InvalidInput):
    slug = "unknown-record-kind"
    title = "Unknown record kind"


class UnreadableFile(InvalidInput):
    slug = "unreadable-file"
    title = "The file cannot be read"


class UploadTooLarge(DomainError):
    slug = "upload-too-large"
    title = "Upload too large"


class Conflict(DomainError):
    slug = "conflict"
    title = "Conflict with the current state"


class SubmissionInProgress(Conflict):
    slug = "submission-in-progress"
    title = "Another upload of this file is in progress"


class MonthPurged(Conflict):
    """An upload to a month whose line-level data the retention purge deleted: its kept figures
    can no longer change, so the file would be stored for nothing."""

    slug = "month-purged"
    title = "The month was purged under the retention period"


class StorageUnavailable(DomainError):
    slug = "storage-unavailable"
    title = "The database is unavailable"


@dataclass(frozen=True, slots=True)
class RecordIssue:
    """One problem of one line of an uploaded file. `value` is never an identifier."""

    line: int
    field: str
    reason: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class IssueReport:
    """The listed issues (capped) and how many there were in all."""

    issues: tuple[RecordIssue, ...] = field(default_factory=tuple)
    total: int = 0


class FileRefused(DomainError):
    """A file was refused as a whole, with every issue found; nothing of it was stored."""

    slug = "file-refused"
    title = "The file was refused; nothing of it was stored"

    def __init__(self, detail: str, report: IssueReport) -> None:
        super().__init__(detail)
        self.report = report


class SubmissionRefused(FileRefused):
    """A monthly submission refused; its refusal is recorded under `submission_id`."""

    slug = "submission-refused"

    def __init__(self, detail: str, report: IssueReport, submission_id: int | None) -> None:
        super().__init__(detail, report)
        self.submission_id = submission_id
