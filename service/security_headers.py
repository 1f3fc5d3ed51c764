"""Security headers on every answer, problem details and unknown paths included.

A "before send" hook of the app rather than a route middleware: Litestar runs route middleware
only on matched routes, so an answer to an unknown path (404) or a refused method would go
without them. A header a handler sets itself is kept.

The API answers JSON, files and text, never a page: its content security policy forbids
everything. The OpenAPI documentation pages (HTML under the schema path, behind an API key like
every route) load their viewers from public CDNs and run inline scripts: they get a policy
allowing exactly those origins. Health data are never cached (`no-store`). HSTS is sent in
production only, where TLS is terminated in front of the service (a development server on plain
HTTP must not pin browsers to HTTPS for localhost).
"""

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS_SCRIPTS = "https://cdn.jsdelivr.net https://unpkg.com https://cdn.redoc.ly"
DOCS_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' 'unsafe-inline' {_DOCS_SCRIPTS}; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com; "
    "img-src 'self' data: https://cdn.jsdelivr.net; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def security_headers(production: bool, docs_path: str | None) -> Callable[[Message, Scope], Awaitable[None]]:
    """The hook adding the headers to the start of every HTTP answer; `docs_path` is where the
    OpenAPI pages are served, if they are."""
    fixed = {**COMMON_HEADERS, **({"Strict-Transport-Security": HSTS} if production else {})}
    docs_prefix = docs_path.rstrip("/") if docs_path else None

    async def add_headers(message: Message, scope: Scope) -> None:  # async: a sync hook would run in a thread
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        is_page = headers.get("content-type", "").startswith("text/html")
        path: str = scope.get("path", "")
        is_docs = docs_prefix is not None and (path == docs_prefix or path.startswith(docs_prefix + "/"))
        policy = DOCS_POLICY if is_page and is_docs else API_POLICY
        for name, value in {**fixed, "Content-Security-Policy": policy}.items():
            if name not in headers:
                headers[name] = value

    return add_headers
