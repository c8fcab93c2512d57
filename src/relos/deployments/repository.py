"""Queries on deployments. Only here does SQL meet the deployments feature.

Finding the elements that overlap a window [ws, we) is an interval query; a plain index on
start would scan every element that started before `we`, i.e. the whole history. Each
element row therefore carries a span class c = ceil(log2(hours)), and an element of class
c that overlaps the window must start in (ws - 2^c h, we). One index range scan per class
on (key, span_class, start) finds them all: the cost is O(classes * log n + k) for k hits,
independent of how much history lies outside the window.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Row,
    Select,
    bindparam,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.selectable import TextualSelect

from relos.deployments.domain import COUNTING_STATUSES, ElementKind, Occupancy
from relos.deployments.models import DeploymentRow, ElementRow, HistoryRow
from relos.deployments.timeline import Period
from relos.kit.db import connection_of
from relos.kit.errors import InvalidInput
from relos.kit.listing import ListFilter, like_pattern, matches, order_by
from relos.kit.pagination import Page
from relos.kit.types import UTCDateTime

MAX_SPAN_CLASS = 20  # 2^20 hours is 119 years; longer elements share the last class
E = ElementRow
D = DeploymentRow


def span_class(start: datetime, end: datetime) -> int:
    hours = (end - start).total_seconds() / 3600
    return 0 if hours <= 1 else min(math.ceil(math.log2(hours)), MAX_SPAN_CLASS)


_OCCUPANCY_COLUMNS = (
    E.deployment_id,
    E.position,
    E.agreement_id,
    E.deploying_party,
    E.kind,
    E.facility_id,
    E.start,
    E.counted_end,
    E.unit_key,
    E.personnel,
)


def _overlap_query(key: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """Counting elements matching `key` whose counted period overlaps [:ws, :we)."""
    ws, we = bindparam("ws", type_=UTCDateTime()), bindparam("we", type_=UTCDateTime())
    parts = []
    for cls in range(MAX_SPAN_CLASS + 1):
        where = [*key, E.span_class == cls, E.start < we, E.counted_end > ws]
        if cls < MAX_SPAN_CLASS:
            where.append(E.start > bindparam(f"lb{cls}", type_=UTCDateTime()))
        parts.append(select(*_OCCUPANCY_COLUMNS).where(*where))
    return union_all(*parts)  # type: ignore[return-value]


# Built once: SQLAlchemy then reuses the compiled SQL, and only the parameters change.
_PARTY_USE = _overlap_query(
    [E.agreement_id == bindparam("agreement"), E.deploying_party == bindparam("party")]
)
_FACILITY_USE = _overlap_query([E.facility_id.in_(bindparam("facilities", expanding=True))])


_UNIT_USE = select(*_OCCUPANCY_COLUMNS).where(
    E.unit_key.in_(bindparam("units", expanding=True)),
    E.start < bindparam("we", type_=UTCDateTime()),
    E.counted_end > bindparam("ws", type_=UTCDateTime()),
)


# PostgreSQL: the same range scans in one short statement with a handful of parameters.
# The span classes are a series, and for each one a LATERAL subquery scans its range of the
# index; the class's lower bound is computed by the database (a timestamptz reaches back
# to 4713 BC, so a window near year 1 needs no care), the last class has none. OFFSET 0
# keeps the planner from flattening the subquery into one join over the whole history
# (which it may prefer on a small table): each class stays one bounded index range scan.
# Arrays (`= ANY`) instead of expanding IN lists keep the statement text fixed, so both
# psycopg's and the server's prepared statements are reused. (The text is assembled from
# constants only, never from input: every value is a bound parameter.)
_PG_COLUMNS = (
    "e.deployment_id, e.position, e.agreement_id, e.deploying_party, e.kind, e.facility_id,"
    " e.start, e.counted_end, e.unit_key, e.personnel"
)
_PG_CLASS_RANGE = (
    "e.span_class = c.span_class AND e.start < :we AND e.counted_end > :ws"
    f" AND e.start > CASE WHEN c.span_class < {MAX_SPAN_CLASS}"
    " THEN CAST(:ws AS timestamptz) - make_interval(hours => 1 << c.span_class)"
    " ELSE '-infinity'::timestamptz END"
)
_PG_BY_PARTY = (
    f"SELECT {_PG_COLUMNS} FROM deployment_elements e"  # noqa: S608
    " WHERE e.agreement_id = :agreement AND e.deploying_party = :party"
    f" AND {_PG_CLASS_RANGE}"
)
_PG_BY_FACILITY = (
    f"SELECT {_PG_COLUMNS} FROM deployment_elements e"  # noqa: S608
    f" WHERE e.facility_id = ANY(:facilities) AND {_PG_CLASS_RANGE}"
)
_PG_BY_UNIT = (
    f"SELECT {_PG_COLUMNS} FROM deployment_elements e"  # noqa: S608
    " WHERE e.unit_key = ANY(:units) AND e.start < :we AND e.counted_end > :ws"
)


def _pg_per_class(scans: str) -> str:
    return (
        f"SELECT {_PG_COLUMNS} FROM generate_series(0, {MAX_SPAN_CLASS}) AS c(span_class)"  # noqa: S608
        f" CROSS JOIN LATERAL (SELECT * FROM ({scans}) AS found OFFSET 0) AS e"
    )


def _pg_statement(sql: str) -> TextualSelect:
    timed = [bindparam("ws", type_=UTCDateTime()), bindparam("we", type_=UTCDateTime())]
    return text(sql).bindparams(*timed).columns(*_OCCUPANCY_COLUMNS)


_PG_PARTY_USE = _pg_statement(_pg_per_class(_PG_BY_PARTY))
_PG_COMPETING_USE = _pg_statement(
    _pg_per_class(f"{_PG_BY_PARTY} UNION ALL {_PG_BY_FACILITY}") + f" UNION ALL {_PG_BY_UNIT}"
)


EARLIEST = datetime.min.replace(tzinfo=UTC)


def _hours_before(instant: datetime, hours: int) -> datetime:
    """The lower bound of a class's scan; a window near year 1 scans from the beginning."""
    try:
        return instant - timedelta(hours=hours)
    except OverflowError:
        return EARLIEST


