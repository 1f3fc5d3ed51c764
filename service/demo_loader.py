"""`hopen2 demo`: the embedded database, a synthetic GHT loaded through the API, then serving it.

The demo loads its files exactly as a member would (HTTP uploads), so it exercises the real path.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn

from adapters.demo.demo_ght import write_demo_ght
from adapters.persistence.pg_api_key_store import PgApiKeyStore
from domain.access import Principal, Role
from domain.periods import PARIS, Period
from service.app import create_app
from service.cli_progress import progress_bar
from service.folder_import import ImportOutcome, declare_referential, folder_files, upload_file
from service.runtime import Runtime
from service.settings import Settings


def last_complete_months(count: int, now: datetime) -> list[str]:
    current = Period.containing(now.astimezone(PARIS).date())
    return [current.shifted(-offset).label for offset in range(count, 0, -1)]


async def run_demo(settings: Settings, month_count: int) -> None:
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.1)
    runtime: Runtime = app.state.runtime
    months = last_complete_months(month_count, datetime.now(UTC))
    folder = settings.data_dir / "files"
    demo = await asyncio.to_thread(write_demo_ght, folder, months)
    keys = await _demo_keys(runtime, demo.support_finess_ej, demo.ght_id)
    base_url = f"http://{settings.host}:{settings.port}"
    async with httpx.AsyncClient(base_url=base_url, headers=keys["admin"]) as admin:
        await declare_referential(admin, demo.referential_path)
    declared_empty = {file.path for file in demo.files if file.empty}
    await _upload_all(base_url, folder, keys, declared_empty)
    for finess_ej in sorted({file.finess_ej for file in folder_files(folder)}):
        runtime.refresher.schedule(finess_ej, [Period.parse(month) for month in months])
    print(
        f"\nDemo GHT {demo.ght_id} loaded ({', '.join(months)}); its indicators are being counted in the "
        f"background (a few minutes; a read meanwhile counts what it needs). API: {base_url}/schema/swagger\n"
        + "\n".join(
            f"  {name:8} key: {header['authorization'].removeprefix('Bearer ')}" for name, header in keys.items()
        ),
        flush=True,
    )
    await serving


async def _demo_keys(runtime: Runtime, support_finess_ej: str, ght_id: str) -> dict[str, dict[str, str]]:
    scopes = {
        "admin": Principal("", Role.ADMIN),
        "support": Principal("", Role.GHT_SUPPORT, ght_id=ght_id),
        "member": Principal("", Role.MEMBER, finess_ejs=frozenset({support_finess_ej})),
    }
    headers = {}
    async with runtime.engine.begin() as connection:
        store = PgApiKeyStore(connection)
        for name, scope in scopes.items():
            issued = await store.issue(f"demo {name}", scope)
            headers[name] = {"authorization": f"Bearer {issued.secret}"}
    return headers


async def _upload_all(base_url: str, folder: Path, keys: dict[str, dict[str, str]], declared_empty: set[Path]) -> None:
    """Each file uploaded with a member key of its own entity, as the member's interface would."""
    files = folder_files(folder)
    async with httpx.AsyncClient(base_url=base_url, headers=keys["admin"]) as admin:
        member_keys = {}
        for finess_ej in sorted({file.finess_ej for file in files}):
            issued = await admin.post(
                "/api/v1/api-keys",
                json={"name": f"demo interface {finess_ej}", "role": "member", "finess_ejs": [finess_ej]},
            )
            member_keys[finess_ej] = {"authorization": f"Bearer {issued.json()['secret']}"}
    with progress_bar() as progress:
        task = progress.add_task("loading the demo GHT", total=len(files))
        async with httpx.AsyncClient(base_url=base_url) as client:
            for file in files:
                client.headers.update(member_keys[file.finess_ej])
                outcome: ImportOutcome = await upload_file(client, file, allow_empty=file.path in declared_empty)
                if outcome.status >= 300:
                    progress.console.print(f"[red]{file.path}: {outcome.status} {outcome.answer}")
                progress.advance(task)
