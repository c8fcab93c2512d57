"""FastAPI dependencies shared by every feature's routes."""

from __future__ import annotations

from collections.abc import Callable
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


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token (or a web session, when the web UI set one)."""
    session_principal = getattr(request.state, "principal", None)
    if isinstance(session_principal, Principal):
        return session_principal
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <token>")
    db = database(request)
    # The composition root names the authenticator (access's), so kit depends on no feature.
    authenticate: Authenticator = request.app.state.authenticate
    # One indexed read of the token and its user, on every request: no transaction needed.
    with db.reads() as session:
        return authenticate(session, credentials.credentials)


async def _database(request: Request) -> Database:
    # async: FastAPI runs a plain def dependency in the thread pool, a hop (and a turn at
    # the request thread limiter) for a lookup; this one runs on the event loop.
    return database(request)


Db = Annotated[Database, Depends(_database)]
Caller = Annotated[Principal, Depends(current_principal)]
