"""Verifying a signed log from its stored bytes alone (pure: entries and notes in, verdict out).

What is trusted: the verifier keys given (the node's own key, or keys named on the command
line); nothing in the database is. Keys rotate by an entry `node.key_rotated` signed by
both the old and the new key; from a trusted key the chain of such entries says which key
signs which stretch of the log, and an entry signed by a key after its rotation is refused.

The check walks the log once: every index present and in order, every envelope parsed
and signed by the key of its stretch, every payload canonical JSON, and the tree
recomputed, giving the root at every checkpoint size; each checkpoint must be signed by a
trusted key and name a size the log still has and the root those leaves give. So a changed,
deleted, inserted or reordered entry, a cut log, and a log rewritten and re-hashed are each
caught by anyone holding a checkpoint from before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from relos.tlog import dsse, merkle, note
from relos.tlog.keys import BadKey, Verifier

ROTATION = "node.key_rotated"
ROTATION_TYPE = dsse.payload_type(ROTATION)


@dataclass(frozen=True)
class Problem:
    origin: str
    where: str
    reason: str
    index: int | None = None
    """The entry concerned, when the problem is one entry's."""

    def __str__(self) -> str:
        return f"log {self.origin}: {self.where}: {self.reason}"


@dataclass(frozen=True)
class Report:
    origin: str
    size: int
    root: bytes
    checkpoints: int


@dataclass(frozen=True)
class HeldCheckpoint:
    label: str
    """Where it came from: "held checkpoint 12" or a file name."""
    signed: str


@dataclass(frozen=True)
class _Rotation:
    index: int
    old: Verifier
    new: Verifier


class _Bad(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where = where
        self.reason = reason
        number = where.removeprefix("entry ")
        self.index = int(number) if where.startswith("entry ") and number.isdigit() else None


Entries = Callable[[], Iterable[tuple[int, bytes]]]
"""Gives the stored entries in index order each time it is called (two passes)."""


def _rotations(entries: Iterable[tuple[int, bytes]]) -> list[tuple[int, dsse.Envelope]]:
    found = []
    for index, leaf in entries:
        try:
            envelope = dsse.parse(leaf)
        except dsse.BadEnvelope:
            continue  # reported by the main pass, at its place
        if envelope.payload_type == ROTATION_TYPE:
            found.append((index, envelope))
    return found


def _rotation(index: int, envelope: dsse.Envelope) -> _Rotation:
    try:
        body = json.loads(envelope.payload)
        old, new = Verifier.parse(body["old"]), Verifier.parse(body["new"])
    except (ValueError, KeyError, TypeError, BadKey) as exc:
        raise _Bad(f"entry {index}", f"a malformed key rotation ({exc})") from exc
    if {v.key_id for v in dsse.signed_by(envelope, [old, new])} != {old.key_id, new.key_id}:
        raise _Bad(f"entry {index}", "a key rotation not signed by both the old and the new key")
    return _Rotation(index, old, new)


class _Keys:
    """Which key signs which stretch of one log."""

    def __init__(self, trusted: Sequence[Verifier], rotations: list[_Rotation]) -> None:
        self.trusted = list(trusted)
        self.rotations = rotations
        self.chain: list[Verifier] = []
        if not rotations:
            return
        known = {v.key_id for v in trusted}
        # Trust spreads along the chain both ways: each rotation is signed by both keys.
        chain = [rotations[0].old] + [r.new for r in rotations]
        for previous, rotation in pairwise(rotations):
            if rotation.old != previous.new:
                raise _Bad(
                    f"entry {rotation.index}",
                    f"a key rotation from {rotation.old.key_id}, which was not the key then",
                )
        if not known & {v.key_id for v in chain}:
            raise _Bad(
                f"entry {rotations[0].index}",
                "key rotations that never reach a trusted key: signed by someone else",
            )
        self.chain = chain

    def for_index(self, index: int) -> list[Verifier]:
        if not self.rotations:
            return self.trusted
        stretch = sum(1 for r in self.rotations if r.index <= index)
        return [self.chain[stretch]]

    def for_checkpoint(self, size: int) -> list[Verifier]:
        return self.for_index(size - 1) if size else self.all()

    def all(self) -> list[Verifier]:
        return self.chain if self.rotations else self.trusted

    def revoked_at(self, verifier: Verifier) -> int | None:
        for rotation in self.rotations:
            if rotation.old == verifier:
                return rotation.index
        return None


def _check_entry(keys: _Keys, index: int, leaf: bytes) -> None:
    try:
        envelope = dsse.parse(leaf)
    except dsse.BadEnvelope as exc:
        raise _Bad(f"entry {index}", f"not a DSSE envelope ({exc})") from exc
    if not dsse.signed_by(envelope, keys.for_index(index)):
        revoked = [(v, keys.revoked_at(v)) for v in dsse.signed_by(envelope, keys.all())]
        for verifier, at in revoked:
            if at is not None and at < index:
                raise _Bad(
                    f"entry {index}",
                    f"signed by {verifier.key_id}, a key revoked at entry {at}",
                )
        raise _Bad(f"entry {index}", "its signature does not verify by the node's key")
    try:
        canonical = dsse.canonical(json.loads(envelope.payload))
    except (ValueError, dsse.BadEnvelope) as exc:
        raise _Bad(f"entry {index}", "its payload is not JSON") from exc
    if canonical != envelope.payload:
        raise _Bad(f"entry {index}", "its payload is not RFC 8785 canonical JSON")


def verify_log(
    origin: str,
    entries: Entries,
    trusted: Sequence[Verifier],
    held: Sequence[HeldCheckpoint] = (),
    stored_root: Callable[[int], bytes] | None = None,
) -> Report | Problem:
    """Check one log from its stored entries; the first problem found, or a report."""
    try:
        return _verify(origin, entries, trusted, held, stored_root)
    except _Bad as bad:
        return Problem(origin, bad.where, bad.reason, bad.index)


def _verify(
    origin: str,
    entries: Entries,
    trusted: Sequence[Verifier],
    held: Sequence[HeldCheckpoint],
    stored_root: Callable[[int], bytes] | None,
) -> Report:
    rotations = [_rotation(i, e) for i, e in _rotations(entries())]
    keys = _Keys(trusted, rotations)
    opened: list[tuple[HeldCheckpoint, note.Checkpoint]] = []
    for item in held:
        try:
            checkpoint = note.Checkpoint.parse_text(note.parse(item.signed).text)
        except note.BadNote as exc:
            raise _Bad(item.label, f"not a checkpoint ({exc})") from exc
        if checkpoint.origin != origin:
            raise _Bad(item.label, f"a checkpoint of another log ({checkpoint.origin})")
        opened.append((item, checkpoint))
    wanted = {c.size for _, c in opened}
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT} if 0 in wanted else {}
    tree = merkle.CompactRange()
    for index, leaf in entries():
        if index != tree.size:
            what = "missing" if index > tree.size else "stored twice or out of order"
            raise _Bad(f"entry {tree.size}", f"{what} (the next stored entry is {index})")
        _check_entry(keys, index, leaf)
        tree.append(merkle.leaf_hash(leaf))
        if tree.size in wanted:
            roots[tree.size] = tree.root()
    # The entries first, so that the first bad entry is named before any checkpoint.
    for item, checkpoint in sorted(opened, key=lambda pair: pair[1].size):
        try:
            note.open_checkpoint(item.signed, keys.for_checkpoint(checkpoint.size))
        except note.BadNote as exc:
            raise _Bad(item.label, f"not signed by the node's key ({exc})") from exc
        if checkpoint.size > tree.size:
            raise _Bad(
                item.label,
                f"it names {checkpoint.size} entries but the log has {tree.size}: "
                "entries were cut off",
            )
        if roots[checkpoint.size] != checkpoint.root:
            raise _Bad(
                item.label,
                f"the log's first {checkpoint.size} entries do not give its root: "
                "the log was rewritten",
            )
    if stored_root is not None and tree.size:
        try:
            kept = stored_root(tree.size)
        except merkle.ProofError as exc:
            raise _Bad("stored subtrees", str(exc)) from exc
        if kept != tree.root():
            raise _Bad("stored subtrees", "they do not give the root of the entries")
    return Report(origin, tree.size, tree.root(), len(opened))


