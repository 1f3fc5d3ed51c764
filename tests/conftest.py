"""Real PostgreSQL for every test that needs one: the embedded server, migrated once a session."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.persistence.schema_migrations import upgrade
from tests.support.database import EMPTY_ALL_TABLES, EMPTY_AUDIT_TRAIL
from tests.support.referential import ENTITIES, GHTS, SITES

TEST_DATABASE = "hopen2_test"


@pytest.fixture(scope="session")
def postgres_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pg")


@pytest.fixture(scope="session")
def database_url(postgres_folder: Path) -> Iterator[str]:
    yield start_embedded_postgres(postgres_folder, TEST_DATABASE)


@pytest.fixture(scope="session")
async def migrated_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def engine(migrated_engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A migrated database emptied before each test (uploads commit through their own
    connections, so a wrapping rolled-back transaction cannot isolate tests)."""
    async with migrated_engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        for statement in EMPTY_AUDIT_TRAIL:
            await connection.execute(text(statement))
    yield migrated_engine


@pytest.fixture
async def referential(engine: AsyncEngine) -> AsyncEngine:
    """The test referential of tests/support/referential.py, recorded."""
    async with engine.begin() as connection:
        store = PgReferentialStore(connection)
        for ght in GHTS:
            await store.put_ght(ght)
        for entity in ENTITIES:
            await store.put_legal_entity(entity)
        for site in SITES:
            await store.put_site(site)
    return engine
