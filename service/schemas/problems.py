"""The problem details (RFC 9457) every error answers with, documented in the OpenAPI document."""

import msgspec
from litestar.openapi.datastructures import ResponseSpec

from service.errors import PROBLEM_JSON

_DESCRIPTIONS = {
    400: "Malformed request, such as a body that is not JSON",
    401: "No API key, or an unknown or revoked one",
    403: "The resource is in the caller's scope, but its role may not do this",
    404: "Not found, or outside the caller's scope (the two are not told apart)",
    409: "Conflict with the current state",
    413: "The upload exceeds the configured limit",
    422: "Invalid input; for a refused file, every error with its line and field",
    429: "Too many requests from this key; retry after the Retry-After delay",
    503: "The database is unreachable; retry after the Retry-After delay",
}


class LineErrorView(msgspec.Struct, kw_only=True, omit_defaults=True):
    line: int | None = None
    field: str
    reason: str
    value: str | None = None


class ProblemView(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    submission_id: int | None = None
    error_total: int | None = None
    errors: list[LineErrorView] | None = None


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            ProblemView, description=_DESCRIPTIONS[status], media_type=PROBLEM_JSON, generate_examples=False
        )
        for status in statuses
    }


READ_PROBLEMS = problem_responses(400, 401, 404, 422, 429, 503)
RESTRICTED_READ_PROBLEMS = problem_responses(400, 401, 403, 404, 422, 429, 503)  # reads some roles are refused
WRITE_PROBLEMS = problem_responses(400, 401, 403, 404, 422, 429, 503)
UPLOAD_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 503)
IMPORT_PROBLEMS = problem_responses(400, 401, 403, 404, 413, 422, 429, 503)  # national files, the FINESS extract
