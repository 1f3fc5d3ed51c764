"""api.md's access table: no key 401, out of scope 404 (existence not revealed), wrong role 403."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, ENTITY_B, GHT_A, SITE_A1

Client = AsyncTestClient[Litestar]
CSV = {"content-type": "text/csv"}
UPLOAD = "/api/v1/legal-entities/{}/periods/2025-03/submissions/encounters"
FILE = f"encounter_id,patient_id,finess_et,activity,kind,admitted_at\nE1,IPP-1,{SITE_A1},MCO,SEANCE,2025-03-01\n"


async def test_every_endpoint_but_health_requires_a_key(client: Client) -> None:
    assert (await client.get("/health")).status_code == 200
    answer = await client.get(f"/api/v1/legal-entities/{ENTITY_A}")
    assert answer.status_code == 401
    assert answer.json()["type"].endswith("/not-authenticated")
    bad_key = await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers={"authorization": "Bearer hop2_x_y"})
    assert bad_key.status_code == 401


async def test_a_member_gets_404_on_another_entity(client: Client, keys: dict) -> None:
    for path in (
        f"/api/v1/legal-entities/{ENTITY_B}",
        f"/api/v1/legal-entities/{ENTITY_B}/periods/2025-03/submissions",
    ):
        assert (await client.get(path, headers=keys["member_a"])).status_code == 404
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["member_a"])).status_code == 200
    upload = await client.post(UPLOAD.format(ENTITY_B), content=FILE, headers={**keys["member_a"], **CSV})
    assert upload.status_code == 404


async def test_an_unknown_entity_and_a_foreign_one_answer_alike(client: Client, keys: dict) -> None:
    unknown = await client.get("/api/v1/legal-entities/750000010", headers=keys["member_a"])
    foreign = await client.get(f"/api/v1/legal-entities/{ENTITY_B}", headers=keys["member_a"])
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.json()["detail"] == foreign.json()["detail"]


async def test_an_auditor_reads_its_region_and_may_not_write(client: Client, keys: dict) -> None:
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["auditor"])).status_code == 200
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_B}", headers=keys["auditor"])).status_code == 404
    upload = await client.post(UPLOAD.format(ENTITY_A), content=FILE, headers={**keys["auditor"], **CSV})
    assert upload.status_code == 403
    assert upload.json()["type"].endswith("/action-not-allowed")
    rename = await client.put(
        f"/api/v1/sites/{SITE_A1}", json={"finess_ej": ENTITY_A, "name": "x"}, headers=keys["auditor"]
    )
    assert rename.status_code == 403


async def test_the_ght_support_manages_its_ght_only(client: Client, keys: dict) -> None:
    own = await client.put(
        f"/api/v1/sites/{SITE_A1}", json={"finess_ej": ENTITY_A, "name": "Site renommé"}, headers=keys["support"]
    )
    assert own.status_code == 200 and own.json()["name"] == "Site renommé"
    foreign = await client.get(f"/api/v1/legal-entities/{ENTITY_B}", headers=keys["support"])
    assert foreign.status_code == 404
    members = await client.get(f"/api/v1/ghts/{GHT_A}/legal-entities", headers=keys["support"])
    assert {entity["finess_ej"] for entity in members.json()} == {ENTITY_A, "340780006"}
    upload = await client.post(UPLOAD.format(ENTITY_A), content=FILE, headers={**keys["support"], **CSV})
    assert upload.status_code == 403


async def test_only_an_admin_manages_keys(client: Client, keys: dict) -> None:
    body = {"name": "interface", "role": "member", "finess_ejs": [ENTITY_A]}
    assert (await client.post("/api/v1/api-keys", json=body, headers=keys["support"])).status_code == 403
    issued = await client.post("/api/v1/api-keys", json=body, headers=keys["admin"])
    assert issued.status_code == 201
    new_key = {"authorization": f"Bearer {issued.json()['secret']}"}
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=new_key)).status_code == 200
    listed = await client.get("/api/v1/api-keys", headers=keys["admin"])
    assert all("secret" not in key for key in listed.json())
    revoked = await client.delete(f"/api/v1/api-keys/{issued.json()['key_id']}", headers=keys["admin"])
    assert revoked.status_code == 204
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=new_key)).status_code == 401


async def test_a_member_key_needs_valid_finess_numbers(client: Client, keys: dict) -> None:
    body = {"name": "x", "role": "member", "finess_ejs": ["750712185"]}
    answer = await client.post("/api/v1/api-keys", json=body, headers=keys["admin"])
    assert answer.status_code == 422
    assert "Luhn" in answer.json()["detail"]
