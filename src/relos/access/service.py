"""Users, tokens, login and authentication.

Secrets (passwords, tokens) never reach a log, an audit entry or an error message: only a
token's public prefix and id are ever shown after it has been issued.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.orm import Session

from relos.access import ratelimit, repository
from relos.access.domain import ROLES, SYSTEM, Principal
from relos.access.events import (
    PasswordSet,
    TokenIssued,
    TokenRevoked,
    UserAdded,
    UserDisabled,
    UserEnabled,
)
from relos.access.models import TokenRow, UserRow
from relos.access.passwords import hash_password, verify_password
from relos.access.policy import require_visible
from relos.access.schemas import (
    IssuedToken,
    IssueToken,
    NewUser,
    RevokeToken,
    SetActive,
    SetPassword,
    TokenOut,
    UserOut,
)
from relos.access.tokens import new_token, token_digest
from relos.events import INTERNAL, record
from relos.events.store import lock_log, next_id
from relos.kit.codes import is_country
from relos.kit.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)
from relos.kit.timeutil import format_instant, utcnow

MAX_TOKEN_DAYS = 366
SESSION_HOURS = 12


@cache
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so a wrong name costs as long as a wrong
    # password and the response time does not tell which names exist.
    return hash_password("relos-no-such-user")


def principal_of(user: UserRow) -> Principal:
    return Principal(user.id, user.name, user.party, frozenset(user.roles))


def _check_user(name: str, party: str, roles: list[str], password: str | None) -> None:
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


def user_out(user: UserRow) -> UserOut:
    return UserOut(name=user.name, party=user.party, roles=list(user.roles), active=user.active)


def add_user(session: Session, command: NewUser, actor: Principal = SYSTEM) -> UserOut:
    """Create a user of one party with one or more roles."""
    name, party, roles, password = command.name, command.party, command.roles, command.password
    _check_user(name, party, list(roles), password)
    lock_log(session, INTERNAL)
    if repository.user_by_name(session, name) is not None:
        raise Conflict(f"user {name!r} already exists")
    added = UserAdded(
        user_id=next_id(session, UserRow.id),
        name=name,
        party=party,
        roles=tuple(sorted(set(roles))),
        password_hash=hash_password(password) if password else None,
        created_at=utcnow(),
    )
    record(session, actor, added, added.created_at)
    return user_out(_user(session, name))


def _user(session: Session, name: str) -> UserRow:
    user = repository.user_by_name(session, name)
    if user is None:
        raise NotFound(f"no user {name!r}")
    return user


def set_active(session: Session, command: SetActive, actor: Principal = SYSTEM) -> UserOut:
    """Enable or disable a user; a disabled user's tokens stop working at once."""
    user = _user(session, command.name)
    change = UserEnabled if command.active else UserDisabled
    record(session, actor, change(name=command.name, party=user.party))
    return user_out(user)


def set_password(session: Session, command: SetPassword, actor: Principal = SYSTEM) -> UserOut:
    """Replace a user's password (at least 8 characters); only its Argon2 hash is kept."""
    if len(command.password) < 8:
        raise InvalidInput("password: at least 8 characters")
    user = _user(session, command.name)
    changed = PasswordSet(
        name=command.name, party=user.party, password_hash=hash_password(command.password)
    )
    record(session, actor, changed)
    return user_out(user)


def _issue(
    session: Session, user: UserRow, lifetime: timedelta, kind: str, actor: Principal
) -> IssuedToken:
    token = new_token()
    now = utcnow()
    lock_log(session, INTERNAL)
    issued = TokenIssued(
        token_id=next_id(session, TokenRow.id),
        party=user.party,
        prefix=token[:12],
        user=user.name,
        user_id=user.id,
        kind=kind,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + lifetime,
    )
    record(session, actor, issued, now)
    return IssuedToken(
        id=issued.token_id,
        prefix=issued.prefix,
        user=user.name,
        kind=kind,
        expires_at=format_instant(issued.expires_at),
        token=token,
    )


