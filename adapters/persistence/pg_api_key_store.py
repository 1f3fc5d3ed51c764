"""API keys: the secret is shown once, at creation; only an Argon2id hash of it is stored.

A key reads `hop2_<key_id>_<secret>`: the id finds the row with one indexed lookup, then the
secret is checked against the row's hash. A revoked or expired key is refused before any hash is
computed. The use of a key is recorded in `last_used_at`, at most once a minute per key so that
reads do not each cost a write.

Argon2id runs with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): the secrets are 256-bit
random values, which no amount of hashing makes easier or harder to guess, so the cost is kept
low; it runs in a worker thread. A secret once verified is remembered in this process as a keyed
BLAKE2b digest next to the hash it matched, so that a key's later requests cost no Argon2 run;
revocation and expiry are still read from its row on every request.

Keys issued before Argon2 (migration 0007) hold a SHA-256 of their secret in `secret_sha256`.
They keep working: on their first successful use the secret, then known, is hashed with Argon2id
into `secret_hash` and the SHA-256 is erased (`rehash` below), and likewise a hash made with
older Argon2 parameters is remade with the current ones.
"""

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import RowMapping, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.tables import ApiKey
from domain.access import Principal, Role

_PREFIX = "hop2"
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
LAST_USE_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    principal: Principal
    name: str
    secret: str  # the whole token, shown once
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyListing:
    principal: Principal
    name: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None


class _VerifiedSecrets:
    """Secrets already checked against a stored hash, as digests keyed by a per-process random key."""

    _MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._entries: dict[str, tuple[str, bytes]] = {}  # key id -> (stored hash, digest of the secret)

    def _digest(self, secret: str) -> bytes:
        return hashlib.blake2b(secret.encode(), key=self._key, digest_size=32).digest()

    def known(self, key_id: str, stored_hash: str, secret: str) -> bool:
        entry = self._entries.get(key_id)
        return entry is not None and entry[0] == stored_hash and hmac.compare_digest(entry[1], self._digest(secret))

    def remember(self, key_id: str, stored_hash: str, secret: str) -> None:
        if len(self._entries) >= self._MAX_ENTRIES:
            self._entries.clear()
        self._entries[key_id] = (stored_hash, self._digest(secret))


_VERIFIED = _VerifiedSecrets()


class PgApiKeyStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def issue(self, name: str, principal_scope: Principal, expires_at: datetime | None = None) -> IssuedKey:
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        await self._connection.execute(
            ApiKey.__table__.insert().values(  # type: ignore[attr-defined]
                key_id=key_id,
                secret_hash=await asyncio.to_thread(_HASHER.hash, secret),
                name=name,
                role=principal_scope.role.value,
                ght_id=principal_scope.ght_id,
                finess_ejs=sorted(principal_scope.finess_ejs),
                region=principal_scope.region,
                expires_at=expires_at,
            )
        )
        principal = Principal(
            key_id, principal_scope.role, principal_scope.ght_id, principal_scope.finess_ejs, principal_scope.region
        )
        return IssuedKey(principal, name, f"{_PREFIX}_{key_id}_{secret}", expires_at)

    async def authenticate(self, token: str, now: datetime | None = None) -> Principal | None:
        """The key's principal, or None when the token is no key, an unknown one, a wrong secret,
        or a revoked or expired key. Writes (re-hash, last use): run it in a committed transaction."""
        now = now or datetime.now(UTC)
        prefix, _, rest = token.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != _PREFIX or not key_id or not secret:
            return None
        row = (
            (await self._connection.execute(text("SELECT * FROM api_key WHERE key_id = :key_id"), {"key_id": key_id}))
            .mappings()
            .first()
        )
        if row is None or row["revoked_at"] is not None or (row["expires_at"] is not None and row["expires_at"] <= now):
            return None
        if not await self._secret_matches(row, secret):
            return None
        last_used_at = row["last_used_at"]
        if last_used_at is None or now - last_used_at >= LAST_USE_GRANULARITY:
            await self._connection.execute(
                text(
                    "UPDATE api_key SET last_used_at = :now WHERE key_id = :key_id "
                    "AND (last_used_at IS NULL OR last_used_at <= :threshold)"
                ),
                {"now": now, "threshold": now - LAST_USE_GRANULARITY, "key_id": key_id},
            )
        return _principal(row)

    async def _secret_matches(self, row: RowMapping, secret: str) -> bool:
        key_id, stored_hash = row["key_id"], row["secret_hash"]
        if stored_hash is None:  # issued before migration 0007: a SHA-256 of the secret
            legacy = row["secret_sha256"]
            if legacy is None or not hmac.compare_digest(legacy, hashlib.sha256(secret.encode()).digest()):
                return False
            _VERIFIED.remember(key_id, await self._rehash(key_id, secret), secret)
            return True
        if _VERIFIED.known(key_id, stored_hash, secret):
            return True
        if not await asyncio.to_thread(_argon2_matches, stored_hash, secret):
            return False
        if _HASHER.check_needs_rehash(stored_hash):
            stored_hash = await self._rehash(key_id, secret)
        _VERIFIED.remember(key_id, stored_hash, secret)
        return True

    async def _rehash(self, key_id: str, secret: str) -> str:
        """Store an Argon2id hash made with the current parameters, erase any SHA-256, answer the hash."""
        secret_hash = await asyncio.to_thread(_HASHER.hash, secret)
        await self._connection.execute(
            text("UPDATE api_key SET secret_hash = :secret_hash, secret_sha256 = NULL WHERE key_id = :key_id"),
            {"secret_hash": secret_hash, "key_id": key_id},
        )
        return secret_hash

    async def has_admin(self) -> bool:
        found = await self._connection.execute(
            text(
                "SELECT 1 FROM api_key WHERE role = 'admin' AND revoked_at IS NULL "
                "AND (expires_at IS NULL OR expires_at > clock_timestamp()) LIMIT 1"
            )
        )
        return found.first() is not None

    async def listing(self) -> list[ApiKeyListing]:
        rows = (await self._connection.execute(text("SELECT * FROM api_key ORDER BY created_at"))).mappings()
        return [
            ApiKeyListing(
                _principal(row),
                row["name"],
                row["created_at"],
                row["revoked_at"],
                row["expires_at"],
                row["last_used_at"],
            )
            for row in rows
        ]

    async def revoke(self, key_id: str) -> bool:
        table = ApiKey.__table__  # type: ignore[attr-defined]
        result = await self._connection.execute(
            update(table)
            .where(table.c.key_id == key_id, table.c.revoked_at.is_(None))
            .values(revoked_at=text("clock_timestamp()"))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _argon2_matches(stored_hash: str, secret: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def _principal(row: RowMapping) -> Principal:
    return Principal(row["key_id"], Role(row["role"]), row["ght_id"], frozenset(row["finess_ejs"]), row["region"])
