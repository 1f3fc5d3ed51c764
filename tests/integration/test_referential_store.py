"""Effective-dated referential versions (data-contract.md §1, decision D19)."""

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.referential import Capabilities
from tests.support.referential import ENTITIES, ENTITY_A


async def test_a_capability_gained_in_june_leaves_may_unchanged(referential: AsyncEngine) -> None:
    async with referential.begin() as connection:
        store = PgReferentialStore(connection)
        before = await store.legal_entity(ENTITY_A)
        assert before is not None
        june = replace(ENTITIES[0], valid_from=date(2025, 6, 1), capabilities=Capabilities(has_surgery=False))
        await store.put_legal_entity(june)
        may = await store.legal_entity(ENTITY_A, day=date(2025, 5, 31))
        july = await store.legal_entity(ENTITY_A, day=date(2025, 7, 1))
    assert may is not None and may.capabilities.has_surgery is True
    assert july is not None and july.capabilities.has_surgery is False


async def test_a_change_recorded_after_the_as_of_instant_is_not_seen(referential: AsyncEngine) -> None:
    async with referential.begin() as connection:
        store = PgReferentialStore(connection)
        recorded = await store.legal_entity(ENTITY_A)
        assert recorded is not None and recorded.recorded_at is not None
        as_of = recorded.recorded_at
        await store.put_legal_entity(replace(ENTITIES[0], name="Renamed", recorded_at=None))
        then = await store.legal_entity(ENTITY_A, as_of=as_of)
        now = await store.legal_entity(ENTITY_A, as_of=datetime.now(UTC))
    assert then is not None and then.name == "CHU Test"
    assert now is not None and now.name == "Renamed"


async def test_an_unknown_entity_is_none(referential: AsyncEngine) -> None:
    async with referential.begin() as connection:
        assert await PgReferentialStore(connection).legal_entity("750000010") is None


async def test_declaring_the_same_version_again_records_nothing_new(referential: AsyncEngine) -> None:
    from sqlalchemy import text

    async with referential.begin() as connection:
        store = PgReferentialStore(connection)
        await store.put_legal_entity(replace(ENTITIES[0], recorded_at=None))
        count = (
            await connection.execute(
                text("SELECT count(*) FROM legal_entity_version WHERE finess_ej = :ej"), {"ej": ENTITY_A}
            )
        ).scalar()
    assert count == 1
