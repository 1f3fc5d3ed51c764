"""National statistics (CNAM, ANS): column mappings and versioned imports, for the administrator
(api.md: "admin … including national statistics imports")."""

import asyncio
import hashlib
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.national.national_file_reader import read_national_file
from adapters.persistence.pg_national_statistics import PgNationalStatistics
from domain.access import Action, Principal, authorise_action
from domain.errors import FileRefused, InvalidInput, IssueReport, UploadTooLarge
from domain.national.datasets import CANONICAL_FIELDS, ColumnMapping, NationalDataset
from domain.national.imports import NationalImportSummary
from service.path_values import path_member
from service.runtime import Runtime
from service.schemas.national import (
    MappingBody,
    MappingView,
    NationalImportView,
    UnmatchedFinessView,
)
from service.schemas.problems import IMPORT_PROBLEMS, RESTRICTED_READ_PROBLEMS, WRITE_PROBLEMS
from service.upload_body import UploadedBody, uploaded_body


class NationalStatisticsController(Controller):
    path = "/api/v1/national"
    tags = ["national statistics"]  # noqa: RUF012

    @put(
        "/mappings/{name:str}",
        operation_id="putNationalMapping",
        responses=WRITE_PROBLEMS,
        summary="Record a named column mapping from a producer's headers to a dataset's canonical fields",
    )
    async def put_mapping(
        self,
        name: FromPath[str],
        data: JSONBody[MappingBody],
        principal: NamedDependency[Principal],
        national: NamedDependency[PgNationalStatistics],
    ) -> MappingView:
        authorise_action(principal, Action.ADMINISTER)
        mapping = _mapping(name, data)
        return _mapping_view(await national.put_mapping(mapping, principal.key_id))

    @get(
        "/mappings",
        operation_id="listNationalMappings",
        responses=RESTRICTED_READ_PROBLEMS,
        summary="The named column mappings, each in its latest version",
    )
    async def list_mappings(
        self, principal: NamedDependency[Principal], national: NamedDependency[PgNationalStatistics]
    ) -> list[MappingView]:
        authorise_action(principal, Action.ADMINISTER)
        return [_mapping_view(mapping) for mapping in await national.mappings()]

    @post(
        "/{dataset:str}",
        operation_id="importNationalFile",
        request_max_body_size=None,
        responses=IMPORT_PROBLEMS,
        summary="Import a national statistics file (CSV or XLSX), read through a named mapping or the "
        "canonical layout; every issue is listed and nothing is kept of a refused file",
    )
    async def import_file(
        self,
        dataset: FromPath[str],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        national: NamedDependency[PgNationalStatistics],
        runtime: NamedDependency[Runtime],
        mapping: FromQuery[str | None] = None,
    ) -> NationalImportView:
        authorise_action(principal, Action.ADMINISTER)
        chosen = path_member(NationalDataset, dataset, "national dataset")
        column_mapping = await _chosen_mapping(national, chosen, mapping)
        limit = runtime.settings.max_national_file_bytes
        body = await uploaded_body(request, limit)
        content = await _content(body, limit)
        reading = await asyncio.to_thread(read_national_file, content, body.filename, body.media_type, column_mapping)
        if reading.issues:
            listed = reading.issues[: runtime.settings.max_listed_errors]
            raise FileRefused(
                f"{len(reading.issues)} issue(s) found; nothing of the file was kept",
                IssueReport(tuple(listed), len(reading.issues)),
            )
        summary = await national.record_import(
            chosen,
            hashlib.sha256(content).hexdigest(),
            body.filename,
            column_mapping,
            reading.rows,
            principal.key_id,
            runtime.clock(),
        )
        return _import_view(summary)

    @get(
        "/{dataset:str}/imports",
        operation_id="listNationalImports",
        responses=RESTRICTED_READ_PROBLEMS,
        summary="Every version imported of a dataset, with its periods and its unmatched FINESS",
    )
    async def list_imports(
        self,
        dataset: FromPath[str],
        principal: NamedDependency[Principal],
        national: NamedDependency[PgNationalStatistics],
    ) -> list[NationalImportView]:
        authorise_action(principal, Action.ADMINISTER)
        imports = await national.imports(path_member(NationalDataset, dataset, "national dataset"))
        return [_import_view(summary) for summary in imports]


def _mapping(name: str, data: MappingBody) -> ColumnMapping:
    dataset = NationalDataset(data.dataset)
    known = {field.name for field in CANONICAL_FIELDS[dataset]}
    unknown = sorted(set(data.headers) - known)
    if unknown:
        raise InvalidInput(
            f"not fields of {dataset.value}: {', '.join(unknown)} (its fields: {', '.join(sorted(known))})"
        )
    headers = {field: header.strip() for field, header in data.headers.items()}
    if not all(headers.values()):
        raise InvalidInput("a mapped header may not be empty")
    if len(set(headers.values())) < len(headers):
        raise InvalidInput("two fields are mapped to the same header")
    return ColumnMapping(name, dataset, headers)


async def _chosen_mapping(national: PgNationalStatistics, dataset: NationalDataset, name: str | None) -> ColumnMapping:
    if name is None:
        return ColumnMapping("", dataset)  # the canonical layout
    mapping = await national.mapping(name)
    if mapping is None:
        raise InvalidInput(f"no column mapping named '{name}'")
    if mapping.dataset is not dataset:
        raise InvalidInput(f"the mapping '{name}' reads {mapping.dataset.value}, not {dataset.value}")
    return mapping


async def _content(body: UploadedBody, limit: int) -> bytes:
    """National files are small (a row per establishment and month): read whole, within the limit."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in body.chunks:
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"a national file may not exceed {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _mapping_view(mapping: ColumnMapping) -> MappingView:
    return MappingView(name=mapping.name, dataset=mapping.dataset.value, headers=dict(mapping.headers))


def _import_view(summary: NationalImportSummary) -> NationalImportView:
    return NationalImportView(
        import_id=summary.import_id,
        dataset=summary.dataset.value,
        version=summary.version,
        created=summary.created,
        content_sha256=summary.content_sha256,
        file_name=summary.file_name,
        mapping=summary.mapping_name,
        row_count=summary.row_count,
        periods=list(summary.periods),
        imported_by=summary.imported_by,
        imported_at=summary.imported_at,
        unmatched_rows=summary.unmatched_rows,
        unmatched=[
            UnmatchedFinessView(finess=item.finess, finess_kind=item.finess_kind.value, rows=item.rows)
            for item in summary.unmatched
        ],
    )
