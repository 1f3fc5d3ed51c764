"""The GHT view: every member against its targets, and the GHT's status per indicator (D13)."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, Role
from domain.errors import ActionNotAllowed
from domain.indicators.ght_view import ght_indicators
from domain.indicators.targets import DEFAULT_REFERENTIAL, target_referential
from domain.periods import Period
from service.controllers.indicators import AsOf, TargetVersion, result_view
from service.indicator_reading import IndicatorReading
from service.runtime import Runtime
from service.schemas.indicators import GhtIndicatorView, GhtMonthResultsView, MemberResultsView
from service.schemas.problems import WRITE_PROBLEMS
from service.scope import ght_in_scope


class GhtIndicatorController(Controller):
    path = "/api/v1/ghts/{ght_id:str}/periods/{period:str}"
    tags = ["indicators"]  # noqa: RUF012

    @get(
        "/indicators",
        operation_id="getGhtMonthIndicators",
        responses=WRITE_PROBLEMS,
        summary="Members x indicators of the month, and whether the GHT satisfies each indicator",
    )
    async def results(
        self,
        ght_id: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> GhtMonthResultsView:
        await ght_in_scope(referential, principal, ght_id, Action.READ)
        if principal.role is Role.MEMBER:
            raise ActionNotAllowed("a member reads its own results, not the GHT's view")
        targets = target_referential(target_version)
        month = Period.parse(period)
        reading = IndicatorReading(unit_of_work, referential, targets, as_of or runtime.clock())
        members, by_member = [], {}
        for read in await reading.ght_month(ght_id, month):
            by_member[read.entity.finess_ej] = read.results
            members.append(
                MemberResultsView(
                    finess_ej=read.entity.finess_ej,
                    name=read.entity.name,
                    counted_as_of=read.counted_as_of,
                    results=[result_view(result) for result in read.results],
                )
            )
        return GhtMonthResultsView(
            ght_id=ght_id,
            period=month.label,
            as_of=reading.as_of,
            referential_version=targets.version,
            members=members,
            ght=[
                GhtIndicatorView(
                    indicator_id=item.indicator_id,
                    status=item.status.value,
                    blocking_members=list(item.blocking_members),
                    consolidated_numerator=item.consolidated_numerator,
                    consolidated_denominator=item.consolidated_denominator,
                    consolidated_rate=None if item.consolidated_rate is None else float(item.consolidated_rate),
                )
                for item in ght_indicators(by_member)
            ],
        )