# --- one entry at a time: what a page shows -------------------------------------------------


@dataclass(frozen=True)
class ShownEntry:
    """An entry to check on its own, with its inclusion proof up to the head's size."""

    index: int
    leaf: bytes
    proof: Sequence[bytes]


def verify_entries(
    origin: str,
    trusted: Sequence[Verifier],
    rotations: Iterable[tuple[int, bytes]],
    head: str | None,
    shown: Sequence[ShownEntry],
) -> dict[int, str | None]:
    """Each shown entry of one log checked without reading the rest: signed by the key of
    its stretch (the log's `rotations` say which), canonical, and in the tree of the latest
    checkpoint `head` (itself signed by a trusted key). Why each fails, or None.

    It costs what the entries shown cost (one signature each, a proof of log2(size)
    hashes), not what the log holds; `verify_log` still walks everything.
    """
    try:
        keys = _Keys(trusted, [_rotation(i, e) for i, e in _rotations(rotations)])
        checkpoint = _open_head(origin, keys, head)
    except _Bad as bad:
        return {entry.index: f"{bad.where}: {bad.reason}" for entry in shown}
    return {entry.index: _shown_problem(keys, checkpoint, entry) for entry in shown}


def _open_head(origin: str, keys: _Keys, head: str | None) -> note.Checkpoint:
    if head is None:
        raise _Bad(f"log {origin}", "it has no signed checkpoint")
    where = "its latest checkpoint"
    try:
        size = note.Checkpoint.parse_text(note.parse(head).text).size
        checkpoint, _ = note.open_checkpoint(head, keys.for_checkpoint(size))
    except note.BadNote as exc:
        raise _Bad(where, f"not signed by the node's key ({exc})") from exc
    if checkpoint.origin != origin:
        raise _Bad(where, f"a checkpoint of another log ({checkpoint.origin})")
    return checkpoint


def _shown_problem(keys: _Keys, head: note.Checkpoint, entry: ShownEntry) -> str | None:
    try:
        _check_entry(keys, entry.index, entry.leaf)
    except _Bad as bad:
        return bad.reason
    if entry.index >= head.size:
        return f"it is not under the latest signed checkpoint (size {head.size})"
    try:
        merkle.verify_inclusion(
            entry.index, head.size, merkle.leaf_hash(entry.leaf), entry.proof, head.root
        )
    except merkle.ProofError:
        return f"it is not in the tree of the latest signed checkpoint (size {head.size})"
    return None
