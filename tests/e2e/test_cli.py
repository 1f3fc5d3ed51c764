"""The command line's offline commands: the OpenAPI document and the schema upgrade."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from service.cli import main, openapi_document
from tests.support.network import free_port


def test_openapi_writes_the_document_the_code_generates(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    result = CliRunner().invoke(main, ["openapi", "--output", str(output)])
    assert result.exit_code == 0
    assert output.read_text() == openapi_document() + "\n"


def test_db_upgrade_uses_database_url_and_reports_the_schema_current(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "database schema is current" in result.output


def test_serve_stops_its_embedded_postgresql_on_sigterm(tmp_path: Path) -> None:
    """`docker stop` and systemd send SIGTERM: the embedded database must not outlive the service."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(HOPEN2_DATA_DIR=str(tmp_path), HOPEN2_PORT=str(port))
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "hopen2"), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}/health", server)
        assert (tmp_path / "postgres" / "postmaster.pid").exists()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 128 + signal.SIGTERM
        assert not (tmp_path / "postgres" / "postmaster.pid").exists()
    finally:
        if server.poll() is None:
            server.kill()


def _wait_until_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the service stopped while starting"
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise AssertionError("the service did not answer in time")
