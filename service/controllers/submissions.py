"""Monthly submissions: upload one file, list a month's versions, read a refusal's errors."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, PathParameter, QueryParameter

from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.persistence.pg_submission_history import PgSubmissionHistory
from domain.access import Action, Principal
from domain.errors import NotFound
from domain.periods import Period
from domain.submissions.submission import SubmissionSummary
from service.path_values import BIGINT_MAX
from service.runtime import Runtime
from service.schemas.problems import READ_PROBLEMS, UPLOAD_PROBLEMS
from service.schemas.submissions import (
    IssuesView,
    IssueView,
    ReceiptView,
    RecordCountsView,
    SubmissionView,
)
from service.scope import entity_in_scope
from service.submission_intake import check_upload_target, receive_upload
from service.upload_body import uploaded_body


class SubmissionController(Controller):
    path = "/api/v1"
    tags = ["submissions"]  # noqa: RUF012

    @post(
        "/legal-entities/{finess_ej:str}/periods/{period:str}/submissions/{kind:str}",
        operation_id="uploadSubmission",
        request_max_body_size=None,
        status_code=201,
        summary="Upload one monthly file (CSV or NDJSON) of one record kind",
        description="Raw body (text/csv, application/x-ndjson; charset= for Latin-1) or a multipart "
        "part named 'file'. 201 with a new version; 200 when the same file is already the "
        "current version, or for a dry run; 422 with every error when refused.",
        responses={
            200: ResponseSpec(
                ReceiptView,
                description="The same file is already the current version, or a dry run",
                generate_examples=False,
            ),
            **UPLOAD_PROBLEMS,
        },
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        finess_ej: FromPath[str],
        period: FromPath[str],
        kind: FromPath[str],
        principal: NamedDependency[Principal],
        runtime: NamedDependency[Runtime],
        dry_run: Annotated[bool, QueryParameter(description="validate only, store nothing")] = False,
        allow_empty: Annotated[bool, QueryParameter(description="accept a file with no records")] = False,
    ) -> Response[ReceiptView]:
        month, record_kind = await check_upload_target(runtime, principal, finess_ej, period, kind)
        body = await uploaded_body(request, runtime.settings.max_upload_bytes)
        receipt = await receive_upload(
            runtime, principal, finess_ej, month, record_kind, body, dry_run=dry_run, allow_empty=allow_empty
        )
        if receipt.created:
            runtime.refresher.schedule(finess_ej)
        view = ReceiptView(
            submission_id=receipt.submission_id,
            version=receipt.version,
            row_count=receipt.row_count,
            created=receipt.created,
            dry_run=receipt.dry_run,
            content_sha256=receipt.content_sha256,
            warnings=list(receipt.warnings),
        )
        return Response(view, status_code=201 if receipt.created else 200)

    @get(
        "/legal-entities/{finess_ej:str}/periods/{period:str}/submissions",
        operation_id="listSubmissions",
        summary="Every upload of the month, accepted (with version) or refused",
        responses=READ_PROBLEMS,
    )
    async def listing(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        history: NamedDependency[PgSubmissionHistory],
    ) -> list[SubmissionView]:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        return [_view(summary) for summary in await history.of_period(finess_ej, Period.parse(period).label)]

    @get(
        "/submissions/{submission_id:int}/errors",
        operation_id="getSubmissionErrors",
        summary="The errors that refused an upload (first 1,000 and the total)",
        responses=READ_PROBLEMS,
    )
    async def errors(
        self,
        submission_id: Annotated[int, PathParameter(ge=1, le=BIGINT_MAX)],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        history: NamedDependency[PgSubmissionHistory],
    ) -> IssuesView:
        summary = await history.summary(submission_id)
        if summary is None:
            raise NotFound("no such submission")
        await entity_in_scope(referential, principal, summary.finess_ej, Action.READ)
        report = await history.issues(submission_id)
        return IssuesView(
            submission_id=submission_id,
            error_total=report.total,
            errors=[
                IssueView(line=issue.line, field=issue.field, reason=issue.reason, value=issue.value)
                for issue in report.issues
            ],
        )

    @get(
        "/legal-entities/{finess_ej:str}/records",
        operation_id="countCurrentRecords",
        summary="How many records of each kind count now (or as of an instant): latest state per id",
        responses=READ_PROBLEMS,
    )
    async def record_counts(
        self,
        finess_ej: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        history: NamedDependency[PgSubmissionHistory],
        runtime: NamedDependency[Runtime],
        as_of: Annotated[datetime | None, QueryParameter(description="default: now")] = None,
    ) -> RecordCountsView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        instant = as_of or runtime.clock()
        counts = await history.current_record_counts(finess_ej, instant)
        return RecordCountsView(
            finess_ej=finess_ej, as_of=instant, records={kind.value: count for kind, count in counts.items()}
        )  # type: ignore[misc]


def _view(summary: SubmissionSummary) -> SubmissionView:
    return SubmissionView(
        submission_id=summary.submission_id,
        finess_ej=summary.finess_ej,
        period=summary.period,
        kind=summary.kind,
        status=summary.status,
        version=summary.version,
        content_sha256=summary.content_sha256,
        size_bytes=summary.size_bytes,
        row_count=summary.row_count,
        file_format=summary.file_format,
        encoding=summary.encoding,
        delimiter=summary.delimiter,
        uploaded_by=summary.uploaded_by,
        received_at=summary.received_at,
        issue_total=summary.issue_total,
    )
