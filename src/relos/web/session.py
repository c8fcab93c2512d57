"""Signed session cookies: the browser holds the session, the server holds only the key.

A cookie is `base64url(json).base64url(HMAC-SHA256)`. It carries the user id, a CSRF
token and when it was issued; it is refused once it is older than SESSION_HOURS or its
signature does not match. Nothing secret is inside, only nothing forgeable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

COOKIE = "relos_session"
SESSION_HOURS = 12


@dataclass(frozen=True)
class WebSession:
    """What the signed cookie says: who (if anyone) and the CSRF token of this browser."""

    csrf: str
    user_id: int | None = None
    issued: float = field(default_factory=time.time)

    @classmethod
    def anonymous(cls) -> WebSession:
        return cls(csrf=secrets.token_urlsafe(24))

    def logged_in(self, user_id: int) -> WebSession:
        # A fresh CSRF token at login, so a token seen before login is worth nothing after.
        return replace(self, user_id=user_id, csrf=secrets.token_urlsafe(24), issued=time.time())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def encode(key: bytes, session: WebSession) -> str:
    body = {"c": session.csrf, "u": session.user_id, "i": session.issued}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_sign(key, payload)}"


def decode(key: bytes, cookie: str | None, now: float | None = None) -> WebSession | None:
    """The session in a cookie, or None when it is missing, forged, malformed or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, signature = cookie.split(".")
    if not hmac.compare_digest(signature, _sign(key, payload)):
        return None
    try:
        body: dict[str, Any] = json.loads(_unb64(payload))
        session = WebSession(csrf=str(body["c"]), user_id=body["u"], issued=float(body["i"]))
    except (ValueError, KeyError, TypeError):
        return None
    if (now or time.time()) - session.issued > SESSION_HOURS * 3600:
        return None
    return session


def secret_key(data_dir: Path) -> bytes:
    """RELOS_SESSION_SECRET, else a random key kept in the data folder (made on first use)."""
    configured = os.environ.get("RELOS_SESSION_SECRET")
    if configured:
        return configured.encode()
    path = data_dir / "session-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first; use theirs
            return path.read_text().strip().encode()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
