"""Bodies of API key management (admin)."""

from datetime import datetime
from typing import Literal

import msgspec

RoleName = Literal["admin", "ght_support", "member", "ars_auditor"]


class ApiKeyBody(msgspec.Struct, kw_only=True):
    name: str
    role: RoleName
    ght_id: str | None = None
    finess_ejs: list[str] = []
    region: str | None = None


class ApiKeyView(msgspec.Struct, kw_only=True):
    key_id: str
    name: str
    role: RoleName
    ght_id: str | None
    finess_ejs: list[str]
    region: str | None
    created_at: datetime | None = None
    revoked_at: datetime | None = None


class IssuedApiKeyView(ApiKeyView, kw_only=True):
    secret: str  # shown once: only its hash is kept
