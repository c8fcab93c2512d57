"""Cap gauges and the utilisation timeline as plain SVG geometry (pure; no I/O).

The server draws the charts, so they need no script, print well, and carry their numbers
as text for screen readers; the templates only place the shapes computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from relos.kit.timeutil import parse_instant

CATEGORIES = ("warships", "aircraft", "personnel")
TIMELINE_WIDTH = 640
LANE_HEIGHT = 56  # the template draws the base line at top + 56
LANE_GAP = 32
AXIS_HEIGHT = 44


@dataclass(frozen=True)
class Gauge:
    category: str
    used: int
    limit: int | None
    at: str

    @property
    def ratio(self) -> float:
        """Share of the cap in use, clipped to [0, 1] for drawing."""
        if not self.limit:
            return 0.0 if self.used == 0 else 1.0
        return min(1.0, max(0.0, self.used / self.limit))

    @property
    def level(self) -> str:
        """ok under 75 %, warn up to the cap, over beyond it."""
        if self.limit is not None and self.used > self.limit:
            return "over"
        return "warn" if self.ratio >= 0.75 else "ok"


def gauges(headroom: dict[str, dict[str, object]]) -> list[Gauge]:
    """One gauge per cap category from the service's headroom answer."""
    result = []
    for category in CATEGORIES:
        room = headroom.get(category)
        if room is None:
            continue
        limit = room.get("limit")
        result.append(
            Gauge(
                category,
                int(str(room.get("peak", 0))),
                None if limit is None else int(str(limit)),
                str(room.get("at", "")),
            )
        )
    return result


@dataclass(frozen=True)
class Lane:
    category: str
    top: float
    cap: int | None
    cap_y: float | None
    peak: int
    area: str  # SVG path of the step function, closed to the lane's base


@dataclass(frozen=True)
class Tick:
    x: float
    day: date


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    lanes: list[Lane]
    ticks: list[Tick]


def _x(instant: datetime, start: datetime, end: datetime) -> float:
    span = (end - start).total_seconds()
    return round(TIMELINE_WIDTH * (instant - start).total_seconds() / span, 2)


def _lane(
    category: str,
    top: float,
    cap: int | None,
    steps: list[dict[str, object]],
    window: tuple[datetime, datetime],
) -> Lane:
    values = [int(str(step.get(category, 0))) for step in steps]
    peak = max(values, default=0)
    scale_max = max(cap or 0, peak, 1) * 1.15
    base = top + LANE_HEIGHT

    def y(value: int) -> float:
        return round(base - LANE_HEIGHT * value / scale_max, 2)

    points = [f"M0,{base}"]
    for step, value in zip(steps, values, strict=True):
        x0 = _x(max(parse_instant(str(step["start"])), window[0]), *window)
        x1 = _x(min(parse_instant(str(step["end"])), window[1]), *window)
        points.append(f"L{x0},{y(value)} L{x1},{y(value)}")
    points.append(f"L{TIMELINE_WIDTH},{base} Z")
    return Lane(category, top, cap, None if cap is None else y(cap), peak, " ".join(points))


def month_ticks(start: datetime, end: datetime) -> list[Tick]:
    """The first day of each month inside the window."""
    ticks: list[Tick] = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        first = datetime(year, month, 1, tzinfo=start.tzinfo)
        if first >= end:
            return ticks
        ticks.append(Tick(_x(first, start, end), first.date()))


def timeline(
    steps: list[dict[str, object]], caps: dict[str, int], start: datetime, end: datetime
) -> Timeline:
    """Use over [start, end) in one lane per category, each with its cap drawn."""
    lanes = [
        _lane(
            category,
            AXIS_HEIGHT + n * (LANE_HEIGHT + LANE_GAP),
            caps.get(category),
            steps,
            (start, end),
        )
        for n, category in enumerate(CATEGORIES)
    ]
    height = AXIS_HEIGHT + len(lanes) * (LANE_HEIGHT + LANE_GAP)
    return Timeline(TIMELINE_WIDTH, height, lanes, month_ticks(start, end))
