"""Reconciliation through the API, on a month computed by hand (indicators.md §7).

February 2025 (deadline with one month of grace: 1 April 2025, before the test clock of 10 April).
CHU Test (entity A) discharges three MCO stays, with discharge letters (11490-0, CDA N1, DataMatrix):
- E1 (site A1): D1 and D1B, both with a qualified INS, accepted on 5 February → the stay counts;
- E2 (site A1): D2, accepted on 2 April, after the deadline → late;
- E3 (site A2): D3 accepted without a qualified INS, D4 refused by the DMP.
Local P1.O2.LDL: numerator 1 (E1), denominator 3, rate 33.3 %. Letters passing §4: D1, D1B (2).

The national DMP feeds give the letters by site: A1 2 with a qualified INS (3 in all), A2 0 (1 in
all), and 5 for an unknown FINESS juridique. Mapped to entity A: 2 + 0 = 2 documents with a
qualified INS. National rate 2 / 3 = 66.7 %, gap +33.3 points (2 − 1) × 100 / 3, relative gap
(2 − 1) / 1 = 1: national_higher. Causes: one letter more than the stays counted (2 − 1), one late,
one refused, one without a qualified INS, one national row of an unknown FINESS.
No INSi file is imported: P1.O1 is national_missing. No surgical stay: P1.O3 is not_comparable.
"""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, ENTITY_A2, ENTITY_B, GHT_A, SITE_A1, SITE_A2
from tests.support.uploads import upload_csv_files

Client = AsyncTestClient[Litestar]
ENTITY_URL = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-02/reconciliation"
GHT_URL = f"/api/v1/ghts/{GHT_A}/periods/2025-02/reconciliation"
FILES = {
    "patients": "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\nP2,QUAL,OPEN\nP3,QUAL,OPEN\n",
    "encounters": (
        "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
        f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-02-01,2025-02-04T10:00\n"
        f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-02-10,2025-02-12T10:00\n"
        f"E3,P3,{SITE_A2},MCO,HOSPITALISATION,2025-02-15,2025-02-18T10:00\n"
    ),
    "documents": (
        "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
        "dmp_status,dmp_sent_at\n"
        "D1,P1,E1,11490-0,2025-02-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-02-05T09:00\n"
        "D1B,P1,E1,11490-0,2025-02-04T12:00,CDA_R2_N1,true,true,ACCEPTED,2025-02-05T09:00\n"
        "D2,P2,E2,11490-0,2025-02-12T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-04-02T09:00\n"
        "D3,P3,E3,11490-0,2025-02-18T11:00,CDA_R2_N1,false,true,ACCEPTED,2025-02-19T09:00\n"
        "D4,P3,E3,11490-0,2025-02-18T12:00,CDA_R2_N1,true,true,REJECTED,2025-02-19T10:00\n"
    ),
}
DMP_FEEDS = (
    "finess;finess_kind;period;type_code;documents;documents_ins_qualified\n"
    f"{SITE_A1};ET;2025-02;11490-0;3;2\n"
    f"{SITE_A2};ET;2025-02;11490-0;1;0\n"
    "690780002;EJ;2025-02;11490-0;5;5\n"
)


async def _month_with_national_feeds(client: Client, keys: dict) -> None:
    await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-02", FILES)
    imported = await client.post(
        "/api/v1/national/dmp_feeds", content=DMP_FEEDS, headers={**keys["admin"], "content-type": "text/csv"}
    )
    assert imported.status_code == 201, imported.text


def _lines(body: dict) -> dict[str, dict]:
    return {line["indicator_id"]: line for line in body["lines"]}


async def test_the_discharge_letters_beside_the_national_feeds_of_the_entitys_sites(client: Client, keys: dict) -> None:
    await _month_with_national_feeds(client, keys)
    answer = await client.get(ENTITY_URL, headers=keys["support"])
    assert answer.status_code == 200, answer.text
    letters = _lines(answer.json())["P1.O2.LDL"]
    assert (letters["local_numerator"], letters["local_denominator"], letters["local_rate"]) == (1, 3, 33.3)
    assert (letters["national_count"], letters["national_rate"], letters["gap_points"], letters["relative_gap"]) == (
        2,
        66.7,
        33.3,
        1.0,
    )
    assert (letters["tolerance_points"], letters["status"]) == (5.0, "national_higher")
    assert letters["causes"] == [
        {"cause": "several_documents_per_unit", "count": 1},
        {"cause": "late_sending", "count": 1},
        {"cause": "dmp_rejections", "count": 1},
        {"cause": "without_qualified_ins", "count": 1},
        {"cause": "unmatched_national_rows", "count": 1},
    ]


