"""`hopen2 pseudonyms rotate`: a new pseudonymisation key, and every stored pseudonym re-keyed
with it (adapters/persistence/pg_pseudonym_rotation.py). Keys are never printed nor logged."""

import asyncio

import click

from adapters.embedded_postgres_server import start_embedded_postgres
from adapters.persistence.database import create_engine
from adapters.persistence.pg_pseudonym_rotation import RotationReport, apply_rotation, keys_applied
from adapters.pseudonymisation_secret import append_generated_secret
from adapters.uploads.hmac_pseudonymiser import derive_ght_key
from service.runtime import pseudonymisation_secrets
from service.settings import Settings


@click.group(name="pseudonyms")
def pseudonyms() -> None:
    """The pseudonymisation keys."""


@pseudonyms.command(name="rotate")
def rotate() -> None:
    """Re-key every stored pseudonym with a new key. Stop the service first.

    With a configured secret, first add the new one at the end of
    HOPEN2_PSEUDONYMISATION_ROTATION_SECRETS; otherwise a new one is appended to the data
    folder's chain (back that file up). Run again after an interruption: a key added but not
    applied is applied, never a second one.
    """
    settings = Settings()
    report = asyncio.run(_rotate(settings))
    click.echo(
        f"pseudonyms re-keyed: {report.pseudonyms_rekeyed} distinct, {report.keys_applied} keys applied; "
        "restart the service with the same chain of secrets"
    )


async def _rotate(settings: Settings) -> RotationReport:
    engine = create_engine(settings.database_url or start_embedded_postgres(settings.data_dir), pool_size=1)
    try:
        async with engine.connect() as connection:
            applied = await keys_applied(connection)
        chain = pseudonymisation_secrets(settings)
        if len(chain) == applied:
            if settings.pseudonymisation_secret is not None:
                raise click.UsageError(
                    "add the new secret at the end of HOPEN2_PSEUDONYMISATION_ROTATION_SECRETS "
                    "first: the configured chain holds no key left to apply"
                )
            append_generated_secret(settings.data_dir)
            chain = pseudonymisation_secrets(settings)
        if len(chain) != applied + 1:
            raise click.ClickException(
                f"the chain holds {len(chain)} secrets and the stored pseudonyms went "
                f"through {applied} keys: exactly one new key can be applied"
            )
        new_secret = chain[-1]
        return await apply_rotation(engine, lambda ght_id: derive_ght_key(new_secret, ght_id), applied)
    finally:
        await engine.dispose()
