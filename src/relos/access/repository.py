"""Queries on users and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from relos.access.models import TokenRow, UserRow
from relos.kit.db import connection_of


def user_by_name(session: Session, name: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.name == name))


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def token_by_digest(session: Session, digest: str) -> TokenRow | None:
    return session.scalar(select(TokenRow).where(TokenRow.token_hash == digest))


@dataclass(frozen=True)
class TokenHolder:
    """A token's state and its user's, as authentication needs them."""

    user_id: int
    name: str
    party: str
    roles: list[str]
    active: bool
    expires_at: datetime
    revoked_at: datetime | None


_HOLDER = select(
    UserRow.id,
    UserRow.name,
    UserRow.party,
    UserRow.roles,
    UserRow.active,
    TokenRow.expires_at,
    TokenRow.revoked_at,
).join(UserRow, UserRow.id == TokenRow.user_id)
# Built once, run on the session's connection: every request authenticates, and neither
# building the expression nor the ORM's execution path is worth paying for each time.
_HOLDER_BY_DIGEST = _HOLDER.where(TokenRow.token_hash == bindparam("digest"))


def token_holder(session: Session, digest: str) -> TokenHolder | None:
    """The token with this digest and its user, in one query (no ORM objects)."""
    row = connection_of(session).execute(_HOLDER_BY_DIGEST, {"digest": digest}).first()
    return None if row is None else TokenHolder(*row)


def token_by_id(session: Session, token_id: int) -> TokenRow | None:
    return session.get(TokenRow, token_id)


def tokens_of(session: Session, user_id: int) -> list[TokenRow]:
    query = select(TokenRow).where(TokenRow.user_id == user_id).order_by(TokenRow.id)
    return list(session.scalars(query))


def list_users(session: Session, party: str | None = None) -> list[UserRow]:
    """All users, or one party's (filtered in the query)."""
    query = select(UserRow).order_by(UserRow.party, UserRow.name)
    if party:
        query = query.where(UserRow.party == party)
    return list(session.scalars(query))
