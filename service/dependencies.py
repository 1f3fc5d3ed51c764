"""Request-scoped dependencies: the unit of work (one transaction) and the stores over it."""

from collections.abc import AsyncGenerator
from typing import Any

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from adapters.persistence.pg_national_statistics import PgNationalStatistics
from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.persistence.pg_submission_history import PgSubmissionHistory
from service.auth import provide_principal
from service.runtime import Runtime


def provide_runtime(state: State) -> Runtime:
    runtime: NamedDependency[Runtime] = state.runtime
    return runtime


async def provide_unit_of_work(runtime: NamedDependency[Runtime]) -> AsyncGenerator[AsyncConnection, None]:
    """Commits when the handler succeeds, rolls back when it raises."""
    async with runtime.engine.begin() as connection:
        yield connection


def provide_referential(unit_of_work: NamedDependency[AsyncConnection]) -> PgReferentialStore:
    return PgReferentialStore(unit_of_work)


def provide_api_keys(unit_of_work: NamedDependency[AsyncConnection]) -> PgApiKeyStore:
    return PgApiKeyStore(unit_of_work)


def provide_history(unit_of_work: NamedDependency[AsyncConnection]) -> PgSubmissionHistory:
    return PgSubmissionHistory(unit_of_work)


def provide_national(unit_of_work: NamedDependency[AsyncConnection]) -> PgNationalStatistics:
    return PgNationalStatistics(unit_of_work)


DEPENDENCIES: dict[str, Any] = {
    "runtime": Provide(provide_runtime, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "unit_of_work": Provide(provide_unit_of_work),
    "referential": Provide(provide_referential, sync_to_thread=False),
    "api_keys": Provide(provide_api_keys, sync_to_thread=False),
    "history": Provide(provide_history, sync_to_thread=False),
    "national": Provide(provide_national, sync_to_thread=False),
}
