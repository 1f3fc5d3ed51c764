"""Liveness, readiness, request ids, and the committed OpenAPI document."""

import json
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.cli import openapi_document

Client = AsyncTestClient[Litestar]


async def test_ready_when_the_database_is_migrated(client: Client) -> None:
    answer = await client.get("/ready")
    assert answer.status_code == 200 and answer.json() == {"status": "ready"}


async def test_every_answer_carries_a_request_id(client: Client) -> None:
    given = await client.get("/health", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    fresh = await client.get("/health")
    assert len(fresh.headers["x-request-id"]) == 32


def test_the_committed_openapi_document_matches_the_code() -> None:
    committed = Path(__file__).parents[2] / "openapi" / "openapi.json"
    assert json.loads(committed.read_text()) == json.loads(openapi_document()), (
        "openapi/openapi.json is stale: run `hopen2 openapi`"
    )


def test_every_operation_has_a_stable_operation_id() -> None:
    document = json.loads(openapi_document())
    operations = [op for path in document["paths"].values() for op in path.values()]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids)) and all(ids)