def create_token(session: Session, command: IssueToken, actor: Principal = SYSTEM) -> IssuedToken:
    """Issue a bearer token for a user; the plain token is returned once and never stored."""
    if not 1 <= command.days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"days: between 1 and {MAX_TOKEN_DAYS}")
    user = _user(session, command.name)
    return _issue(session, user, timedelta(days=command.days), "api", actor)


def start_session(
    session: Session, principal: Principal, hours: int = SESSION_HOURS
) -> IssuedToken:
    """A short-lived token for a web session after `login` (the web UI keeps it in a cookie)."""
    user = repository.user_by_id(session, principal.user_id)
    if user is None or not user.active:
        raise Unauthenticated("the user is not active")
    return _issue(session, user, timedelta(hours=hours), "session", principal)


def revoke_token(session: Session, command: RevokeToken, actor: Principal = SYSTEM) -> TokenOut:
    """Revoke a token given its value (how a web session logs out) or its id (`token list`).

    The value itself is never kept, so a token is found by its digest. Revoking a revoked
    token changes nothing and says so in the result's state.
    """
    if command.token is not None:
        row = repository.token_by_digest(session, token_digest(command.token))
        missing = "no such token"
    else:
        row = repository.token_by_id(session, command.id or 0)
        missing = f"no token {command.id}"
    if row is None:
        raise NotFound(missing)
    user = repository.user_by_id(session, row.user_id)
    parties = [user.party] if user else []
    require_visible(actor, parties, "such token")
    if row.revoked_at is None:
        now = utcnow()
        party = user.party if user else ""
        revoked = TokenRevoked(token_id=row.id, party=party, prefix=row.prefix, revoked_at=now)
        record(session, actor, revoked, now)
    return token_out(row, utcnow())


def token_out(row: TokenRow, now: datetime) -> TokenOut:
    if row.revoked_at is not None:
        state = "revoked"
    else:
        state = "expired" if row.expires_at <= now else "active"
    return TokenOut(
        id=row.id,
        prefix=row.prefix,
        created_at=format_instant(row.created_at),
        expires_at=format_instant(row.expires_at),
        revoked_at=format_instant(row.revoked_at) if row.revoked_at else None,
        state=state,
    )


def list_tokens(session: Session, name: str) -> list[TokenOut]:
    """A user's tokens: id, public prefix, dates and state; never the value."""
    user = _user(session, name)
    now = utcnow()
    return [token_out(row, now) for row in repository.tokens_of(session, user.id)]


def authenticate_token(session: Session, token: str) -> Principal:
    """The principal behind a bearer token, or Unauthenticated."""
    # One read of the token and its user (every request pays for it).
    found = repository.token_holder(session, token_digest(token))
    if found is None or found.revoked_at is not None or found.expires_at <= utcnow():
        raise Unauthenticated("invalid, expired or revoked token")
    if not found.active:
        raise Unauthenticated("the token's user is not active")
    return Principal(found.user_id, found.name, found.party, frozenset(found.roles))


def authenticate_password(session: Session, name: str, password: str) -> Principal:
    """The principal for a name and password, or Unauthenticated (same words either way)."""
    user = repository.user_by_name(session, name)
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = verify_password(stored, password)
    if user is None or not user.active or not user.password_hash or not matches:
        raise Unauthenticated("wrong user name or password")
    return principal_of(user)


def login(session: Session, name: str, password: str, client_key: str) -> Principal:
    """Check a name and password for the web login, rate-limited per name and client.

    `client_key` is the client's address (or another stable client identity). The attempt
    is counted before the password is checked (relos.access.ratelimit), so a burst of guesses
    is cut off at the limit even when they all arrive at once. Raises TooManyRequests (429)
    while the name, the client or the pair has too many recent attempts, and
    Unauthenticated (401) on a wrong name or password.
    """
    limits = ratelimit.Limits()
    if not ratelimit.attempt(session, name, client_key, limits):
        raise TooManyRequests("too many failed logins; wait 15 minutes and try again")
    principal = authenticate_password(session, name, password)
    ratelimit.succeeded(session, name, client_key, limits)
    return principal


def list_users(session: Session, party: str | None = None) -> list[UserOut]:
    return [user_out(user) for user in repository.list_users(session, party)]
