"""Alembic environment: runs on a connection handed over by the caller, or opens its own."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from adapters.persistence.database import create_engine
from adapters.persistence.schema_comparison import compare_type
from adapters.persistence.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=compare_type)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url, pool_size=1)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    asyncio.run(_run_with_own_engine(context.config.get_main_option("sqlalchemy.url") or ""))
