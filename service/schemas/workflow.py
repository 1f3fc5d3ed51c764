"""Request and response bodies of the monthly workflow and of completeness (api.md)."""

from datetime import datetime
from typing import Literal

import msgspec

State = Literal["draft", "submitted", "validated", "locked"]


class TransitionBody(msgspec.Struct, kw_only=True):
    reason: str | None = None  # required to return or reopen a month


class TransitionView(msgspec.Struct, kw_only=True):
    transition: str
    from_state: State
    to_state: State
    actor: str
    role: str
    at: datetime
    reason: str | None


class CompletenessView(msgspec.Struct, kw_only=True):
    finess_ej: str
    name: str
    period: str
    state: State
    received: dict[str, datetime]  # kind -> first accepted file
    missing: list[str]
    submitted_at: datetime | None
    due_at: datetime
    late: bool
    days_late: int


class MonthWorkflowView(msgspec.Struct, kw_only=True):
    finess_ej: str
    period: str
    state: State
    history: list[TransitionView]
    completeness: CompletenessView
