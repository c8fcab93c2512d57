"""Commands and results of user and token management (CLI, tests, demo)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class NewUser(BaseModel):
    """Add a user of one party with one or more roles (checked by the service)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    party: str
    roles: tuple[str, ...]
    password: str | None = None


class UserOut(BaseModel):
    name: str
    party: str
    roles: list[str]
    active: bool


class TokenOut(BaseModel):
    """A token as listed: never its value, only its public prefix."""

    id: int
    prefix: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    state: str
