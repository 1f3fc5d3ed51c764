"""Limits and hardening: request rate per key (429), body size (413), security headers on every
answer, CORS closed by default, and no stack trace in an unexpected error."""

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_referential_store import PgReferentialStore
from service.app import create_app
from service.rate_limits import UPLOAD_OPERATIONS
from service.security_headers import API_POLICY, DOCS_POLICY
from service.settings import Settings
from tests.e2e.conftest import NOW, SECRET, issue_key
from tests.support.referential import ENTITY_A, ENTITY_B, GHT_A

Client = AsyncTestClient[Litestar]
ENTITY = f"/api/v1/legal-entities/{ENTITY_A}"
UPLOAD = f"{ENTITY}/periods/2025-03/submissions/patients"
PATIENTS = "patient_id,identity_status\nP1,QUAL\nP2,PROV\n"
ORIGIN = "https://portal.ght.example"


@asynccontextmanager
async def app_client(database_url: str, tmp_path: Path, **overrides: Any) -> AsyncIterator[Client]:
    """A client on the app of conftest with some settings changed."""
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET, upload_batch_rows=50, **overrides
    )
    async with AsyncTestClient(create_app(settings, clock=lambda: NOW)) as client:
        yield client


def _entity_body(padding: int = 0) -> dict[str, Any]:
    return {"name": "CHU Test" + " " * padding, "ght_id": GHT_A, "department": "75", "valid_from": "2024-01-01"}


# --- request rate ---------------------------------------------------------------------------------


async def test_the_fourth_read_of_a_key_is_refused_while_another_key_still_reads(
    database_url: str, tmp_path: Path, referential: AsyncEngine
) -> None:
    member_a, member_b = await issue_key(referential, "member_a"), await issue_key(referential, "member_b")
    async with app_client(database_url, tmp_path, rate_limit_reads_per_minute=3) as client:
        for _ in range(3):
            assert (await client.get(ENTITY, headers=member_a)).status_code == 200
        refused = await client.get(ENTITY, headers=member_a)
        other = await client.get(f"/api/v1/legal-entities/{ENTITY_B}", headers=member_b)
        health = [(await client.get("/health")).status_code for _ in range(5)]
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/too-many-requests")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert other.status_code == 200
    assert health == [200] * 5  # public handlers are not counted


async def test_writes_count_with_reads_but_uploads_apart(
    database_url: str, tmp_path: Path, referential: AsyncEngine
) -> None:
    member = await issue_key(referential, "member_a")
    csv = {**member, "content-type": "text/csv"}
    async with app_client(
        database_url, tmp_path, rate_limit_uploads_per_minute=1, rate_limit_reads_per_minute=3
    ) as client:
        first = await client.post(UPLOAD, content=PATIENTS, headers=csv)
        second = await client.post(UPLOAD, content=PATIENTS, headers=csv)
        reads = [(await client.get(ENTITY, headers=member)).status_code for _ in range(2)]
        write = await client.post(f"{ENTITY}/periods/2025-03/workflow/submit", headers=member)
        after_write = await client.get(ENTITY, headers=member)
    assert first.status_code == 201
    assert second.status_code == 429 and int(second.headers["retry-after"]) >= 1
    assert "uploads" in second.json()["detail"]
    assert reads == [200, 200]  # the upload did not use the other requests' allowance
    assert write.status_code == 200 and after_write.status_code == 429  # the write took the third request


async def test_unauthenticated_requests_are_refused_before_they_count(
    database_url: str, tmp_path: Path, referential: AsyncEngine
) -> None:
    member = await issue_key(referential, "member_a")
    async with app_client(database_url, tmp_path, rate_limit_reads_per_minute=1) as client:
        unknown = [(await client.get(ENTITY, headers={"authorization": "Bearer nope"})).status_code for _ in range(3)]
        known = await client.get(ENTITY, headers=member)
    assert unknown == [401] * 3 and known.status_code == 200


def test_the_upload_class_is_exactly_the_routes_that_lift_the_body_limit(app: Litestar) -> None:
    lifting = {
        handler.operation_id
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_request_max_body_size() is None
    }
    assert lifting == UPLOAD_OPERATIONS


# --- body size ------------------------------------------------------------------------------------


