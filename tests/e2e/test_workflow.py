"""The monthly workflow through the API: transitions by role, refusals, uploads to a closed
month, and the GHT's completeness and timeliness (test clock: 10 April 2025, 09:00 UTC)."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, ENTITY_A2, GHT_A

Client = AsyncTestClient[Litestar]
MARCH = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03"
PATIENTS = "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\n"


async def _move(
    client: Client, keys: dict, key: str, step: str, reason: str | None = None, base: str = MARCH
) -> tuple[int, dict]:
    answer = await client.post(
        f"{base}/workflow/{step}", headers=keys[key], json={"reason": reason} if reason else None
    )
    return answer.status_code, answer.json()


async def _upload(client: Client, keys: dict) -> int:
    answer = await client.post(
        f"{MARCH}/submissions/patients", content=PATIENTS, headers={**keys["member_a"], "content-type": "text/csv"}
    )
    return answer.status_code


async def test_a_month_goes_from_draft_to_locked_and_a_locked_month_refuses_uploads(client: Client, keys: dict) -> None:
    assert (await client.get(f"{MARCH}/workflow", headers=keys["member_a"])).json()["state"] == "draft"
    assert (await _move(client, keys, "member_a", "submit"))[1]["state"] == "submitted"
    assert await _upload(client, keys) == 201  # a submitted month still takes files
    assert (await _move(client, keys, "support", "validate"))[1]["state"] == "validated"
    status, body = await _move(client, keys, "support", "lock")
    assert (status, body["state"]) == (200, "locked")
    assert [(step["transition"], step["role"]) for step in body["history"]] == [
        ("submit", "member"),
        ("validate", "ght_support"),
        ("lock", "ght_support"),
    ]
    refused = await client.post(
        f"{MARCH}/submissions/encounters",
        headers={**keys["member_a"], "content-type": "text/csv"},
        content="encounter_id\n",
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/month-closed")
    listed = await client.get(f"{MARCH}/submissions", headers=keys["member_a"])
    assert [item["kind"] for item in listed.json()] == ["patients"]  # nothing of the refused file, not even a refusal


async def test_only_an_admin_reopens_a_locked_month_and_with_a_reason(client: Client, keys: dict) -> None:
    for key, step in (("member_a", "submit"), ("support", "validate"), ("support", "lock")):
        await _move(client, keys, key, step)
    assert (await _move(client, keys, "support", "reopen", "late file"))[0] == 403
    assert (await _move(client, keys, "auditor", "reopen", "late file"))[0] == 403
    assert (await _move(client, keys, "admin", "reopen"))[0] == 422
    status, body = await _move(client, keys, "admin", "reopen", "late file from the lab")
    assert (status, body["state"], body["history"][-1]["reason"]) == (200, "draft", "late file from the lab")
    assert await _upload(client, keys) == 201


async def test_a_validated_month_refuses_uploads_until_the_support_returns_it(client: Client, keys: dict) -> None:
    await _move(client, keys, "member_a", "submit")
    await _move(client, keys, "support", "validate")
    assert await _upload(client, keys) == 409
    assert (await _move(client, keys, "support", "return"))[0] == 422  # a reason is required
    assert (await _move(client, keys, "support", "return", "wrong month sent"))[1]["state"] == "draft"
    assert await _upload(client, keys) == 201


async def test_impossible_and_unknown_transitions_are_refused(client: Client, keys: dict) -> None:
    assert (await _move(client, keys, "support", "lock"))[0] == 409  # a draft is not locked
    assert (await _move(client, keys, "member_a", "validate"))[0] == 403
    assert (await _move(client, keys, "member_a", "approve"))[0] == 404
    assert (await _move(client, keys, "member_b", "submit"))[0] == 404  # another entity's month


async def test_the_ght_sees_which_members_are_complete_and_late(client: Client, keys: dict) -> None:
    february = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-02"
    await client.post(
        f"{february}/submissions/patients", content=PATIENTS, headers={**keys["member_a"], "content-type": "text/csv"}
    )
    answer = await client.get(f"/api/v1/ghts/{GHT_A}/periods/2025-02/completeness", headers=keys["support"])
    assert answer.status_code == 200, answer.text
    members = {member["finess_ej"]: member for member in answer.json()}
    assert set(members) == {ENTITY_A, ENTITY_A2}
    mine = members[ENTITY_A]
    assert list(mine["received"]) == ["patients"]
    assert mine["missing"] == ["encounters", "consultations", "documents", "messages"]
    # due by the end of 15 March (Paris): 16 March 00:00 CET = 15 March 23:00 UTC; the clock is 10 April 09:00
    # UTC, 25 days and 10 hours later: 26 days started
    assert (mine["state"], mine["due_at"], mine["late"], mine["days_late"]) == (
        "draft",
        "2025-03-16T00:00:00+01:00",
        True,
        26,
    )
    march = await client.get(f"/api/v1/ghts/{GHT_A}/periods/2025-03/completeness", headers=keys["auditor"])
    assert {member["late"] for member in march.json()} == {False}  # March is due on 15 April
    assert (
        await client.get(f"/api/v1/ghts/{GHT_A}/periods/2025-02/completeness", headers=keys["member_a"])
    ).status_code == 403
