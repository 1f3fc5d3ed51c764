"""Audit events and their chain (api.md; issue 5): each event carries the hash of the one before
it, so that changing, removing or reordering a recorded event breaks every hash after it."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
"""The `previous_hash` of the first event."""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who read or changed what, when. `actor` is a key id or `oidc:<subject>`, `path` a resource
    path: never a patient identifier."""

    at: datetime
    actor: str
    role: str
    action: str  # read | write | export | login_failed
    method: str
    path: str
    query: str
    status: int
    id: int | None = None
    previous_hash: str = GENESIS
    hash: str = ""


def event_hash(event_id: int, previous_hash: str, event: AuditEvent) -> str:
    """SHA-256 of the previous hash and the event's fields (its id included, so that no event can
    be dropped or moved unnoticed), serialised canonically."""
    fields = {
        "id": event_id,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "method": event.method,
        "path": event.path,
        "query": event.query,
        "status": event.status,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous_hash}:{canonical}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainVerification:
    checked: int
    first_broken_id: int | None  # the first event whose hash or link does not hold

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


class ChainVerifier:
    """Checks events one by one, in id order, each with its stored `previous_hash` and `hash`."""

    def __init__(self) -> None:
        self._previous = GENESIS
        self._checked = 0
        self._broken: int | None = None

    def check(self, event: AuditEvent) -> bool:
        """False from the first event that breaks the chain on."""
        if self._broken is not None:
            return False
        assert event.id is not None
        if event.previous_hash != self._previous or event.hash != event_hash(event.id, self._previous, event):
            self._broken = event.id
            return False
        self._previous, self._checked = event.hash, self._checked + 1
        return True

    def result(self) -> ChainVerification:
        return ChainVerification(self._checked, self._broken)


def verify_chain(events: Iterable[AuditEvent]) -> ChainVerification:
    verifier = ChainVerifier()
    for event in events:
        if not verifier.check(event):
            break
    return verifier.result()
