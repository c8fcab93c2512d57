"""ETag / If-Match for amendments: a stale copy cannot overwrite a newer one."""

from __future__ import annotations

from typing import Any

from relos.kit.digest import digest
from relos.kit.errors import PreconditionFailed, PreconditionRequired


def etag_of(value: Any) -> str:
    return f'"{digest(value)[:32]}"'


def check_if_match(if_match: str | None, current: Any) -> None:
    """Raise 428 when If-Match is missing, 412 when it names another version."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you last read")
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag_of(current) not in tags:
        raise PreconditionFailed("the record changed since you read it; fetch it again")
