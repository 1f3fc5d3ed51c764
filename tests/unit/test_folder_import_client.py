"""The folder import client waits as long as the server asks when its upload rate is exhausted."""

from pathlib import Path

import httpx
import pytest

from service import folder_import
from service.folder_import import FolderFile, upload_file


async def test_an_upload_refused_for_its_rate_is_sent_again_after_retry_after(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text("patient_id,identity_status,mes_status\nP1,QUAL,OPEN\n")
    bodies: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        if len(bodies) == 1:
            return httpx.Response(429, headers={"retry-after": "7"}, json={"status": 429})
        return httpx.Response(201, json={"version": 1})

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(folder_import.asyncio, "sleep", sleep)
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://hopen2.test") as client:
        outcome = await upload_file(client, FolderFile("750712184", "2025-03", "patients", path))
    assert (outcome.status, waits) == (201, [7.0])
    assert bodies[0] == bodies[1] == path.read_bytes()  # the whole file, both times
