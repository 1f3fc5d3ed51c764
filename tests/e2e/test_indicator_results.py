"""Indicator results through the API: figures of uploaded files, access rules, as-of reproducibility."""

from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, ENTITY_B, SITE_A1
from tests.support.uploads import upload_csv_files

Client = AsyncTestClient[Litestar]
BASE = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03"
FILES = {
    "patients": "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\nP2,PROV,OPEN\n",
    "encounters": (
        "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
        f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00\n"
        f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00\n"
    ),
    "documents": (
        "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
        "dmp_status,dmp_sent_at\n"
        "D1,P1,E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00\n"
        "D2,P2,E2,11490-0,2025-03-12T11:00,SCAN,true,true,ACCEPTED,2025-03-13T09:00\n"
    ),
}


async def _upload_all(client: Client, headers: dict) -> None:
    await upload_csv_files(client, headers, ENTITY_A, "2025-03", FILES)


async def test_results_give_each_indicator_with_its_explanation(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    answer = await client.get(f"{BASE}/indicators", headers=keys["member_a"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    results = {result["indicator_id"]: result for result in body["results"]}
    assert len(results) == 9 and body["referential_version"] == "HOPEN2-P1"
    letters = results["P1.O2.LDL"]
    assert (letters["numerator"], letters["denominator"], letters["rate"], letters["status"]) == (
        1,
        2,
        50.0,
        "not_achieved",
    )
    assert letters["explanation"] == [
        {"exclusion": "scanned", "label_fr": letters["explanation"][0]["label_fr"], "count": 1}
    ]
    ins = results["P1.O1"]
    assert (ins["numerator"], ins["denominator"]) == (1, 2)
    assert {w["detail"] for w in body["warnings"]} >= {
        "no consultations file for the month",
        "no messages file for the month",
    }


async def test_an_upload_after_the_as_of_instant_does_not_change_the_figures(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    as_of = datetime(2025, 4, 10, 9, 30, tzinfo=UTC)  # the test clock is 2025-04-10 09:00 UTC
    fixed = FILES["documents"].replace(
        "D2,P2,E2,11490-0,2025-03-12T11:00,SCAN", "D2,P2,E2,11490-0,2025-03-12T11:00,CDA_R2_N1"
    )
    answer = await client.post(
        f"{BASE}/submissions/documents", content=fixed, headers={**keys["member_a"], "content-type": "text/csv"}
    )
    assert answer.status_code == 201
    before = await client.get(
        f"{BASE}/indicators", params={"as_of": (as_of - timedelta(hours=1)).isoformat()}, headers=keys["member_a"]
    )
    now = await client.get(f"{BASE}/indicators", params={"as_of": as_of.isoformat()}, headers=keys["member_a"])
    letters = [
        next(r for r in answer.json()["results"] if r["indicator_id"] == "P1.O2.LDL") for answer in (before, now)
    ]
    assert [(r["numerator"], r["denominator"]) for r in letters] == [(0, 0), (2, 2)]


async def test_another_target_referential_is_selectable_and_an_unknown_one_refused(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    summary = await client.get(
        f"{BASE}/indicators", params={"referential": "HOPEN2-P1-SUMMARY"}, headers=keys["member_a"]
    )
    mss = next(r for r in summary.json()["results"] if r["indicator_id"] == "P1.O7")
    assert summary.json()["referential_version"] == "HOPEN2-P1-SUMMARY" and mss["target"] == 50
    unknown = await client.get(f"{BASE}/indicators", params={"referential": "NOPE"}, headers=keys["member_a"])
    assert unknown.status_code == 422


async def test_results_follow_the_access_rules(client: Client, keys: dict) -> None:
    assert (await client.get(f"{BASE}/indicators", headers=keys["member_b"])).status_code == 404
    assert (await client.get(f"{BASE}/indicators", headers=keys["auditor"])).status_code == 200
    foreign = f"/api/v1/legal-entities/{ENTITY_B}/periods/2025-03/indicators"
    assert (await client.get(foreign, headers=keys["auditor"])).status_code == 404


async def test_the_methodology_text_names_the_decisions(client: Client, keys: dict) -> None:
    answer = await client.get(f"{BASE}/methodology", headers=keys["support"])
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "Justification de la notion de séjour" in answer.text and "(D16)" in answer.text


async def test_the_ght_view_shows_every_member_and_the_ght_status(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    answer = await client.get("/api/v1/ghts/GHT-IDF-TEST/periods/2025-03/indicators", headers=keys["support"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [member["finess_ej"] for member in body["members"]] == ["340780006", ENTITY_A]  # by FINESS
    ght = {item["indicator_id"]: item for item in body["ght"]}
    # ENTITY_A: 1 of 2 letters sent (50 % < 55 %): not achieved; the other member has no activity.
    assert (ght["P1.O2.LDL"]["status"], ght["P1.O2.LDL"]["blocking_members"]) == ("not_satisfied", [ENTITY_A])
    assert ght["P1.O2.LDL"]["consolidated_rate"] == 50.0


async def test_a_member_cannot_read_the_ght_view(client: Client, keys: dict) -> None:
    answer = await client.get("/api/v1/ghts/GHT-IDF-TEST/periods/2025-03/indicators", headers=keys["member_a"])
    assert answer.status_code == 403
    other = await client.get("/api/v1/ghts/GHT-PACA-TEST/periods/2025-03/indicators", headers=keys["support"])
    assert other.status_code == 404
