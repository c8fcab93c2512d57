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


def list_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.party, UserRow.name)))
