"""Pages of a list: the API never drops rows silently, it says where the next page is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request, Response

from relos.kit.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 5000


@dataclass(frozen=True)
class Page:
    """`limit` None means every row (the CLI and pages of our own); the API always bounds it."""

    limit: int | None = None
    offset: int = 0

    def probe(self) -> Page:
        """The same page with one row more, to learn whether another page follows."""
        return Page(None if self.limit is None else self.limit + 1, self.offset)


async def page_query(  # async: no thread pool hop for a pure check (see kit.web)
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")] = 500,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip.")] = 0,
) -> Page:
    # A repeated value would otherwise be read as its last one, silently.
    for name in ("limit", "offset"):
        if len(request.query_params.getlist(name)) > 1:
            raise InvalidInput(f"query parameter {name!r} given more than once")
    return Page(limit, offset)


ApiPage = Annotated[Page, Depends(page_query)]


def next_link(request: Request, page: Page) -> str:
    """The `Link` header (RFC 8288) naming the page after a bounded `page`."""
    limit = page.limit or MAX_LIMIT
    following = request.url.include_query_params(limit=limit, offset=page.offset + limit)
    return f'<{following}>; rel="next"'


def trim(items: list[T], page: Page, request: Request, response: Response) -> list[T]:
    """Cut a probed list to the page; when rows remain, link the next page."""
    if page.limit is None or len(items) <= page.limit:
        return items
    response.headers["Link"] = next_link(request, page)
    return items[: page.limit]
