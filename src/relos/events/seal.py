"""The one place where an event becomes bytes: RFC 8785 canonical JSON, then its hash.

`seal` builds the statement that is hashed into the log's chain (and that the signed log
wraps): the envelope (log, seq, type, time, actor, parties, record) with the event's full
content and the hash of the previous event in the same log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rfc8785

from relos.kit.timeutil import as_utc

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes: the same value always gives the same bytes, on any node."""
    return rfc8785.dumps(value)


def precise(at: datetime) -> str:
    # Microseconds, so that moving an event within its second also breaks its hash.
    return as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Envelope:
    """What the log says about an event besides its content."""

    log: str
    seq: int
    type: str
    at: datetime
    actor: str
    actor_party: str | None
    parties: tuple[str, ...]
    record_type: str
    record_id: str
    prev_hash: str


def _head(envelope: Envelope) -> dict[str, Any]:
    # The members that sort before "content" in RFC 8785 order.
    return {
        "actor": envelope.actor,
        "actor_party": envelope.actor_party,
        "at": precise(envelope.at),
    }


def _tail(envelope: Envelope) -> dict[str, Any]:
    # The members that sort after "content".
    return {
        "log": envelope.log,
        "parties": list(envelope.parties),
        "prev_hash": envelope.prev_hash,
        "record_id": envelope.record_id,
        "record_type": envelope.record_type,
        "seq": envelope.seq,
        "type": envelope.type,
    }


def seal(envelope: Envelope, content: str) -> bytes:
    """The canonical statement of one event: its envelope, its content, its predecessor.

    The content is read and written canonically again: stored text is checked as it stands.
    """
    return canonical({**_head(envelope), "content": json.loads(content), **_tail(envelope)})


def seal_canonical(envelope: Envelope, content: str) -> bytes:
    """`seal` for content that is already RFC 8785 text (what `record` has just written).

    A canonical object is its members in key order, each value canonical, so the content
    is spliced in between the members before and after "content" instead of being parsed
    and written again; the bytes are `seal`'s (a test compares them).
    """
    head, tail = canonical(_head(envelope)), canonical(_tail(envelope))
    return b"".join((head[:-1], b',"content":', content.encode(), b",", tail[1:]))


def chain_hash(sealed: bytes) -> str:
    """An event's hash: over its sealed statement, which names the previous hash."""
    return hashlib.sha256(sealed).hexdigest()
