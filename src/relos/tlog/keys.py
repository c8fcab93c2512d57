"""Ed25519 node keys in the C2SP signed-note forms (pure: no files, no database).

- Key hash: the first 4 bytes of SHA-256(name || "\\n" || 0x01 || public key).
- Verifier key (`vkey`): `<name>+<hex key hash>+<base64(0x01 || public key)>`.
- Private key (the form Go's golang.org/x/mod/sumdb/note reads):
  `PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 || 32-byte seed)>`.

0x01 is the signed-note algorithm byte for Ed25519; other algorithms (ECDSA P-256 for
HSMs) would get their own byte and class without changing the formats.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
PRIVATE_PREFIX = "PRIVATE+KEY+"


class BadKey(ValueError):
    """A key text that is not a well-formed signed-note key."""


def _check_name(name: str) -> None:
    # signed-note: a name is non-empty, has no spaces or '+', and no control characters.
    if not name or any(c in name for c in " +\n\t") or not name.isprintable():
        raise BadKey(f"key name {name!r}: no spaces, '+' or control characters")


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4]


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadKey("not base64") from exc


@dataclass(frozen=True)
class Verifier:
    """A public key with its signed-note name."""

    name: str
    public: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public) != 32:
            raise BadKey("an Ed25519 public key has 32 bytes")

    @property
    def hash(self) -> bytes:
        return key_hash(self.name, self.public)

    @property
    def key_id(self) -> str:
        """`<name>+<hex8>`: names the key in DSSE signatures and messages."""
        return f"{self.name}+{self.hash.hex()}"

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([ED25519]) + self.public).decode()
        return f"{self.key_id}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """From the `vkey` form; the key hash in the text must match the key."""
        name, sep1, rest = text.strip().partition("+")
        hex8, sep2, encoded = rest.partition("+")
        if not (sep1 and sep2) or len(hex8) != 8:
            raise BadKey(f"verifier key {text!r}: expected <name>+<hex8>+<base64>")
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ED25519:
            raise BadKey("verifier key: only Ed25519 (algorithm 0x01) keys are known")
        verifier = cls(name, raw[1:])
        if verifier.hash.hex() != hex8.lower():
            raise BadKey("verifier key: the key hash does not match the key")
        return verifier

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """A private Ed25519 key with its name; signs bytes."""

    def __init__(self, name: str, seed: bytes) -> None:
        _check_name(name)
        if len(seed) != 32:
            raise BadKey("an Ed25519 private key has a 32-byte seed")
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._seed = seed
        public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = Verifier(name, public)

    @classmethod
    def generate(cls, name: str) -> Signer:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(name, seed)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def private_text(self) -> str:
        encoded = base64.b64encode(bytes([ED25519]) + self._seed).decode()
        return f"{PRIVATE_PREFIX}{self.verifier.key_id}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Signer:
        body = text.strip()
        if not body.startswith(PRIVATE_PREFIX):
            raise BadKey("a private key starts with PRIVATE+KEY+")
        name, sep1, rest = body[len(PRIVATE_PREFIX) :].partition("+")
        hex8, sep2, encoded = rest.partition("+")
        if not (sep1 and sep2):
            raise BadKey("private key: expected PRIVATE+KEY+<name>+<hex8>+<base64>")
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ED25519:
            raise BadKey("private key: only Ed25519 (algorithm 0x01) keys are known")
        signer = cls(name, raw[1:])
        if signer.verifier.hash.hex() != hex8.lower():
            raise BadKey("private key: the key hash does not match the key")
        return signer
