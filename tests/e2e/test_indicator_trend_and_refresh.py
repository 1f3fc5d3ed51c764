"""The trend of an entity's indicators with its flow breaks, the background recount after an
upload (the uploading entity only), and as-of reproducibility across a referential change."""

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.settings import Settings
from tests.e2e.conftest import NOW, SECRET
from tests.support.referential import ENTITY_A, ENTITY_A2, SITE_A2_1
from tests.support.uploads import two_stays_with_letters, upload_csv_files

Client = AsyncTestClient[Litestar]
ENTITY = f"/api/v1/legal-entities/{ENTITY_A}"


def _letters(results: list[dict]) -> dict:
    return next(result for result in results if result["indicator_id"] == "P1.O2.LDL")


async def test_the_trend_gives_each_month_and_flags_a_flow_break(client: Client, keys: dict) -> None:
    for period, sent in (("2024-12", 2), ("2025-01", 2), ("2025-02", 2), ("2025-03", 1)):
        await upload_csv_files(client, keys["member_a"], ENTITY_A, period, two_stays_with_letters(period, sent))
    answer = await client.get(
        f"{ENTITY}/indicators", params={"from": "2025-01", "to": "2025-03"}, headers=keys["member_a"]
    )
    assert answer.status_code == 200, answer.text
    months = answer.json()["months"]
    assert [month["period"] for month in months] == ["2025-01", "2025-02", "2025-03"]
    assert [(_letters(m["results"])["numerator"], _letters(m["results"])["denominator"]) for m in months] == [
        (2, 2),
        (2, 2),
        (1, 2),
    ]
    # March: 50 % against a mean of 100 % over December–February (drop of 50 points >= 20), and
    # a numerator of 1 against a mean of 2 (a fall by half): both "ruptures de flux".
    breaks = {(w["code"], w.get("indicator_id")) for w in months[2]["warnings"]}
    assert {("rate_drop", "P1.O2.LDL"), ("numerator_drop", "P1.O2.LDL")} <= breaks
    assert not {w["code"] for w in months[1]["warnings"]} & {"rate_drop", "numerator_drop"}
    month = await client.get(f"{ENTITY}/periods/2025-03/indicators", headers=keys["member_a"])
    assert ("rate_drop", "P1.O2.LDL") in {(w["code"], w.get("indicator_id")) for w in month.json()["warnings"]}


async def test_a_trend_is_bounded_and_follows_the_access_rules(client: Client, keys: dict) -> None:
    reversed_range = await client.get(
        f"{ENTITY}/indicators", params={"from": "2025-03", "to": "2025-01"}, headers=keys["member_a"]
    )
    assert reversed_range.status_code == 422 and "after" in reversed_range.json()["detail"]
    too_long = await client.get(
        f"{ENTITY}/indicators", params={"from": "2023-01", "to": "2025-01"}, headers=keys["member_a"]
    )
    assert too_long.status_code == 422 and "24 months" in too_long.json()["detail"]
    other = await client.get(
        f"{ENTITY}/indicators", params={"from": "2025-01", "to": "2025-03"}, headers=keys["member_b"]
    )
    assert other.status_code == 404


async def _counting_rows(engine: AsyncEngine, finess_ej: str) -> list[tuple]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id, period, computed_at FROM indicator_counting WHERE finess_ej = :ej ORDER BY id"),
            {"ej": finess_ej},
        )
        return [tuple(row) for row in rows]


async def test_an_upload_recounts_only_the_uploading_entitys_stored_months(
    client: Client,
    keys: dict,
    app: Litestar,
    referential: AsyncEngine,
) -> None:
    await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-03", two_stays_with_letters("2025-03", 1))
    await upload_csv_files(
        client, keys["member_a2"], ENTITY_A2, "2025-03", two_stays_with_letters("2025-03", 2, SITE_A2_1)
    )
    await app.state.runtime.refresher.idle()
    view = await client.get("/api/v1/ghts/GHT-IDF-TEST/periods/2025-03/indicators", headers=keys["support"])
    assert view.status_code == 200
    stored_a, stored_a2 = await _counting_rows(referential, ENTITY_A), await _counting_rows(referential, ENTITY_A2)
    assert len(stored_a) == len(stored_a2) == 1

    fixed = two_stays_with_letters("2025-03", 2)["documents"]
    answer = await client.post(
        f"{ENTITY}/periods/2025-03/submissions/documents",
        content=fixed,
        headers={**keys["member_a"], "content-type": "text/csv"},
    )
    assert answer.status_code == 201
    await app.state.runtime.refresher.idle()
    assert await _counting_rows(referential, ENTITY_A2) == stored_a2  # untouched: same row, same instant
    recounted = await _counting_rows(referential, ENTITY_A)
    assert len(recounted) == 2 and recounted[0] == stored_a[0]  # the earlier counting stays for audits

    again = await client.get("/api/v1/ghts/GHT-IDF-TEST/periods/2025-03/indicators", headers=keys["support"])
    members = {member["finess_ej"]: member for member in again.json()["members"]}
    assert (
        _letters(members[ENTITY_A]["results"])["numerator"],
        _letters(members[ENTITY_A]["results"])["denominator"],
    ) == (2, 2)
    assert await _counting_rows(referential, ENTITY_A) == recounted  # read from the stored counting


