"""The audit trail: auditors' reads, changes and exports on record, for administrators only, and
never changed once written."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

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
        ("read", "GET", f"{RESULTS}/strata", 422), ("read", "GET", RESULTS, 200)]
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
