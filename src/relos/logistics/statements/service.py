"""Report use cases: overdue amounts, statements of account, the reconciliation export.

Overdue and statements add up postings in SQL, scoped in the query to the caller's
party, and hand the sums to the pure reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.kit.errors import Forbidden, InvalidInput
from relos.kit.money import Money
from relos.kit.pagination import Page
from relos.kit.timeutil import utcnow
from relos.logistics.ledger import repository
from relos.logistics.ledger.service import scope as _scope
from relos.logistics.reconcile import Export, export
from relos.logistics.results import OverdueOut
from relos.logistics.statements import paging
from relos.logistics.statements.reports import (
    Statement,
    StatementPage,
    past_due,
    statement_of_rows,
    statement_page_of_rows,
)


def overdue(
    session: Session, caller: Principal, as_of: date, page: Page = Page()
) -> list[OverdueOut]:
    """Every order with an amount past its settlement deadline as of `as_of`, oldest first
    (the page asked for; by default all of them).

    Read from the maintained overdue spans (the same rule applied when the postings were
    written), so any day costs about the same as today; `overdue_from_postings` is the
    same list added up from the postings themselves.
    """
    rows = repository.overdue_at(session, _scope(caller), as_of, page)
    return _overdue_outs(rows, as_of)


def overdue_from_postings(session: Session, caller: Principal, as_of: date) -> list[OverdueOut]:
    """The overdue list added up from every posting booked by `as_of` (slow; for checks)."""
    party = _scope(caller)
    last = repository.last_booked(session)
    open_only = last is None or as_of >= last  # nothing booked later: only open orders matter
    heads: dict[tuple[str, str], tuple[str, str, str]] = {}
    charges: dict[tuple[str, str], dict[date, int]] = {}
    paid: dict[tuple[str, str], int] = {}
    for agreement, order, creditor, debtor, currency, due_on, amount in repository.dues(
        session, party, as_of, open_only
    ):
        key = (order, currency)
        heads[key] = (agreement, creditor, debtor)
        if due_on is None:
            paid[key] = -int(amount)
        else:
            charges.setdefault(key, {})[due_on] = int(amount)
    items = []
    for key, (agreement, creditor, debtor) in heads.items():
        found = past_due(charges.get(key, {}), paid.get(key, 0), as_of)
        if found is not None:
            items.append((found[1], key[0], agreement, creditor, debtor, key[1], found[0]))
    return _overdue_outs(sorted(items), as_of)


def _overdue_outs(
    items: Iterable[tuple[date, str, str, str, str, str, int]], as_of: date
) -> list[OverdueOut]:
    """The items (due_on, order, agreement, creditor, debtor, currency, amount in minor
    units), already sorted by due date, order and currency, as the list's result."""
    # A busy day lists over ten thousand orders: plain dicts validated once as a list in
    # Rust, and each due date's text and days overdue worked out once (a few hundred).
    shown: dict[date, tuple[str, int]] = {}
    outs = []
    for due_on, order, agreement, creditor, debtor, currency, minor in items:
        day = shown.get(due_on)
        if day is None:
            day = shown[due_on] = (due_on.isoformat(), (as_of - due_on).days)
        outs.append(
            {
                "agreement": agreement,
                "order": order,
                "creditor": creditor,
                "debtor": debtor,
                "currency": currency,
                "amount": Money.text_of_minor(minor, currency),
                "due_on": day[0],
                "days_overdue": day[1],
            }
        )
    return _OVERDUE_OUTS.validate_python(outs)


_OVERDUE_OUTS: TypeAdapter[list[OverdueOut]] = TypeAdapter(list[OverdueOut])


def statement(
    session: Session, caller: Principal, party: str | None, start: date, end: date
) -> Statement:
    """Statement of account of one party for [start, end), every line."""
    party = _stating_party(caller, party, start, end)
    repository.one_snapshot(session)
    opening = _as_seen_by(party, repository.opening(session, party, start))
    period = _period_rows(session, party, start, end, Page())
    return statement_of_rows(party, start, end, opening, period)


def statement_page(
    session: Session, caller: Principal, party: str | None, start: date, end: date, page: Page
) -> StatementPage:
    """The lines of the statement `page` asks for, each page complete on its own.

    The database sorts and cuts the lines and adds up every position: the opening and
    closing from the day totals before `start` and `end` (one read), the position
    brought forward to the page's first line from the day totals before its day and that
    day's earlier lines. The day totals' counts say on which day the page's first line
    falls, so the lines are read from that day on, past only its earlier lines: a page
    deep into a long period costs about what the first one does (`_period_rows`). The app
    builds only the page's lines.
    """
    party = _stating_party(caller, party, start, end)
    repository.one_snapshot(session)
    rows = _period_rows(session, party, start, end, page.probe())
    sums = repository.opening_and_closing(session, party, start, end)
    opening = _as_seen_by(party, [row[:4] for row in sums if row[3] is not None])
    closing = _as_seen_by(party, [(*row[:3], row[4]) for row in sums])
    if page.offset == 0:
        brought_forward = opening
    elif rows:
        first_day, first_ref = rows[0][0], rows[0][1]
        found = repository.positions_before(session, party, first_day, first_ref)
        brought_forward = _as_seen_by(party, found)
    else:  # past the last line: every line of the period came before
        brought_forward = closing
    return statement_page_of_rows(
        party,
        start,
        end,
        rows,
        offset=page.offset,
        limit=page.limit,
        opening=opening,
        closing=closing,
        brought_forward=brought_forward,
    )


def _period_rows(session: Session, party: str, start: date, end: date, page: Page) -> list[Any]:
    """The party's lines of [start, end) that `page` asks for, as `statement_period` cuts
    them from the whole period, read from the days that hold them only.

    The party's lines per day (from the day totals) give the days the page spans and how
    many of its lines the first of them holds before the page (paging.page_window); a
    party in few of those days' postings is read through its own indexes
    (paging.reads_by_party) rather than by walking them all.
    """
    days = repository.day_lines(session, party, start, end)
    window = paging.page_window(days, end, page.offset, page.limit)
    if window is None:  # past the last line
        return []
    return repository.statement_period(
        session,
        party,
        window.first,
        window.until,
        Page(page.limit, window.skip),
        by_party=paging.reads_by_party(window),
    )


def _stating_party(caller: Principal, party: str | None, start: date, end: date) -> str:
    """Whose statement: the one asked for, which a party's user may ask only of its own."""
    scope = _scope(caller)
    party = party or scope
    if not party:
        raise InvalidInput("say whose statement (party=IN)")
    if scope and party != scope:
        raise Forbidden(f"{caller.name} may read only {scope}'s statement")
    if end <= start:
        raise InvalidInput("the statement period ends before it starts")
    return party


def _as_seen_by(party: str, sums: Iterable[Any]) -> dict[tuple[str, str], int]:
    """(creditor, debtor, currency, sum) rows as the party's positions per (counterparty,
    currency) in minor units, positive when owed to the party."""
    positions: dict[tuple[str, str], int] = {}
    for creditor, debtor, currency, amount in sums:
        ours = creditor == party
        key = (debtor if ours else creditor, currency)
        positions[key] = positions.get(key, 0) + (int(amount) if ours else -int(amount))
    return positions


def export_for(session: Session, caller: Principal, party: str) -> Export:
    """The party's ledger export for bilateral reconciliation."""
    scope = _scope(caller)
    if scope and party != scope:
        raise Forbidden(f"{caller.name} may export only {scope}'s ledger")
    return export(repository.postings(session, party), party, utcnow())
