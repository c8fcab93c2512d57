"""HTTP routes for facilities; `Accept: application/geo+json` asks for GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from relos.facilities import service
from relos.facilities.schemas import FEATURE_COLLECTION_SCHEMA, FacilityOut
from relos.kit.web import Caller, Db

router = APIRouter(prefix="/facilities", tags=["facilities"])
GEOJSON = "application/geo+json"
Accept = Annotated[str | None, Header(include_in_schema=False)]


def wants_geojson(accept: str | None) -> bool:
    media_types = (part.split(";")[0].strip().lower() for part in (accept or "").split(","))
    return GEOJSON in media_types


@router.get(
    "",
    response_model=list[FacilityOut],
    responses={200: {"content": {GEOJSON: {"schema": FEATURE_COLLECTION_SCHEMA}}}},
)
def list_facilities(
    db: Db,
    caller: Caller,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    ] = None,
    kind: Annotated[
        Literal["port", "airfield", "training_range", "airspace"] | None, Query()
    ] = None,
    accept: Accept = None,
) -> Any:
    """Facilities, optionally of one host country and kind; GeoJSON on request."""
    with db.transaction(write=False) as session:
        if wants_geojson(accept):
            collection = service.feature_collection(session, caller, country, kind)
            return JSONResponse(collection, media_type=GEOJSON)
        return service.list_facilities(session, caller, country, kind)


@router.get(
    "/{facility_id}",
    response_model=FacilityOut,
    responses={200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
)
def get_facility(facility_id: str, db: Db, caller: Caller, accept: Accept = None) -> Any:
    """One facility by UN/LOCODE, ICAO code or relos id; a GeoJSON Feature on request."""
    with db.transaction(write=False) as session:
        if wants_geojson(accept):
            feature = service.get_feature(session, caller, facility_id)
            return JSONResponse(feature, media_type=GEOJSON)
        return service.get_facility(session, caller, facility_id)
