"""Web sessions for the pages and for the API calls the pages' scripts make.

The middleware reads the signed cookie, loads the user (so a deactivated user is out at
once) and exposes them as `request.state.web_user`. For /api/v1 it sets
`request.state.principal` (which relos.kit.web.current_principal honours) only when the
call is same-origin and, when it changes state, carries the session's CSRF token in
X-CSRF-Token. Page forms carry the token in a hidden field, checked by `check_csrf`.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relos.access import repository as users
from relos.access.domain import Principal
from relos.access.service import principal_of
from relos.kit.db import Database
from relos.kit.errors import Forbidden
from relos.web.session import COOKIE, SESSION_HOURS, WebSession, decode, encode

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """A page needs a logged-in user; the handler redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _load_user(db: Database, user_id: int) -> Principal | None:
    with db.transaction(write=False) as session:
        row = users.user_by_id(session, user_id)
        return principal_of(row) if row is not None and row.active else None


def same_origin(request: Request) -> bool:
    """No sign of a cross-site request: Fetch Metadata and Origin (when sent) agree it is ours.

    Under `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts; then the
    Sec-Fetch-Site header, which they always send, has to vouch for the request.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return fetch_site is not None
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def _token_matches(session: WebSession, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(token, session.csrf)


def _api_principal(request: Request, session: WebSession, user: Principal) -> Principal | None:
    if "authorization" in request.headers or not same_origin(request):
        return None
    if request.method in SAFE_METHODS:
        return user
    return user if _token_matches(session, request.headers.get(CSRF_HEADER)) else None


def set_session_cookie(request: Request, response: Response, session: WebSession) -> None:
    response.set_cookie(
        COOKIE,
        encode(request.app.state.web_key, session),
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )


def _api_without_cookie(scope: Scope) -> bool:
    if not str(scope.get("path", "")).startswith("/api/"):
        return False
    return not any(name == b"cookie" for name, _ in scope.get("headers", ()))


class WebSessions:
    """The session middleware: a pure ASGI layer (BaseHTTPMiddleware cost every API call a
    task group and a stream of its own, whether it carried a cookie or not)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith("/static/") or _api_without_cookie(scope):
            # A web session lives in a cookie; an API call without one (a token's) has none,
            # and its answer sets none: nothing to do (no Request, no fresh CSRF token).
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        found = decode(request.app.state.web_key, request.cookies.get(COOKIE))
        session = found or WebSession.anonymous()
        user = None
        if session.user_id is not None:
            user = await run_in_threadpool(_load_user, request.app.state.db, session.user_id)
        request.state.web_session = session
        request.state.web_user = user
        api = path.startswith("/api/")
        if user is not None and api:
            principal = _api_principal(request, session, user)
            if principal is not None:
                request.state.principal = principal

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                replaced: WebSession | None = getattr(request.state, "web_session_out", None)
                out = replaced if replaced is not None else None
                if out is None and found is None and not api:
                    out = session
                if out is not None:
                    carrier = Response()
                    set_session_cookie(request, carrier, out)
                    message["headers"] = [
                        *message.get("headers", []),
                        *(h for h in carrier.raw_headers if h[0] == b"set-cookie"),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def install(app: FastAPI) -> None:
    """Add the session middleware to the app."""
    app.add_middleware(WebSessions)


def web_session(request: Request) -> WebSession:
    session: WebSession = request.state.web_session
    return session


def page_user(request: Request) -> Principal:
    """The logged-in user of a page, or a redirect to the login page."""
    user: Principal | None = getattr(request.state, "web_user", None)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query)
    return user


def check_csrf(request: Request, token: str) -> None:
    """Refuse a form POST without this browser's CSRF token or from another origin."""
    if not same_origin(request) or not _token_matches(web_session(request), token):
        raise Forbidden("the form has expired or came from another site; reload and try again")


PageUser = Annotated[Principal, Depends(page_user)]
