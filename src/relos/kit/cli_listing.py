"""The list options every CLI list command shares (`--q`, `--sort`, `--facility`, `--from`,
`--to`, `--limit`, `--offset`), parsed into the same `ListFilter` the web lists and the API
take, so a list reads the same rows wherever it is asked for.
"""

from __future__ import annotations

from typing import Annotated

import typer

from relos.kit.listing import MAX_Q, ListFilter, parse_filter
from relos.kit.pagination import Page

Q = Annotated[
    str | None,
    typer.Option("--q", help=f"Case-insensitive search (at most {MAX_Q} characters)."),
]
Sort = Annotated[str | None, typer.Option("--sort", help="A field, or -field for descending.")]
Facility = Annotated[str | None, typer.Option("--facility", help="Facility id.")]
From = Annotated[
    str | None, typer.Option("--from", help="RFC 3339 time or YYYY-MM-DD; range start.")
]
To = Annotated[
    str | None, typer.Option("--to", help="RFC 3339 time or YYYY-MM-DD; range end (excluded).")
]
MAX_LIMIT = 5000
"""The most rows one list command prints (`--limit` may not ask for more)."""
Limit = Annotated[
    int | None,
    typer.Option("--limit", min=1, max=MAX_LIMIT, help="At most this many rows (default: all)."),
]
Offset = Annotated[int, typer.Option("--offset", min=0, help="Skip this many rows first.")]


def list_filter(
    q: str | None, sort: str | None, facility: str | None, start: str | None, end: str | None
) -> ListFilter:
    """The filter from the options; a bad value is an InvalidInput (one line, exit 2)."""
    return parse_filter(q, sort, facility, start, end)


def page(limit: int | None, offset: int) -> Page:
    return Page(limit, offset)
