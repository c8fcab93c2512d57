"""Login rate limiting: failed attempts counted in a sliding window, per name and per client.

Three keys are counted, so that neither a single client guessing many names nor many clients
guessing one name get far:
- the pair (user name, client address): a few tries, then wait;
- the client address alone: more, to let a shared gateway keep working;
- the user name alone: many, bounding a distributed guess without letting one client lock
  an officer out.
A successful login clears the pair's count. The state is kept in memory, per database and per
process: a server run with several worker processes multiplies the limits by their number.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    window: timedelta = timedelta(minutes=15)
    per_pair: int = 5
    per_client: int = 20
    per_name: int = 50


@dataclass
class LoginLimiter:
    """Counts failures; `blocked` says whether one more attempt may be tried now."""

    limits: Limits = field(default_factory=Limits)
    max_keys: int = 100_000
    _failures: dict[tuple[str, ...], deque[datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _keys(self, name: str, client: str) -> list[tuple[tuple[str, ...], int]]:
        name = name.casefold()
        return [
            (("pair", name, client), self.limits.per_pair),
            (("client", client), self.limits.per_client),
            (("name", name), self.limits.per_name),
        ]

    def _recent(self, key: tuple[str, ...], now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.limits.window:
            times.popleft()
        return times

    def blocked(self, name: str, client: str, now: datetime) -> bool:
        with self._lock:
            return any(len(self._recent(k, now)) >= limit for k, limit in self._keys(name, client))

    def failed(self, name: str, client: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= self.max_keys:
                self._prune(now)
            for key, _ in self._keys(name, client):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            self._failures.pop(("pair", name.casefold(), client), None)

    def _prune(self, now: datetime) -> None:
        # Memory stays bounded under a flood of made-up names: forget what has expired.
        for key in [k for k in self._failures if not self._recent(k, now)]:
            del self._failures[key]


_limiters: dict[str, LoginLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(database_key: str, make: Callable[[], LoginLimiter] = LoginLimiter) -> LoginLimiter:
    """The limiter of one database (one per process), so test databases do not share counts."""
    with _registry_lock:
        limiter = _limiters.get(database_key)
        if limiter is None:
            limiter = _limiters[database_key] = make()
        return limiter
