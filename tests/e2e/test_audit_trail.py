"""The audit trail: auditors' reads, changes and exports on record, for administrators only, and
never changed once written."""

import asyncio

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from service.cli import main
from tests.support.referential import ENTITY_A

Client = AsyncTestClient[Litestar]
RESULTS = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/indicators"


async def _events(client: Client, keys: dict, **filters: str) -> list[dict]:
    answer = await client.get("/api/v1/audit", params=filters, headers=keys["admin"])
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_every_read_of_an_auditor_is_on_record(client: Client, keys: dict) -> None:
    assert (await client.get(RESULTS, headers=keys["auditor"], params={"referential": "HOPEN2-P1"})).status_code == 200
    assert (await client.get(f"{RESULTS}/strata", headers=keys["auditor"], params={"by": "nowhere"})).status_code == 422
    events = await _events(client, keys, role="ars_auditor")
    assert [(event["action"], event["method"], event["path"], event["status"]) for event in events] == [
        ("read", "GET", f"{RESULTS}/strata", 422),
        ("read", "GET", RESULTS, 200),
    ]
    assert events[1]["query"] == "referential=HOPEN2-P1"


async def test_changes_are_on_record_and_a_members_reads_are_not(client: Client, keys: dict) -> None:
    await client.get(RESULTS, headers=keys["member_a"])
    await client.post(f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/workflow/submit", headers=keys["member_a"])
    events = await _events(client, keys, role="member")
    assert [(event["action"], event["method"], event["status"]) for event in events] == [("write", "POST", 200)]


async def test_only_an_administrator_reads_the_trail(client: Client, keys: dict) -> None:
    for role in ("support", "member_a", "auditor"):
        assert (await client.get("/api/v1/audit", headers=keys[role])).status_code == 403, role


async def test_the_trail_refuses_updates_and_deletes(client: Client, keys: dict, referential: AsyncEngine) -> None:
    await client.get(RESULTS, headers=keys["auditor"])
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with referential.begin() as connection:
                await connection.execute(text(statement))
    assert len(await _events(client, keys, role="ars_auditor")) == 1


async def test_a_refused_key_is_on_record_without_what_was_presented(client: Client, keys: dict) -> None:
    answer = await client.get(RESULTS, headers={"authorization": "Bearer hop2_not_a_real_key"})
    assert answer.status_code == 401
    [event] = await _events(client, keys, role="-")
    assert (event["actor"], event["action"], event["status"]) == ("anonymous", "login_failed", 401)
    assert "hop2_not_a_real_key" not in str(event)


async def test_the_chain_reveals_an_altered_event(
    client: Client, keys: dict, referential: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        await client.get(RESULTS, headers=keys["auditor"])
    events = await _events(client, keys, role="ars_auditor")
    assert events[0]["previous_hash"] == events[1]["hash"]  # most recent first, each chained to the one before
    monkeypatch.setenv("DATABASE_URL", database_url)
    intact = await asyncio.to_thread(CliRunner().invoke, main, ["audit", "verify"])  # the CLI runs its own loop
    assert (intact.exit_code, intact.output.strip()) == (0, "audit trail intact: 3 events")
    async with referential.begin() as connection:  # what someone with database access could do
        await connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        await connection.execute(text("UPDATE audit_event SET status = 404 WHERE id = :id"), {"id": events[1]["id"]})
        await connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    broken = await asyncio.to_thread(CliRunner().invoke, main, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"BROKEN at event {events[1]['id']}" in broken.output
