"""API keys: only a SHA-256 of the secret is stored; the secret is shown once, at creation.

Keys are 256-bit random values, so a fast hash is safe (no dictionary to guess from) and lets
every request be checked with one indexed lookup.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.tables import ApiKey
from domain.access import Principal, Role

_PREFIX = "hop2"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    principal: Principal
    name: str
    secret: str  # the whole token, shown once


@dataclass(frozen=True, slots=True)
class ApiKeyListing:
    principal: Principal
    name: str
    created_at: datetime
    revoked_at: datetime | None


class PgApiKeyStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def issue(self, name: str, principal_scope: Principal) -> IssuedKey:
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        await self._connection.execute(ApiKey.__table__.insert().values(  # type: ignore[attr-defined]
            key_id=key_id, secret_sha256=_digest(secret), name=name,
            role=principal_scope.role.value, ght_id=principal_scope.ght_id,
            finess_ejs=sorted(principal_scope.finess_ejs), region=principal_scope.region,
        ))
        principal = Principal(key_id, principal_scope.role, principal_scope.ght_id,
                              principal_scope.finess_ejs, principal_scope.region)
        return IssuedKey(principal, name, f"{_PREFIX}_{key_id}_{secret}")

    async def authenticate(self, token: str) -> Principal | None:
        prefix, _, rest = token.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != _PREFIX or not key_id or not secret:
            return None
        row = (await self._connection.execute(
            text("SELECT * FROM api_key WHERE key_id = :key_id AND revoked_at IS NULL"),
            {"key_id": key_id},
        )).mappings().first()
        if row is None or not hmac.compare_digest(row["secret_sha256"], _digest(secret)):
            return None
        return _principal(row)

    async def has_admin(self) -> bool:
        found = await self._connection.execute(
            text("SELECT 1 FROM api_key WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1"))
        return found.first() is not None

    async def listing(self) -> list[ApiKeyListing]:
        rows = (await self._connection.execute(text("SELECT * FROM api_key ORDER BY created_at"))).mappings()
        return [ApiKeyListing(_principal(row), row["name"], row["created_at"], row["revoked_at"])
                for row in rows]

    async def revoke(self, key_id: str) -> bool:
        table = ApiKey.__table__  # type: ignore[attr-defined]
        result = await self._connection.execute(
            update(table).where(table.c.key_id == key_id, table.c.revoked_at.is_(None))
            .values(revoked_at=text("clock_timestamp()"))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _principal(row: object) -> Principal:
    values = dict(row)  # type: ignore[call-overload]
    return Principal(values["key_id"], Role(values["role"]), values["ght_id"],
                     frozenset(values["finess_ejs"]), values["region"])