@contextlib.asynccontextmanager
async def _ticking_client(
    database_url: str, tmp_path: Path, instants: list[datetime], **settings: object
) -> AsyncIterator[Client]:
    """A client of an app whose clock reads the last of `instants`, so that uploads, referential
    changes and reads can be ordered in time."""
    app_settings = Settings(database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET, **settings)  # type: ignore[arg-type]
    async with AsyncTestClient(create_app(app_settings, clock=lambda: instants[-1])) as client:
        yield client


async def _redeclare(client: Client, keys: dict, finess_ej: str, **changes: object) -> None:
    current = (await client.get(f"/api/v1/legal-entities/{finess_ej}", headers=keys["admin"])).json()
    body = {key: value for key, value in current.items() if key not in ("finess_ej", "recorded_at")} | changes
    answer = await client.put(f"/api/v1/legal-entities/{finess_ej}", json=body, headers=keys["admin"])
    assert answer.status_code in (200, 201), answer.text


async def test_a_referential_change_after_the_as_of_instant_does_not_change_the_figures(
    database_url: str,
    tmp_path: Path,
    keys: dict,
) -> None:
    instants = [NOW]
    async with _ticking_client(database_url, tmp_path, instants) as client:
        await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-03", two_stays_with_letters("2025-03", 1))
        instants.append(NOW + timedelta(hours=1))
        policies = (await client.get(ENTITY, headers=keys["admin"])).json()["policies"]
        await _redeclare(client, keys, ENTITY_A, policies={**policies, "mes_mode": "weighted"})
        instants.append(NOW + timedelta(hours=2))
        before = await client.get(
            f"{ENTITY}/periods/2025-03/indicators",
            params={"as_of": (NOW + timedelta(minutes=30)).isoformat()},
            headers=keys["member_a"],
        )
        after = await client.get(f"{ENTITY}/periods/2025-03/indicators", headers=keys["member_a"])
    letters_before, letters_after = _letters(before.json()["results"]), _letters(after.json()["results"])
    assert (letters_before["numerator"], letters_before["denominator"], letters_before["weighting"]) == (1, 2, None)
    # D19: the version recorded later applies to reads as of later instants only.
    assert letters_after["weighting"] == "MES profile rate 0.93" and letters_after["raw_denominator"] == 2


async def test_the_ght_view_lists_the_members_of_the_month_as_known_at_the_as_of_instant(
    database_url: str,
    tmp_path: Path,
    keys: dict,
) -> None:
    instants = [NOW]
    view = "/api/v1/ghts/GHT-IDF-TEST/periods/2025-03/indicators"
    async with _ticking_client(database_url, tmp_path, instants) as client:
        instants.append(NOW + timedelta(hours=1))
        await _redeclare(client, keys, ENTITY_A2, ght_id="GHT-PACA-TEST", valid_from="2025-03-01")
        instants.append(NOW + timedelta(hours=2))
        before = await client.get(
            view, params={"as_of": (NOW + timedelta(minutes=30)).isoformat()}, headers=keys["admin"]
        )
        after = await client.get(view, headers=keys["admin"])
    # D19: membership is effective-dated; A2 left the GHT from March on, recorded at NOW + 1 h.
    assert [member["finess_ej"] for member in before.json()["members"]] == [ENTITY_A2, ENTITY_A]
    assert [member["finess_ej"] for member in after.json()["members"]] == [ENTITY_A]


async def test_flow_break_thresholds_are_settings(database_url: str, tmp_path: Path, keys: dict) -> None:
    async with _ticking_client(
        database_url, tmp_path, [NOW], flow_break_rate_drop_points=60, flow_break_numerator_drop_share="0.6"
    ) as client:
        for period, sent in (("2024-12", 2), ("2025-01", 2), ("2025-02", 2), ("2025-03", 1)):
            await upload_csv_files(client, keys["member_a"], ENTITY_A, period, two_stays_with_letters(period, sent))
        answer = await client.get(f"{ENTITY}/periods/2025-03/indicators", headers=keys["member_a"])
    # 50 points and a fall by half: under these thresholds (60 points, 60 %), no flow break.
    assert not {w["code"] for w in answer.json()["warnings"]} & {"rate_drop", "numerator_drop"}


async def test_patients_absent_from_the_months_patients_file_are_reported(client: Client, keys: dict) -> None:
    files = two_stays_with_letters("2025-03", 2)
    files["patients"] = "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\n"  # P2 has a stay but no line
    await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-03", files)
    answer = await client.get(f"{ENTITY}/periods/2025-03/indicators", headers=keys["member_a"])
    missing = [w for w in answer.json()["warnings"] if w["code"] == "patients_missing_from_patients_file"]
    assert [(w["count"], w["detail"].split(" ")[0]) for w in missing] == [(1, "1")]
    ins = next(result for result in answer.json()["results"] if result["indicator_id"] == "P1.O1")
    assert (ins["numerator"], ins["denominator"]) == (1, 2)  # P2 counted as provisional identity (D4)
