"""Uploading a month's CSV files through the API, as a member's interface would."""

from typing import Any


async def upload_csv_files(client: Any, headers: dict[str, str], finess_ej: str, period: str,
                           files: dict[str, str]) -> None:
    """Each file of `files` (by kind) uploaded for the entity and month; each must be accepted."""
    for kind, content in files.items():
        answer = await client.post(f"/api/v1/legal-entities/{finess_ej}/periods/{period}/submissions/{kind}",
                                   content=content, headers={**headers, "content-type": "text/csv"})
        assert answer.status_code == 201, answer.text
