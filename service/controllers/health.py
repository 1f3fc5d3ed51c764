"""Liveness and readiness, open to all (no key): orchestrators and load balancers call them."""

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from sqlalchemy import text

from adapters.persistence.schema_migrations import is_current
from service.errors import problem
from service.runtime import Runtime
from service.schemas.problems import problem_responses


class HealthController(Controller):
    opt = {"public": True}  # noqa: RUF012

    @get("/health", operation_id="health", summary="Liveness: the process answers")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get(
        "/ready",
        operation_id="ready",
        summary="Readiness: database reachable and migrations current",
        responses=problem_responses(503),
    )
    async def ready(self, runtime: NamedDependency[Runtime]) -> Response[dict[str, Any]]:
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            current = await is_current(runtime.engine)
        except Exception:  # any failure to reach the database means not ready
            return problem(503, "not-ready", "Not ready", "the database is unreachable")
        if not current:
            return problem(503, "not-ready", "Not ready", "the database schema is not at the current migration")
        return Response({"status": "ready"})
