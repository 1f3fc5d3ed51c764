"""The one command-line entry point: `hopen2 serve | demo | import | db upgrade | audit verify | pseudonyms
rotate | purge | openapi`."""

import asyncio
import json
import signal
import sys
from pathlib import Path

import click
import uvicorn

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_audit_trail import PgAuditTrail
from adapters.persistence.schema_migrations import upgrade
from domain.audit import ChainVerification
from service.app import create_app
from service.cli_progress import progress_bar
from service.cli_pseudonyms import pseudonyms
from service.cli_retention import purge
from service.settings import Settings

OPENAPI_PATH = Path("openapi/openapi.json")


@click.group()
def main() -> None:
    """GHT HOP'EN2 reporting service."""


@main.command()
def serve() -> None:
    """Serve the API (embedded PostgreSQL unless DATABASE_URL is set)."""
    settings = Settings()
    _exit_on_sigterm()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


@main.command()
@click.option("--months", default=6, show_default=True, help="How many complete months to generate.")
@click.option("--port", type=int, default=None, help="Default: HOPEN2_PORT, else 8000.")
def demo(months: int, port: int | None) -> None:
    """Start on the embedded database, load a synthetic demo GHT, and serve it."""
    from service.demo_loader import run_demo

    configured = Settings()
    settings = Settings(
        database_url=None,
        data_dir=configured.data_dir / "demo",
        port=configured.port if port is None else port,
        rate_limit_uploads_per_minute=100_000,
    )  # a local server loading its own 150 files
    _exit_on_sigterm()
    asyncio.run(run_demo(settings, months))


@main.command(name="import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The service's address.")
@click.option("--api-key", envvar="HOPEN2_API_KEY", required=True, help="Or HOPEN2_API_KEY.")
def import_command(folder: Path, url: str, api_key: str) -> None:
    """Upload a folder <finess_ej>/<YYYY-MM>/<kind>.csv|ndjson (and its referential.json)."""
    import httpx

    from service.folder_import import ImportOutcome, folder_files, import_folder

    async def run() -> int:
        refused = 0
        with progress_bar() as progress:
            task = progress.add_task("uploading", total=len(folder_files(folder)))

            def advance(outcome: ImportOutcome) -> None:
                nonlocal refused
                if outcome.status >= 300:
                    refused += 1
                    progress.console.print(
                        f"[red]{outcome.file.path}: {outcome.status} {json.dumps(outcome.answer)[:500]}"
                    )
                progress.advance(task)

            headers = {"authorization": f"Bearer {api_key}"}
            async with httpx.AsyncClient(base_url=url, headers=headers) as client:
                await import_folder(client, folder, advance)
        return refused

    refused = asyncio.run(run())
    raise SystemExit(1 if refused else 0)


@main.group()
def db() -> None:
    """Database schema."""


@db.command(name="upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations up to the newest."""
    settings = Settings()

    async def run() -> None:
        url = settings.database_url or start_embedded_postgres(settings.data_dir)
        engine = create_engine(url, pool_size=1)
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(run())
    click.echo("database schema is current")


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command(name="verify")
def audit_verify() -> None:
    """Recompute the audit trail's hash chain; exit 1 at the first event altered, removed or moved."""
    settings = Settings()

    async def run() -> ChainVerification:
        engine = create_engine(settings.database_url or start_embedded_postgres(settings.data_dir), pool_size=1)
        try:
            return await PgAuditTrail(engine).verify()
        finally:
            await engine.dispose()

    verification = asyncio.run(run())
    if verification.intact:
        click.echo(f"audit trail intact: {verification.checked} events")
        return
    click.echo(
        f"audit trail BROKEN at event {verification.first_broken_id} ({verification.checked} events before it hold)",
        err=True,
    )
    sys.exit(1)


@main.command()
@click.option("--output", type=click.Path(path_type=Path), default=OPENAPI_PATH, show_default=True)
def openapi(output: Path) -> None:
    """Write the OpenAPI document generated from the code."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(openapi_document() + "\n", encoding="utf-8")
    click.echo(f"wrote {output}")


def openapi_document() -> str:
    schema = create_app(Settings(database_url="postgresql://unused/unused")).openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)


main.add_command(pseudonyms)
main.add_command(purge)


def _exit_on_sigterm() -> None:
    """Exit normally on SIGTERM (`docker stop`, systemd) once uvicorn has shut down: uvicorn
    re-raises the signal to the handler it found, and the default one would kill the process
    before the exit handlers stop the embedded PostgreSQL."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
