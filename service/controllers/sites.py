"""Sites (FINESS géographique): declare or version one, read it, import the public FINESS extract."""

import asyncio
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.referential.finess_extract_reader import (
    FinessExtractIssue,
    FinessSite,
    read_finess_extract_file,
)
from adapters.uploads.upload_spool import spool_upload
from domain.access import Action, Principal, Role, authorise_action
from domain.errors import NotFound
from domain.periods import PARIS
from domain.referential import Site
from service.runtime import Runtime
from service.schemas.problems import IMPORT_PROBLEMS, READ_PROBLEMS, WRITE_PROBLEMS
from service.schemas.referential import FinessImportView, LineIssueView, SiteBody, SiteView
from service.scope import entity_in_scope
from service.upload_body import uploaded_body

_LISTED_ISSUES = 1000


class SiteController(Controller):
    path = "/api/v1"
    tags = ["referential"]  # noqa: RUF012

    @put(
        "/sites/{finess_et:str}",
        operation_id="putSite",
        summary="Declare a site or record a new version",
        responses=WRITE_PROBLEMS,
    )
    async def put_site(
        self,
        finess_et: FromPath[str],
        data: JSONBody[SiteBody],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
    ) -> SiteView:
        existing = await referential.site(finess_et)
        if existing is not None:
            await entity_in_scope(referential, principal, existing.finess_ej, Action.MANAGE_REFERENTIAL)
        await entity_in_scope(referential, principal, data.finess_ej, Action.MANAGE_REFERENTIAL)
        valid_from = data.valid_from or runtime.clock().astimezone(PARIS).date()
        site = await referential.put_site(
            Site(finess_et, data.finess_ej, data.name, valid_from, data.active, runtime.clock())
        )
        return site_view(site)

    @get("/sites/{finess_et:str}", operation_id="getSite", summary="Read a site", responses=READ_PROBLEMS)
    async def get_site(
        self,
        finess_et: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
    ) -> SiteView:
        site = await referential.site(finess_et)
        if site is None:
            raise NotFound("no such site")
        await entity_in_scope(referential, principal, site.finess_ej, Action.READ)
        return site_view(site)

    @post(
        "/referential/finess-extract",
        operation_id="importFinessExtract",
        request_max_body_size=None,
        summary="Import the public FINESS extract: record the sites of the known legal entities",
        responses=IMPORT_PROBLEMS,
    )
    async def import_extract(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
    ) -> FinessImportView:
        authorise_action(principal, Action.MANAGE_REFERENTIAL)
        body = await uploaded_body(request, runtime.settings.max_upload_bytes)
        spooled = await spool_upload(body.chunks, runtime.settings.spool_dir, runtime.settings.max_upload_bytes)
        try:
            entities = await _manageable_entities(referential, principal)
            sites, issues, of_unknown = await asyncio.to_thread(_sites_of, spooled.path, entities)
        finally:
            spooled.remove()
        today = runtime.clock().astimezone(PARIS).date()
        recorded = 0
        for found in sites:
            current = await referential.site(found.finess_et)
            if current and (current.finess_ej, current.name, current.active) == (found.finess_ej, found.name, True):
                continue
            await referential.put_site(Site(found.finess_et, found.finess_ej, found.name, today, True, runtime.clock()))
            recorded += 1
        return FinessImportView(
            sites_recorded=recorded,
            sites_unchanged=len(sites) - recorded,
            sites_of_unknown_entities=of_unknown,
            issue_total=len(issues),
            issues=[LineIssueView(line=issue.line, reason=issue.reason) for issue in issues[:_LISTED_ISSUES]],
        )


async def _manageable_entities(
    referential: NamedDependency[PgReferentialStore], principal: NamedDependency[Principal]
) -> set[str]:
    """FINESS juridiques whose sites the caller may record: its GHT's members, or all for an admin."""
    if principal.role is Role.GHT_SUPPORT and principal.ght_id:
        return {entity.finess_ej for entity in await referential.legal_entities_of(principal.ght_id)}
    return set(await referential.all_legal_entity_ids())


def _sites_of(path: Any, entities: set[str]) -> tuple[list[FinessSite], list[FinessExtractIssue], int]:
    sites: list[FinessSite] = []
    issues: list[FinessExtractIssue] = []
    of_unknown = 0
    for item in read_finess_extract_file(path):
        if isinstance(item, FinessExtractIssue):
            issues.append(item)
        elif item.finess_ej in entities:
            sites.append(item)
        else:
            of_unknown += 1
    return sites, issues, of_unknown


def site_view(site: Site) -> SiteView:
    return SiteView(
        finess_et=site.finess_et,
        finess_ej=site.finess_ej,
        name=site.name,
        active=site.active,
        valid_from=site.valid_from,
        recorded_at=site.recorded_at,
    )
