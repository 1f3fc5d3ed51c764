"""API keys (admin only): issue one (its secret shown once, an expiry optional), list them
(with their expiry and last use, never a secret or a hash), revoke one."""

from datetime import datetime, timedelta

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Action, Principal, Role, authorise_action
from domain.errors import InvalidInput, NotFound
from domain.identifiers import finess_problem
from service.runtime import Runtime
from service.schemas.api_keys import ApiKeyBody, ApiKeyView, IssuedApiKeyView
from service.schemas.problems import RESTRICTED_READ_PROBLEMS, WRITE_PROBLEMS


class ApiKeyController(Controller):
    path = "/api/v1/api-keys"
    tags = ["access"]  # noqa: RUF012

    @post(
        "/",
        operation_id="issueApiKey",
        summary="Issue an API key; its secret is shown only in this answer",
        responses=WRITE_PROBLEMS,
    )
    async def issue(
        self,
        data: JSONBody[ApiKeyBody],
        principal: NamedDependency[Principal],
        api_keys: NamedDependency[PgApiKeyStore],
        runtime: NamedDependency[Runtime],
    ) -> IssuedApiKeyView:
        authorise_action(principal, Action.ADMINISTER)
        scope = _scope_of(data)
        issued = await api_keys.issue(data.name, scope, _expiry_of(data, runtime.clock()))
        return IssuedApiKeyView(
            key_id=issued.principal.key_id,
            name=issued.name,
            role=data.role,
            ght_id=scope.ght_id,
            finess_ejs=sorted(scope.finess_ejs),
            region=scope.region,
            expires_at=issued.expires_at,
            secret=issued.secret,
        )

    @get(
        "/",
        operation_id="listApiKeys",
        summary="List API keys (never their secrets)",
        responses=RESTRICTED_READ_PROBLEMS,
    )
    async def listing(
        self, principal: NamedDependency[Principal], api_keys: NamedDependency[PgApiKeyStore]
    ) -> list[ApiKeyView]:
        authorise_action(principal, Action.ADMINISTER)
        return [
            ApiKeyView(
                key_id=key.principal.key_id,
                name=key.name,
                role=key.principal.role.value,  # type: ignore[arg-type]
                ght_id=key.principal.ght_id,
                finess_ejs=sorted(key.principal.finess_ejs),
                region=key.principal.region,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
                expires_at=key.expires_at,
                last_used_at=key.last_used_at,
            )
            for key in await api_keys.listing()
        ]

    @delete("/{key_id:str}", operation_id="revokeApiKey", summary="Revoke an API key", responses=WRITE_PROBLEMS)
    async def revoke(
        self, key_id: FromPath[str], principal: NamedDependency[Principal], api_keys: NamedDependency[PgApiKeyStore]
    ) -> None:
        authorise_action(principal, Action.ADMINISTER)
        if not await api_keys.revoke(key_id):
            raise NotFound("no such active API key")


def _scope_of(data: ApiKeyBody) -> Principal:
    """The scope a role needs: a GHT for the support, FINESS juridiques for a member, a region
    for an auditor, nothing for an admin."""
    role = Role(data.role)
    if role is Role.GHT_SUPPORT and not data.ght_id:
        raise InvalidInput("a ght_support key needs ght_id")
    if role is Role.MEMBER:
        if not data.finess_ejs:
            raise InvalidInput("a member key needs at least one FINESS juridique in finess_ejs")
        for finess in data.finess_ejs:
            problem = finess_problem(finess)
            if problem:
                raise InvalidInput(f"finess_ejs: '{finess}': {problem}")
    if role is Role.ARS_AUDITOR and not data.region:
        raise InvalidInput("an ars_auditor key needs region")
    return Principal(
        key_id="",
        role=role,
        ght_id=data.ght_id if role is Role.GHT_SUPPORT else None,
        finess_ejs=frozenset(data.finess_ejs) if role is Role.MEMBER else frozenset(),
        region=data.region if role is Role.ARS_AUDITOR else None,
    )


def _expiry_of(data: ApiKeyBody, now: datetime) -> datetime | None:
    """The instant the key stops working: `expires_at`, or `expires_in_days` from now, or none."""
    if data.expires_at is not None and data.expires_in_days is not None:
        raise InvalidInput("give expires_at or expires_in_days, not both")
    if data.expires_in_days is not None:
        return now + timedelta(days=data.expires_in_days)
    if data.expires_at is None:
        return None
    if data.expires_at <= now:
        raise InvalidInput("expires_at must be in the future")
    return data.expires_at
