"""A peer's key rotations: which keys speak for the peer after the one pinned here.

A node that rotates its key announces it in every log with a `node.key_rotated` entry
signed by the old key and the new one (`relos node rotate-key`). A receiving node follows
that chain from the key it pinned, so the new key's checkpoints and entries verify, and
then pins the new key (receive.py); a rotation not signed by the key trusted so far is
ignored, so the entries it would admit are refused as unsigned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from relos.tlog import dsse
from relos.tlog.keys import BadKey, Verifier
from relos.tlog.verify import ROTATION


def _rotations(leaves: Iterable[bytes]) -> list[tuple[Verifier, Verifier]]:
    """(old, new) of each rotation entry signed by both keys, in the leaves' order."""
    found = []
    for leaf in leaves:
        try:
            envelope = dsse.parse(leaf)
        except dsse.BadEnvelope:
            continue  # refused, with its reason, where the entry is checked
        if dsse.event_type_of(envelope.payload_type) != ROTATION:
            continue
        try:
            body = json.loads(envelope.payload)
            old, new = Verifier.parse(body["old"]), Verifier.parse(body["new"])
        except (ValueError, KeyError, TypeError, BadKey):
            continue
        if {v.key_id for v in dsse.signed_by(envelope, [old, new])} == {old.key_id, new.key_id}:
            found.append((old, new))
    return found


def chain(pinned: Verifier, leaves: Iterable[bytes]) -> list[Verifier]:
    """The pinned key and every key linked to it by rotations in the leaves, newest last.

    Trust spreads both ways along the chain (each rotation is signed by both keys): a
    batch may start before the rotation to the pinned key and go past a later one."""
    rotations = _rotations(leaves)
    keys = [pinned]
    grown = True
    while grown:
        grown = False
        for old, new in rotations:
            if new in keys and old not in keys:
                keys.insert(keys.index(new), old)
                grown = True
            elif old in keys and new not in keys:
                keys.insert(keys.index(old) + 1, new)
                grown = True
    return keys
