from __future__ import annotations

import time
from pathlib import Path

import pytest

from relos.web.session import SESSION_HOURS, WebSession, decode, encode, secret_key

KEY = b"k" * 32


def test_round_trip_keeps_user_and_token() -> None:
    session = WebSession.anonymous().logged_in(42)
    assert decode(KEY, encode(KEY, session)) == session


def test_login_rotates_the_csrf_token() -> None:
    anonymous = WebSession.anonymous()
    assert anonymous.logged_in(1).csrf != anonymous.csrf


@pytest.mark.parametrize(
    "cookie",
    [None, "", "nodot", "a.b.c", "eyJ1IjoxfQ.forged", "!!!.???"],
)
def test_missing_or_malformed_cookies_are_refused(cookie: str | None) -> None:
    assert decode(KEY, cookie) is None


def test_tampered_payload_is_refused() -> None:
    cookie = encode(KEY, WebSession.anonymous().logged_in(1))
    payload, signature = cookie.split(".")
    other = encode(KEY, WebSession.anonymous().logged_in(2)).split(".")[0]
    assert decode(KEY, f"{other}.{signature}") is None
    assert decode(b"x" * 32, cookie) is None
    assert decode(KEY, f"{payload}.{signature}") is not None


def test_sessions_expire() -> None:
    cookie = encode(KEY, WebSession.anonymous().logged_in(1))
    later = time.time() + SESSION_HOURS * 3600 + 1
    assert decode(KEY, cookie, now=later) is None


def test_secret_key_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELOS_SESSION_SECRET", raising=False)
    first = secret_key(tmp_path)
    assert len(first) == 64 and secret_key(tmp_path) == first
    assert (tmp_path / "session-secret").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("RELOS_SESSION_SECRET", "configured")
    assert secret_key(tmp_path) == b"configured"
