"""`hopen2 purge [--dry-run] [--before YYYY-MM]`: retention of submissions and line-level records
(see `adapters.persistence.pg_retention`); computed results and the audit trail are kept."""

import asyncio
from datetime import UTC, datetime

import click

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_retention import PurgeReport, purge_before, retention_cutoff
from domain.errors import InvalidPeriod
from domain.periods import PARIS, Period
from service.settings import Settings


@click.command()
@click.option("--dry-run", is_flag=True, help="Count what would be purged; delete nothing.")
@click.option(
    "--before",
    "before_label",
    metavar="YYYY-MM",
    default=None,
    help="Purge the months before this one. Default: those past HOPEN2_RETENTION_YEARS.",
)
def purge(dry_run: bool, before_label: str | None) -> None:
    """Purge the submissions and line-level records of months older than the retention (default
    6 years: a month goes once its last day is that far behind); results and audit trail stay."""
    settings = Settings()
    now = datetime.now(UTC)
    current = Period.containing(now.astimezone(PARIS).date())
    before = _cutoff(before_label, current, settings.retention_years, now)

    async def run() -> PurgeReport:
        engine = create_engine(settings.database_url or start_embedded_postgres(settings.data_dir), pool_size=2)
        try:
            return await purge_before(engine, before, dry_run=dry_run, at=now)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    click.echo(f"{'would purge' if dry_run else 'purged'}: the months before {before.label}")
    for table, count in report.rows.items():
        click.echo(f"  {table:<20} {count:>12}")
    click.echo(f"  {'entity-months':<20} {report.months:>12}")
    if report.months_never_counted:
        click.echo(
            f"{report.months_never_counted} of these entity-months were never counted: no results are "
            "kept for them (read their indicators before purging to keep them)"
        )


def _cutoff(before_label: str | None, current: Period, retention_years: int, now: datetime) -> Period:
    if before_label is None:
        return retention_cutoff(now.astimezone(PARIS).date(), retention_years)
    try:
        before = Period.parse(before_label)
    except InvalidPeriod as error:
        raise click.BadParameter(str(error), param_hint="--before") from error
    if before > current:
        raise click.BadParameter(
            f"{before.label} is after the current month ({current.label}): the current month is never purged",
            param_hint="--before",
        )
    return before
