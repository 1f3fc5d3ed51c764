"""The evidence pack through the API, on months computed by hand.

March 2025, as of the test clock (10 April 2025). CHU Test (entity A) discharges five MCO stays:
- E1 (P1) and E4 (P4): a discharge letter sent, CDA N1, qualified INS → counted;
- E2 (P2): its letter was scanned → `scanned`; E3 (P3): sent without a qualified INS → `no_qualified_ins`;
- E5 (P1 again): no letter at all → `no_document_of_type`.
P1.O2.LDL = 2 / 5 = 40.0 %. Active file P1-P4, qualified P1 P3 P4: P1.O1 = 3 / 4 = 75.0 %.
CH Test (entity A2, same GHT) discharges F1 (Q1, letter sent) and F2 (Q2, none): its lines must
never appear in entity A's samples.
"""

import csv
import io
import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser, derive_ght_key
from tests.e2e.conftest import NOW, SECRET
from tests.support.referential import ENTITY_A, ENTITY_A2, GHT_A, SITE_A1, SITE_A2_1
from tests.support.uploads import upload_csv_files

Client = AsyncTestClient[Litestar]
BASE = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03"
AS_OF = {"as_of": NOW.isoformat()}
_HEADER = (
    "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,dmp_status,dmp_sent_at\n"
)
_ENCOUNTERS = "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
FILES_A = {
    "patients": "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\nP2,PROV,OPEN\nP3,QUAL,OPEN\nP4,QUAL,OPEN\n",
    "encounters": (
        _ENCOUNTERS
        + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00\n"
        + f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00\n"
        + f"E3,P3,{SITE_A1},MCO,HOSPITALISATION,2025-03-15,2025-03-18T10:00\n"
        + f"E4,P4,{SITE_A1},MCO,HOSPITALISATION,2025-03-20,2025-03-22T10:00\n"
        + f"E5,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-25,2025-03-27T10:00\n"
    ),
    "documents": (
        _HEADER
        + "D1,P1,E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00\n"
        + "D2,P2,E2,11490-0,2025-03-12T11:00,SCAN,true,true,ACCEPTED,2025-03-13T09:00\n"
        + "D3,P3,E3,11490-0,2025-03-18T11:00,CDA_R2_N1,false,true,ACCEPTED,2025-03-19T09:00\n"
        + "D4,P4,E4,11490-0,2025-03-22T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-23T09:00\n"
    ),
}
FILES_A2 = {
    "patients": "patient_id,identity_status,mes_status\nQ1,QUAL,OPEN\nQ2,QUAL,OPEN\n",
    "encounters": (
        _ENCOUNTERS
        + f"F1,Q1,{SITE_A2_1},MCO,HOSPITALISATION,2025-03-02,2025-03-05T10:00\n"
        + f"F2,Q2,{SITE_A2_1},MCO,HOSPITALISATION,2025-03-06,2025-03-09T10:00\n"
    ),
    "documents": _HEADER + "G1,Q1,F1,11490-0,2025-03-05T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-06T09:00\n",
}
STAYS_A = {"E1", "E2", "E3", "E4", "E5"}


def pseudonym(patient_id: str) -> str:
    """The pseudonym a patient id of the GHT is stored under (HMAC of the GHT's key, as a UUID)."""
    key = derive_ght_key(SECRET.encode(), GHT_A)
    return str(uuid.UUID(HmacPseudonymiser(key).pseudonym("ipp", patient_id).hex()))


async def _upload_both_entities(client: Client, keys: dict) -> None:
    await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-03", FILES_A)
    await upload_csv_files(client, keys["member_a2"], ENTITY_A2, "2025-03", FILES_A2)


async def _results(client: Client, headers: dict) -> dict[str, dict]:
    answer = await client.get(f"{BASE}/indicators", params=AS_OF, headers=headers)
    assert answer.status_code == 200, answer.text
    return {result["indicator_id"]: result for result in answer.json()["results"]}