async def test_a_missing_national_file_and_an_empty_denominator_are_told_apart(client: Client, keys: dict) -> None:
    await _month_with_national_feeds(client, keys)
    lines = _lines((await client.get(ENTITY_URL, headers=keys["support"])).json())
    assert lines["P1.O1"]["status"] == "national_missing"
    assert lines["P1.O1"]["national_count"] is None
    # entity A is in the DMP feeds without an operative report: a national count of 0, and no surgical stay
    assert (lines["P1.O3"]["national_count"], lines["P1.O3"]["status"]) == (0, "not_comparable")
    assert len(lines) == 9


async def test_the_ght_sums_its_members_and_counts_the_unmatched_rows_once(client: Client, keys: dict) -> None:
    await _month_with_national_feeds(client, keys)
    answer = await client.get(GHT_URL, headers=keys["auditor"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [member["finess_ej"] for member in body["members"]] == sorted([ENTITY_A, ENTITY_A2])
    other = _lines(next(m for m in body["members"] if m["finess_ej"] == ENTITY_A2))["P1.O2.LDL"]
    assert (other["local_denominator"], other["status"]) == (0, "national_missing")
    ght = {line["indicator_id"]: line for line in body["ght"]}["P1.O2.LDL"]
    assert (ght["local_numerator"], ght["local_denominator"], ght["national_count"], ght["status"]) == (
        1,
        3,
        2,
        "national_higher",
    )
    assert {"cause": "unmatched_national_rows", "count": 1} in ght["causes"]


async def test_a_tolerance_set_for_an_indicator_changes_its_status(client: Client, keys: dict, app: Litestar) -> None:
    await _month_with_national_feeds(client, keys)
    app.state.runtime.settings.reconciliation_tolerance_points_by_indicator["P1.O2.LDL"] = 40
    letters = _lines((await client.get(ENTITY_URL, headers=keys["support"])).json())["P1.O2.LDL"]
    assert (letters["tolerance_points"], letters["status"]) == (40.0, "consistent")


async def test_the_reconciliation_follows_the_access_rules(client: Client, keys: dict) -> None:
    await _month_with_national_feeds(client, keys)
    assert (await client.get(ENTITY_URL, headers=keys["member_a"])).status_code == 200
    assert (await client.get(ENTITY_URL, headers=keys["member_b"])).status_code == 404
    assert (await client.get(GHT_URL, headers=keys["member_a"])).status_code == 403
    foreign = f"/api/v1/legal-entities/{ENTITY_B}/periods/2025-02/reconciliation"
    assert (await client.get(foreign, headers=keys["auditor"])).status_code == 404


async def test_the_imported_mssante_equipment_rate_of_the_region_weights_p1_o7(client: Client, keys: dict) -> None:
    await _month_with_national_feeds(client, keys)
    results = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-02/indicators"
    unweighted = next(
        r
        for r in (await client.get(results, headers=keys["support"])).json()["results"]
        if r["indicator_id"] == "P1.O7"
    )
    current = (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["admin"])).json()
    body = {key: value for key, value in current.items() if key not in ("finess_ej", "recorded_at")}
    body["policies"] = {**body["policies"], "mss_weighting": "region"}
    assert (await client.put(f"/api/v1/legal-entities/{ENTITY_A}", json=body, headers=keys["admin"])).status_code in (
        200,
        201,
    )
    rates = "area;period;rate\n11;2025-02;0,5\n75;2025-02;0,9\n"  # the GHT's region 11, and a department
    imported = await client.post(
        "/api/v1/national/mss_equipment", content=rates, headers={**keys["admin"], "content-type": "text/csv"}
    )
    assert imported.status_code == 201, imported.text
    weighted = next(
        r
        for r in (await client.get(results, headers=keys["support"])).json()["results"]
        if r["indicator_id"] == "P1.O7"
    )
    # the three discharged stays make P1.O7's raw denominator 3; weighted by the region's 50 %: floor(1.5) = 1
    assert (unweighted["denominator"], unweighted["weighting"]) == (3, None)
    assert (weighted["raw_denominator"], weighted["denominator"], weighted["weighting"]) == (
        3,
        1,
        "MSSanté equipment rate (region) 0.5",
    )


async def test_the_imported_mes_profile_rate_of_the_department_is_shown_for_information(
    client: Client, keys: dict
) -> None:
    await _month_with_national_feeds(client, keys)
    rates = "area;period;rate\n75;2025-02;92,4 %\n34;2025-02;0,881\n"  # entity A is in department 75
    imported = await client.post(
        "/api/v1/national/mes_profile_rate", content=rates, headers={**keys["admin"], "content-type": "text/csv"}
    )
    assert imported.status_code == 201, imported.text
    body = (await client.get(ENTITY_URL, headers=keys["support"])).json()
    assert body["mes_profile_rate"] == 0.924
    assert _lines(body)["P1.O2.LDL"]["local_denominator"] == 3  # information only: no weighting by it (D9)
