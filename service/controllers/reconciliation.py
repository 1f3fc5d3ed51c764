"""Local figures beside the national counts, per entity and month and per GHT and month (§7), for
the GHT support, the ARS auditors of the region and the member itself."""

from datetime import datetime
from decimal import Decimal

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, Role
from domain.errors import ActionNotAllowed, NotFound
from domain.indicators.targets import DEFAULT_REFERENTIAL, target_referential
from domain.periods import Period
from domain.reconciliation.reconcile import ReconciliationLine
from service.controllers.indicators import AsOf, TargetVersion
from service.indicator_reading import IndicatorReading
from service.reconciliation_reading import EntityReconciliation, ReconciliationReading
from service.runtime import Runtime
from service.schemas.problems import READ_PROBLEMS, RESTRICTED_READ_PROBLEMS
from service.schemas.reconciliation import (
    EntityReconciliationView,
    GhtReconciliationView,
    LikelyCauseView,
    ReconciliationLineView,
)
from service.scope import entity_in_scope, ght_in_scope


class ReconciliationController(Controller):
    tags = ["reconciliation"]  # noqa: RUF012

    @get(
        "/api/v1/legal-entities/{finess_ej:str}/periods/{period:str}/reconciliation",
        operation_id="getEntityMonthReconciliation",
        responses=READ_PROBLEMS,
        summary="Each indicator's local figures beside the national count, the gap, a status and its likely causes",
    )
    async def entity_month(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> EntityReconciliationView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        month = Period.parse(period)
        instant = as_of or runtime.clock()
        found = await _reading(unit_of_work, referential, runtime, instant, target_version).entity_month(
            finess_ej, month
        )
        if found is None:
            raise NotFound("the legal entity was not declared for this month at this instant")
        return _entity_view(found, month, instant)

    @get(
        "/api/v1/ghts/{ght_id:str}/periods/{period:str}/reconciliation",
        operation_id="getGhtMonthReconciliation",
        responses=RESTRICTED_READ_PROBLEMS,
        summary="Every member's reconciliation, and the GHT's (members summed)",
    )
    async def ght_month(
        self,
        ght_id: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> GhtReconciliationView:
        await ght_in_scope(referential, principal, ght_id, Action.READ)
        if principal.role is Role.MEMBER:
            raise ActionNotAllowed("a member reads its own reconciliation, not the GHT's")
        month = Period.parse(period)
        instant = as_of or runtime.clock()
        members, ght = await _reading(unit_of_work, referential, runtime, instant, target_version).ght_month(
            ght_id, month
        )
        return GhtReconciliationView(
            ght_id=ght_id,
            period=month.label,
            as_of=instant,
            members=[_entity_view(member, month, instant) for member in members],
            ght=[_line_view(line) for line in ght],
        )


def _reading(
    connection: AsyncConnection, referential: PgReferentialStore, runtime: Runtime, as_of: datetime, target_version: str
) -> ReconciliationReading:
    results = IndicatorReading(connection, referential, target_referential(target_version), as_of)
    return ReconciliationReading(connection, results, runtime.settings.reconciliation_tolerances)


def _entity_view(found: EntityReconciliation, month: Period, as_of: datetime) -> EntityReconciliationView:
    return EntityReconciliationView(
        finess_ej=found.entity.finess_ej,
        name=found.entity.name,
        period=month.label,
        as_of=as_of,
        lines=[_line_view(line) for line in found.lines],
        mes_profile_rate=_float(found.mes_profile_rate),
    )


def _line_view(line: ReconciliationLine) -> ReconciliationLineView:
    return ReconciliationLineView(
        indicator_id=line.indicator_id,
        local_numerator=line.local_numerator,
        local_denominator=line.local_denominator,
        local_rate=_float(line.local_rate),
        national_count=line.national_count,
        national_lots=line.national_lots,
        national_rate=_float(line.national_rate),
        gap_points=_float(line.gap_points),
        relative_gap=_float(line.relative_gap),
        tolerance_points=float(line.tolerance_points),
        status=line.status.value,
        causes=[LikelyCauseView(cause=cause.value, count=count) for cause, count in line.causes],
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
