"""Bodies of API key management (admin)."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

RoleName = Literal["admin", "ght_support", "member", "ars_auditor"]


class ApiKeyBody(msgspec.Struct, kw_only=True):
    name: str
    role: RoleName
    ght_id: str | None = None
    finess_ejs: list[str] = []
    region: str | None = None
    # When the key stops working (optional; none: until revoked), with its time zone, or in how
    # many days; at most one of the two.
    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class ApiKeyView(msgspec.Struct, kw_only=True):
    key_id: str
    name: str
    role: RoleName
    ght_id: str | None
    finess_ejs: list[str]
    region: str | None
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None  # recorded at most once a minute


class IssuedApiKeyView(ApiKeyView, kw_only=True):
    secret: str  # shown once: only its hash is kept
