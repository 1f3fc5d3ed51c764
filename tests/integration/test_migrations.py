"""Alembic is the only schema source: it matches the tables, and it goes down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine
from adapters.persistence.schema_comparison import compare_type
from adapters.persistence.schema_migrations import downgrade, upgrade
from adapters.persistence.tables import metadata


async def test_the_migrations_build_exactly_the_declared_schema(migrated_engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": compare_type})
        return list(compare_metadata(context, metadata))

    async with migrated_engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_stairway_upgrade_downgrade_upgrade(migrated_engine: AsyncEngine, database_url: str) -> None:
    async with migrated_engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("DROP DATABASE IF EXISTS hopen2_stairway"))
        await connection.execute(text("CREATE DATABASE hopen2_stairway"))
    engine = create_engine(database_url.replace("/hopen2_test", "/hopen2_stairway"), pool_size=1)
    try:
        await upgrade(engine)
        await downgrade(engine, "base")
        async with engine.connect() as connection:
            left = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                        "AND table_name <> 'alembic_version'"
                    )
                )
            ).scalar()
        assert left == 0
        await upgrade(engine)
    finally:
        await engine.dispose()
