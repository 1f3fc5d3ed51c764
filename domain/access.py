"""Who may do what (api.md): roles, scopes and the one rule that decides 404 versus 403.

A resource outside the caller's scope is reported as absent (404) so that its existence is not
revealed; an in-scope action the role does not allow is refused (403).
"""

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import ActionNotAllowed, NotFound
from domain.referential import EntityScope


class Role(StrEnum):
    ADMIN = "admin"
    GHT_SUPPORT = "ght_support"
    MEMBER = "member"
    ARS_AUDITOR = "ars_auditor"


class Action(StrEnum):
    READ = "read"
    UPLOAD = "upload"
    MANAGE_REFERENTIAL = "manage_referential"
    ADMINISTER = "administer"


ALLOWED_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.GHT_SUPPORT: frozenset({Action.READ, Action.MANAGE_REFERENTIAL}),
    Role.MEMBER: frozenset({Action.READ, Action.UPLOAD}),
    Role.ARS_AUDITOR: frozenset({Action.READ}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. Scope fields are used according to the role."""

    key_id: str
    role: Role
    ght_id: str | None = None
    finess_ejs: frozenset[str] = frozenset()
    region: str | None = None

    def sees_entity(self, entity: EntityScope) -> bool:
        match self.role:
            case Role.ADMIN:
                return True
            case Role.GHT_SUPPORT:
                return entity.ght_id == self.ght_id
            case Role.MEMBER:
                return entity.finess_ej in self.finess_ejs
            case Role.ARS_AUDITOR:
                return entity.region == self.region

    def sees_ght(self, ght_id: str, region: str, member_finess_ejs: frozenset[str]) -> bool:
        match self.role:
            case Role.ADMIN:
                return True
            case Role.GHT_SUPPORT:
                return ght_id == self.ght_id
            case Role.MEMBER:
                return bool(member_finess_ejs & self.finess_ejs)
            case Role.ARS_AUDITOR:
                return region == self.region

    def may(self, action: Action) -> bool:
        return action in ALLOWED_ACTIONS[self.role]


def authorise_entity(principal: Principal, entity: EntityScope | None, action: Action) -> None:
    """Raise NotFound when the entity is absent or out of scope, ActionNotAllowed when the role
    may not do `action` on it."""
    if entity is None or not principal.sees_entity(entity):
        raise NotFound("no such legal entity")
    if not principal.may(action):
        raise ActionNotAllowed(f"the role {principal.role} may not {action.replace('_', ' ')}")


def authorise_action(principal: Principal, action: Action) -> None:
    if not principal.may(action):
        raise ActionNotAllowed(f"the role {principal.role} may not {action.replace('_', ' ')}")
