"""An entity's indicators month by month, each month with its warnings, flow breaks included."""

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal
from domain.errors import InvalidInput
from domain.indicators.targets import DEFAULT_REFERENTIAL, target_referential
from domain.periods import Period
from domain.stays import STAY_POLICY_VERSION
from service.controllers.indicators import AsOf, TargetVersion, result_view, warning_view
from service.indicator_reading import IndicatorReading
from service.runtime import Runtime
from service.schemas.indicators import EntityTrendView, TrendMonthView
from service.schemas.problems import READ_PROBLEMS
from service.scope import entity_in_scope

MAX_TREND_MONTHS = 24


class IndicatorTrendController(Controller):
    path = "/api/v1/legal-entities/{finess_ej:str}/indicators"
    tags = ["indicators"]  # noqa: RUF012

    @get(
        operation_id="getEntityIndicatorTrend",
        responses=READ_PROBLEMS,
        summary=f"The nine indicators month by month (at most {MAX_TREND_MONTHS} months), with flow breaks",
    )
    async def trend(
        self,
        finess_ej: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        first: Annotated[str, QueryParameter(query="from", description="first month, YYYY-MM")],
        last: Annotated[str, QueryParameter(query="to", description="last month, YYYY-MM")],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> EntityTrendView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        targets = target_referential(target_version)
        first_month, last_month = Period.parse(first), Period.parse(last)
        if first_month > last_month:
            raise InvalidInput(f"'from' ({first_month}) is after 'to' ({last_month})")
        if last_month > first_month.shifted(MAX_TREND_MONTHS - 1):
            raise InvalidInput(f"a trend spans at most {MAX_TREND_MONTHS} months")
        reading = IndicatorReading(unit_of_work, referential, targets, as_of or runtime.clock())
        thresholds = runtime.settings.flow_break_thresholds
        reads = await reading.months(finess_ej, first_month.shifted(-thresholds.previous_months), last_month)
        months = []
        for index, read in enumerate(reads):
            if read.month < first_month:
                continue
            before = [
                previous
                for previous in reads[:index]
                if previous.month >= read.month.shifted(-thresholds.previous_months)
            ]
            warnings = await reading.warnings(read, before, thresholds)
            months.append(
                TrendMonthView(
                    period=read.month.label,
                    counted_as_of=read.counted_as_of,
                    results=[result_view(result) for result in read.results],
                    warnings=[warning_view(warning) for warning in warnings],
                )
            )
        return EntityTrendView(
            finess_ej=finess_ej,
            first_period=first_month.label,
            last_period=last_month.label,
            as_of=reading.as_of,
            referential_version=targets.version,
            stay_policy_version=STAY_POLICY_VERSION,
            months=months,
        )
