"""Which advisory locks a filing takes: what it competes for, and when.

Two filings can change each other's verdict only where their periods overlap: every rule
that looks at other deployments is about use at one instant (a cap, a facility's capacity,
a hull or serial in two places at once). So a writer locks each scope it competes in (the
deploying party's caps under the agreement, each facility, each unit) once per UTC calendar
month its periods touch, and two filings whose periods share no month never wait for each
other, even for the same party under the same agreement.

A long filing would need a key per month; past MONTHS_AT_MOST months it locks whole years
instead, and a short one also takes its years in shared mode (multi-granularity locking).
Any two filings that overlap at an instant t then hold conflicting locks in one scope:
- both short: both exclusive on the month of t;
- one long: exclusive on the year of t, against the other's exclusive or shared year of t.
Pure: the keys are computed here and taken by relos.kit.db.advisory_locks (PostgreSQL; on
SQLite every write transaction already excludes the others).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from relos.deployments.timeline import Period

MONTHS_AT_MOST = 6
Scope = tuple[str, ...]
_LAST_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class LockPlan:
    exclusive: tuple[Scope, ...]
    shared: tuple[Scope, ...]


def months_touched(period: Period) -> list[tuple[int, int]]:
    """The (year, month) of every UTC calendar month the half-open period has an instant in."""
    first = period.start.astimezone(UTC)
    last = (period.end - _LAST_INSTANT).astimezone(UTC)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def plan(scopes: Iterable[Scope], windows: Sequence[Period]) -> LockPlan:
    """The keys for competing in `scopes` over `windows` (well-formed periods)."""
    months = sorted({m for window in windows for m in months_touched(window)})
    years = sorted({year for year, _ in months})
    scopes = sorted(set(scopes))
    if len(months) > MONTHS_AT_MOST:
        return LockPlan(tuple((*s, _year(y)) for s in scopes for y in years), ())
    exclusive = tuple((*s, _month(y, m)) for s in scopes for y, m in months)
    return LockPlan(exclusive, tuple((*s, _year(y)) for s in scopes for y in years))


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _year(year: int) -> str:
    return f"{year:04d}"
