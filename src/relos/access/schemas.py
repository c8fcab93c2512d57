"""Commands and results of user and token management (CLI, tests, demo)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


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


class SetActive(BaseModel):
    """Enable or disable a user; a disabled user's tokens stop working at once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    active: bool


class SetPassword(BaseModel):
    """Replace a user's password (checked by the service: at least 8 characters)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    password: str = Field(repr=False)


class IssueToken(BaseModel):
    """Issue a bearer token for a user, valid for `days` (checked by the service)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    days: int = 30


class RevokeToken(BaseModel):
    """Revoke a token given either its value or its id (`token list`), not both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: str | None = Field(default=None, repr=False)
    id: int | None = None

    @model_validator(mode="after")
    def _one_of(self) -> RevokeToken:
        if (self.token is None) == (self.id is None):
            raise ValueError("give the token or its id, not both")
        return self


class IssuedToken(BaseModel):
    """A token just issued: the one and only time its value is shown."""

    id: int
    prefix: str
    user: str
    kind: str
    expires_at: str
    token: str = Field(repr=False)
