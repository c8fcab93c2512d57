"""Who may use which facility: own bases, facilities an agreement opens, third-country sites
by case-by-case clearance, and the notice each visit needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from relos.planning.messages import said
from relos.planning.waypoints import Endpoint


@dataclass(frozen=True)
class Site:
    """A facility as the planner sees it."""

    id: str
    name: str
    kind: str  # "port" or "airfield" (ranges and airspace are not stops)
    country: str
    lon: float
    lat: float
    operators: tuple[str, ...] = ()
    fuel_grades: tuple[str, ...] = ()
    designated_by: tuple[str, ...] = ()
    third_country: bool = False
    clearance_lead_days: int | None = None
    seasons: tuple[tuple[str, str], ...] = ()

    @cached_property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.id, self.name, self.lon, self.lat, "facility")


@dataclass(frozen=True)
class Pact:
    """An agreement as the planner sees it: parties and notice days by element kind."""

    id: str
    name: str
    parties: tuple[str, str]
    notice_days: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Access:
    label: str  # "own", "agreement <id>", "clearance", "none"
    notice_days: int
    reason: str | None


def access(
    site: Site,
    party: str,
    kind: str,
    pacts: Iterable[Pact],
    clearance_days: int,
    allow_clearance: bool = False,
) -> Access:
    """How `party` may use `site`: as its own, under an agreement, or only by clearance."""
    if site.country == party or party in site.operators:
        return Access("own", 0, None)
    for pact in pacts:
        if pact.id in site.designated_by and party in pact.parties:
            days = pact.notice_days.get(kind, 0)
            why = said(
                "notice.visit",
                f"{pact.name}: {kind} visit notice",
                agreement=pact.id,
                agreement_name=pact.name,
                kind=kind,
            )
            return Access(f"agreement {pact.id}", days, why)
    lead = site.clearance_lead_days
    if site.third_country and lead is not None:
        label = "clearance" if allow_clearance else "none"
        why = said(
            "notice.case_by_case",
            f"case-by-case clearance by {site.country}",
            country=site.country,
        )
        return Access(label, lead, why)
    why = said(
        "notice.diplomatic",
        f"diplomatic clearance by {site.country} (no agreement)",
        country=site.country,
    )
    return Access("none", clearance_days, why)


def may_refuel(a: Access) -> bool:
    return a.label == "own" or a.label.startswith("agreement ") or a.label == "clearance"
