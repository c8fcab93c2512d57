"""The agreement and facility views the engine needs, built from the other features' data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from relos.agreements.service import AgreementInForce, agreement_in_force
from relos.deployments.domain import AgreementView, FacilityView
from relos.facilities import repository as facilities_repository
from relos.facilities.domain import Facility
from relos.facilities.models import FacilityRow
from relos.facilities.service import facility_of
from relos.kit.db import connection_of


def agreement_view(item: AgreementInForce) -> AgreementView:
    """An agreement as the engine sees it; an agreement without access grants nothing."""
    agreement, access = item.agreement, item.agreement.access
    return AgreementView(
        id=agreement.id,
        parties=agreement.parties,
        caps=dict(access.caps) if access else None,
        crew_counts_as_personnel=access.crew_counts_as_personnel if access else False,
        purposes=frozenset(access.purposes) if access else frozenset(),
        facility_kinds=frozenset(access.facility_kinds) if access else frozenset(),
        notice_days=dict(access.notice_days) if access else {},
        notice_exempt_purposes=frozenset(access.notice_exempt_purposes) if access else frozenset(),
        in_force_from=item.term.start,
        in_force_until=item.term.end,
        exceptions_by_consent=access.exceptions_by_consent if access else False,
    )


def load_agreement(session: Session, agreement_id: str) -> tuple[AgreementInForce, AgreementView]:
    item = agreement_in_force(session, agreement_id)
    return item, agreement_view(item)


def facility_view(facility: Facility) -> FacilityView:
    capacity = facility.capacity
    return FacilityView(
        id=facility.id,
        country=facility.country,
        kind=facility.kind,
        max_draught_m=capacity.max_draught_m,
        berths=capacity.berths,
        aircraft_stands=capacity.aircraft_stands,
        accommodation=capacity.accommodation,
    )


# Parsed views by (id, loaded_at): a refreshed facility gets a new loaded_at and a new view.
_VIEWS: dict[tuple[str, datetime], FacilityView] = {}
_LOADED = select(FacilityRow.id, FacilityRow.loaded_at).where(
    FacilityRow.id.in_(bindparam("ids", expanding=True))
)


def facility_views(session: Session, ids: Iterable[str]) -> list[FacilityView]:
    """Views of the facilities that exist among `ids` (unknown ones are the engine's to name)."""
    wanted = sorted(set(ids))
    views = []
    for facility_id, loaded_at in connection_of(session).execute(_LOADED, {"ids": wanted}):
        key = (facility_id, loaded_at)
        if key not in _VIEWS:
            row = facilities_repository.get(session, facility_id)
            assert row is not None
            _VIEWS[key] = facility_view(facility_of(row))
        views.append(_VIEWS[key])
    return views
