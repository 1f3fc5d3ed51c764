"""The audit trail, for administrators: who read or changed what, when (api.md)."""

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_audit_trail import audit_events
from domain.access import Action, Principal, authorise_action
from service.path_values import BIGINT_MAX
from service.schemas.problems import RESTRICTED_READ_PROBLEMS


class AuditEventView(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor: str  # API key id
    role: str
    action: str  # read | write | export
    method: str
    path: str
    query: str
    status: int
    previous_hash: str
    hash: str  # SHA-256 over the previous hash and this event: `hopen2 audit verify` recomputes the chain


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]  # noqa: RUF012

    @get(
        operation_id="listAuditEvents",
        responses=RESTRICTED_READ_PROBLEMS,
        summary="Audit events, most recent first (auditors' reads, changes, exports)",
    )
    async def events(
        self,
        principal: NamedDependency[Principal],
        unit_of_work: NamedDependency[AsyncConnection],
        actor: str | None = None,
        role: str | None = None,
        since: datetime | None = None,
        before_id: Annotated[
            int | None, QueryParameter(ge=1, le=BIGINT_MAX, description="page: events older than this id")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> list[AuditEventView]:
        authorise_action(principal, Action.ADMINISTER)
        found = await audit_events(unit_of_work, actor=actor, role=role, since=since, before_id=before_id, limit=limit)
        return [
            AuditEventView(
                id=event.id or 0,
                at=event.at,
                actor=event.actor,
                role=event.role,
                action=event.action,
                method=event.method,
                path=event.path,
                query=event.query,
                status=event.status,
                previous_hash=event.previous_hash,
                hash=event.hash,
            )
            for event in found
        ]
