"""What every list page shares: filters from the query string, sort links, paging and
CSV/XLSX export of the filtered list (the same ListFilter the API takes).

A filter the service refuses (an unknown sort field, a date that is not one) is shown as
a message above an empty list, with the form still filled in, instead of an error page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from relos.kit.errors import InvalidInput
from relos.kit.listing import ListFilter, parse_filter
from relos.kit.pagination import Page
from relos.logistics.statements.xlsx import MEDIA_TYPE as XLSX
from relos.logistics.statements.xlsx import Cell, workbook
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines

PAGE = 50
EXPORT_LIMIT = 10_000
FIELDS = ("q", "sort", "facility", "from", "to", "agreement", "party", "status")


@dataclass
class ListView:
    path: str
    params: dict[str, str]
    filters: ListFilter = field(default_factory=ListFilter)
    offset: int = 0
    error: str | None = None  # what the page says, in its reader's language
    more: bool = False
    locale: str = "en"
    refusal: InvalidInput | None = None  # the service's own refusal, for an export

    def refuse(self, exc: InvalidInput) -> None:
        """Keep a refused filter, said as the page's reader reads it (the field and the
        English detail only on English pages)."""
        self.refusal = exc
        self.error = " ".join(problem_lines(exc, self.locale, translations(self.locale).gettext))

    def get(self, name: str) -> str:
        return self.params.get(name, "")

    def opt(self, name: str) -> str | None:
        return self.params.get(name) or None

    @property
    def page(self) -> Page:
        return Page(PAGE + 1, self.offset)  # one row more: is there a next page?

    def link(self, **changes: Any) -> str:
        params = {**self.params, **{k: str(v) for k, v in changes.items()}}
        query = urlencode({k: v for k, v in params.items() if v not in ("", "0")})
        return f"{self.path}?{query}" if query else self.path

    def sort_link(self, name: str) -> str:
        """Sort by the column; a second click on the sorted column reverses it."""
        return self.link(sort=f"-{name}" if self.get("sort") == name else name, offset=0)

    def sorted_by(self, name: str) -> str | None:
        """aria-sort for the column header."""
        current = self.get("sort")
        if current == name:
            return "ascending"
        return "descending" if current == f"-{name}" else None

    def export_link(self, kind: str) -> str:
        return self.link(export=kind, offset=0)

    def previous_link(self) -> str | None:
        return self.link(offset=max(0, self.offset - PAGE)) if self.offset else None

    def next_link(self) -> str | None:
        return self.link(offset=self.offset + PAGE) if self.more else None


def list_view(request: Request) -> ListView:
    params = {name: request.query_params.get(name, "").strip() for name in FIELDS}
    view = ListView(request.url.path, {k: v for k, v in params.items() if v})
    view.locale = locale_of(request)
    try:
        view.offset = _offset(request.query_params.get("offset"))
        view.params["offset"] = str(view.offset)
        view.filters = parse_filter(
            params["q"], params["sort"], params["facility"], params["from"], params["to"]
        )
    except InvalidInput as exc:
        view.refuse(exc)
    return view


def _offset(text: str | None) -> int:
    try:
        return max(0, int(text or 0))
    except ValueError:
        raise InvalidInput("offset: a number") from None


def load(view: ListView, fetch: Callable[[Page], list[Any]]) -> list[Any]:
    """One page of rows; a refused filter leaves the list empty and says why."""
    if view.error:
        return []
    try:
        rows = fetch(view.page)
    except InvalidInput as exc:
        view.refuse(exc)
        return []
    view.more = len(rows) > PAGE
    return rows[:PAGE]


def export_kind(request: Request) -> str | None:
    kind = request.query_params.get("export")
    return kind if kind in ("csv", "xlsx") else None


def export(
    view: ListView,
    kind: str,
    name: str,
    fetch: Callable[[Page], list[Any]],
    header: Sequence[str],
    row: Callable[[Any], list[Cell]],
) -> Response:
    """The whole filtered list (up to EXPORT_LIMIT rows) as CSV or XLSX."""
    if view.refusal is not None:
        raise view.refusal
    rows: list[list[Cell]] = [list(header)]
    rows += [row(item) for item in fetch(Page(EXPORT_LIMIT, 0))]
    if kind == "xlsx":
        body = workbook(name[:31], rows)
        media = XLSX
    else:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            ["" if c is None else str(c) for c in r] for r in rows
        )
        body, media = out.getvalue().encode(), "text/csv; charset=utf-8"
    disposition = f'attachment; filename="{name}.{kind}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
