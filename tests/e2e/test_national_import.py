"""National statistics imports through the API: canonical layout and named mappings, Latin-1 and
`;`, XLSX, versions, unmatched FINESS reported (and matched once the site is declared), refusals
that keep nothing, and who may import."""

from io import BytesIO

from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook

from tests.support.referential import ENTITY_A, SITE_A1

Client = AsyncTestClient[Litestar]
UNKNOWN_EJ, UNKNOWN_ET = "690780002", "690000005"  # valid FINESS numbers the referential does not know
CSV = {"content-type": "text/csv"}

DMP_FEEDS = (
    "finess;finess_kind;period;type_code;documents;documents_ins_qualified\n"
    f"{ENTITY_A};EJ;2025-03;11490-0;1 200;1 150\n"
    f"{SITE_A1};ET;2025-03;11490-0;300;280\n"
    f"{UNKNOWN_EJ};EJ;2025-03;11490-0;40;40\n"
    f"{UNKNOWN_ET};ET;2025-03;11490-0;7;7\n"
)


async def _import(
    client: Client,
    keys: dict,
    dataset: str,
    body: bytes,
    *,
    mapping: str | None = None,
    headers: dict[str, str] = CSV,
    key: str = "admin",
) -> dict:
    query = f"?mapping={mapping}" if mapping else ""
    answer = await client.post(f"/api/v1/national/{dataset}{query}", content=body, headers={**keys[key], **headers})
    return {"status": answer.status_code, **answer.json()}


async def test_a_canonical_file_is_imported_and_its_unknown_finess_are_reported(client: Client, keys: dict) -> None:
    answer = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode())
    assert answer["status"] == 201, answer
    assert (answer["version"], answer["row_count"], answer["periods"], answer["created"]) == (1, 4, ["2025-03"], True)
    # the entity itself and its declared site match; one unknown FINESS juridique and one unknown site do not
    assert answer["unmatched"] == [
        {"finess": UNKNOWN_ET, "finess_kind": "ET", "rows": 1},
        {"finess": UNKNOWN_EJ, "finess_kind": "EJ", "rows": 1},
    ]
    assert answer["unmatched_rows"] == 2


async def test_the_same_file_again_is_the_same_version(client: Client, keys: dict) -> None:
    first = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode())
    again = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode())
    assert (again["status"], again["import_id"], again["version"], again["created"]) == (
        201,
        first["import_id"],
        1,
        False,
    )
    changed = await _import(client, keys, "dmp_feeds", DMP_FEEDS.replace("1 200", "1 201").encode())
    assert (changed["version"], changed["created"]) == (2, True)
    listed = await client.get("/api/v1/national/dmp_feeds/imports", headers=keys["admin"])
    assert [item["version"] for item in listed.json()] == [1, 2]


async def test_a_site_declared_after_the_import_matches_its_rows(client: Client, keys: dict) -> None:
    await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode())
    declared = await client.put(
        f"/api/v1/sites/{UNKNOWN_ET}",
        headers=keys["admin"],
        json={"finess_ej": ENTITY_A, "name": "Site déclaré après l'import"},
    )
    assert declared.status_code == 200, declared.text
    listed = (await client.get("/api/v1/national/dmp_feeds/imports", headers=keys["admin"])).json()
    assert listed[0]["unmatched"] == [{"finess": UNKNOWN_EJ, "finess_kind": "EJ", "rows": 1}]


async def test_a_latin1_file_is_read_through_a_named_mapping(client: Client, keys: dict) -> None:
    mapping = {
        "finess": "FINESS",
        "finess_kind": "Type FINESS",
        "period": "Mois",
        "type_code": "Type de document",
        "documents": "Nb documents",
        "documents_ins_qualified": "Nb documents INS qualifié",
    }
    recorded = await client.put(
        "/api/v1/national/mappings/cnam-2025", headers=keys["admin"], json={"dataset": "dmp_feeds", "headers": mapping}
    )
    assert recorded.status_code == 200, recorded.text
    body = (
        "Mois;FINESS;Type FINESS;Type de document;Nb documents;Nb documents INS qualifié\n"
        f"03/2025;{ENTITY_A};juridique;11490-0;12;10\n"
    ).encode("latin-1")
    answer = await _import(client, keys, "dmp_feeds", body, mapping="cnam-2025")
    assert (answer["status"], answer["mapping"], answer["row_count"], answer["periods"]) == (
        201,
        "cnam-2025",
        1,
        ["2025-03"],
    )
    listed = await client.get("/api/v1/national/mappings", headers=keys["admin"])
    assert listed.json() == [{"name": "cnam-2025", "dataset": "dmp_feeds", "headers": mapping}]


async def test_an_xlsx_file_of_rates_is_imported(client: Client, keys: dict) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["area", "period", "rate"])
    sheet.append(["11", "2025-03", 0.453])
    sheet.append(["75", "2025-03", "61,5 %"])
    content = BytesIO()
    workbook.save(content)
    answer = await _import(
        client,
        keys,
        "mss_equipment",
        content.getvalue(),
        headers={"content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert (answer["status"], answer["row_count"], answer["unmatched"]) == (201, 2, [])


async def test_a_file_with_bad_lines_is_refused_whole_with_every_issue(client: Client, keys: dict) -> None:
    body = (
        "finess;finess_kind;period;type_code;documents\n"
        f"{ENTITY_A};EJ;2025-13;11490-0;12\n"
        f"{ENTITY_A};XX;2025-03;11490-0;-3\n"
        f"{ENTITY_A};EJ;2025-03;11490-0;5\n"
    ).encode()
    answer = await _import(client, keys, "dmp_feeds", body)
    assert answer["status"] == 422
    assert answer["type"].endswith("/file-refused")
    assert {(error["line"], error["field"]) for error in answer["errors"]} == {
        (2, "period"),
        (3, "finess_kind"),
        (3, "documents"),
    }
    assert answer["error_total"] == 3
    listed = await client.get("/api/v1/national/dmp_feeds/imports", headers=keys["admin"])
    assert listed.json() == []


async def test_only_the_administrator_imports(client: Client, keys: dict) -> None:
    for role in ("support", "member_a", "auditor"):
        answer = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode(), key=role)
        assert answer["status"] == 403, role
        mapped = await client.put(
            "/api/v1/national/mappings/x", headers=keys[role], json={"dataset": "dmp_feeds", "headers": {}}
        )
        assert mapped.status_code == 403, role


async def test_an_unknown_dataset_a_foreign_mapping_and_an_unknown_field_are_refused(
    client: Client, keys: dict
) -> None:
    assert (await _import(client, keys, "dmp_flux", DMP_FEEDS.encode()))["status"] == 404
    unknown_field = await client.put(
        "/api/v1/national/mappings/ans",
        headers=keys["admin"],
        json={"dataset": "mss_pro", "headers": {"documents": "Documents"}},
    )
    assert unknown_field.status_code == 422
    assert "documents" in unknown_field.json()["detail"]
    await client.put(
        "/api/v1/national/mappings/ans",
        headers=keys["admin"],
        json={"dataset": "mss_pro", "headers": {"messages": "Messages"}},
    )
    foreign = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode(), mapping="ans")
    assert foreign["status"] == 422
    assert "mss_pro" in foreign["detail"]
    missing = await _import(client, keys, "dmp_feeds", DMP_FEEDS.encode(), mapping="nowhere")
    assert missing["status"] == 422
