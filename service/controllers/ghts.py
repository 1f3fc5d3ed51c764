"""GHTs: declare or update one (admin, or its support for its own), read one and its members."""

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, Role, authorise_action
from domain.periods import PARIS
from domain.referential import Ght
from service.controllers.legal_entities import entity_view
from service.runtime import Runtime
from service.schemas.problems import READ_PROBLEMS, WRITE_PROBLEMS
from service.schemas.referential import GhtBody, GhtView, LegalEntityView
from service.scope import ght_in_scope


class GhtController(Controller):
    path = "/api/v1/ghts"
    tags = ["referential"]  # noqa: RUF012

    @put(
        "/{ght_id:str}",
        operation_id="putGht",
        summary="Declare a GHT or record a new version of it",
        responses=WRITE_PROBLEMS,
    )
    async def put_ght(
        self,
        ght_id: FromPath[str],
        data: JSONBody[GhtBody],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
    ) -> GhtView:
        if await referential.ght(ght_id) is None:
            authorise_action(principal, Action.ADMINISTER)  # only an admin creates a GHT
        else:
            await ght_in_scope(referential, principal, ght_id, Action.MANAGE_REFERENTIAL)
        valid_from = data.valid_from or runtime.clock().astimezone(PARIS).date()
        saved = await referential.put_ght(
            Ght(ght_id, data.name, data.region, data.support_finess_ej, valid_from, runtime.clock())
        )
        return ght_view(saved)

    @get("/{ght_id:str}", operation_id="getGht", summary="Read a GHT", responses=READ_PROBLEMS)
    async def get_ght(
        self,
        ght_id: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
    ) -> GhtView:
        return ght_view(await ght_in_scope(referential, principal, ght_id, Action.READ))

    @get(
        "/{ght_id:str}/legal-entities",
        operation_id="listGhtMembers",
        summary="The GHT's member legal entities",
        responses=READ_PROBLEMS,
    )
    async def members(
        self,
        ght_id: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
    ) -> list[LegalEntityView]:
        await ght_in_scope(referential, principal, ght_id, Action.READ)
        members = await referential.legal_entities_of(ght_id)
        if principal.role is Role.MEMBER:
            members = [entity for entity in members if entity.finess_ej in principal.finess_ejs]
        return [entity_view(entity) for entity in members]


def ght_view(ght: Ght) -> GhtView:
    return GhtView(
        ght_id=ght.ght_id,
        name=ght.name,
        region=ght.region,
        support_finess_ej=ght.support_finess_ej,
        valid_from=ght.valid_from,
        recorded_at=ght.recorded_at,
    )