def _window(window: Period) -> dict[str, Any]:
    bounds = {f"lb{c}": _hours_before(window.start, 2**c) for c in range(MAX_SPAN_CLASS)}
    return {"ws": window.start, "we": window.end, **bounds}


def _occupancy(row: Any) -> Occupancy:
    unit = row.unit_key.split(":", 2)[2] if row.unit_key else None
    return Occupancy(
        deployment=row.deployment_id,
        element=row.position,
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        kind=ElementKind(row.kind),
        facility=row.facility_id,
        period=Period(row.start, row.counted_end),
        unit=unit,
        personnel=row.personnel,
    )


def party_use(session: Session, agreement: str, party: str, window: Period) -> list[Occupancy]:
    """What the deploying party holds under the agreement during the window."""
    connection = connection_of(session)
    if connection.dialect.name == "postgresql":
        params = {"agreement": agreement, "party": party, "ws": window.start, "we": window.end}
        rows = connection.execute(_PG_PARTY_USE, params).all()
    else:
        params = {"agreement": agreement, "party": party, **_window(window)}
        rows = connection.execute(_PARTY_USE, params).all()
    return [_occupancy(row) for row in rows]


def competing_use(
    session: Session,
    agreement: str,
    party: str,
    facilities: Sequence[str],
    unit_keys: Sequence[str],
    window: Period,
) -> list[Occupancy]:
    """Everything a filing competes with during the window: what the deploying party holds
    under the agreement, what anyone holds at the facilities, and the bookings of the hulls
    and serials. An element found by more than one of these comes back more than once."""
    connection = connection_of(session)
    if connection.dialect.name != "postgresql":
        return [
            *party_use(session, agreement, party, window),
            *unit_use(session, unit_keys, window),
            *facility_use(session, facilities, window),
        ]
    if any("\x00" in value for value in (*facilities, *unit_keys)):
        # The statement guard (kit.db) looks at each parameter, not inside arrays: the same
        # clear refusal it gives a NUL in a separate parameter (the SQLite path).
        raise InvalidInput("a NUL character is not allowed")
    params = {
        "agreement": agreement,
        "party": party,
        "facilities": sorted(set(facilities)),
        "units": sorted(set(unit_keys)),
        "ws": window.start,
        "we": window.end,
    }
    return [_occupancy(row) for row in connection.execute(_PG_COMPETING_USE, params).all()]


def facility_use(session: Session, facilities: Sequence[str], window: Period) -> list[Occupancy]:
    """What anyone holds at these facilities during the window, under any agreement."""
    if not facilities:
        return []
    params = {"facilities": sorted(set(facilities)), **_window(window)}
    return [_occupancy(row) for row in connection_of(session).execute(_FACILITY_USE, params).all()]


def unit_use(session: Session, unit_keys: Sequence[str], window: Period) -> list[Occupancy]:
    """Bookings of these hulls and serials that overlap the window."""
    if not unit_keys:
        return []
    params = {"units": sorted(set(unit_keys)), "ws": window.start, "we": window.end}
    return [_occupancy(row) for row in connection_of(session).execute(_UNIT_USE, params).all()]


def get(session: Session, deployment_id: str, for_update: bool = False) -> DeploymentRow | None:
    query = (
        select(DeploymentRow)
        .where(DeploymentRow.id == deployment_id)
        .options(selectinload(DeploymentRow.elements))
    )
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


