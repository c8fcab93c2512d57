"""Node-to-node request signatures: a minimal profile of RFC 9421 with Ed25519 (pure).

Covered components: `@method`, `@path`, `@query` (and `content-digest` when a body is
sent), with the parameters `created`, `keyid` (the signed-note key id `<name>+<hex8>`) and
`alg="ed25519"`. Only this profile is produced and accepted; that keeps the verifier a
few lines long, and a standard RFC 9421 library can check what we send. The `created`
time must be within `SKEW` of the verifier's clock: requests between nodes are reads, so a
replay inside the window only repeats a read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from relos.tlog.keys import Signer, Verifier

SKEW = 300
LABEL = "relos"
_INPUT = re.compile(r'^relos=\(([^)]*)\);created=(\d{1,12});keyid="([^"\s]{1,300})";alg="ed25519"$')
_SIGNATURE = re.compile(r"^relos=:([A-Za-z0-9+/=]{1,200}):$")


class BadSignature(ValueError):
    """A request whose signature is missing, malformed, stale or does not hold."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str  # without the '?'
    body: bytes = b""


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _components(request: Request) -> list[tuple[str, str]]:
    found = [
        ("@method", request.method.upper()),
        ("@path", request.path),
        ("@query", "?" + request.query),
    ]
    if request.body:
        found.append(("content-digest", content_digest(request.body)))
    return found


def _params(names: Iterable[str], created: int, keyid: str) -> str:
    inner = " ".join(f'"{n}"' for n in names)
    return f'({inner});created={created};keyid="{keyid}";alg="ed25519"'


def signature_base(request: Request, created: int, keyid: str) -> bytes:
    components = _components(request)
    lines = [f'"{name}": {value}' for name, value in components]
    params = _params((name for name, _ in components), created, keyid)
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


def sign(request: Request, signer: Signer, now: int) -> dict[str, str]:
    """The headers that sign `request` as of `now` (Unix seconds)."""
    keyid = signer.verifier.key_id
    names = [name for name, _ in _components(request)]
    signature = signer.sign(signature_base(request, now, keyid))
    headers = {
        "Signature-Input": f"{LABEL}={_params(names, now, keyid)}",
        "Signature": f"{LABEL}=:{base64.b64encode(signature).decode()}:",
    }
    if request.body:
        headers["Content-Digest"] = content_digest(request.body)
    return headers


def verify(
    request: Request, headers: Mapping[str, str], keys: Iterable[Verifier], now: int
) -> Verifier:
    """The pinned key that signed the request, or BadSignature."""
    found_input = _INPUT.match(headers.get("signature-input", "").strip())
    found_sig = _SIGNATURE.match(headers.get("signature", "").strip())
    if found_input is None or found_sig is None:
        raise BadSignature("a node request needs Signature-Input and Signature (RFC 9421)")
    names, created, keyid = found_input.group(1), int(found_input.group(2)), found_input.group(3)
    expected = " ".join(f'"{name}"' for name, _ in _components(request))
    if names != expected:
        raise BadSignature(f"the signature must cover {expected}")
    if abs(now - created) > SKEW:
        raise BadSignature("the signature's created time is too far from this node's clock")
    if request.body and headers.get("content-digest") != content_digest(request.body):
        raise BadSignature("Content-Digest does not match the body")
    key = next((k for k in keys if k.key_id == keyid), None)
    if key is None:
        raise BadSignature("the request is signed by a key this node has not pinned")
    try:
        signature = base64.b64decode(found_sig.group(1), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("the signature is not base64") from exc
    if not key.verify(signature, signature_base(request, created, keyid)):
        raise BadSignature("the signature does not hold")
    return key
