"""Users, tokens and authentication."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from relos.access import repository
from relos.access.domain import ROLES, Principal
from relos.access.models import TokenRow, UserRow
from relos.access.passwords import hash_password, verify_password
from relos.access.tokens import new_token, token_digest
from relos.kit.codes import is_country
from relos.kit.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from relos.kit.timeutil import utcnow


def principal_of(user: UserRow) -> Principal:
    return Principal(user.id, user.name, user.party, frozenset(user.roles))


def add_user(
    session: Session, name: str, party: str, roles: list[str], password: str | None = None
) -> UserRow:
    """Create a user of one party with one or more roles."""
    if (
        not name
        or len(name) > 100
        or not name.replace("-", "").replace("_", "").replace(".", "").isalnum()
    ):
        raise InvalidInput(f"user name {name!r}: use letters, digits, '.', '-' or '_'")
    if not is_country(party):
        raise InvalidInput(f"party {party!r} is not an ISO 3166-1 alpha-2 code")
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidInput(f"roles {unknown or roles}: choose from {', '.join(ROLES)}")
    if password is not None and len(password) < 8:
        raise InvalidInput("password: at least 8 characters")
    if repository.user_by_name(session, name) is not None:
        raise Conflict(f"user {name!r} already exists")
    user = UserRow(
        name=name,
        party=party,
        roles=sorted(set(roles)),
        password_hash=hash_password(password) if password else None,
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def create_token(session: Session, name: str, days: int = 30) -> str:
    """Issue a bearer token for a user; the plain token is returned once and never stored."""
    user = repository.user_by_name(session, name)
    if user is None:
        raise NotFound(f"no user {name!r}")
    token = new_token()
    now = utcnow()
    session.add(
        TokenRow(
            user_id=user.id,
            token_hash=token_digest(token),
            prefix=token[:12],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def revoke_token(session: Session, token: str) -> None:
    row = repository.token_by_digest(session, token_digest(token))
    if row is None:
        raise NotFound("no such token")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()


def authenticate_token(session: Session, token: str) -> Principal:
    """The principal behind a bearer token, or Unauthenticated."""
    row = repository.token_by_digest(session, token_digest(token))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise Unauthenticated("invalid, expired or revoked token")
    user = repository.user_by_id(session, row.user_id)
    if user is None or not user.active:
        raise Unauthenticated("the token's user is not active")
    return principal_of(user)


def authenticate_password(session: Session, name: str, password: str) -> Principal:
    user = repository.user_by_name(session, name)
    if user is None or not user.active or not user.password_hash:
        raise Unauthenticated("wrong user name or password")
    if not verify_password(user.password_hash, password):
        raise Unauthenticated("wrong user name or password")
    return principal_of(user)


def list_users(session: Session) -> list[UserRow]:
    return repository.list_users(session)
