"""Recounting after an upload, in the background, so that the next reads find stored results.

Only the uploading entity is recounted, and only the months already stored for it (the months
someone reads) plus any months asked for; other entities' stored countings stay as they are,
since their inputs did not change. One entity is recounted at a time; a refresh asked for while
one is queued joins it.
"""

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.pg_indicator_results import PgIndicatorResults
from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.periods import Period

log = structlog.get_logger()


class ResultRefresher:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock
        self._pending: dict[str, set[Period]] = {}  # entity -> months asked for besides the stored ones
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def schedule(self, finess_ej: str, months: Iterable[Period] = ()) -> None:
        self._pending.setdefault(finess_ej, set()).update(months)
        if self._task is None or self._task.done():
            self._loop = asyncio.get_running_loop()
            self._task = self._loop.create_task(self._run(), name="result-refresh")

    async def idle(self) -> None:
        """Wait until every scheduled refresh has run; callable from another event loop (a test
        client runs the app in a loop of its own)."""
        if self._loop is None or self._loop is asyncio.get_running_loop():
            await self._drained()
        else:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._drained(), self._loop))

    async def _drained(self) -> None:
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while self._pending:
            finess_ej = next(iter(self._pending))
            asked = self._pending.pop(finess_ej)
            try:
                async with self._engine.begin() as connection:
                    months = await self._refresh(connection, finess_ej, asked)
                log.info("results_refreshed", finess_ej=finess_ej, months=months)
            except Exception:  # a failed refresh only costs the next read a recount
                log.exception("results_refresh_failed", finess_ej=finess_ej)

    async def _refresh(self, connection: AsyncConnection, finess_ej: str, asked: set[Period]) -> int:
        instant = self._clock()
        raw = (await connection.get_raw_connection()).driver_connection
        results = PgIndicatorResults(raw)  # type: ignore[arg-type]
        referential = PgReferentialStore(connection)
        months = sorted(asked.union(await results.stored_months(finess_ej)))
        for month in months:
            entity = await referential.legal_entity(finess_ej, day=month.last_day, as_of=instant)
            if entity is not None:
                await results.month_counting(entity, month, instant)
        return len(months)
