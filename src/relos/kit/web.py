"""FastAPI dependencies shared by every feature's routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from relos.kit.db import Database
from relos.kit.errors import Unauthenticated
from relos.kit.principal import Principal

Authenticator = Callable[[Session, str], Principal]
_bearer = HTTPBearer(auto_error=False, description="A token from `relos token create NAME`.")


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@dataclass(frozen=True)
class Claim:
    """Who a request says it is, before any read: a web session's principal (already
    checked by the web layer) or a bearer token still to be checked."""

    principal: Principal | None
    token: str
    authenticate: Authenticator

    def caller(self, session: Session) -> Principal:
        """The caller, the token checked with one read on `session`."""
        if self.principal is not None:
            return self.principal
        return self.authenticate(session, self.token)


def _claim(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Claim:
    session_principal = getattr(request.state, "principal", None)
    if isinstance(session_principal, Principal):
        return Claim(session_principal, "", _checked)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <token>")
    # The composition root names the authenticator (access's), so kit depends on no feature.
    authenticate: Authenticator = request.app.state.authenticate
    return Claim(None, credentials.credentials, authenticate)


def _checked(_session: Session, _token: str) -> Principal:
    raise AssertionError("a web session's principal is checked already")


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token (or a web session, when the web UI set one)."""
    claim = _claim(request, credentials)
    if claim.principal is not None:
        return claim.principal
    # One indexed read of the token and its user, on every request: no transaction needed.
    with database(request).reads() as session:
        return claim.caller(session)


async def claim_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claim:
    """For a read route that opens `Database.reads()` itself: the token is checked there, on
    the route's own connection (one pool checkout per request, not two). async: nothing is
    read here, so no thread-pool hop; a request without credentials is still refused (401)
    before anything else is looked at."""
    claim = _claim(request, credentials)
    if claim.principal is None:
        # Checked by the route; a request refused before the route runs (its body or
        # parameters invalid) has it checked by the problem handler, so that a bad token
        # is a 401 there too, as on the routes that check it first (check_claim).
        request.state.unchecked_claim = claim
    return claim


def check_claim(request: Request) -> None:
    """Raise Unauthenticated when the request's claim (not yet checked) names no caller."""
    claim = getattr(request.state, "unchecked_claim", None)
    if isinstance(claim, Claim):
        with database(request).reads() as session:
            claim.caller(session)


async def _database(request: Request) -> Database:
    # async: FastAPI runs a plain def dependency in the thread pool, a hop (and a turn at
    # the request thread limiter) for a lookup; this one runs on the event loop.
    return database(request)


Db = Annotated[Database, Depends(_database)]
Caller = Annotated[Principal, Depends(current_principal)]
Claimed = Annotated[Claim, Depends(claim_of)]
