"""How far and how fast a platform goes on its fuel: ships burn a + bV³ per hour, aircraft fly
great-circle legs within ferry range.

The planner sees a platform as a Craft: a speed, a tank and a burn rate at that speed. Range
and time follow from those, so a faster passage shortens the days and the legs alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from relos.kit.errors import InvalidInput

HOTEL_SHARE = 0.25  # illustrative: share of burn at the published point that is hotel load

SHIP_GRADES = ("F-76",)
AIRCRAFT_GRADES = ("F-34", "F-35", "F-44", "F-40", "F-24")


@dataclass(frozen=True)
class BurnCurve:
    """Fuel burn per hour a + b·V³ in tonnes per hour, from published range points."""

    a: float
    b: float
    fit: str  # how the curve was obtained: "two published points" or the assumption made

    def per_hour(self, speed_kn: float) -> float:
        return self.a + self.b * speed_kn**3

    def range_nm(self, fuel_t: float, speed_kn: float) -> float:
        return fuel_t * speed_kn / self.per_hour(speed_kn)


def fit_burn(points: list[tuple[float, float]], fuel_t: float) -> BurnCurve:
    """Fit a + b·V³ through (range_nm, speed_kn) points: R/V hours empty a full tank."""
    if not points:
        raise InvalidInput("a ship needs at least one published (range, speed) point")
    burns = [(fuel_t * v / r, v) for r, v in points[:2]]
    if len(burns) == 2 and burns[0][1] != burns[1][1]:
        (p1, v1), (p2, v2) = burns
        b = (p2 - p1) / (v2**3 - v1**3)
        a = p1 - b * v1**3
        if a >= 0 and b > 0:
            return BurnCurve(a, b, "two published points")
    burn, v = burns[0]
    return BurnCurve(
        HOTEL_SHARE * burn,
        (1 - HOTEL_SHARE) * burn / v**3,
        f"one published point; hotel load {HOTEL_SHARE:.0%} of burn assumed (illustrative)",
    )


@dataclass(frozen=True)
class Craft:
    """A platform as the planner needs it: kind, party, speed, tank and burn at that speed."""

    id: str
    kind: str  # "warship" or "aircraft"
    party: str
    speed_kn: float
    fuel_t: float
    burn_t_per_h: float
    grades: tuple[str, ...]
    source: str = ""
    fit: str = ""  # how the burn rate was obtained
    # what passage law looks at (None where the platform file gives no figure)
    displacement_t: float | None = None
    draught_m: float | None = None
    beam_m: float | None = None
    ice_class: str | None = None

    def range_nm(self, reserve: float) -> float:
        """Distance on a full tank keeping `reserve` (a fraction) in hand at arrival."""
        return self.fuel_t * (1 - reserve) * self.speed_kn / self.burn_t_per_h

    def fuel_for(self, distance_nm: float) -> float:
        return distance_nm / self.speed_kn * self.burn_t_per_h

    def hours_for(self, distance_nm: float) -> float:
        return distance_nm / self.speed_kn


def ship(
    id: str,
    party: str,
    points: list[tuple[float, float]],
    fuel_t: float,
    speed_kn: float,
    source: str = "",
) -> Craft:
    curve = fit_burn(points, fuel_t)
    burn = curve.per_hour(speed_kn)
    fit = f"a + bV^3 through {curve.fit}"
    return Craft(id, "warship", party, speed_kn, fuel_t, burn, SHIP_GRADES, source, fit)


def aircraft(
    id: str, party: str, ferry_range_nm: float, cruise_kn: float, fuel_t: float, source: str = ""
) -> Craft:
    """Ferry range empties the tank at cruise: burn = fuel / (range / speed)."""
    burn = fuel_t * cruise_kn / ferry_range_nm
    fit = "constant burn: a full tank over the ferry range at cruise speed"
    return Craft(id, "aircraft", party, cruise_kn, fuel_t, burn, AIRCRAFT_GRADES, source, fit)
