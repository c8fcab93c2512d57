"""Canonical JSON and the hashes that chain audit entries."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """The hash of an entry: over the previous hash and the entry's canonical form."""
    return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()
