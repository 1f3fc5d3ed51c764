"""Identities through the API: OpenID Connect tokens of an issuer whose JWKS a local HTTP server
serves, and API keys hashed with Argon2id, with an expiry and their last use recorded."""

import hashlib
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_api_key_store import PgApiKeyStore
from service.app import create_app
from service.settings import Settings
from tests.e2e.conftest import NOW, SCOPES, SECRET
from tests.support.fake_issuer import AUDIENCE, ISSUER, FakeIssuer
from tests.support.referential import ENTITY_A, ENTITY_B, REGION_A

Client = AsyncTestClient[Litestar]
RESULTS = "/api/v1/legal-entities/{}/periods/2025-03/indicators"


def settings(database_url: str, data_dir: Path, issuer: FakeIssuer | None, **overrides: object) -> Settings:
    oidc = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": issuer.jwks_url} if issuer else {}
    return Settings(database_url=database_url, data_dir=data_dir, pseudonymisation_secret=SECRET, **oidc, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer()
    yield fake
    fake.close()


@pytest.fixture
def app(database_url: str, tmp_path: Path, referential: AsyncEngine, issuer: FakeIssuer) -> Litestar:
    """The app of conftest, with OpenID Connect on beside the API keys."""
    return create_app(settings(database_url, tmp_path, issuer), clock=lambda: NOW)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_a_members_token_reads_its_entitys_results_and_not_another_ones(
    client: Client, issuer: FakeIssuer
) -> None:
    token = bearer(issuer.token(hopen2_finess_ej=ENTITY_A))
    assert (await client.get(RESULTS.format(ENTITY_A), headers=token)).status_code == 200
    assert (await client.get(RESULTS.format(ENTITY_B), headers=token)).status_code == 404


async def test_an_auditors_token_is_on_the_audit_trail_under_its_subject(
    client: Client, issuer: FakeIssuer, keys: dict, referential: AsyncEngine
) -> None:
    token = bearer(issuer.token(hopen2_role="ars_auditor", hopen2_region=REGION_A, sub="8f1d-auditor"))
    assert (await client.get(RESULTS.format(ENTITY_A), headers=token)).status_code == 200
    async with referential.connect() as connection:
        actors = (await connection.execute(text("SELECT actor FROM audit_event WHERE role = 'ars_auditor'"))).all()
    assert actors == [("oidc:8f1d-auditor",)]


async def test_an_expired_token_answers_401(client: Client, issuer: FakeIssuer) -> None:
    answer = await client.get(RESULTS.format(ENTITY_A), headers=bearer(issuer.token(exp=int(time.time()) - 120)))
    assert answer.status_code == 401
    assert answer.json()["type"].endswith("/not-authenticated")
    assert "expired" in answer.json()["detail"]


async def test_a_token_signed_by_an_unknown_key_answers_401(client: Client, issuer: FakeIssuer) -> None:
    assert (await client.get(RESULTS.format(ENTITY_A), headers=bearer(issuer.token("made-up")))).status_code == 401


async def test_a_token_answers_401_where_openid_connect_is_not_configured(
    database_url: str, tmp_path: Path, referential: AsyncEngine, issuer: FakeIssuer
) -> None:
    async with AsyncTestClient(create_app(settings(database_url, tmp_path, None), clock=lambda: NOW)) as client:
        answer = await client.get(RESULTS.format(ENTITY_A), headers=bearer(issuer.token()))
    assert answer.status_code == 401
    assert "OpenID Connect is not configured" in answer.json()["detail"]


async def test_with_api_keys_disabled_a_key_is_refused_and_a_token_accepted(
    database_url: str, tmp_path: Path, referential: AsyncEngine, issuer: FakeIssuer
) -> None:
    app = create_app(settings(database_url, tmp_path, issuer, api_keys_enabled=False), clock=lambda: NOW)
    async with AsyncTestClient(app) as client:
        async with referential.begin() as connection:
            issued = await PgApiKeyStore(connection).issue("interface", SCOPES["member_a"])
        refused = await client.get(RESULTS.format(ENTITY_A), headers=bearer(issued.secret))
        accepted = await client.get(RESULTS.format(ENTITY_A), headers=bearer(issuer.token()))
    assert refused.status_code == 401
    assert "API keys are disabled" in refused.json()["detail"]
    assert accepted.status_code == 200


async def test_an_api_key_past_its_expiry_answers_401(client: Client, referential: AsyncEngine) -> None:
    async with referential.begin() as connection:
        store = PgApiKeyStore(connection)
        expired = await store.issue("old interface", SCOPES["member_a"], expires_at=NOW - timedelta(seconds=1))
        valid = await store.issue("interface", SCOPES["member_a"], expires_at=NOW + timedelta(days=1))
    assert (await client.get(RESULTS.format(ENTITY_A), headers=bearer(expired.secret))).status_code == 401
    assert (await client.get(RESULTS.format(ENTITY_A), headers=bearer(valid.secret))).status_code == 200


async def test_an_expiry_is_set_at_issue_and_listed_with_the_last_use(client: Client, keys: dict) -> None:
    body = {"name": "interface", "role": "member", "finess_ejs": [ENTITY_A], "expires_in_days": 90}
    issued = await client.post("/api/v1/api-keys", json=body, headers=keys["admin"])
    assert issued.status_code == 201
    assert issued.json()["expires_at"] == (NOW + timedelta(days=90)).isoformat().replace("+00:00", "Z")
    listed = {key["key_id"]: key for key in (await client.get("/api/v1/api-keys", headers=keys["admin"])).json()}
    assert listed[issued.json()["key_id"]]["last_used_at"] is None
    assert (await client.get(RESULTS.format(ENTITY_A), headers=bearer(issued.json()["secret"]))).status_code == 200
    listed = {key["key_id"]: key for key in (await client.get("/api/v1/api-keys", headers=keys["admin"])).json()}
    key = listed[issued.json()["key_id"]]
    assert key["last_used_at"] == NOW.isoformat().replace("+00:00", "Z")
    assert key["expires_at"] == issued.json()["expires_at"] and key["revoked_at"] is None
    assert not {"secret", "secret_hash", "secret_sha256"} & set(key)


async def test_an_expiry_in_the_past_or_without_time_zone_is_refused_at_issue(client: Client, keys: dict) -> None:
    body = {"name": "interface", "role": "member", "finess_ejs": [ENTITY_A]}
    past = await client.post(
        "/api/v1/api-keys", json={**body, "expires_at": "2025-01-01T00:00:00Z"}, headers=keys["admin"]
    )
    assert past.status_code == 422 and "future" in past.json()["detail"]
    naive = await client.post(
        "/api/v1/api-keys", json={**body, "expires_at": "2030-01-01T00:00:00"}, headers=keys["admin"]
    )
    assert naive.status_code == 422
    both = await client.post(
        "/api/v1/api-keys",
        json={**body, "expires_at": "2030-01-01T00:00:00Z", "expires_in_days": 30},
        headers=keys["admin"],
    )
    assert both.status_code == 422


async def test_stored_hashes_are_argon2id_and_never_the_secret(keys: dict, referential: AsyncEngine) -> None:
    async with referential.connect() as connection:
        rows = (await connection.execute(text("SELECT secret_hash, secret_sha256 FROM api_key"))).all()
    assert len(rows) == len(SCOPES) + 1  # and the first admin key, printed at start
    assert all(secret_hash.startswith("$argon2id$") and legacy is None for secret_hash, legacy in rows)
    # `hop2_<key id>_<secret>`: the secret is base64url and may itself hold underscores
    secrets = {headers["authorization"].removeprefix("Bearer ").split("_", 2)[2] for headers in keys.values()}
    assert all(len(secret) >= 40 for secret in secrets)
    assert not any(secret in secret_hash for secret_hash, _ in rows for secret in secrets)


async def test_a_legacy_sha256_key_still_authenticates_and_is_rehashed(
    client: Client, referential: AsyncEngine
) -> None:
    secret = "legacy-secret-issued-before-argon2-0123456789"
    async with referential.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO api_key (key_id, secret_sha256, name, role, finess_ejs) "
                "VALUES ('0123456789abcdef', :digest, 'old interface', 'member', ARRAY[:finess_ej])"
            ),
            {"digest": hashlib.sha256(secret.encode()).digest(), "finess_ej": ENTITY_A},
        )
    key = bearer(f"hop2_0123456789abcdef_{secret}")
    wrong = bearer("hop2_0123456789abcdef_not-the-secret")
    assert (await client.get(RESULTS.format(ENTITY_A), headers=wrong)).status_code == 401
    assert (await client.get(RESULTS.format(ENTITY_A), headers=key)).status_code == 200
    async with referential.connect() as connection:
        secret_hash, legacy = (
            await connection.execute(
                text("SELECT secret_hash, secret_sha256 FROM api_key WHERE key_id = '0123456789abcdef'")
            )
        ).one()
    assert secret_hash.startswith("$argon2id$") and legacy is None
    assert (await client.get(RESULTS.format(ENTITY_A), headers=key)).status_code == 200
    assert (await client.get(RESULTS.format(ENTITY_A), headers=wrong)).status_code == 401
