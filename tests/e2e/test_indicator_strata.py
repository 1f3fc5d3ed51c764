"""Results by site and by care unit (D17) through the API, on a month computed by hand."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, SITE_A1, SITE_A2
from tests.support.uploads import upload_csv_files

Client = AsyncTestClient[Litestar]
BASE = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03"
# P1 stays in cardiology on the main site, then in pneumology on the north site; P2 in pneumology
# on the north site; P3 only comes to a consultation on the main site.
FILES = {
    "patients": "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\nP2,PROV,OPEN\nP3,QUAL,OPEN\n",
    "encounters": (
        "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at,unit\n"
        f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00,CARDIO\n"
        f"E2,P2,{SITE_A2},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00,PNEUMO\n"
        f"E3,P1,{SITE_A2},MCO,HOSPITALISATION,2025-03-20,2025-03-22T10:00,PNEUMO\n"
    ),
    "consultations": f"consultation_id,patient_id,finess_et,occurred_at,ace_billed\nC1,P3,{SITE_A1},2025-03-15T10:00,true\n",
    "documents": (
        "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
        "dmp_status,dmp_sent_at,unit\n"
        "D1,P1,E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00,CARDIO\n"
        "D2,P2,E2,11490-0,2025-03-12T11:00,SCAN,true,true,ACCEPTED,2025-03-13T09:00,PNEUMO\n"
        "L1,P1,E3,11502-2,2025-03-21T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-21T12:00,BIO\n"
    ),
}


async def _upload_all(client: Client, headers: dict) -> None:
    await upload_csv_files(client, headers, ENTITY_A, "2025-03", FILES)


def _figures(body: dict, indicator: str) -> dict:
    """(numerator, denominator) of `indicator` in each stratum that has it."""
    return {
        stratum["key"]: (result["numerator"], result["denominator"])
        for stratum in body["strata"]
        for result in stratum["results"]
        if result["indicator_id"] == indicator
    }


async def test_results_by_site_attribute_each_unit_to_its_site(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    answer = await client.get(f"{BASE}/indicators/strata", params={"by": "site"}, headers=keys["member_a"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(stratum["key"], stratum["name"]) for stratum in body["strata"]] == [
        (SITE_A1, "Site principal"),
        (SITE_A2, "Site nord"),
    ]
    # letters: E1 (main site) sent; E2 scanned and E3 without letter (north site)
    assert _figures(body, "P1.O2.LDL") == {SITE_A1: (1, 1), SITE_A2: (0, 2)}
    north = next(stratum for stratum in body["strata"] if stratum["key"] == SITE_A2)
    letters = next(result for result in north["results"] if result["indicator_id"] == "P1.O2.LDL")
    assert [(row["exclusion"], row["count"]) for row in letters["explanation"]] == [
        ("no_document_of_type", 1),
        ("scanned", 1),
    ]
    # INS: P1 (qualified) is counted on both sites, P3 (qualified) on the main one, P2 (provisional)
    # on the north one; 4 patient-strata for 3 patients: patient strata need not add up (D17)
    assert _figures(body, "P1.O1") == {SITE_A1: (2, 2), SITE_A2: (1, 2)}
    # the lab report is linked to E3: north site; the consultation without report: main site
    assert _figures(body, "P1.O5") == {SITE_A2: (1, 1)}
    assert _figures(body, "P1.O4") == {SITE_A1: (0, 1)}


async def test_results_by_unit_keep_a_stratum_for_what_has_no_unit(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    answer = await client.get(f"{BASE}/indicators/strata", params={"by": "unit"}, headers=keys["member_a"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [stratum["key"] for stratum in body["strata"]] == ["BIO", "CARDIO", "PNEUMO", None]
    assert _figures(body, "P1.O2.LDL") == {"CARDIO": (1, 1), "PNEUMO": (0, 2)}
    assert _figures(body, "P1.O1") == {"CARDIO": (1, 1), "PNEUMO": (1, 2), None: (1, 1)}
    assert _figures(body, "P1.O5") == {"BIO": (1, 1)}
    assert _figures(body, "P1.O4") == {None: (0, 1)}  # consultations carry no care unit


async def test_strata_follow_the_access_rules_and_refuse_an_unknown_dimension(client: Client, keys: dict) -> None:
    await _upload_all(client, keys["member_a"])
    assert (
        await client.get(f"{BASE}/indicators/strata", params={"by": "floor"}, headers=keys["member_a"])
    ).status_code == 422
    assert (
        await client.get(f"{BASE}/indicators/strata", params={"by": "site"}, headers=keys["member_b"])
    ).status_code == 404
    assert (
        await client.get(f"{BASE}/indicators/strata", params={"by": "unit"}, headers=keys["auditor"])
    ).status_code == 200
