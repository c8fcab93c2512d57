"""Who a CLI command acts as: the operator who holds the database, or the user --as names."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.repository import user_by_name
from relos.access.service import principal_of
from relos.kit.errors import NotFound
from relos.kit.principal import SYSTEM, Principal


def acting_as(session: Session, user: str | None) -> Principal:
    """The CLI acts as the operator (who holds the database) unless --as names a user."""
    if user is None:
        return SYSTEM
    row = user_by_name(session, user)
    if row is None:
        raise NotFound(f"no user {user!r}")
    return principal_of(row)