def _api_row(result: dict) -> tuple:
    return (
        ENTITY_A,
        "CHU Test",
        "2025-03",
        result["indicator_id"],
        result["label_fr"],
        result["numerator"],
        result["denominator"],
        result["rate"],
        result["target"],
        result["tier"],
        result["status"],
        "HOPEN2-P1",
    )


async def test_the_xlsx_opens_and_holds_the_figures_of_the_api(client: Client, keys: dict) -> None:
    await _upload_both_entities(client, keys)
    results = await _results(client, keys["support"])
    answer = await client.get(f"{BASE}/evidence", params=AS_OF, headers=keys["support"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert answer.headers["content-disposition"] == f'attachment; filename="matrice-reponse-{ENTITY_A}-2025-03.xlsx"'
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Matrice de réponse", "Détails de calcul", "Notion de séjour"]
    header, *rows = list(workbook["Matrice de réponse"].iter_rows(values_only=True))
    assert header == (
        "FINESS juridique",
        "Établissement",
        "Mois",
        "Indicateur",
        "Libellé",
        "Numérateur",
        "Dénominateur",
        "Taux (%)",
        "Cible (%)",
        "Palier",
        "Statut",
        "Référentiel",
    )
    assert rows == [_api_row(result) for result in results.values()]
    letters = next(row for row in rows if row[3] == "P1.O2.LDL")
    assert letters[4:9] == ("Lettres de liaison de sortie alimentées dans le DMP", 2, 5, 40.0, 55)
    assert next(row for row in rows if row[3] == "P1.O1")[5:8] == (3, 4, 75.0)
    assert next(row for row in rows if row[3] == "P1.O4")[5:8] == (0, 0, None)  # no consultation: no rate
    details = [line for (line,) in workbook["Détails de calcul"].iter_rows(values_only=True)]
    assert details[0].startswith("Détails sur les modalités de calcul — CHU Test")
    notion = workbook["Notion de séjour"]["A1"].value
    assert notion.startswith("Justification de la notion de séjour — CHU Test")
    assert workbook["Matrice de réponse"].column_dimensions["E"].width > 40  # the labels are readable


async def test_the_csv_gives_the_same_figures_for_a_french_excel(client: Client, keys: dict) -> None:
    await _upload_both_entities(client, keys)
    results = await _results(client, keys["auditor"])
    answer = await client.get(f"{BASE}/evidence", params={**AS_OF, "format": "csv"}, headers=keys["auditor"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].endswith('.csv"') and answer.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert header[7] == "Taux (%)" and len(rows) == 9
    figures = [
        (
            row[3],
            row[4],
            int(row[5]),
            int(row[6]),
            float(row[7].replace(",", ".")) if row[7] else None,
            int(row[8]),
            row[10],
            row[11],
        )
        for row in rows
    ]
    assert figures == [
        (
            r["indicator_id"],
            r["label_fr"],
            r["numerator"],
            r["denominator"],
            r["rate"],
            r["target"],
            r["status"],
            "HOPEN2-P1",
        )
        for r in results.values()
    ]
    assert next(row for row in rows if row[3] == "P1.O2.LDL")[7] == "40,0"


async def test_the_texts_name_the_stay_notion_and_the_calculation_details(client: Client, keys: dict) -> None:
    answer = await client.get(f"{BASE}/evidence/texts", headers=keys["auditor"])
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "Justification de la notion de séjour" in answer.text
    assert "Détails sur les modalités de calcul" in answer.text and "(D16)" in answer.text
    methodology = await client.get(f"{BASE}/methodology", headers=keys["auditor"])
    assert answer.text == methodology.text  # one source for both


async def _sample(client: Client, headers: dict, indicator: str, **params: object) -> dict:
    answer = await client.get(f"{BASE}/samples/{indicator}", params={**AS_OF, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_sample_is_reproducible_and_holds_only_the_entitys_lines(client: Client, keys: dict) -> None:
    await _upload_both_entities(client, keys)
    results = await _results(client, keys["support"])
    first = await _sample(client, keys["support"], "P1.O2.LDL", side="denominator", size=3, seed=7)
    again = await _sample(client, keys["support"], "P1.O2.LDL", side="denominator", size=3, seed=7)
    assert first == again and len(first["items"]) == 3
    assert {item["unit_id"] for item in first["items"]} <= STAYS_A
    every = await _sample(client, keys["support"], "P1.O2.LDL", side="denominator", size=1000, seed=7)
    assert every["population"] == results["P1.O2.LDL"]["denominator"] == 5
    assert every["items"][:3] == first["items"]
    outcomes = {item["unit_id"]: (item["unit"], item["patient_pseudonym"], item["outcome"]) for item in every["items"]}
    assert outcomes == {
        "E1": ("stay", pseudonym("P1"), "counted"),
        "E2": ("stay", pseudonym("P2"), "scanned"),
        "E3": ("stay", pseudonym("P3"), "no_qualified_ins"),
        "E4": ("stay", pseudonym("P4"), "counted"),
        "E5": ("stay", pseudonym("P1"), "no_document_of_type"),
    }
    sent = await _sample(client, keys["auditor"], "P1.O2.LDL", side="numerator", size=1000)
    assert (sent["population"], sent["seed"], sent["side"]) == (results["P1.O2.LDL"]["numerator"], 0, "numerator")
    assert {item["unit_id"] for item in sent["items"]} == {"E1", "E4"}
    assert {item["outcome"] for item in sent["items"]} == {"counted"}
    patients = await _sample(client, keys["support"], "P1.O1", side="denominator", size=1000, seed=7)
    assert patients["population"] == results["P1.O1"]["denominator"] == 4
    assert {item["unit_id"] for item in patients["items"]} == {pseudonym(p) for p in ("P1", "P2", "P3", "P4")}
    assert all(item["unit_id"] == item["patient_pseudonym"] and item["unit"] == "patient" for item in patients["items"])


async def test_another_seed_or_entity_draws_other_lines(client: Client, keys: dict) -> None:
    await _upload_both_entities(client, keys)
    seeds = [
        await _sample(client, keys["support"], "P1.O2.LDL", side="denominator", size=5, seed=seed) for seed in range(4)
    ]
    assert len({tuple(item["unit_id"] for item in sample["items"]) for sample in seeds}) > 1
    other = f"/api/v1/legal-entities/{ENTITY_A2}/periods/2025-03/samples/P1.O2.LDL"
    answer = await client.get(other, params={"side": "denominator", "seed": 7}, headers=keys["support"])
    assert {item["unit_id"] for item in answer.json()["items"]} == {"F1", "F2"}


async def test_the_evidence_is_for_the_ght_support_and_the_ars(client: Client, keys: dict) -> None:
    paths = [f"{BASE}/evidence", f"{BASE}/evidence/texts", f"{BASE}/samples/P1.O1?side=numerator"]
    for path in paths:
        assert (await client.get(path, headers=keys["member_a"])).status_code == 403, path
        assert (await client.get(path, headers=keys["member_a2"])).status_code == 404, path
        assert (await client.get(path, headers=keys["member_b"])).status_code == 404, path
        assert (await client.get(path, headers=keys["auditor"])).status_code == 200, path
        assert (await client.get(path, headers=keys["admin"])).status_code == 200, path


async def test_a_bad_sample_request_is_refused(client: Client, keys: dict) -> None:
    support = keys["support"]
    assert (await client.get(f"{BASE}/samples/P1.O9", params={"side": "numerator"}, headers=support)).status_code == 404
    for params in ({"side": "both"}, {"side": "numerator", "size": 0}, {"side": "numerator", "size": 1001}, {}):
        answer = await client.get(f"{BASE}/samples/P1.O1", params=params, headers=support)
        assert answer.status_code == 422, params
    assert (await client.get(f"{BASE}/evidence", params={"format": "pdf"}, headers=support)).status_code == 422
