"""Retention through the command line: `hopen2 purge` drops an old month's submissions and
records, its indicators still answer the same figures, and the recent month is untouched."""

import asyncio
from typing import Any

from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.cli_retention import purge
from tests.support.referential import ENTITY_A
from tests.support.uploads import two_stays_with_letters, upload_csv_files

Client = AsyncTestClient[Litestar]
Keys = dict[str, dict[str, str]]
ENTITY = f"/api/v1/legal-entities/{ENTITY_A}"
OLD, RECENT = "2025-02", "2025-03"


async def _invoke(database_url: str, *arguments: str) -> Result:
    """The command runs its own event loop: in a thread, beside the app's."""
    return await asyncio.to_thread(CliRunner().invoke, purge, list(arguments), env={"DATABASE_URL": database_url})


async def _indicators(client: Client, keys: Keys, period: str) -> dict[str, Any]:
    answer = await client.get(f"{ENTITY}/periods/{period}/indicators", headers=keys["member_a"])
    assert answer.status_code == 200, answer.text
    return {key: answer.json()[key] for key in ("counted_as_of", "results", "warnings")}


async def test_a_purged_month_answers_the_same_figures_and_the_recent_month_is_untouched(
    client: Client,
    keys: Keys,
    app: Litestar,
    referential: AsyncEngine,
    database_url: str,
) -> None:
    await upload_csv_files(client, keys["member_a"], ENTITY_A, OLD, two_stays_with_letters(OLD, letters_sent=1))
    await upload_csv_files(client, keys["member_a"], ENTITY_A, RECENT, two_stays_with_letters(RECENT, letters_sent=2))
    await app.state.runtime.refresher.idle()
    old, recent = await _indicators(client, keys, OLD), await _indicators(client, keys, RECENT)
    letters = next(result for result in old["results"] if result["indicator_id"] == "P1.O2.LDL")
    assert (letters["numerator"], letters["denominator"]) == (1, 2)

    dry = await _invoke(database_url, "--dry-run", "--before", RECENT)
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith(f"would purge: the months before {RECENT}")
    assert len((await client.get(f"{ENTITY}/periods/{OLD}/submissions", headers=keys["member_a"])).json()) == 3

    done = await _invoke(database_url, "--before", RECENT)
    assert done.exit_code == 0, done.output
    assert done.output.replace("would purge", "purged") == dry.output.replace("would purge", "purged")
    lines = dict(line.split() for line in done.output.splitlines()[1:])
    assert (lines["submission"], lines["encounter_record"], lines["document_record"], lines["entity-months"]) == (
        "3",
        "2",
        "2",
        "1",
    )

    assert await _indicators(client, keys, OLD) == old  # the stored counting, warnings included
    assert await _indicators(client, keys, RECENT) == recent
    purged = await client.get(f"{ENTITY}/periods/{OLD}/submissions", headers=keys["member_a"])
    assert purged.status_code == 200 and purged.json() == []
    kept = await client.get(f"{ENTITY}/periods/{RECENT}/submissions", headers=keys["member_a"])
    assert len(kept.json()) == 3

    async with referential.connect() as connection:
        event = (
            await connection.execute(
                text("SELECT actor, role, action, path, query FROM audit_event WHERE action = 'purge'")
            )
        ).one()
    assert tuple(event)[:4] == ("cli", "admin", "purge", "/retention/purge")
    assert event.query.startswith(f"before={RECENT}&months=1&months_never_counted=0&patient_record=2&")
    assert "P1" not in event.query and "P2" not in event.query

    files = two_stays_with_letters(OLD, letters_sent=2)
    upload = f"{ENTITY}/periods/{OLD}/submissions/documents"
    headers = {**keys["member_a"], "content-type": "text/csv"}
    late = await client.post(upload, content=files["documents"], headers=headers)
    assert late.status_code == 409 and late.json()["type"].endswith("/month-purged"), late.text
    assert "purged under the retention period" in late.json()["detail"]
    assert (await client.get(f"{ENTITY}/periods/{OLD}/submissions", headers=keys["member_a"])).json() == []
    assert await _indicators(client, keys, OLD) == old


async def test_a_cutoff_after_the_current_month_or_not_a_month_is_refused(database_url: str) -> None:
    for before in ("2999-01", "2025-13", "March"):
        refused = await _invoke(database_url, "--before", before)
        assert refused.exit_code == 2 and "--before" in refused.output, refused.output
