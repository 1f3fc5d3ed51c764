"""Declaring the referential through the API, and importing the public FINESS extract."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, ENTITY_A2, ENTITY_B, GHT_A, SITE_A1

Client = AsyncTestClient[Litestar]


async def test_an_admin_declares_a_ght_its_members_and_sites(client: Client, keys: dict) -> None:
    ght = await client.put(
        "/api/v1/ghts/GHT-NEW",
        headers=keys["admin"],
        json={"name": "GHT nouveau", "region": "11", "support_finess_ej": "750000010", "valid_from": "2025-01-01"},
    )
    assert ght.status_code == 200 and ght.json()["region"] == "11"
    entity = await client.put(
        "/api/v1/legal-entities/750000010",
        headers=keys["admin"],
        json={
            "name": "CH Nouveau",
            "ght_id": "GHT-NEW",
            "department": "75",
            "has_surgery": True,
            "sunes_achieved": ["DS1.1"],
            "policies": {"unit_override": {"P1.O2.LDL": "patients"}},
        },
    )
    assert entity.status_code == 200, entity.text
    body = entity.json()
    assert body["has_surgery"] is True and body["sunes_achieved"] == ["DS1.1"]
    assert body["policies"]["unit_override"] == {"P1.O2.LDL": "patients"}
    assert len(body["candidate_indicators"]) == 9
    site = await client.put(
        "/api/v1/sites/750000028", headers=keys["admin"], json={"finess_ej": "750000010", "name": "Site unique"}
    )
    assert site.status_code == 200
    sites = await client.get("/api/v1/legal-entities/750000010/sites", headers=keys["admin"])
    assert [s["finess_et"] for s in sites.json()] == ["750000028"]


async def test_an_invalid_finess_is_refused_with_the_reason(client: Client, keys: dict) -> None:
    answer = await client.put(
        "/api/v1/sites/750000029", headers=keys["admin"], json={"finess_ej": ENTITY_A, "name": "x"}
    )
    assert answer.status_code == 422
    assert "Luhn" in answer.json()["detail"]


async def test_unknown_indicator_or_analogue_values_are_refused(client: Client, keys: dict) -> None:
    answer = await client.put(
        f"/api/v1/legal-entities/{ENTITY_A}",
        headers=keys["admin"],
        json={"name": "CHU Test", "ght_id": GHT_A, "department": "75", "sunes_achieved": ["DS9.9"]},
    )
    assert answer.status_code == 422


async def test_a_new_version_changes_the_entity_and_keeps_its_history(client: Client, keys: dict) -> None:
    body = {"name": "CHU Test renommé", "ght_id": GHT_A, "department": "75", "has_imaging": True}
    changed = await client.put(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["support"], json=body)
    assert changed.status_code == 200 and changed.json()["name"] == "CHU Test renommé"
    read = await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["member_a"])
    assert read.json()["name"] == "CHU Test renommé"


async def test_the_support_cannot_move_an_entity_into_another_ght(client: Client, keys: dict) -> None:
    body = {"name": "CH Sud", "ght_id": GHT_A, "department": "13"}
    answer = await client.put(f"/api/v1/legal-entities/{ENTITY_B}", headers=keys["support"], json=body)
    assert answer.status_code == 404


async def test_the_finess_extract_records_the_sites_of_known_entities(client: Client, keys: dict) -> None:
    lines = [
        "finess;etalab;95;2025-01-01",
        _structureet("750100034", ENTITY_A, "Hôpital Saint-Éloi"),
        _structureet(SITE_A1, ENTITY_A, "Site principal"),  # unchanged
        _structureet("340000033", ENTITY_A2, "CH Test annexe"),
        _structureet("130000029", ENTITY_B, "Hors GHT"),
        _structureet("750100035", ENTITY_A, "Mauvaise clé"),
    ]
    content = ("\n".join(lines) + "\n").encode("latin-1")
    answer = await client.post(
        "/api/v1/referential/finess-extract", content=content, headers={**keys["support"], "content-type": "text/csv"}
    )
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (report["sites_recorded"], report["sites_unchanged"], report["sites_of_unknown_entities"]) == (2, 1, 1)
    assert report["issue_total"] == 1 and report["issues"][0]["line"] == 6
    site = await client.get("/api/v1/sites/750100034", headers=keys["member_a"])
    assert site.json()["name"] == "Hôpital Saint-Éloi"


async def test_members_and_auditors_cannot_import_the_extract(client: Client, keys: dict) -> None:
    for name in ("member_a", "auditor"):
        answer = await client.post(
            "/api/v1/referential/finess-extract",
            content=b"finess;etalab\n",
            headers={**keys[name], "content-type": "text/csv"},
        )
        assert answer.status_code == 403


def _structureet(finess_et: str, finess_ej: str, name: str) -> str:
    fields = ["structureet", finess_et, finess_ej, name, name.upper()] + [""] * 8 + ["75", "PARIS"]
    fields += [""] * 3 + ["355", "Centre Hospitalier"] + [""] * 10 + ["1990-01-01", "", "", ""]
    return ";".join(fields)
