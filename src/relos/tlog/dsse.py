"""DSSE envelopes over RFC 8785 canonical JSON (pure).

The node signs PAE(payloadType, payload) (github.com/secure-systems-lab/dsse, protocol
v1.0) where payload is an event's canonical bytes; the envelope itself is then written as
canonical JSON so the same envelope always has the same bytes, which become a log leaf.
The stored bytes are what is verified: nothing is ever re-serialised to check a signature.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rfc8785

from relos.tlog.keys import Signer, Verifier

MEDIA_PREFIX = "application/vnd.relos."
MEDIA_SUFFIX = "+json"


class BadEnvelope(ValueError):
    """An envelope that is malformed or whose signatures do not hold."""


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise BadEnvelope(f"not canonicalisable JSON: {exc}") from exc


def payload_type(event_type: str) -> str:
    """`application/vnd.relos.<event type>+json`, e.g. for `deployment.file`."""
    if not event_type or not all(c.isalnum() or c in "._-" for c in event_type):
        raise BadEnvelope(f"event type {event_type!r}: letters, digits, '.', '_', '-' only")
    return f"{MEDIA_PREFIX}{event_type}{MEDIA_SUFFIX}"


def event_type_of(media_type: str) -> str | None:
    if media_type.startswith(MEDIA_PREFIX) and media_type.endswith(MEDIA_SUFFIX):
        return media_type[len(MEDIA_PREFIX) : -len(MEDIA_SUFFIX)]
    return None


def pae(kind: str, body: bytes) -> bytes:
    """DSSE pre-authentication encoding."""
    t = kind.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


@dataclass(frozen=True)
class Envelope:
    payload: bytes
    payload_type: str
    signatures: tuple[tuple[str, bytes], ...]
    """(keyid, signature) pairs."""


def _string(value: str) -> str:
    # RFC 8785 writes strings as ECMAScript's JSON.stringify does, which for strings is
    # what json.dumps gives without ASCII escaping (short escapes, \u00xx in lower case).
    return json.dumps(value, ensure_ascii=False)


def seal(payload: bytes, kind: str, signers: Iterable[Signer]) -> bytes:
    """The canonical JSON bytes of a DSSE envelope signed by every signer.

    The envelope's shape is fixed (three members in key order, string values), so its
    RFC 8785 form is written directly: this is the hot path of every append, and a test
    checks it against the general canonicaliser.
    """
    message = pae(kind, payload)
    signatures = ",".join(
        f'{{"keyid":{_string(s.verifier.key_id)},'
        f'"sig":"{base64.b64encode(s.sign(message)).decode()}"}}'
        for s in signers
    )
    encoded = base64.b64encode(payload).decode()
    text = f'{{"payload":"{encoded}","payloadType":{_string(kind)},"signatures":[{signatures}]}}'
    return text.encode()


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise BadEnvelope(f"{what} is not a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadEnvelope(f"{what} is not base64") from exc


def parse(data: bytes) -> Envelope:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadEnvelope("not JSON") from exc
    if not isinstance(value, dict) or not isinstance(value.get("payloadType"), str):
        raise BadEnvelope("not a DSSE envelope (payload, payloadType, signatures)")
    sigs = value.get("signatures")
    if not isinstance(sigs, list) or not sigs:
        raise BadEnvelope("an envelope has at least one signature")
    pairs = []
    for sig in sigs:
        if not isinstance(sig, dict) or not isinstance(sig.get("keyid", ""), str):
            raise BadEnvelope("malformed signature")
        pairs.append((sig.get("keyid", ""), _b64(sig.get("sig"), "a signature")))
    return Envelope(_b64(value.get("payload"), "the payload"), value["payloadType"], tuple(pairs))


def signed_by(envelope: Envelope, verifiers: Iterable[Verifier]) -> list[Verifier]:
    """The given keys whose signature over the envelope holds.

    A signature is matched to a key by its keyid (`<name>+<hex8>`), then checked; one by a
    key not given is ignored, a failing one counts for nothing.
    """
    by_id = {v.key_id: v for v in verifiers}
    message = pae(envelope.payload_type, envelope.payload)
    found: list[Verifier] = []
    for keyid, sig in envelope.signatures:
        verifier = by_id.get(keyid)
        if verifier is not None and verifier not in found and verifier.verify(sig, message):
            found.append(verifier)
    return found
