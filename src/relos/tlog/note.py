"""C2SP signed notes and tlog checkpoints (pure).

A signed note is a text ending in a newline, a blank line, then one line per signature:
`— <key name> <base64(4-byte key hash || signature)>`. A checkpoint is the note text
`<origin>\\n<size>\\n<base64 root hash>\\n`. Both as specified at c2sp.org/signed-note and
c2sp.org/tlog-checkpoint, so any implementation of those can check a relos node.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass

from relos.tlog.keys import Signer, Verifier
from relos.tlog.merkle import HASH_SIZE

DASH = "\u2014 "


class BadNote(ValueError):
    """A note or checkpoint that is malformed or whose signature does not hold."""


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]


def sign(text: str, signers: Iterable[Signer]) -> str:
    """The signed note: text, blank line, one signature line per signer."""
    _check_text(text)
    lines = []
    for signer in signers:
        raw = signer.verifier.hash + signer.sign(text.encode())
        lines.append(f"{DASH}{signer.name} {base64.b64encode(raw).decode()}\n")
    return text + "\n" + "".join(lines)


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text:
        raise BadNote("a note's text ends in a newline and has no blank line")
    if any(c != "\n" and not c.isprintable() for c in text):
        raise BadNote("a note's text has no control characters")


def parse(signed: str) -> Note:
    text, sep, block = signed.rpartition("\n\n")
    if not sep:
        raise BadNote("no blank line before the signatures")
    text += "\n"
    _check_text(text)
    if not block.endswith("\n"):
        raise BadNote("the signature block must end in a newline")
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(DASH):
            raise BadNote(f"not a signature line: {line[:40]!r}")
        name, space, encoded = line[len(DASH) :].rpartition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadNote("a signature is not base64") from exc
        if not space or not name or len(raw) < 5:
            raise BadNote(f"malformed signature line: {line[:40]!r}")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    if not signatures:
        raise BadNote("a note has at least one signature")
    return Note(text, tuple(signatures))


def open_note(signed: str, verifiers: Iterable[Verifier]) -> tuple[Note, Verifier]:
    """Parse and check: a known key signed it and none of the known keys' signatures fail.

    Signatures by keys not among `verifiers` are ignored (as signed-note says); returns the
    note and the first known key whose signature holds.
    """
    note = parse(signed)
    known = {(v.name, v.hash): v for v in verifiers}
    good: Verifier | None = None
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_hash))
        if verifier is None:
            continue
        if not verifier.verify(sig.signature, note.text.encode()):
            raise BadNote(f"the signature by {verifier.key_id} does not verify")
        good = good or verifier
    if good is None:
        names = ", ".join(f"{s.name}+{s.key_hash.hex()}" for s in note.signatures)
        raise BadNote(f"signed by no trusted key (signed by {names})")
    return note, good


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in (*lines, *self.extensions))

    @classmethod
    def parse_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise BadNote("a checkpoint has an origin, a size and a root hash, each a line")
        origin, size, encoded = lines[0], lines[1], lines[2]
        if not origin:
            raise BadNote("a checkpoint's origin is not empty")
        if not size.isascii() or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise BadNote(f"checkpoint size {size!r} is not a decimal number")
        try:
            root = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadNote("a checkpoint's root hash is not base64") from exc
        if len(root) != HASH_SIZE:
            raise BadNote("a checkpoint's root hash has 32 bytes")
        return cls(origin, int(size), root, tuple(lines[3:-1]))


def sign_checkpoint(checkpoint: Checkpoint, signers: Iterable[Signer]) -> str:
    return sign(checkpoint.text(), signers)


def open_checkpoint(signed: str, verifiers: Iterable[Verifier]) -> tuple[Checkpoint, Verifier]:
    note, verifier = open_note(signed, verifiers)
    return Checkpoint.parse_text(note.text), verifier