async def test_a_two_megabyte_json_body_is_refused_with_413(client: Client, keys: dict) -> None:
    body = json.dumps(_entity_body(padding=2 * 1024**2))
    answer = await client.put(ENTITY, content=body, headers={**keys["admin"], "content-type": "application/json"})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 413 and "Traceback" not in answer.text


async def test_uploads_keep_their_own_limit_above_the_body_limit(
    database_url: str, tmp_path: Path, referential: AsyncEngine
) -> None:
    admin = await issue_key(referential, "admin")
    rows = "".join(f"P{n:06d},QUAL\n" for n in range(400))  # about 4 KB
    async with app_client(database_url, tmp_path, max_request_body_bytes=1024) as client:
        upload = await client.post(
            UPLOAD, content="patient_id,identity_status\n" + rows, headers={**admin, "content-type": "text/csv"}
        )
        small = await client.put(ENTITY, json=_entity_body(), headers=admin)
        large = await client.put(ENTITY, json=_entity_body(padding=2048), headers=admin)
    assert upload.status_code == 201, upload.text
    assert small.status_code == 200, small.text
    assert large.status_code == 413


# --- security headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("production", [False, True])
async def test_security_headers_are_on_every_answer(
    database_url: str, tmp_path: Path, referential: AsyncEngine, production: bool
) -> None:
    member = await issue_key(referential, "member_a")
    async with app_client(database_url, tmp_path, environment="production" if production else "development") as client:
        answers = {
            "ok": await client.get(ENTITY, headers=member),
            "health": await client.get("/health"),
            "out of scope": await client.get(f"/api/v1/legal-entities/{ENTITY_B}", headers=member),
            "unknown path": await client.get("/nowhere", headers=member),
            "no key": await client.get(ENTITY),
        }
    assert [answer.status_code for answer in answers.values()] == [200, 200, 404, 404, 401]
    for name, answer in answers.items():
        headers = answer.headers
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["x-frame-options"] == "DENY", name
        assert headers["referrer-policy"] == "no-referrer", name
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'", name
        assert headers["cache-control"] == "no-store", name
        assert ("strict-transport-security" in headers) is production, name


async def test_the_documentation_pages_may_load_their_viewers_and_nothing_else(client: Client, keys: dict) -> None:
    document = await client.get("/schema/openapi.json", headers=keys["admin"])
    assert document.headers["content-security-policy"] == API_POLICY
    for page in ("/schema", "/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
        answer = await client.get(page, headers=keys["admin"])
        if answer.status_code == 404:
            continue
        assert answer.headers["content-security-policy"] == DOCS_POLICY, page
        for url in re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", answer.text):
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            assert origin in DOCS_POLICY, (page, origin)


# --- CORS -----------------------------------------------------------------------------------------


async def test_cors_is_closed_by_default(client: Client, keys: dict) -> None:
    simple = await client.get(ENTITY, headers={**keys["admin"], "origin": ORIGIN})
    preflight = await client.options(
        ENTITY,
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "GET",
            "access-control-request-headers": "authorization",
        },
    )
    for answer in (simple, preflight):
        assert not any(name.startswith("access-control-") for name in answer.headers)


async def test_cors_allows_exactly_the_configured_origins(
    database_url: str, tmp_path: Path, referential: AsyncEngine
) -> None:
    admin = await issue_key(referential, "admin")
    async with app_client(database_url, tmp_path, cors_allowed_origins=[ORIGIN]) as client:
        allowed = await client.get(ENTITY, headers={**admin, "origin": ORIGIN})
        other = await client.get(ENTITY, headers={**admin, "origin": "https://elsewhere.example"})
        preflight = await client.options(
            ENTITY,
            headers={
                "origin": ORIGIN,
                "access-control-request-method": "PUT",
                "access-control-request-headers": "authorization",
            },
        )
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in allowed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


# --- no stack trace -------------------------------------------------------------------------------


async def test_an_unexpected_error_answers_a_generic_500_without_a_traceback(
    client: Client, keys: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("internal detail IPP-SECRET-500")

    monkeypatch.setattr(PgReferentialStore, "legal_entity", broken)
    answer = await client.get(ENTITY, headers=keys["admin"])
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json() == {
        "type": "https://hopen2.ght/problems/internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "an unexpected error occurred; it was logged",
    }
    assert "Traceback" not in answer.text and "IPP-SECRET-500" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
