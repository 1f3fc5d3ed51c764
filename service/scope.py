"""Look a resource up and apply the access rule in one step (404 out of scope, 403 wrong role)."""

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, authorise_action, authorise_entity
from domain.errors import NotFound
from domain.referential import EntityScope, Ght


async def entity_in_scope(
    referential: PgReferentialStore, principal: Principal, finess_ej: str, action: Action
) -> EntityScope:
    scope = await referential.entity_scope(finess_ej)
    authorise_entity(principal, scope, action)
    assert scope is not None
    return scope


async def ght_in_scope(referential: PgReferentialStore, principal: Principal, ght_id: str, action: Action) -> Ght:
    ght = await referential.ght(ght_id)
    if ght is None:
        raise NotFound("no such GHT")
    members = frozenset(entity.finess_ej for entity in await referential.legal_entities_of(ght_id))
    if not principal.sees_ght(ght.ght_id, ght.region, members):
        raise NotFound("no such GHT")
    authorise_action(principal, action)
    return ght
