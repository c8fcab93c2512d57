"""Queries on users and tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.models import TokenRow, UserRow


def user_by_name(session: Session, name: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.name == name))


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def token_by_digest(session: Session, digest: str) -> TokenRow | None:
    return session.scalar(select(TokenRow).where(TokenRow.token_hash == digest))


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
