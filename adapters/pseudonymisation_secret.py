"""The deployment's master pseudonymisation secret: configured, or generated once into the data folder."""

import secrets
from pathlib import Path

import structlog

SECRET_FILE = "pseudonymisation.key"  # noqa: S105 - a file name, not a secret
log = structlog.get_logger()


def load_master_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else the one in `data_dir`, generated (loudly) on first use.

    Losing it makes every later upload unjoinable with the earlier ones: it must be backed up
    (deploy/README.md, "Backups").
    """
    if configured:
        if len(configured) < 32:
            raise ValueError("the pseudonymisation secret must be at least 32 characters long")
        return configured.encode()
    path = data_dir / SECRET_FILE
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    path.touch(mode=0o600)
    path.write_text(value.hex() + "\n")
    log.warning(
        "pseudonymisation_secret_generated",
        path=str(path.resolve()),
        action="BACK THIS FILE UP NOW, apart from database dumps: without it later uploads cannot "
               "be joined with earlier ones. In production set HOPEN2_PSEUDONYMISATION_SECRET instead.",
    )
    return value
