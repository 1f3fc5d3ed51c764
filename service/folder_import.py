"""Client side of the API: upload a folder laid out as `<finess_ej>/<YYYY-MM>/<kind>.<csv|ndjson>`.

A `referential.json` at the top (GHT, legal entities, sites) is declared first when present.
"""

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

_MEDIA_TYPES = {".csv": "text/csv", ".ndjson": "application/x-ndjson", ".jsonl": "application/x-ndjson"}
KIND_ORDER = ("patients", "encounters", "consultations", "documents", "messages")


@dataclass(frozen=True, slots=True)
class FolderFile:
    finess_ej: str
    period: str
    kind: str
    path: Path


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    file: FolderFile
    status: int
    answer: dict[str, Any]


def folder_files(folder: Path) -> list[FolderFile]:
    """The files to upload, in an order that lets links resolve (documents after encounters)."""
    files = [
        FolderFile(path.parent.parent.name, path.parent.name, path.stem, path)
        for path in folder.glob("*/*/*")
        if path.suffix in _MEDIA_TYPES and path.stem in KIND_ORDER
    ]
    return sorted(files, key=lambda f: (f.period, KIND_ORDER.index(f.kind), f.finess_ej))


async def declare_referential(client: httpx.AsyncClient, referential_file: Path) -> None:
    referential = json.loads(referential_file.read_text(encoding="utf-8"))
    ght = referential["ght"]
    await _put(client, f"/api/v1/ghts/{ght['ght_id']}", {k: v for k, v in ght.items() if k != "ght_id"})
    for entity in referential["legal_entities"]:
        body = {k: v for k, v in entity.items() if k != "finess_ej"}
        await _put(client, f"/api/v1/legal-entities/{entity['finess_ej']}", body)
    for site in referential["sites"]:
        await _put(client, f"/api/v1/sites/{site['finess_et']}", {k: v for k, v in site.items() if k != "finess_et"})


async def upload_file(client: httpx.AsyncClient, file: FolderFile, *, allow_empty: bool = False) -> ImportOutcome:
    """Sent again, after the wait the server asks for, when the key's upload rate is exhausted (429)."""
    media_type = _MEDIA_TYPES[file.path.suffix]
    url = f"/api/v1/legal-entities/{file.finess_ej}/periods/{file.period}/submissions/{file.kind}"
    while True:
        answer = await client.post(
            url,
            content=_stream(file.path),
            headers={"content-type": media_type},
            params={"allow_empty": "true"} if allow_empty else {},
            timeout=httpx.Timeout(600.0),
        )
        if answer.status_code != 429:
            return ImportOutcome(file, answer.status_code, answer.json())
        await asyncio.sleep(_retry_after(answer))


def _retry_after(answer: httpx.Response) -> float:
    seconds = answer.headers.get("retry-after", "")
    return min(float(seconds), 60.0) if seconds.isdigit() else 1.0


async def import_folder(
    client: httpx.AsyncClient, folder: Path, on_file: Callable[[ImportOutcome], None]
) -> list[ImportOutcome]:
    if (folder / "referential.json").exists():
        await declare_referential(client, folder / "referential.json")
    outcomes = []
    for file in folder_files(folder):
        outcome = await upload_file(client, file)
        on_file(outcome)
        outcomes.append(outcome)
    return outcomes


async def _put(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> None:
    answer = await client.put(url, json=body)
    if answer.status_code >= 300:
        raise RuntimeError(f"PUT {url} answered {answer.status_code}: {answer.text}")


async def _stream(path: Path) -> Any:
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            yield chunk
