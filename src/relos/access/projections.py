"""Users and tokens, as projected from their events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access import repository
from relos.access.events import (
    PasswordSet,
    TokenIssued,
    TokenRevoked,
    UserAdded,
    UserDisabled,
    UserEnabled,
)
from relos.access.models import TokenRow, UserRow
from relos.events import RecordedEvent, projection_tables, projector
from relos.kit.errors import NotFound

projection_tables("access", "users", "api_tokens")


def _user(session: Session, name: str) -> UserRow:
    user = repository.user_by_name(session, name)
    if user is None:
        raise NotFound(f"no user {name!r}")
    return user


@projector(UserAdded)
def _added(session: Session, recorded: RecordedEvent[UserAdded]) -> None:
    e = recorded.event
    session.add(
        UserRow(
            id=e.user_id,
            name=e.name,
            party=e.party,
            roles=list(e.roles),
            password_hash=e.password_hash,
            active=True,
            created_at=e.created_at,
        )
    )


@projector(UserEnabled)
def _enabled(session: Session, recorded: RecordedEvent[UserEnabled]) -> None:
    _user(session, recorded.event.name).active = True


@projector(UserDisabled)
def _disabled(session: Session, recorded: RecordedEvent[UserDisabled]) -> None:
    _user(session, recorded.event.name).active = False


@projector(PasswordSet)
def _password(session: Session, recorded: RecordedEvent[PasswordSet]) -> None:
    _user(session, recorded.event.name).password_hash = recorded.event.password_hash


@projector(TokenIssued)
def _issued(session: Session, recorded: RecordedEvent[TokenIssued]) -> None:
    e = recorded.event
    session.add(
        TokenRow(
            id=e.token_id,
            user_id=e.user_id,
            token_hash=e.token_hash,
            prefix=e.prefix,
            created_at=e.created_at,
            expires_at=e.expires_at,
        )
    )


@projector(TokenRevoked)
def _revoked(session: Session, recorded: RecordedEvent[TokenRevoked]) -> None:
    row = repository.token_by_id(session, recorded.event.token_id)
    if row is None:
        raise NotFound(f"no token {recorded.event.token_id}")
    row.revoked_at = recorded.event.revoked_at
