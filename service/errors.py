"""Domain errors to HTTP, in one place: problem details (RFC 9457), never a stack trace."""

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from domain.errors import (
    ActionNotAllowed,
    Conflict,
    DomainError,
    FileRefused,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    StorageUnavailable,
    SubmissionRefused,
    UploadTooLarge,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://hopen2.ght/problems/"

STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    NotAuthenticated: 401,
    ActionNotAllowed: 403,
    InvalidInput: 422,
    FileRefused: 422,
    UploadTooLarge: 413,
    Conflict: 409,
    StorageUnavailable: 503,
}

log = structlog.get_logger()


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    body = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail, **extra}
    headers = {"Retry-After": "5"} if status == 503 else {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="hopen2"'
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(_: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    assert isinstance(error, DomainError)
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    extra: dict[str, Any] = {}
    if isinstance(error, FileRefused):
        extra = {
            **({"submission_id": error.submission_id} if isinstance(error, SubmissionRefused) else {}),
            "error_total": error.report.total,
            "errors": [{k: v for k, v in asdict(issue).items() if v is not None} for issue in error.report.issues],
        }
    return problem(status, error.slug, error.title, error.detail, **extra)


def http_error_handler(_: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    assert isinstance(error, HTTPException)
    if isinstance(error, ValidationException):
        extra = error.extra if isinstance(error.extra, list) else []
        errors = [{"field": item.get("key", ""), "reason": item.get("message", "")} for item in extra]
        return problem(
            422, "invalid-request", "Invalid request", "the request does not match its schema", errors=errors
        )
    if isinstance(error, NotAuthorizedException):
        return problem(401, NotAuthenticated.slug, NotAuthenticated.title, error.detail)
    slug = {404: "not-found", 405: "method-not-allowed", 413: "upload-too-large"}.get(error.status_code, "http-error")
    return problem(error.status_code, slug, error.detail or "HTTP error", error.detail)


def unexpected_error_handler(_: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    if any(getattr(cause, "sqlstate", None) in _NUL_REFUSED for cause in _chain(error)):
        return problem(
            422,
            InvalidInput.slug,
            InvalidInput.title,
            "a text of the request holds a NUL character, which cannot be stored or looked up",
        )
    if any(_is_database_down(cause) for cause in _chain(error)):
        return problem(
            503, StorageUnavailable.slug, StorageUnavailable.title, "the database is unreachable; retry shortly"
        )
    log.error("unexpected_error", error_type=type(error).__name__, exc_info=error)
    return problem(500, "internal-error", "Internal error", "an unexpected error occurred; it was logged")


# SQLSTATE character_not_in_repertoire (a NUL in a text) and untranslatable_character (a \u0000 in a JSON
# document): PostgreSQL cannot hold a NUL character, whatever the query, so any text of any request may
# meet it; numbers are bounded where they are declared (service/path_values.py).
_NUL_REFUSED = frozenset({"22021", "22P05"})


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it, outermost first."""
    current: BaseException | None = error
    while current is not None:
        yield current
        current = current.__cause__ or current.__context__


def _is_database_down(error: BaseException) -> bool:
    return isinstance(error, OSError | InterfaceError | OperationalError | ConnectionError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
