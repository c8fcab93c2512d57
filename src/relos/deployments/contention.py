"""Which advisory locks a filing takes: what it competes for, and when.

Two filings can change each other's verdict only where their periods overlap: every rule
that looks at other deployments is about use at one instant (a cap, a facility's capacity,
a hull or serial in two places at once). So a writer locks each scope it competes in (the
deploying party's caps under the agreement, each facility, each unit) once per UTC calendar
month its periods touch, and two filings whose periods share no month never wait for each
other, even for the same party under the same agreement.

Keys come at three granularities (multi-granularity locking): a month, a year, and all time.
A filing locks its months exclusively and its years and all time shared; one whose periods
touch more than MONTHS_AT_MOST months locks its years exclusively and all time shared; one
over more than YEARS_AT_MOST years, or one whose scopes would need more than KEYS_AT_MOST
keys, locks all time exclusively (one key per scope: what every filing took before). Any two
filings that overlap at an instant t then hold conflicting locks in each scope they share:
exclusive on the month, the year or all time of t, against the other's lock on the same.
Pure: the keys are computed here and taken by relos.kit.db.advisory_locks (PostgreSQL; on
SQLite every write transaction already excludes the others).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from relos.deployments.timeline import Period

MONTHS_AT_MOST = 6
YEARS_AT_MOST = 10
# PostgreSQL's shared lock table holds max_locks_per_transaction (64 by default) times
# max_connections entries for all sessions together: a filing of hundreds of elements over
# months would take thousands. Past this many, it takes one key per scope.
KEYS_AT_MOST = 256
ALL_TIME = "all"
Scope = tuple[str, ...]
_LAST_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class LockPlan:
    exclusive: tuple[Scope, ...]
    shared: tuple[Scope, ...]


def plan(scopes: Iterable[Scope], windows: Sequence[Period]) -> LockPlan:
    """The keys for competing in `scopes` over `windows` (well-formed periods)."""
    spans = [_month_span(window) for window in windows]
    if not spans:
        return LockPlan((), ())
    scopes = sorted(set(scopes))
    # Counted before listed: a hostile filing may span thousands of years.
    months = _covered(spans, MONTHS_AT_MOST)
    years = _covered([(first // 12, last // 12) for first, last in spans], YEARS_AT_MOST)
    all_time = tuple((*s, ALL_TIME) for s in scopes)
    if years is None or len(scopes) * (len(years) + 1) > KEYS_AT_MOST:
        return LockPlan(all_time, ())
    by_year = tuple((*s, f"{y:04d}") for s in scopes for y in years)
    if months is None or len(scopes) * (len(months) + len(years) + 1) > KEYS_AT_MOST:
        return LockPlan(by_year, all_time)
    by_month = tuple((*s, f"{m // 12:04d}-{m % 12 + 1:02d}") for s in scopes for m in months)
    return LockPlan(by_month, by_year + all_time)


def _month_span(period: Period) -> tuple[int, int]:
    """The first and last UTC month the period has an instant in, as year * 12 + month - 1."""
    first = period.start.astimezone(UTC)
    last = (period.end - _LAST_INSTANT).astimezone(UTC)
    return first.year * 12 + first.month - 1, last.year * 12 + last.month - 1


def _covered(spans: Sequence[tuple[int, int]], limit: int) -> list[int] | None:
    """The integers the inclusive spans cover, in order; None when there are over `limit`."""
    covered: list[int] = []
    for first, last in sorted(spans):
        if covered:
            first = max(first, covered[-1] + 1)
        if last - first + 1 + len(covered) > limit:
            return None
        covered.extend(range(first, last + 1))
    return covered
