"""What the running app holds: settings, the database engine, the pseudonymisation secrets, a clock,
and the verifier of OpenID Connect tokens when an issuer is configured."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.identity.jwt_token_verifier import ClaimNames, JwtTokenVerifier
from adapters.persistence.pg_submission_store import PgSubmissionStore
from adapters.pseudonymisation_secret import load_master_secrets
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser, derive_ght_key
from service.result_refresh import ResultRefresher
from service.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: AsyncEngine
    master_secrets: tuple[bytes, ...]  # the chain, oldest first (adapters/pseudonymisation_secret.py)
    clock: Callable[[], datetime] = utc_now
    _pseudonymisers: dict[str, HmacPseudonymiser] = field(default_factory=dict)
    refresher: ResultRefresher = field(init=False)
    token_verifier: JwtTokenVerifier | None = field(init=False)  # None: OpenID Connect is off

    def __post_init__(self) -> None:
        self.refresher = ResultRefresher(self.engine, self.clock)
        self.token_verifier = token_verifier(self.settings)

    def submission_store(self) -> PgSubmissionStore:
        return PgSubmissionStore(
            self.engine,
            self.clock,
            max_listed_errors=self.settings.max_listed_errors,
            batch_rows=self.settings.upload_batch_rows,
        )

    def pseudonymiser(self, ght_id: str) -> HmacPseudonymiser:
        """One per GHT, kept so that its cache of recent pseudonyms serves later uploads too."""
        if ght_id not in self._pseudonymisers:
            self._pseudonymisers[ght_id] = HmacPseudonymiser(
                *(derive_ght_key(secret, ght_id) for secret in self.master_secrets)
            )
        return self._pseudonymisers[ght_id]


def pseudonymisation_secrets(settings: Settings) -> tuple[bytes, ...]:
    """The chain of master secrets, oldest first: configured, else the data folder's."""
    configured = settings.pseudonymisation_secret
    return load_master_secrets(
        configured.get_secret_value() if configured else None,
        [secret.get_secret_value() for secret in settings.pseudonymisation_rotation_secrets],
        settings.data_dir,
    )


def token_verifier(settings: Settings) -> JwtTokenVerifier | None:
    """The verifier of bearer tokens (one per app: it caches the issuer's keys), None without an issuer."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_audience or not settings.oidc_jwks_url:
        raise ValueError("OpenID Connect (HOPEN2_OIDC_ISSUER) needs HOPEN2_OIDC_AUDIENCE and HOPEN2_OIDC_JWKS_URL")
    claims = ClaimNames(
        settings.oidc_role_claim, settings.oidc_ght_claim, settings.oidc_finess_claim, settings.oidc_region_claim
    )
    return JwtTokenVerifier(
        settings.oidc_issuer,
        settings.oidc_audience,
        settings.oidc_jwks_url,
        claims=claims,
        jwks_cache_seconds=settings.oidc_jwks_cache_seconds,
    )
