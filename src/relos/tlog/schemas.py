"""API shapes of the signed logs (API.md "Nodes and signed logs")."""

from __future__ import annotations

from pydantic import BaseModel


class LogOut(BaseModel):
    origin: str
    agreement: str | None
    size: int
    root: str
    """Base64 of the root hash at `size`."""


class EntryOut(BaseModel):
    index: int
    leaf: str
    """Base64 of the exact DSSE envelope bytes (canonical JSON)."""


class InclusionOut(BaseModel):
    index: int
    size: int
    hashes: list[str]


class ConsistencyOut(BaseModel):
    first: int
    second: int
    hashes: list[str]
