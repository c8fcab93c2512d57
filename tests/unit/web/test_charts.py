from __future__ import annotations

from datetime import UTC, datetime

from relos.web.charts import LANE_HEIGHT, TIMELINE_WIDTH, Gauge, gauges, month_ticks, timeline

START = datetime(2026, 7, 15, tzinfo=UTC)
END = datetime(2027, 7, 15, tzinfo=UTC)


def test_gauge_levels() -> None:
    assert Gauge("warships", 0, 5, "").level == "ok"
    assert Gauge("warships", 4, 5, "").level == "warn"
    assert Gauge("warships", 5, 5, "").ratio == 1.0
    over = Gauge("warships", 6, 5, "")
    assert over.level == "over" and over.ratio == 1.0


def test_gauges_follow_the_headroom_answer() -> None:
    room = {
        "personnel": {"limit": 3000, "peak": 300, "free": 2700, "at": "x"},
        "warships": {"limit": 5, "peak": 1, "free": 4, "at": "y"},
    }
    found = gauges(room)  # type: ignore[arg-type]
    assert [g.category for g in found] == ["warships", "personnel"]
    assert found[1].ratio == 0.1


def test_month_ticks_are_first_days_inside_the_window() -> None:
    ticks = month_ticks(START, END)
    assert [t.day.isoformat() for t in ticks[:2]] == ["2026-08-01", "2026-09-01"]
    assert len(ticks) == 12
    assert all(0 < t.x < TIMELINE_WIDTH for t in ticks)


def test_timeline_steps_and_caps() -> None:
    steps = [
        {"start": "2026-07-15T00:00:00Z", "end": "2027-01-15T00:00:00Z", "warships": 0},
        {"start": "2027-01-15T00:00:00Z", "end": "2027-07-15T00:00:00Z", "warships": 5},
    ]
    drawn = timeline(steps, {"warships": 5, "aircraft": 10, "personnel": 3000}, START, END)
    lane = drawn.lanes[0]
    assert lane.category == "warships" and lane.peak == 5 and lane.cap == 5
    base = lane.top + LANE_HEIGHT
    assert lane.cap_y is not None and lane.top < lane.cap_y < base
    # 184 of 365 days in, the step rises to the cap's height and stays there
    x = round(TIMELINE_WIDTH * 184 / 365, 2)
    assert lane.area == (
        f"M0,{base} L0.0,{base:.1f} L{x},{base:.1f} L{x},{lane.cap_y} "
        f"L{TIMELINE_WIDTH:.1f},{lane.cap_y} L{TIMELINE_WIDTH},{base} Z"
    )
    assert drawn.lanes[2].peak == 0
