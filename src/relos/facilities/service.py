"""Facility use cases: one function per route and command, plus the refresh `db upgrade` runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import SYSTEM, Principal
from relos.access.policy import require, scope
from relos.agreements.repository import list_for_party
from relos.events import record
from relos.facilities import repository
from relos.facilities.domain import Facility, load_facilities, shipped_facilities_dir
from relos.facilities.events import FacilityLoaded, FacilityWithdrawn
from relos.facilities.geojson import facilities_geojson, facility_feature
from relos.facilities.models import FacilityRow
from relos.facilities.schemas import FacilityOut
from relos.facilities.vocabulary import FACILITY_KINDS
from relos.kit.codes import is_country
from relos.kit.db import advisory_lock
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import utcnow


def refresh_reference(session: Session) -> int:
    """Upsert every shipped facility and drop withdrawn ones; returns rows changed. Idempotent."""
    # Two `db upgrade`s at once must not both insert the same rows.
    advisory_lock(session, "reference", "facilities")
    facilities = load_facilities(shipped_facilities_dir())
    rows = repository.all_by_id(session)
    now, changed = utcnow(), 0
    for facility in facilities:
        definition = facility.model_dump(mode="json")
        row = rows.get(facility.id)
        if row is not None and row.definition == definition:
            continue
        loaded = FacilityLoaded(
            facility_id=facility.id,
            name=facility.name,
            kind=facility.kind,
            country=facility.country,
            lon=facility.lon,
            lat=facility.lat,
            definition=definition,
            loaded_at=now,
        )
        record(session, SYSTEM, loaded, now)
        changed += 1
    shipped = {f.id for f in facilities}
    for stale in sorted(set(rows) - shipped):
        record(session, SYSTEM, FacilityWithdrawn(facility_id=stale), now)
        changed += 1
    return changed


def facility_of(row: FacilityRow) -> Facility:
    return Facility.model_validate(row.definition)


def all_facilities(session: Session) -> list[Facility]:
    """For other features (deployments, planner): every facility, no caller check."""
    return [facility_of(row) for row in repository.list_filtered(session)]


def check_filters(country: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """Normalise list filters; a filter that can never match is a caller's mistake (422)."""
    if country is not None:
        country = country.strip().upper()
        if not is_country(country):
            raise InvalidInput(f"country: {country!r} is not an ISO 3166-1 alpha-2 code")
    if kind is not None and kind not in FACILITY_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(FACILITY_KINDS)}")
    return country or None, kind or None


def _visible_agreements(session: Session, caller: Principal) -> set[str]:
    return {row.id for row in list_for_party(session, scope(caller))}


def _as_seen_by(facility: Facility, visible: set[str]) -> Facility:
    """Designations name only agreements the caller's party is a party to."""
    kept = tuple(a for a in facility.designated_by if a in visible)
    if kept == facility.designated_by:
        return facility
    return facility.model_copy(update={"designated_by": kept})


def _selected(
    session: Session, caller: Principal, country: str | None, kind: str | None
) -> list[Facility]:
    country, kind = check_filters(country, kind)
    rows = repository.list_filtered(session, country, kind)
    visible = _visible_agreements(session, caller)
    return [_as_seen_by(facility_of(row), visible) for row in rows]


def list_facilities(
    session: Session, caller: Principal, country: str | None = None, kind: str | None = None
) -> list[FacilityOut]:
    require(caller, "reference.read")
    return [describe(f) for f in _selected(session, caller, country, kind)]


def feature_collection(
    session: Session, caller: Principal, country: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection: GeoJSON is the shape here (free-form geometry)."""
    require(caller, "reference.read")
    return facilities_geojson(_selected(session, caller, country, kind))


def get_facility(session: Session, caller: Principal, facility_id: str) -> FacilityOut:
    require(caller, "reference.read")
    return describe(_as_seen_by(_one(session, facility_id), _visible_agreements(session, caller)))


def get_feature(session: Session, caller: Principal, facility_id: str) -> dict[str, Any]:
    """An RFC 7946 Feature (GeoJSON, as `feature_collection`)."""
    require(caller, "reference.read")
    return facility_feature(
        _as_seen_by(_one(session, facility_id), _visible_agreements(session, caller))
    )


def _one(session: Session, facility_id: str) -> Facility:
    row = repository.get(session, facility_id)
    if row is None:
        raise NotFound(f"no facility {facility_id!r}")
    return facility_of(row)


def describe(facility: Facility) -> FacilityOut:
    """The public shape of a facility (docs/api.md)."""
    return FacilityOut.model_validate(facility.model_dump(mode="json"))
