"""C2SP tlog-cosignature v1 with Ed25519 (pure): a cosigner's timestamped signature line.

A cosignature is one more signed-note signature line on a checkpoint,
`— <cosigner name> base64(key ID || timestamp || signature)`, where

- the key ID is the first 4 bytes of SHA-256(name || "\\n" || 0x04 || Ed25519 public key)
  (signature type 0x04, "timestamped Ed25519 checkpoint cosignature", of c2sp.org/signed-note);
- the timestamp is the signing time in POSIX seconds, 8 bytes big-endian, below 2^63;
- the signature is Ed25519 over `cosignature/v1\\ntime <timestamp>\\n` followed by the whole
  checkpoint note text (with any extension lines, without its signature lines).

So any implementation of c2sp.org/tlog-cosignature (Go's transparency-dev/formats
`note.NewVerifierForCosignatureV1`, sigsum, ...) checks a relos co-signature with the
cosigner's verifier key in the 0x04 form (`cosigner_vkey`). A relos node cosigns with its
node key: the same Ed25519 key under another signature type, hence another key ID, as
signed-note requires when a key serves two types.
"""

from __future__ import annotations

import base64
import hashlib

from relos.tlog import note
from relos.tlog.keys import BadKey, Signer, Verifier

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1"
MAX_TIMESTAMP = 2**63 - 1


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public).digest()[:4]


def cosigner_vkey(verifier: Verifier) -> str:
    """The cosigner's verifier key: `<name>+<hex key ID>+<base64(0x04 || public key)>`."""
    encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + verifier.public).decode()
    return f"{verifier.name}+{key_id(verifier.name, verifier.public).hex()}+{encoded}"


def parse_cosigner_vkey(text: str) -> Verifier:
    """A verifier from the 0x04 vkey form; the key ID in the text must match the key."""
    name, sep1, rest = text.strip().partition("+")
    hex8, sep2, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise BadKey("cosigner key: not base64") from exc
    if not (sep1 and sep2) or len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise BadKey(f"cosigner key {text!r}: expected <name>+<hex8>+<base64(0x04 || key)>")
    verifier = Verifier(name, raw[1:])
    if key_id(name, verifier.public).hex() != hex8.lower():
        raise BadKey("cosigner key: the key ID does not match the key")
    return verifier


def message(text: str, timestamp: int) -> bytes:
    """What is signed: the header line, the time line, then the checkpoint's note text."""
    return f"{HEADER}\ntime {timestamp}\n{text}".encode()


def cosign(signed_checkpoint: str, signer: Signer, timestamp: int) -> str:
    """The signed checkpoint with the signer's cosignature line added."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise note.BadNote(f"a cosignature's timestamp is 0 to 2^63-1, not {timestamp}")
    body = note.parse(signed_checkpoint)
    note.Checkpoint.parse_text(body.text)  # only checkpoints are cosigned
    signature = signer.sign(message(body.text, timestamp))
    raw = key_id(signer.name, signer.verifier.public) + timestamp.to_bytes(8, "big") + signature
    return f"{signed_checkpoint}{note.DASH}{signer.name} {base64.b64encode(raw).decode()}\n"


def timestamp_of(signature: note.Signature) -> int:
    """The timestamp of a cosignature line (72 bytes after the key ID)."""
    if len(signature.signature) != 8 + 64:
        raise note.BadNote("a cosignature/v1 signature is 8 + 64 bytes after its key ID")
    stamp = int.from_bytes(signature.signature[:8], "big")
    if stamp > MAX_TIMESTAMP:
        raise note.BadNote("a cosignature's timestamp exceeds 2^63-1")
    return stamp


def has_line_by(signed: str, cosigner: Verifier) -> bool:
    """Whether the note carries a cosignature/v1 line naming `cosigner`'s key (not checked)."""
    try:
        body = note.parse(signed)
    except note.BadNote:
        return False
    wanted = key_id(cosigner.name, cosigner.public)
    return any(line.name == cosigner.name and line.key_hash == wanted for line in body.signatures)


def open_cosigned(signed: str, cosigner: Verifier) -> tuple[note.Checkpoint, int]:
    """The checkpoint and the cosignature's time, when `cosigner` cosigned it; else BadNote.

    Other signature lines (the log's own, other cosigners') are ignored here, as signed-note
    says of unknown keys; the caller checks the log's signature separately.
    """
    body = note.parse(signed)
    wanted = key_id(cosigner.name, cosigner.public)
    for line in body.signatures:
        if line.name != cosigner.name or line.key_hash != wanted:
            continue
        stamp = timestamp_of(line)
        if not cosigner.verify(line.signature[8:], message(body.text, stamp)):
            raise note.BadNote(f"the cosignature by {cosigner.name} does not verify")
        return note.Checkpoint.parse_text(body.text), stamp
    raise note.BadNote(f"no cosignature/v1 by {cosigner.name}+{wanted.hex()}")
