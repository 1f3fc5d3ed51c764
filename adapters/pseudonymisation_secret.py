"""The deployment's master pseudonymisation secrets: configured, or generated into the data folder.

They form a chain, oldest first: the first secret, then one per key rotation (`hopen2 pseudonyms
rotate`). A patient's pseudonym goes through every key of the chain, and the database records
how many keys its stored pseudonyms went through, so that the service refuses to start on a
chain that does not match them (a lost secret, or a rotation not applied).
"""

import os
import secrets
from pathlib import Path

import structlog

SECRET_FILE = "pseudonymisation.key"  # noqa: S105 - a file name, not a secret
log = structlog.get_logger()


def load_master_secrets(configured: str | None, rotations: list[str], data_dir: Path) -> tuple[bytes, ...]:
    """The configured secret and its rotations, else the chain in `data_dir` (one secret per line,
    oldest first), generated (loudly) on first use.

    Losing them makes every later upload unjoinable with the earlier ones: they must be backed
    up (deploy/README.md, "Backups").
    """
    if configured:
        chain = (configured, *rotations)
        if any(len(secret) < 32 for secret in chain):
            raise ValueError("each pseudonymisation secret must be at least 32 characters long")
        return tuple(secret.encode() for secret in chain)
    if rotations:
        raise ValueError("rotation secrets are configured without the first pseudonymisation secret")
    path = data_dir / SECRET_FILE
    if path.exists():
        return tuple(bytes.fromhex(line) for line in path.read_text().split())
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
    return (value,)


def append_generated_secret(data_dir: Path) -> bytes:
    """A new secret at the end of the data folder's chain, written durably before any pseudonym is
    re-keyed with it (a crash in between leaves a key to apply, never data keyed with a lost one)."""
    path = data_dir / SECRET_FILE
    value = secrets.token_bytes(32)
    with path.open("a") as chain:
        chain.write(value.hex() + "\n")
        chain.flush()
        os.fsync(chain.fileno())
    log.warning(
        "pseudonymisation_secret_rotated",
        path=str(path.resolve()),
        action="BACK THIS FILE UP NOW: it holds the new key of the chain",
    )
    return value
