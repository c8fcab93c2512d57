"""Result models of the peer services: the API's schema, the sync page's data and the
CLI's `--json` output are these same models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PeerOut(BaseModel):
    party: str = Field(examples=["RU"])
    url: str = Field(examples=["http://127.0.0.1:8001"])
    verifier_key: str = Field(description="The peer node's pinned key (signed-note vkey form)")


class LogSizeOut(BaseModel):
    origin: str = Field(examples=["relos.example/RU/in-ru-relos"])
    size: int


class StatementOut(BaseModel):
    outcome: str = Field(description="agreed, differs or awaiting the peer's answer")
    facts: dict[str, int] = Field(description="Facts held per writing party when it was made")
    state_sha256: str
    # The derived state as signed (cap use per party and category, balances per currency):
    # its keys are the agreement's own categories and currencies, so it stays a mapping.
    state: dict[str, Any]
    log_size: int
    recorded_at: str
    ours: str = Field(description="This node's signed statement (a DSSE envelope, base64)")
    theirs: str | None = Field(default=None, description="The peer's answer, once it came")


class StatementPairOut(BaseModel):
    agreement: str
    last: StatementOut | None = None
    last_agreed: StatementOut | None = None


class IncidentOut(BaseModel):
    id: int
    kind: str = Field(examples=["fork", "damaged", "cosignature", "statement"])
    detected_at: str
    detail: str
    open: bool


class PeerStatusOut(BaseModel):
    party: str
    url: str
    their_size: int = Field(description="Entries of the peer's logs seen")
    applied: int = Field(description="Of them, judged and applied here")
    lag: int
    last_cosigned: list[LogSizeOut] = Field(description="The peer's logs this node co-signed")
    cosigned_by_peer: list[LogSizeOut] = Field(description="This node's logs the peer co-signed")
    unacknowledged: int = Field(description="Our facts the peer has not judged yet")
    statements: list[StatementPairOut]
    incidents: list[IncidentOut]
