"""Security headers on every response, and the auth contract written into the OpenAPI document.

`install(app)` is called once by the composition root. The headers come from a pure ASGI
middleware (not BaseHTTPMiddleware) so streaming responses and errors get them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere: pages load their scripts from /static. Styles may be inline
# (map libraries set element styles), which cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
API_PREFIX = "/api/"
STATIC_PREFIX = "/static/"


class SecurityHeaders:
    """Adds HEADERS to every HTTP response (keeping any a route set itself)."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.headers = dict(HEADERS)
        if https:  # served behind TLS (RELOS_SECURE_COOKIES=1): browsers must stay on HTTPS
            self.headers["strict-transport-security"] = "max-age=31536000"
        # Encoded once: every response gets them.
        self.raw = [(k.encode(), v.encode()) for k, v in self.headers.items()]
        self.raw_private = [*self.raw, (b"cache-control", b"no-store")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # API answers and pages carry one party's records: no shared or browser caching.
        # Only the static assets (same for everyone) may be cached.
        private = not str(scope.get("path", "")).startswith(STATIC_PREFIX)

        extra = self.raw_private if private else self.raw

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "violations": {"type": "array", "items": {"type": "object"}},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
ERRORS = {
    "400": "Bad request",
    "401": "Missing, invalid, expired or revoked bearer token",
    "403": "The caller's roles may not take this action",
    "404": "No such record, or one the caller's party may not see",
    "409": "Conflict with the current state",
    "412": "If-Match names an older version",
    "422": "Invalid input, or the request breaks the agreement's rules",
    "428": "If-Match required",
    "429": "Too many requests",
}
OPEN_PATHS = frozenset({"/api/v1/health", "/api/v1/ready", "/api/v1/openapi.json"})


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def document_errors(spec: dict[str, Any]) -> dict[str, Any]:
    """Every /api/v1 operation answers errors as problem+json (docs/api.md "Conventions")."""
    spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if path in OPEN_PATHS:
                continue
            for status, description in ERRORS.items():
                operation["responses"][status] = _problem_response(description)
    return spec


def _openapi_with_errors(app: FastAPI, build: Callable[[], dict[str, Any]]) -> Callable[[], Any]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(build())
        return app.openapi_schema

    return openapi


def _outermost(app: FastAPI, https: bool) -> Callable[[], ASGIApp]:
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, so that even a 500 carries the headers.
        return SecurityHeaders(build(), https=https)

    return build_with_headers


def install(app: FastAPI) -> None:
    """Wrap the whole app in the headers middleware and document the error responses."""
    settings = getattr(app.state, "settings", None)
    https = bool(getattr(settings, "secure_cookies", False))
    app.build_middleware_stack = _outermost(app, https)  # type: ignore[method-assign]
    app.openapi = _openapi_with_errors(app, app.openapi)  # type: ignore[method-assign]
