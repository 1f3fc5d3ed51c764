"""The app on the test database, a client, and one API key per role and scope."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Principal, Role
from service.app import create_app
from service.settings import Settings
from tests.support.referential import ENTITY_A, ENTITY_A2, ENTITY_B, GHT_A, REGION_A

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
SECRET = "a-test-pseudonymisation-secret-of-32+chars"


@pytest.fixture
def app(database_url: str, tmp_path: Path, referential: AsyncEngine) -> Litestar:
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET, upload_batch_rows=50
    )
    return create_app(settings, clock=lambda: NOW)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as test_client:
        yield test_client


SCOPES = {
    "admin": Principal("", Role.ADMIN),
    "support": Principal("", Role.GHT_SUPPORT, ght_id=GHT_A),
    "member_a": Principal("", Role.MEMBER, finess_ejs=frozenset({ENTITY_A})),
    "member_a2": Principal("", Role.MEMBER, finess_ejs=frozenset({ENTITY_A2})),
    "member_b": Principal("", Role.MEMBER, finess_ejs=frozenset({ENTITY_B})),
    "auditor": Principal("", Role.ARS_AUDITOR, region=REGION_A),
}


async def issue_key(engine: AsyncEngine, name: str) -> dict[str, str]:
    """Authorization header of a new key with the scope named in SCOPES."""
    async with engine.begin() as connection:
        issued = await PgApiKeyStore(connection).issue(name, SCOPES[name])
    return {"authorization": f"Bearer {issued.secret}"}


@pytest.fixture
async def keys(client: AsyncTestClient[Litestar], referential: AsyncEngine) -> dict[str, dict[str, str]]:
    """Authorization headers by name: admin, support (GHT A), members of A, A2 and B, auditor (region of A)."""
    return {name: await issue_key(referential, name) for name in SCOPES}
