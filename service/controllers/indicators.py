"""Indicator results of a legal entity and month, and the texts that explain how they are computed."""

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal
from domain.errors import NotFound
from domain.indicators.catalogue import CATALOGUE
from domain.indicators.justification import calculation_details_fr, stay_notion_fr
from domain.indicators.results import IndicatorResult
from domain.indicators.strata import Dimension
from domain.indicators.targets import DEFAULT_REFERENTIAL, target_referential
from domain.indicators.warnings import DataWarning
from domain.periods import Period
from domain.referential import LegalEntity
from domain.stays import STAY_POLICY_VERSION
from service.indicator_reading import IndicatorReading, MonthResults
from service.runtime import Runtime
from service.schemas.indicators import (
    DataWarningView,
    EntityMonthResultsView,
    EntityMonthStrataView,
    ExplanationView,
    IndicatorResultView,
    StratumView,
)
from service.schemas.problems import READ_PROBLEMS
from service.scope import entity_in_scope

AsOf = Annotated[datetime | None, QueryParameter(description="the computation's instant (default: now, D1)")]
_UNDECLARED = "the legal entity was not declared for this month at this instant"
TargetVersion = Annotated[str, QueryParameter(query="referential", description="target referential version")]


class IndicatorController(Controller):
    path = "/api/v1/legal-entities/{finess_ej:str}/periods/{period:str}"
    tags = ["indicators"]  # noqa: RUF012

    @get(
        "/indicators",
        operation_id="getEntityMonthIndicators",
        responses=READ_PROBLEMS,
        summary="The nine indicators of the entity and month, with their explanation and warnings",
    )
    async def results(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> EntityMonthResultsView:
        reading, read = await _read_month(
            referential, principal, unit_of_work, finess_ej, period, as_of or runtime.clock(), target_version
        )
        month, targets = read.month, reading.targets
        thresholds = runtime.settings.flow_break_thresholds
        before = await reading.months(finess_ej, month.shifted(-thresholds.previous_months), month.shifted(-1))
        warnings = await reading.warnings(read, before, thresholds)
        return EntityMonthResultsView(
            finess_ej=finess_ej,
            period=month.label,
            as_of=reading.as_of,
            counted_as_of=read.counted_as_of,
            referential_version=targets.version,
            stay_policy_version=STAY_POLICY_VERSION,
            results=[result_view(result) for result in read.results],
            warnings=[warning_view(warning) for warning in warnings],
        )

    @get(
        "/indicators/strata",
        operation_id="getEntityMonthIndicatorStrata",
        responses=READ_PROBLEMS,
        summary="The indicators of the entity and month by site or by care unit (D17), to find where feeding broke",
    )
    async def strata(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        by: Annotated[Dimension, QueryParameter(description="site or unit")],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> EntityMonthStrataView:
        reading, read = await _read_month(
            referential, principal, unit_of_work, finess_ej, period, as_of or runtime.clock(), target_version
        )
        month, targets = read.month, reading.targets
        strata = await reading.strata(read, by)
        sites = await referential.sites_of(finess_ej, month.last_day, reading.as_of) if by is Dimension.SITE else []
        names = {site.finess_et: site.name for site in sites}
        return EntityMonthStrataView(
            finess_ej=finess_ej,
            period=month.label,
            as_of=reading.as_of,
            by=by,
            referential_version=targets.version,
            stay_policy_version=STAY_POLICY_VERSION,
            strata=[
                StratumView(
                    key=key,
                    name=names.get(key) if key else None,
                    results=[result_view(result) for result in strata[key]],
                )
                for key in sorted(strata, key=lambda key: (key is None, key or ""))
            ],
        )

    @get(
        "/methodology",
        operation_id="getEntityMonthMethodology",
        responses=READ_PROBLEMS,
        media_type="text/plain",
        summary="Calculation details and the justification of the stay notion, as the ARS asks for them",
    )
    async def methodology(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> Response[str]:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        targets = target_referential(target_version)
        month = Period.parse(period)
        entity = await _entity_for(referential, finess_ej, month, as_of or runtime.clock())
        body = calculation_details_fr(entity, month, targets.version) + "\n\n" + stay_notion_fr(entity) + "\n"
        return Response(body, media_type="text/plain")  # the framework appends "; charset=utf-8"


async def _read_month(
    referential: PgReferentialStore,
    principal: Principal,
    unit_of_work: AsyncConnection,
    finess_ej: str,
    period: str,
    as_of: datetime,
    target_version: str,
) -> tuple[IndicatorReading, MonthResults]:
    """The entity-month's judged results, once the principal may read the entity (404 otherwise)."""
    await entity_in_scope(referential, principal, finess_ej, Action.READ)
    reading = IndicatorReading(unit_of_work, referential, target_referential(target_version), as_of)
    read = await reading.month(finess_ej, Period.parse(period))
    if read is None:
        raise NotFound(_UNDECLARED)
    return reading, read


async def _entity_for(referential: PgReferentialStore, finess_ej: str, month: Period, as_of: datetime) -> LegalEntity:
    """The entity's version in force at the month's end, as known at the as-of instant (D19)."""
    entity = await referential.legal_entity(finess_ej, day=month.last_day, as_of=as_of)
    if entity is None:
        raise NotFound(_UNDECLARED)
    return entity


def result_view(result: IndicatorResult) -> IndicatorResultView:
    return IndicatorResultView(
        indicator_id=result.indicator_id,
        label_fr=CATALOGUE[result.indicator_id].label_fr,
        candidate=result.candidate,
        applicable=result.applicable,
        not_applicable_reason=result.not_applicable_reason,
        unit=result.unit,
        numerator=result.numerator,
        denominator=result.denominator,
        raw_denominator=result.raw_denominator,
        weighting=result.weighting,
        rate=None if result.rate is None else float(result.rate),
        target=result.target,
        tier=result.tier,
        status=result.status,
        explanation=[
            ExplanationView(exclusion=exclusion, label_fr=exclusion.label_fr, count=count)
            for exclusion, count in result.explanation
        ],
    )


def warning_view(warning: DataWarning) -> DataWarningView:
    return DataWarningView(
        code=warning.code.value, detail=warning.detail, indicator_id=warning.indicator_id, count=warning.count
    )