# A list shows deployments as they stand (no history): their columns and their elements'
# placements and details, read as plain rows (no ORM objects to build, track and expire)
# in one statement: the page (a subquery with its LIMIT) joined to its elements in order.
_LISTED = (
    D.id,
    D.reference,
    D.agreement_id,
    D.deploying_party,
    D.host_party,
    D.purpose,
    D.title,
    D.commander,
    D.request_exception,
    D.justification,
    D.status,
    D.by_exception,
    D.starts,
    D.ends,
    D.actual_end,
    D.filed_at,
    D.filed_by,
    D.updated_at,
    D.version,
)
_ELEMENT_LISTED = (E.kind, E.facility_id, E.start, E.end, E.details)


def listing(
    session: Session,
    visible_party: str | None,
    agreement: str | None = None,
    party: str | None = None,
    status: str | None = None,
    active_at: datetime | None = None,
    page: Page = Page(),
    filters: ListFilter = ListFilter(),
) -> list[tuple[Row[Any], list[Row[Any]]]]:
    """Deployments by filter, each with its elements in order; a party's users see only
    what their party deploys or hosts. Each row is the deployment's columns and one of its
    elements' (kind, facility_id, start, end, details)."""
    values: dict[str, Any] = {
        "visible": visible_party or None,
        "agreement": agreement or None,
        "party": party or None,
        "status": status or None,
        "active_at": active_at,
        "q": like_pattern(filters.q) if filters.q else None,
        "facility": filters.facility or None,
        "since": filters.start,
        "until": filters.end,
        "limit": page.limit,
    }
    given = frozenset(name for name, value in values.items() if value is not None)
    statement = _listing_statement(filters.sort, given)
    params = {name: values[name] for name in given} | {"offset": page.offset}
    found: list[tuple[Row[Any], list[Row[Any]]]] = []
    for row in connection_of(session).execute(statement, params).all():
        if not found or found[-1][0].id != row.id:
            found.append((row, []))
        if row.kind is not None:  # None: a deployment without elements (outer join)
            found[-1][1].append(row)
    return found


@functools.lru_cache(maxsize=512)
def _listing_statement(sort: str | None, given: frozenset[str]) -> Select[Any]:
    """The list's statement for one sort and one set of filters given, built once: the
    values are parameters, so later requests skip building it, computing its cache key and
    adapting its compiled form's result columns (most of a list's CPU once it has rows)."""
    query = select(*_LISTED).order_by(*order_by(sort, SORTABLE, "start"), D.id)
    query = query.where(*_conditions(given))
    if "limit" in given:
        query = query.limit(bindparam("limit"))
    found = query.offset(bindparam("offset")).subquery("page")
    in_page = {name: found.c[column.key] for name, column in SORTABLE.items()}
    return (
        select(found, *_ELEMENT_LISTED)
        .outerjoin(E, E.deployment_id == found.c.id)
        .order_by(*order_by(sort, in_page, "start"), found.c.id, E.position)
    )


def _conditions(given: frozenset[str]) -> list[ColumnElement[bool]]:
    """Filters (each value a bound parameter named as in `listing`): the party that may
    see, agreement, party, status, active at an instant, search (reference, title,
    facility, hull or serial), facility and period overlap."""

    def instant(name: str) -> Any:
        return bindparam(name, type_=UTCDateTime())

    ends = func.coalesce(D.actual_end, D.ends)
    where: list[ColumnElement[bool]] = []
    if "visible" in given:
        visible: BindParameter[str] = bindparam("visible")
        where.append(or_(D.deploying_party == visible, D.host_party == visible))
    where += [getattr(D, column) == bindparam(name) for name, column in _EQUAL if name in given]
    if "active_at" in given:
        counting = [s.value for s in COUNTING_STATUSES]
        at = instant("active_at")
        where += [D.starts <= at, ends > at, D.status.in_(counting)]
    if "q" in given:
        pattern: BindParameter[str] = bindparam("q")
        elements = matches(pattern, [E.facility_id, E.unit_key])
        matching = select(E.id).where(E.deployment_id == D.id, elements).exists()
        where.append(or_(matches(pattern, [D.reference, D.title]), matching))
    if "facility" in given:
        at_facility = E.facility_id == bindparam("facility")
        where.append(select(E.id).where(E.deployment_id == D.id, at_facility).exists())
    if "since" in given:
        where.append(ends > instant("since"))
    if "until" in given:
        where.append(D.starts < instant("until"))
    return where


_EQUAL = (("agreement", "agreement_id"), ("party", "deploying_party"), ("status", "status"))

SORTABLE = {
    "reference": D.reference,
    "title": D.title,
    "agreement": D.agreement_id,
    "party": D.deploying_party,
    "host": D.host_party,
    "status": D.status,
    "start": D.starts,
    "end": D.ends,
    "filed_at": D.filed_at,
}


def history(session: Session, deployment_id: str) -> list[HistoryRow]:
    query = (
        select(HistoryRow).where(HistoryRow.deployment_id == deployment_id).order_by(HistoryRow.id)
    )
    return list(session.scalars(query))
