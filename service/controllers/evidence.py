"""The evidence pack of an entity's month for the GHT support and the ARS auditors of the region:
the response matrix (XLSX or CSV), the calculation details and stay-notion justification, and
reproducible samples of pseudonymised line items. A member reads its own results, not this."""

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.exports.csv_response_matrix import CSV_MEDIA_TYPE, response_matrix_csv
from adapters.exports.xlsx_response_matrix import XLSX_MEDIA_TYPE, response_matrix_xlsx
from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from adapters.persistence.pg_indicator_samples import SampleSide, UnitSample
from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, Role
from domain.errors import ActionNotAllowed, NotFound
from domain.evidence.response_matrix import response_matrix
from domain.indicators.catalogue import CATALOGUE, Unit
from domain.indicators.justification import calculation_details_fr, stay_notion_fr
from domain.indicators.targets import DEFAULT_REFERENTIAL, target_referential
from domain.periods import Period
from service.controllers.indicators import AsOf, TargetVersion, _entity_for
from service.indicator_reading import IndicatorReading
from service.runtime import Runtime
from service.schemas.evidence import ExportFormat, IndicatorSampleView, SampledUnitView, UnitKind
from service.schemas.problems import problem_responses
from service.scope import entity_in_scope

EVIDENCE_PROBLEMS = problem_responses(400, 401, 403, 404, 422, 429, 503)
_UNDECLARED = "the legal entity was not declared for this month at this instant"
_UNIT_KINDS: dict[Unit, UnitKind] = {
    Unit.STAY: "stay",
    Unit.CONSULTATION: "consultation",
    Unit.DOCUMENT: "report",
    Unit.PATIENT: "patient",
}
Format = Annotated[ExportFormat, QueryParameter(name="format", description="xlsx (default) or csv")]
Size = Annotated[int, QueryParameter(ge=1, le=1000, description="how many units to draw (1 to 1000)")]
Seed = Annotated[int, QueryParameter(description="the same seed draws the same units")]
_CSV = CSV_MEDIA_TYPE.partition(";")[0]  # the framework appends the charset of text media types itself
_TEXT = "text/plain"


@dataclass
class _MatrixOperation(Operation):
    """The response matrix answers XLSX, or CSV with format=csv: its 200 documents both."""

    def __post_init__(self) -> None:
        answered = (self.responses or {}).get("200")
        if isinstance(answered, OpenAPIResponse) and answered.content is not None:
            answered.content[_CSV] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


class EvidenceController(Controller):
    path = "/api/v1/legal-entities/{finess_ej:str}/periods/{period:str}"
    tags = ["evidence"]  # noqa: RUF012

    @get(
        "/evidence",
        operation_id="getEntityMonthEvidence",
        responses=EVIDENCE_PROBLEMS,
        media_type=XLSX_MEDIA_TYPE,
        operation_class=_MatrixOperation,
        summary="The response matrix of the entity and month, as an XLSX workbook or a CSV file",
    )
    async def response_matrix(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
        export_format: Format = ExportFormat.XLSX,
    ) -> Response[bytes]:
        await _evidence_scope(referential, principal, finess_ej)
        reading = IndicatorReading(
            unit_of_work, referential, target_referential(target_version), as_of or runtime.clock()
        )
        read = await reading.month(finess_ej, Period.parse(period))
        if read is None:
            raise NotFound(_UNDECLARED)
        rows = response_matrix(read.entity, read.month, read.results)
        name = f"matrice-reponse-{finess_ej}-{read.month.label}.{export_format.value}"
        if export_format is ExportFormat.CSV:
            content, media_type = response_matrix_csv(rows), _CSV
        else:
            details = calculation_details_fr(read.entity, read.month, reading.targets.version)
            content, media_type = response_matrix_xlsx(rows, details, stay_notion_fr(read.entity)), XLSX_MEDIA_TYPE
        return Response(
            content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @get(
        "/evidence/texts",
        operation_id="getEntityMonthEvidenceTexts",
        responses=EVIDENCE_PROBLEMS,
        media_type=_TEXT,
        summary="The calculation details and the justification of the stay notion, as text",
    )
    async def texts(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
        as_of: AsOf = None,
        target_version: TargetVersion = DEFAULT_REFERENTIAL,
    ) -> Response[str]:
        await _evidence_scope(referential, principal, finess_ej)
        targets = target_referential(target_version)
        month = Period.parse(period)
        entity = await _entity_for(referential, finess_ej, month, as_of or runtime.clock())
        body = calculation_details_fr(entity, month, targets.version) + "\n\n" + stay_notion_fr(entity) + "\n"
        return Response(body, media_type=_TEXT)

    @get(
        "/samples/{indicator_id:str}",
        operation_id="getEntityMonthIndicatorSample",
        responses=EVIDENCE_PROBLEMS,
        summary="A reproducible random sample of the pseudonymised units on the numerator or denominator side",
    )
    async def sample(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        indicator_id: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        side: Annotated[SampleSide, QueryParameter(description="numerator or denominator")],
        size: Size = 20,
        seed: Seed = 0,
        as_of: AsOf = None,
    ) -> IndicatorSampleView:
        await _evidence_scope(referential, principal, finess_ej)
        month = Period.parse(period)
        definition = CATALOGUE.get(indicator_id)
        if definition is None:
            raise NotFound(f"no indicator '{indicator_id}'")
        instant = as_of or runtime.clock()
        entity = await _entity_for(referential, finess_ej, month, instant)
        raw = (await unit_of_work.get_raw_connection()).driver_connection
        drawn = await PgIndicatorEngine(raw).sample(entity, month, instant, definition, side, size, seed)  # type: ignore[arg-type]
        return IndicatorSampleView(
            finess_ej=finess_ej,
            period=month.label,
            as_of=instant,
            indicator_id=indicator_id,
            unit=_UNIT_KINDS[drawn.unit],
            side=side,
            seed=seed,
            size=size,
            population=drawn.population,
            items=_items(drawn),
        )


async def _evidence_scope(referential: PgReferentialStore, principal: Principal, finess_ej: str) -> None:
    """404 outside the caller's scope; 403 for a member, who reads its own results, not the evidence."""
    await entity_in_scope(referential, principal, finess_ej, Action.READ)
    if principal.role is Role.MEMBER:
        raise ActionNotAllowed("the evidence pack is for the GHT support and the ARS; a member reads its results")


def _items(drawn: UnitSample) -> list[SampledUnitView]:
    kind = _UNIT_KINDS[drawn.unit]
    return [
        SampledUnitView(
            unit=kind,
            unit_id=unit.unit_id,
            patient_pseudonym=unit.patient_pseudonym,
            outcome="counted" if unit.failure is None else unit.failure.value,
        )
        for unit in drawn.units
    ]
