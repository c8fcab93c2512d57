"""The count beside Inbox in the menu, cheap enough for every page.

Counting runs the inbox's queries (one per kind of item); every page shows the count, so
each user's count is kept for a short while, keyed by the newest event's id. Every change
in relos is an event (docs/events.md), whoever makes it (this user, another user, the API,
the CLI, a peer's sync), so a page load costs one indexed `max(id)` query and the count is
recounted as soon as anything changed: an item done by the user leaves the count at once.
The time limit covers what changes with the clock alone (a notice deadline coming within
14 days, a settlement falling overdue).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relos.events.models import EventRow
from relos.inbox import service as inbox
from relos.kit.db import Database
from relos.kit.principal import Principal

TTL = 60.0  # seconds a count is kept while nothing changes
MAX_USERS = 1000  # counts kept at most; past it the oldest are dropped


@dataclass(frozen=True)
class _Count:
    mark: int  # the newest event's id when counted
    at: float  # clock() when counted
    total: int


class InboxCounts:
    """Per-user inbox counts of one database, recounted when an event is recorded."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[Principal, _Count] = {}
        self._lock = Lock()

    def count(self, db: Database, user: Principal) -> int:
        with db.transaction(write=False) as session:
            mark = newest_event(session)
            with self._lock:
                kept = self._kept.get(user)
            if kept and kept.mark == mark and self._clock() - kept.at < self._ttl:
                return kept.total
            total = len(inbox.inbox(session, user))
        self.remember(user, mark, total)
        return total

    def remember(self, user: Principal, mark: int, total: int) -> None:
        with self._lock:
            self._kept.pop(user, None)
            if len(self._kept) >= MAX_USERS:
                del self._kept[next(iter(self._kept))]  # dicts keep insertion order
            self._kept[user] = _Count(mark, self._clock(), total)


def newest_event(session: Session) -> int:
    return session.scalar(select(func.max(EventRow.id))) or 0
