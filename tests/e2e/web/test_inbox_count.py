"""The count beside Inbox in the menu: counted once, then kept while nothing changes, and
recounted as soon as anything does (the count falls when the user does an item)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import event
from tests.e2e.web.conftest import Login, csrf_of

from relos.inbox import service
from relos.web import inbox_count


def _count(html: str) -> int:
    found = re.search(r'data-testid="inbox-count"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else 0


def _consent_item(html: str) -> str:
    item = r'<tr data-kind="consent_requested">.*?href="(/deployments/[^"]+)"'
    found = re.search(item, html, re.S)
    assert found, "the liaison has a consent waiting"
    return found.group(1)


def test_count_is_kept_until_something_changes(
    login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []
    real = service.inbox

    def counting(session: Any, caller: Any, now: Any = None) -> list[dict[str, Any]]:
        counted.append(caller.name)
        return real(session, caller, now)

    monkeypatch.setattr(service, "inbox", counting)
    liaison = login("ru-host-liaison")
    before = _count(liaison.get("/").text)
    assert before >= 1 and len(counted) == 1
    statements: list[str] = []
    engine = liaison.app.state.db.engine  # type: ignore[attr-defined]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for path in ("/deployments", "/agreements", "/"):
            assert _count(liaison.get(path).text) == before
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(counted) == 1, "pages after the first reuse the count"
    assert sum("max(events.id)" in s for s in statements) == 3, "one query per page"

    inbox = liaison.get("/inbox").text
    deployment = _consent_item(inbox)
    page = liaison.get(deployment).text
    decided = liaison.post(
        f"{deployment}/consent", data={"decision": "approve", "note": "", "csrf": csrf_of(page)}
    )
    assert decided.status_code == 200
    assert _count(liaison.get("/").text) == before - 1, "the count falls when the item is done"
    assert 'data-kind="consent_requested"' not in liaison.get("/inbox").text or before > 1


def test_count_is_recounted_after_its_time(login: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    """What changes with the clock alone (a deadline coming near) shows within the TTL."""
    now = [0.0]
    liaison = login("ru-host-liaison")
    app = liaison.app
    app.state.inbox_counts = inbox_count.InboxCounts(ttl=60, clock=lambda: now[0])  # type: ignore[attr-defined]
    counted: list[int] = []
    real = service.inbox
    monkeypatch.setattr(service, "inbox", lambda *a, **k: counted.append(1) or real(*a, **k))
    liaison.get("/")
    now[0] = 59
    liaison.get("/")
    assert len(counted) == 1
    now[0] = 61
    liaison.get("/")
    assert len(counted) == 2
