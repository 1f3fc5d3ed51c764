"""The app under fuzzing: the test database with the test referential recorded, and one API key
per fuzzed role, sent as `Authorization: Bearer`."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar import Litestar
from schemathesis.python import asgi
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Principal, Role
from service.app import create_app
from service.settings import Settings
from tests.support.referential import ENTITY_A

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
SECRET = "a-test-pseudonymisation-secret-of-32+chars"
ROLES = {
    "admin": Principal("", Role.ADMIN),
    "member": Principal("", Role.MEMBER, finess_ejs=frozenset({ENTITY_A})),
}


@pytest.fixture(params=sorted(ROLES))
async def fuzz_headers(request: pytest.FixtureRequest, referential: AsyncEngine) -> dict[str, str]:
    """The Authorization header of a new key of the role, on a freshly recorded referential."""
    async with referential.begin() as connection:
        issued = await PgApiKeyStore(connection).issue(f"fuzz {request.param}", ROLES[request.param])
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def fuzz_app(database_url: str, tmp_path: Path, fuzz_headers: dict[str, str]) -> Iterator[Litestar]:
    """The app, served in-process by schemathesis' ASGI transport (its lifespan runs once, on first call)."""
    # Uploads unlimited: at 30 a minute per key, the fuzzing would meet 429s rather than the handlers.
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        pseudonymisation_secret=SECRET,
        upload_batch_rows=50,
        run_migrations_on_start=False,
        rate_limit_uploads_per_minute=1_000_000,
    )
    app = create_app(settings, clock=lambda: NOW)
    try:
        yield app
    finally:
        asgi.shutdown_lifespans()  # disposes the app's engine before the next test empties the tables
