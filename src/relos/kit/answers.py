"""A sync route's typed result, serialised in the route's own thread.

FastAPI validates and serialises what a sync route returns against its response model in a
second hop to the thread pool: a second wait for a thread (behind every change, see
relos.kit.turns) and a second validation of values the service has just validated. A route
that returns `typed_json(value, Model)` keeps `response_model=Model` for its OpenAPI
document and answers the same JSON (by alias, like FastAPI) in one hop.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from starlette.responses import Response


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def typed_json(
    value: Any, kind: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """`value` (already of type `kind`, e.g. `list[DeploymentOut]`) as a JSON answer."""
    body = _adapter(kind).dump_json(value, by_alias=True)
    return Response(body, status_code, headers, media_type="application/json")
