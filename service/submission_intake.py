"""An upload from request to receipt: check who and what, spool, detect the dialect, store."""

import structlog

from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.uploads.arrow_record_validator import UploadContext
from adapters.uploads.storage_chunks import FileFormat
from adapters.uploads.text_dialect import resolve_encoding
from adapters.uploads.upload_spool import spool_upload
from domain.access import Action, Principal
from domain.errors import InvalidInput, UnreadableFile
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionReceipt, SubmissionRequest
from service.runtime import Runtime
from service.scope import entity_in_scope
from service.upload_body import UploadedBody

log = structlog.get_logger()

_FORMATS = {
    "text/csv": FileFormat.CSV,
    "application/csv": FileFormat.CSV,
    "text/plain": FileFormat.CSV,
    "application/x-ndjson": FileFormat.NDJSON,
    "application/ndjson": FileFormat.NDJSON,
    "application/jsonl": FileFormat.NDJSON,
    "application/x-jsonlines": FileFormat.NDJSON,
}
_EXTENSIONS = {".csv": FileFormat.CSV, ".ndjson": FileFormat.NDJSON, ".jsonl": FileFormat.NDJSON}


async def check_upload_target(
    runtime: Runtime,
    principal: Principal,
    finess_ej: str,
    period_label: str,
    kind_label: str,
) -> tuple[Period, RecordKind]:
    """Refuse before reading a byte of the body: unknown kind, bad month, out of scope."""
    kind = RecordKind.parse(kind_label)
    period = Period.parse(period_label).ensure_not_after(runtime.clock())
    async with runtime.engine.connect() as connection:
        await entity_in_scope(PgReferentialStore(connection), principal, finess_ej, Action.UPLOAD)
    return period, kind


async def receive_upload(
    runtime: Runtime,
    principal: Principal,
    finess_ej: str,
    period: Period,
    kind: RecordKind,
    body: UploadedBody,
    *,
    dry_run: bool,
    allow_empty: bool,
) -> SubmissionReceipt:
    file_format = _file_format(body)
    async with runtime.engine.connect() as connection:
        referential = PgReferentialStore(connection)
        entity = await referential.legal_entity(finess_ej)
        assert entity is not None
        sites = frozenset(site.finess_et for site in await referential.sites_of(finess_ej, period.last_day))
    context = UploadContext(finess_ej, sites, runtime.pseudonymiser(entity.ght_id))
    settings = runtime.settings
    spooled = await spool_upload(body.chunks, settings.spool_dir, settings.max_upload_bytes)
    try:
        if spooled.size == 0:
            raise UnreadableFile("the file is empty (a CSV needs at least its header row)")
        dialect = resolve_encoding(body.charset, spooled.is_valid_utf8, spooled.sample)
        request = SubmissionRequest(finess_ej, period, kind, principal.key_id, allow_empty, dry_run)
        receipt = await runtime.submission_store().receive(request, spooled, file_format, dialect, context)
    finally:
        spooled.remove()
    log.info(
        "submission_received",
        finess_ej=finess_ej,
        period=period.label,
        kind=kind.value,
        submission_id=receipt.submission_id,
        version=receipt.version,
        rows=receipt.row_count,
        created=receipt.created,
        dry_run=dry_run,
    )
    return receipt


def _file_format(body: UploadedBody) -> FileFormat:
    if body.filename:
        for extension, file_format in _EXTENSIONS.items():
            if body.filename.lower().endswith(extension):
                return file_format
    found = _FORMATS.get(body.media_type)
    if found is None:
        raise InvalidInput(
            f"unsupported content type '{body.media_type}': send text/csv or application/x-ndjson "
            "(raw body, or a multipart part named 'file')"
        )
    return found
