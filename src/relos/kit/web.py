"""FastAPI dependencies shared by every feature's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from relos.access.domain import Principal
from relos.access.service import authenticate_token
from relos.kit.db import Database
from relos.kit.errors import Unauthenticated

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
    with db.transaction(write=False) as session:
        return authenticate_token(session, credentials.credentials)


Db = Annotated[Database, Depends(database)]
Caller = Annotated[Principal, Depends(current_principal)]
