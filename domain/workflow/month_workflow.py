"""The monthly workflow of a legal entity (api.md): draft → submitted → validated → locked.

The member declares its month complete (submit), the GHT support checks it (validate) and freezes
it for the ARS (lock). Decisions where api.md is silent:
- uploads are refused once a month is validated as well as locked: validated figures must not
  change behind the GHT support's back; the support may return a submitted or validated month to
  draft, with a reason, and only an administrator reopens a locked one, with a reason;
- a dry-run upload stores nothing, so it is allowed in every state.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.access import Role
from domain.errors import ActionNotAllowed, Conflict, InvalidInput


class MonthState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    LOCKED = "locked"

    @property
    def accepts_uploads(self) -> bool:
        return self in (MonthState.DRAFT, MonthState.SUBMITTED)


class Transition(StrEnum):
    SUBMIT = "submit"
    VALIDATE = "validate"
    LOCK = "lock"
    RETURN = "return"  # back to draft, by the GHT support
    REOPEN = "reopen"  # a locked month back to draft, by an administrator


@dataclass(frozen=True, slots=True)
class TransitionRule:
    sources: frozenset[MonthState]
    target: MonthState
    roles: frozenset[Role]
    needs_reason: bool = False


_SUPPORT = frozenset({Role.GHT_SUPPORT, Role.ADMIN})
RULES: dict[Transition, TransitionRule] = {
    Transition.SUBMIT: TransitionRule(
        frozenset({MonthState.DRAFT}), MonthState.SUBMITTED, frozenset({Role.MEMBER, Role.GHT_SUPPORT, Role.ADMIN})
    ),
    Transition.VALIDATE: TransitionRule(frozenset({MonthState.SUBMITTED}), MonthState.VALIDATED, _SUPPORT),
    Transition.LOCK: TransitionRule(frozenset({MonthState.VALIDATED}), MonthState.LOCKED, _SUPPORT),
    Transition.RETURN: TransitionRule(
        frozenset({MonthState.SUBMITTED, MonthState.VALIDATED}), MonthState.DRAFT, _SUPPORT, needs_reason=True
    ),
    Transition.REOPEN: TransitionRule(
        frozenset({MonthState.LOCKED}), MonthState.DRAFT, frozenset({Role.ADMIN}), needs_reason=True
    ),
}


@dataclass(frozen=True, slots=True)
class MonthTransition:
    """One step of a month's history, as recorded (append-only)."""

    finess_ej: str
    period: str
    transition: Transition
    from_state: MonthState
    to_state: MonthState
    actor: str  # the key id (or identity) that made it
    role: Role
    at: datetime
    reason: str | None = None


def next_state(current: MonthState, transition: Transition, role: Role, reason: str | None) -> MonthState:
    """The state `transition` leads to; refused for a role that may not make it (403), from a state
    it does not leave (409), or without the reason it needs (422)."""
    rule = RULES[transition]
    if role not in rule.roles:
        raise ActionNotAllowed(f"the role {role} may not {transition.value} a month")
    if current not in rule.sources:
        raise Conflict(f"a {current.value} month cannot be {_past(transition)}")
    if rule.needs_reason and not (reason and reason.strip()):
        raise InvalidInput(f"to {transition.value} a month, give a reason")
    return rule.target


def _past(transition: Transition) -> str:
    return {
        Transition.SUBMIT: "submitted",
        Transition.VALIDATE: "validated",
        Transition.LOCK: "locked",
        Transition.RETURN: "returned to draft",
        Transition.REOPEN: "reopened",
    }[transition]


class MonthClosed(Conflict):
    """An upload to a month that no longer accepts any."""

    slug = "month-closed"
    title = "The month no longer accepts uploads"
