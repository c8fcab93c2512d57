"""HTTP routes for platforms."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from relos.kit.web import Caller, Db
from relos.platforms import service
from relos.platforms.schemas import PlatformOut

router = APIRouter(prefix="/platforms", tags=["platforms"])


@router.get("", response_model=list[PlatformOut])
def list_platforms(
    db: Db,
    caller: Caller,
    party: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    kind: Annotated[Literal["warship", "aircraft"] | None, Query()] = None,
) -> list[PlatformOut]:
    """Ship classes and aircraft types, optionally of one party and kind."""
    with db.transaction(write=False) as session:
        return service.list_platforms(session, caller, party, kind)


@router.get("/{platform_id}", response_model=PlatformOut)
def get_platform(platform_id: str, db: Db, caller: Caller) -> PlatformOut:
    with db.transaction(write=False) as session:
        return service.get_platform(session, caller, platform_id)
