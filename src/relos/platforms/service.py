"""Platform use cases: one function per route and command, plus the refresh `db upgrade` runs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.domain import SYSTEM, Principal
from relos.access.policy import require
from relos.events import record
from relos.kit.codes import is_country
from relos.kit.db import advisory_lock
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import utcnow
from relos.platforms import repository
from relos.platforms.domain import Platform, load_platforms, shipped_platforms_path
from relos.platforms.events import PlatformLoaded, PlatformWithdrawn
from relos.platforms.models import PlatformRow
from relos.platforms.schemas import PlatformOut

PLATFORM_KINDS = ("warship", "aircraft")


def refresh_reference(session: Session) -> int:
    """Upsert every shipped platform and drop withdrawn ones; returns rows changed. Idempotent."""
    # Two `db upgrade`s at once must not both insert the same rows.
    advisory_lock(session, "reference", "platforms")
    platforms = load_platforms(shipped_platforms_path())
    rows = repository.all_by_id(session)
    now, changed = utcnow(), 0
    for platform in platforms:
        definition = platform.model_dump(mode="json")
        row = rows.get(platform.id)
        if row is not None and row.definition == definition:
            continue
        loaded = PlatformLoaded(
            platform_id=platform.id,
            name=platform.name,
            kind=platform.kind,
            party=platform.party,
            definition=definition,
            loaded_at=now,
        )
        record(session, SYSTEM, loaded, now)
        changed += 1
    shipped = {p.id for p in platforms}
    for stale in sorted(set(rows) - shipped):
        record(session, SYSTEM, PlatformWithdrawn(platform_id=stale), now)
        changed += 1
    return changed


def platform_of(row: PlatformRow) -> Platform:
    return Platform.model_validate(row.definition)


def platform_by_id(session: Session, platform_id: str) -> Platform:
    """For other features (planner): one platform, no caller check; NotFound if unknown."""
    row = repository.get(session, platform_id)
    if row is None:
        raise NotFound(f"no platform {platform_id!r}")
    return platform_of(row)


def list_platforms(
    session: Session, caller: Principal, party: str | None = None, kind: str | None = None
) -> list[PlatformOut]:
    require(caller, "reference.read")
    if party is not None:
        party = party.strip().upper()
        if not is_country(party):
            raise InvalidInput(f"party: {party!r} is not an ISO 3166-1 alpha-2 code")
    if kind is not None and kind not in PLATFORM_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(PLATFORM_KINDS)}")
    rows = repository.list_filtered(session, party or None, kind or None)
    return [describe(platform_of(row)) for row in rows]


def get_platform(session: Session, caller: Principal, platform_id: str) -> PlatformOut:
    require(caller, "reference.read")
    return describe(platform_by_id(session, platform_id))


def describe(platform: Platform) -> PlatformOut:
    """The public shape (docs/api.md): the record plus its headline range_nm and speed_kn."""
    return PlatformOut.model_validate(
        {
            **platform.model_dump(mode="json"),
            "range_nm": platform.range_nm,
            "speed_kn": platform.speed_kn,
        }
    )
