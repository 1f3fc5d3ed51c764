"""The app factory: settings are read here, never at import time."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import structlog
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_api_key_store import PgApiKeyStore
from adapters.persistence.schema_migrations import upgrade
from adapters.pseudonymisation_secret import load_master_secret
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
from service.runtime import Runtime, utc_now
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
            secret = load_master_secret(
                settings.pseudonymisation_secret.get_secret_value() if settings.pseudonymisation_secret else None,
                settings.data_dir,
            )
            if removed := remove_leftover_spools(settings.spool_dir):
                log.warning("leftover_uploads_removed", files=removed)
            app.state.runtime = Runtime(settings, engine, secret, clock)
            await _first_admin_key(app.state.runtime)
            log.info("service_started", embedded_database=settings.uses_embedded_database)
            yield
        finally:
            if runtime := getattr(app.state, "runtime", None):
                await runtime.refresher.close()
            await engine.dispose()

    return Litestar(
        route_handlers=[HealthController, ApiKeyController, GhtController, LegalEntityController,
                        SiteController, SubmissionController, IndicatorController,
                        IndicatorTrendController, GhtIndicatorController, NationalStatisticsController,
                        ReconciliationController, EvidenceController, WorkflowController, AuditController],
        dependencies=DEPENDENCIES,
        guards=[require_api_key],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[request_id_middleware, audit_trail_middleware],
        lifespan=[lifespan],
        openapi_config=openapi_config(),
        debug=False,
    )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="GHT HOP'EN2 reporting API",
        version=API_VERSION,
        description="Monthly data of the members of a GHT, and the HOP'EN2 usage indicators.",
        components=Components(security_schemes={
            "apiKey": SecurityScheme(type="http", scheme="bearer", description="API key"),
        }),
        security=[{"apiKey": []}],
        path="/schema",
    )


async def _first_admin_key(runtime: Runtime) -> None:
    """On the very first start, issue an admin key and print it once (it is never shown again)."""
    async with runtime.engine.begin() as connection:
        keys = PgApiKeyStore(connection)
        await connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        if await keys.has_admin():
            return
        issued = await keys.issue("first admin", Principal("", Role.ADMIN))
    print(
        f"\nFirst start: an admin API key was created. Store it now, it will not be shown again:\n"
        f"    {issued.secret}\n", flush=True,
    )
