"""The app factory: settings are read here, never at import time."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import structlog
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_api_key_store import PgApiKeyStore
from adapters.persistence.pg_pseudonym_rotation import keys_applied
from adapters.persistence.schema_migrations import upgrade
from adapters.uploads.upload_spool import remove_leftover_spools
from domain.access import Principal, Role
from service.audit_recording import audit_trail_middleware
from service.auth import require_api_key
from service.controllers.api_keys import ApiKeyController
from service.controllers.audit import AuditController
from service.controllers.evidence import EvidenceController
from service.controllers.ght_indicators import GhtIndicatorController
from service.controllers.ghts import GhtController
from service.controllers.health import HealthController
from service.controllers.indicator_trend import IndicatorTrendController
from service.controllers.indicators import IndicatorController
from service.controllers.legal_entities import LegalEntityController
from service.controllers.national_statistics import NationalStatisticsController
from service.controllers.reconciliation import ReconciliationController
from service.controllers.sites import SiteController
from service.controllers.submissions import SubmissionController
from service.controllers.workflow import WorkflowController
from service.dependencies import DEPENDENCIES
from service.errors import EXCEPTION_HANDLERS
from service.logging import configure_logging, request_id_middleware
from service.rate_limits import RateLimited, RateLimiter, RequestClass, rate_limit_guard, rate_limited_handler
from service.runtime import Runtime, pseudonymisation_secrets, utc_now
from service.security_headers import security_headers
from service.settings import Settings

API_VERSION = "0.1.0"
log = structlog.get_logger()


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utc_now) -> Litestar:
    settings = settings or Settings()
    configure_logging(settings.environment, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        url = settings.database_url
        if url is None:
            url = await asyncio.to_thread(start_embedded_postgres, settings.data_dir)
        engine = create_engine(url, settings.database_pool_size)
        try:
            if settings.run_migrations_on_start:
                await upgrade(engine)
            secrets = await _pseudonymisation_chain(settings, engine)
            if removed := remove_leftover_spools(settings.spool_dir):
                log.warning("leftover_uploads_removed", files=removed)
            app.state.runtime = Runtime(settings, engine, secrets, clock)
            await _first_admin_key(app.state.runtime)
            log.info("service_started", embedded_database=settings.uses_embedded_database)
            yield
        finally:
            if runtime := getattr(app.state, "runtime", None):
                await runtime.refresher.close()
            await engine.dispose()

    docs = openapi_config()
    return Litestar(
        route_handlers=[
            HealthController,
            ApiKeyController,
            GhtController,
            LegalEntityController,
            SiteController,
            SubmissionController,
            IndicatorController,
            IndicatorTrendController,
            GhtIndicatorController,
            NationalStatisticsController,
            ReconciliationController,
            EvidenceController,
            WorkflowController,
            AuditController,
        ],
        dependencies=DEPENDENCIES,
        # Authentication first: the rate limit counts per key, and never an unauthenticated request.
        guards=[require_api_key, rate_limit_guard(rate_limiter(settings))],
        exception_handlers={**EXCEPTION_HANDLERS, RateLimited: rate_limited_handler},  # type: ignore[dict-item]
        middleware=[request_id_middleware, audit_trail_middleware],
        before_send=[security_headers(settings.environment == "production", docs.path)],
        # Bodies of every route but the uploads and imports, which lift it and enforce their own limits.
        request_max_body_size=settings.max_request_body_bytes,
        cors_config=cors_config(settings),
        lifespan=[lifespan],
        openapi_config=docs,
        debug=False,
    )


def rate_limiter(settings: Settings) -> RateLimiter:
    """Counts in this process's memory: with several workers, each counts apart (see rate_limits)."""
    return RateLimiter(
        {
            RequestClass.UPLOAD: settings.rate_limit_uploads_per_minute,
            RequestClass.REQUEST: settings.rate_limit_reads_per_minute,
        }
    )


def cors_config(settings: Settings) -> CORSConfig | None:
    """Closed by default: no CORS header at all unless origins are configured, and then only those."""
    if not settings.cors_allowed_origins:
        return None
    return CORSConfig(
        allow_origins=list(settings.cors_allowed_origins),
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID", "Content-Disposition"],
        allow_credentials=False,  # keys travel in headers, never in cookies
    )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="GHT HOP'EN2 reporting API",
        version=API_VERSION,
        description="Monthly data of the members of a GHT, and the HOP'EN2 usage indicators.",
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An API key, or an OpenID Connect access token (JWT) when enabled",
                ),
            }
        ),
        security=[{"apiKey": []}],
        path="/schema",
    )


async def _pseudonymisation_chain(settings: Settings, engine: AsyncEngine) -> tuple[bytes, ...]:
    """The chain of secrets, checked against the keys the stored pseudonyms went through: a start
    with a lost or an unapplied secret would pseudonymise new files unjoinably with the stored ones."""
    secrets = pseudonymisation_secrets(settings)
    async with engine.connect() as connection:
        applied = await keys_applied(connection)
    if len(secrets) != applied:
        raise RuntimeError(
            f"the pseudonymisation chain holds {len(secrets)} secrets but the stored pseudonyms went "
            f"through {applied} keys: restore the missing secrets, or run `hopen2 pseudonyms rotate` "
            "to apply a new one"
        )
    return secrets


async def _first_admin_key(runtime: Runtime) -> None:
    """On the very first start, issue an admin key and print it once (it is never shown again)."""
    if not runtime.settings.api_keys_enabled:
        return
    async with runtime.engine.begin() as connection:
        keys = PgApiKeyStore(connection)
        await connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        if await keys.has_admin():
            return
        issued = await keys.issue("first admin", Principal("", Role.ADMIN))
    print(
        f"\nFirst start: an admin API key was created. Store it now, it will not be shown again:\n"
        f"    {issued.secret}\n",
        flush=True,
    )
