"""Requests a minute per key or identity (api.md: "request rate is bounded"), counted apart for
uploads and imports and for every other request, refused with 429 and `Retry-After`.

A fixed window per (identity, class): the first request of an identity opens a window of one
minute, in which at most `limit` requests of that class pass; the others wait for the window to
end. A burst can reach twice the limit across a window's end, which is acceptable for a limit
meant against runaway clients rather than for billing.

The counts are kept in this process's memory. A deployment running several workers or replicas
counts per worker, so that the effective limit is multiplied by their number: such a deployment
needs a shared store (Redis, or a PostgreSQL table) behind the same `RateLimiter.hit` contract.

The guard runs after `require_api_key`: an unauthenticated request is refused before it counts,
and public handlers (health, readiness) are never counted; memory therefore follows the
identities active in the last minute, and ended windows are swept once a minute.
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from domain.access import Principal
from service.errors import problem

WINDOW_SECONDS = 60.0


class RequestClass(StrEnum):
    UPLOAD = "upload"  # the routes taking a file: submissions, FINESS extract, national files
    REQUEST = "request"  # every other request, reads and writes alike


# The handlers that take a file (they lift the app's body size limit and enforce their own).
UPLOAD_OPERATIONS = frozenset({"uploadSubmission", "importFinessExtract", "importNationalFile"})


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    retry_after: int = 0  # whole seconds to wait before the window ends, when refused


@dataclass(slots=True)
class _Window:
    started: float
    count: int


class RateLimiter:
    """Counts requests per (identity, class) in fixed windows; `clock` answers seconds (monotonic)."""

    def __init__(
        self,
        limits: Mapping[RequestClass, int],
        clock: Callable[[], float] = time.monotonic,
        window_seconds: float = WINDOW_SECONDS,
    ) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._window = window_seconds
        self._windows: dict[tuple[str, RequestClass], _Window] = {}
        self._swept = clock()

    def hit(self, identity: str, request_class: RequestClass) -> Decision:
        """Count one request, or refuse it (a refused request does not count)."""
        now = self._clock()
        self._sweep(now)
        limit = self._limits[request_class]
        window = self._windows.get((identity, request_class))
        if window is None or now - window.started >= self._window:
            window = self._windows[(identity, request_class)] = _Window(now, 0)
        if window.count >= limit:
            return Decision(False, limit, max(1, math.ceil(window.started + self._window - now)))
        window.count += 1
        return Decision(True, limit)

    def _sweep(self, now: float) -> None:
        """Forget the ended windows, once a window, so that memory follows the active identities."""
        if now - self._swept < self._window:
            return
        self._swept = now
        ended = [key for key, window in self._windows.items() if now - window.started >= self._window]
        for key in ended:
            del self._windows[key]


def request_class_of(handler: BaseRouteHandler) -> RequestClass:
    operation_id = getattr(handler, "operation_id", None)
    return RequestClass.UPLOAD if operation_id in UPLOAD_OPERATIONS else RequestClass.REQUEST


class RateLimited(TooManyRequestsException):
    def __init__(self, decision: Decision, request_class: RequestClass) -> None:
        what = "uploads" if request_class is RequestClass.UPLOAD else "requests"
        super().__init__(f"at most {decision.limit} {what} a minute per key; retry in {decision.retry_after} s")
        self.retry_after = decision.retry_after


def rate_limit_guard(limiter: RateLimiter) -> Guard:
    """A guard counting the authenticated caller's requests; place it after `require_api_key`."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        # Async on purpose: Litestar runs a sync guard in a thread pool, where the counts would race.
        if handler.opt.get("public"):
            return
        principal = connection.state.get("principal")
        if not isinstance(principal, Principal):  # refused by authentication, never counted
            return
        request_class = request_class_of(handler)
        decision = limiter.hit(principal.key_id, request_class)
        if not decision.allowed:
            raise RateLimited(decision, request_class)

    return guard


def rate_limited_handler(_: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    assert isinstance(error, RateLimited)
    answer = problem(429, "too-many-requests", "Too many requests", error.detail)
    answer.headers["Retry-After"] = str(error.retry_after)
    return answer
