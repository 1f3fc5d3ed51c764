"""The command line's offline commands: the OpenAPI document and the schema upgrade."""

from pathlib import Path

from click.testing import CliRunner

from service.cli import main, openapi_document


def test_openapi_writes_the_document_the_code_generates(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    result = CliRunner().invoke(main, ["openapi", "--output", str(output)])
    assert result.exit_code == 0
    assert output.read_text() == openapi_document() + "\n"


def test_db_upgrade_uses_database_url_and_reports_the_schema_current(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "database schema is current" in result.output
