"""Search, sort and date-range filters shared by every list (deployments, orders, ledger,
audit): parsed once at the boundary into a `ListFilter`, applied by each repository.

`q` is a case-insensitive substring over the columns each list names; `sort` is one
whitelisted field, `-field` for descending; `from` / `to` bound a half-open range
[from, to) of the list's own time (a deployment's period overlaps it; an order's creation,
a posting's booking day and an audit entry's instant fall in it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, func, or_

from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant

MAX_Q = 100


@dataclass(frozen=True)
class ListFilter:
    q: str | None = None
    sort: str | None = None
    facility: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.q is not None and len(self.q) > MAX_Q:
            raise InvalidInput(f"q: at most {MAX_Q} characters")
        if self.start and self.end and self.end <= self.start:
            raise InvalidInput("to must be after from")


def parse_filter(
    q: str | None = None,
    sort: str | None = None,
    facility: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> ListFilter:
    """A ListFilter from text (query parameters, form fields, CLI options)."""
    return ListFilter(
        q=(q or "").strip() or None,
        sort=(sort or "").strip() or None,
        facility=(facility or "").strip() or None,
        start=parse_instant(start, "from") if start else None,
        end=parse_instant(end, "to") if end else None,
    )


async def filter_query(  # async: no thread pool hop for a pure parse (see kit.web)
    q: Annotated[
        str | None,
        Query(max_length=MAX_Q, description="Case-insensitive search (reference, title, ...)."),
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=40, description="A field, or -field for descending.")
    ] = None,
    facility: Annotated[str | None, Query(max_length=40, description="Facility id.")] = None,
    start: Annotated[
        str | None, Query(alias="from", description="RFC 3339 time or date; range start.")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", description="RFC 3339 time or date; range end (excl.).")
    ] = None,
) -> ListFilter:
    return parse_filter(q, sort, facility, start, end)


ApiFilter = Annotated[ListFilter, Depends(filter_query)]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(q: str) -> str:
    """The LIKE pattern of `contains`, for a statement that takes it as a parameter."""
    return f"%{_escape(q.lower())}%"


def contains(q: str, columns: Sequence[Any]) -> ColumnElement[bool]:
    """Any of the columns contains q, ignoring case (portable: lower() on both sides)."""
    return matches(like_pattern(q), columns)


def matches(pattern: Any, columns: Sequence[Any]) -> ColumnElement[bool]:
    """Any of the columns matches a `like_pattern` (a string or a bound parameter)."""
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def order_by(sort: str | None, fields: Mapping[str, Any], default: str) -> list[Any]:
    """ORDER BY clauses for a whitelisted sort field; an unknown field is a clear error."""
    key = sort or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in fields:
        raise InvalidInput(f"sort: one of {', '.join(sorted(fields))} (prefix - to reverse)")
    column = fields[name]
    return [column.desc() if descending else column.asc()]
