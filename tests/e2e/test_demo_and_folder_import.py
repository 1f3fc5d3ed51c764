"""The demo GHT's files go through the real upload path (a real server, the CLI's HTTP client),
and `hopen2 import`'s folder walk uploads in an order that lets links resolve."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.demo.demo_ght import write_demo_ght
from service.app import create_app
from service.folder_import import ImportOutcome, declare_referential, folder_files, import_folder, upload_file
from service.settings import Settings
from tests.e2e.conftest import SECRET, issue_key
from tests.support.network import free_port

MONTHS = ["2025-01", "2025-02", "2025-03"]


@pytest.fixture
async def served(database_url: str, engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind a real uvicorn on a free loopback port, and an admin client of it."""
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        pseudonymisation_secret=SECRET,
        rate_limit_uploads_per_minute=100_000,
    )  # as the demo: a local server loading its files
    app = create_app(settings, clock=lambda: datetime(2025, 4, 20, tzinfo=UTC))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=await issue_key(engine, "admin")
    ) as client:
        yield client
    server.should_exit = True
    await serving


async def test_every_demo_file_is_accepted(served: httpx.AsyncClient, tmp_path: Path) -> None:
    demo = write_demo_ght(tmp_path / "demo", MONTHS, scale=0.02)
    await declare_referential(served, demo.referential_path)
    empty = {file.path for file in demo.files if file.empty}
    refused = []
    for file in folder_files(tmp_path / "demo"):
        outcome = await upload_file(served, file, allow_empty=file.path in empty)
        if outcome.status != 201:
            refused.append((file.path.name, outcome.status, outcome.answer.get("errors", [])[:3]))
    assert refused == []
    assert len(folder_files(tmp_path / "demo")) == len(demo.files) == 5 * 5 * len(MONTHS)


async def test_import_folder_declares_the_referential_then_uploads_in_link_order(
    served: httpx.AsyncClient, tmp_path: Path
) -> None:
    demo = write_demo_ght(tmp_path / "demo", MONTHS[:1], scale=0.01)
    for file in demo.files:  # a folder import cannot declare an empty month: leave those out
        if file.empty:
            file.path.unlink()
    seen: list[ImportOutcome] = []
    outcomes = await import_folder(served, tmp_path / "demo", seen.append)
    assert [outcome.status for outcome in outcomes] == [201] * len(outcomes) and seen == outcomes
    kinds = [outcome.file.kind for outcome in outcomes]
    assert kinds.index("documents") > max(i for i, kind in enumerate(kinds) if kind == "encounters")


async def test_the_import_command_uploads_a_folder_with_its_progress(served: httpx.AsyncClient, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from service.cli import main

    demo = write_demo_ght(tmp_path / "demo", MONTHS[:1], scale=0.01)
    for file in demo.files:
        if file.empty:
            file.path.unlink()
    key = served.headers["authorization"].removeprefix("Bearer ")
    arguments = ["import", str(tmp_path / "demo"), "--url", str(served.base_url), "--api-key", key]
    result = await asyncio.to_thread(CliRunner().invoke, main, arguments)
    assert result.exit_code == 0, result.output
    assert f"{len(folder_files(tmp_path / 'demo'))}/{len(folder_files(tmp_path / 'demo'))}" in result.output
    again = await asyncio.to_thread(CliRunner().invoke, main, arguments)  # same files: idempotent
    assert again.exit_code == 0
