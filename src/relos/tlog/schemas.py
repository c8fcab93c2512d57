"""API shapes of the signed logs (API.md "Nodes and signed logs"), and the results of the
node and log commands: one model per answer, shared by the routes, the pages and `--json`."""

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


class NodeOut(BaseModel):
    """`relos node show --json`: the node's identity and each log's head."""

    party: str | None
    key_name: str | None
    verifier_key: str | None
    """Signed-note `vkey` form: `<name>+<hex key id>+<base64(0x01 || public key)>`."""
    logs: list[LogOut]


class NodeInitOut(NodeOut):
    """`relos node init`: the node as it now is, and whether its key was made now."""

    created: bool


class RotationOut(BaseModel):
    """`relos node rotate-key`: the revoked key, the new one, how many logs announce it."""

    old: str
    new: str
    logs: int


class VerifiedLogOut(BaseModel):
    origin: str
    size: int
    root: str
    """Base64 of the root the entries give."""
    checkpoints: int
    """How many checkpoints (held and given) hold against the entries."""


class VerifyOut(BaseModel):
    """`relos log verify --json`: the logs that hold, and the first problem if any."""

    whole: bool
    logs: list[VerifiedLogOut]
    problem: str | None
