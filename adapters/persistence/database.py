"""Connection to PostgreSQL: one SQLAlchemy async engine (asyncpg driver) for the whole app."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def async_url(url: str) -> str:
    """`postgresql://…` (as libpq and the embedded server write it) to the asyncpg dialect."""
    parts = urlsplit(url)
    scheme = "postgresql+asyncpg" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return urlunsplit((scheme, *parts[1:]))


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": "hopen2"}},
    )


async def asyncpg_connection(connection: Any) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one, for `COPY` and typed bulk reads."""
    raw = await connection.get_raw_connection()
    return raw.driver_connection  # type: ignore[no-any-return]
