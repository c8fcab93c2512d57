"""What happens to users and tokens, as events of the internal log.

Password and token hashes are in the content (replay must rebuild the same rows) but are
secret fields: the audit trail never shows them. The plain password or token never is.
"""

from __future__ import annotations

from datetime import datetime

from relos.events import INTERNAL, DomainEvent, Route, event


class _UserEvent(DomainEvent):
    name: str
    party: str

    def route(self) -> Route:
        return Route(INTERNAL, "user", self.name, (self.party,))


@event
class UserAdded(_UserEvent):
    event_type = "user.added.v1"
    secret_fields = frozenset({"password_hash"})

    user_id: int
    roles: tuple[str, ...]
    password_hash: str | None
    created_at: datetime


@event
class UserEnabled(_UserEvent):
    event_type = "user.enabled.v1"


@event
class UserDisabled(_UserEvent):
    event_type = "user.disabled.v1"


@event
class PasswordSet(_UserEvent):
    event_type = "user.password_set.v1"
    secret_fields = frozenset({"password_hash"})

    password_hash: str


class _TokenEvent(DomainEvent):
    token_id: int
    party: str  # the party of the token's user: who may read the event
    prefix: str

    def route(self) -> Route:
        return Route(INTERNAL, "token", str(self.token_id), (self.party,))


@event
class TokenIssued(_TokenEvent):
    event_type = "token.issued.v1"
    secret_fields = frozenset({"token_hash"})

    user: str
    user_id: int
    kind: str  # "api" or "session"
    token_hash: str
    created_at: datetime
    expires_at: datetime


@event
class TokenRevoked(_TokenEvent):
    event_type = "token.revoked.v1"

    revoked_at: datetime
