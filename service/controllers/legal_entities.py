"""Legal entities (FINESS juridique): declare or version one, read it, list its sites."""

from dataclasses import replace

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal
from domain.errors import InvalidInput
from domain.periods import PARIS
from domain.referential import (
    Capabilities,
    CountingUnit,
    Eligibility,
    LegalEntity,
    MesMode,
    MssWeighting,
    Policies,
)
from service.controllers.sites import site_view
from service.runtime import Runtime
from service.schemas.problems import READ_PROBLEMS, WRITE_PROBLEMS
from service.schemas.referential import LegalEntityBody, LegalEntityView, PoliciesBody, SiteView
from service.scope import entity_in_scope, ght_in_scope


class LegalEntityController(Controller):
    path = "/api/v1/legal-entities"
    tags = ["referential"]  # noqa: RUF012

    @put(
        "/{finess_ej:str}",
        operation_id="putLegalEntity",
        summary="Declare a legal entity or record a new version (effective from valid_from)",
        responses=WRITE_PROBLEMS,
    )
    async def put_entity(
        self,
        finess_ej: FromPath[str],
        data: JSONBody[LegalEntityBody],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        runtime: NamedDependency[Runtime],
    ) -> LegalEntityView:
        if await referential.entity_scope(finess_ej) is not None:
            await entity_in_scope(referential, principal, finess_ej, Action.MANAGE_REFERENTIAL)
        await ght_in_scope(referential, principal, data.ght_id, Action.MANAGE_REFERENTIAL)
        valid_from = data.valid_from or runtime.clock().astimezone(PARIS).date()
        entity = await referential.put_legal_entity(
            replace(_entity(finess_ej, data, valid_from), recorded_at=runtime.clock())
        )
        return entity_view(entity)

    @get(
        "/{finess_ej:str}",
        operation_id="getLegalEntity",
        summary="Read a legal entity (current version)",
        responses=READ_PROBLEMS,
    )
    async def get_entity(
        self,
        finess_ej: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
    ) -> LegalEntityView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        entity = await referential.legal_entity(finess_ej)
        assert entity is not None
        return entity_view(entity)

    @get(
        "/{finess_ej:str}/sites",
        operation_id="listLegalEntitySites",
        summary="The entity's sites",
        responses=READ_PROBLEMS,
    )
    async def sites(
        self,
        finess_ej: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
    ) -> list[SiteView]:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        return [site_view(site) for site in await referential.sites_of(finess_ej)]


def _entity(finess_ej: str, data: JSONBody[LegalEntityBody], valid_from: object) -> LegalEntity:
    policies = data.policies
    if len(set(data.candidate_indicators)) != len(data.candidate_indicators):
        raise InvalidInput("candidate_indicators lists an indicator twice")
    return LegalEntity(
        finess_ej=finess_ej,
        name=data.name,
        ght_id=data.ght_id,
        department=data.department,
        valid_from=valid_from,  # type: ignore[arg-type]
        capabilities=Capabilities(data.has_surgery, data.has_ace, data.has_internal_lab, data.has_imaging, data.is_had),
        policies=Policies(
            mes_mode=MesMode(policies.mes_mode),
            unit_override={key: CountingUnit(value) for key, value in policies.unit_override.items()},
            eligibility=Eligibility(policies.eligibility),
            feeding_grace_months=policies.feeding_grace_months,
            require_datamatrix=policies.require_datamatrix,
            mss_weighting=MssWeighting(policies.mss_weighting),
        ),
        candidate_indicators=tuple(data.candidate_indicators),
        sunes_achieved=frozenset(data.sunes_achieved),
        had_no_ods_attestation=data.had_no_ods_attestation,
        active=data.active,
    )


def entity_view(entity: LegalEntity) -> LegalEntityView:
    policies = entity.policies
    return LegalEntityView(
        finess_ej=entity.finess_ej,
        name=entity.name,
        ght_id=entity.ght_id,
        department=entity.department,
        candidate_indicators=list(entity.candidate_indicators),  # type: ignore[arg-type]
        sunes_achieved=sorted(entity.sunes_achieved),  # type: ignore[arg-type]
        has_surgery=entity.capabilities.has_surgery,
        has_ace=entity.capabilities.has_ace,
        has_internal_lab=entity.capabilities.has_internal_lab,
        has_imaging=entity.capabilities.has_imaging,
        is_had=entity.capabilities.is_had,
        had_no_ods_attestation=entity.had_no_ods_attestation,
        active=entity.active,
        policies=PoliciesBody(
            mes_mode=policies.mes_mode.value,  # type: ignore[arg-type]
            unit_override={key: value.value for key, value in policies.unit_override.items()},  # type: ignore[misc]
            eligibility=policies.eligibility.value,  # type: ignore[arg-type]
            feeding_grace_months=policies.feeding_grace_months,
            require_datamatrix=policies.require_datamatrix,
            mss_weighting=policies.mss_weighting.value,  # type: ignore[arg-type]
        ),
        valid_from=entity.valid_from,
        recorded_at=entity.recorded_at,
    )
