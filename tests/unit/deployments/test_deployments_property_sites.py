"""Facility capacity and double booking under random histories, against a brute-force oracle.

Caps are set out of reach so that only berths, stands and units bind; a small pool of hulls
and serials makes double bookings frequent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.deployments.deployment_factories import RELOS, T0, plane, ship

from relos.deployments.domain import Element, FacilityView, Filing, Occupancy, Status
from relos.deployments.engine import assess
from relos.deployments.timeline import Period
from relos.deployments.transitions import Deployment, amend, cancel, complete, occupancies

HORIZON = 20
AGREEMENT = replace(RELOS, caps={"warships": 100, "aircraft": 100}, notice_days={})
FACILITIES = [
    FacilityView("RUVVO", "RU", "port", berths=3),
    FacilityView("UHWW", "RU", "airfield", aircraft_stands=2),
]
Spec = tuple[str, int, int, int]

element_specs = st.tuples(
    st.sampled_from(["warship", "aircraft"]),
    st.integers(0, HORIZON - 1),
    st.integers(1, 6),
    st.integers(0, 3),  # which hull or serial of a pool of four
)
operations = st.one_of(
    st.tuples(st.just("file"), st.lists(element_specs, min_size=1, max_size=4)),
    st.tuples(
        st.just("amend"), st.integers(0, 40), st.lists(element_specs, min_size=1, max_size=4)
    ),
    st.tuples(st.just("complete"), st.integers(0, 40), st.integers(1, HORIZON)),
    st.tuples(st.just("cancel"), st.integers(0, 40)),
)


def day(n: int) -> Period:
    return Period(T0 + timedelta(days=n), T0 + timedelta(days=n + 1))


def build(specs: list[Spec]) -> tuple[Element, ...]:
    built: list[Element] = []
    for kind, start, length, unit in specs:
        period = Period(day(start).start, day(start + length - 1).end)
        if kind == "warship":
            built.append(ship(f"F{unit}", period, "RUVVO", draught_m=None))
        else:
            built.append(plane(f"S{unit}", period, "UHWW"))
    return tuple(built)


def covering(items: list[Occupancy | Element], kind: str, n: int) -> int:
    return sum(1 for e in items if e.kind.value == kind and e.period.contains(day(n).start))


def oracle(f: Filing, stored: list[Occupancy]) -> set[tuple[str, int, Any, Any]]:
    """Expected (code, element, at, would_be) for capacity and double booking."""
    expected: set[tuple[str, int, Any, Any]] = set()
    limits = {"warship": 3, "aircraft": 2}
    for i, element in enumerate(f.elements):
        kind = element.kind.value
        prefix: list[Occupancy | Element] = [*stored, *f.elements[: i + 1]]
        days = [n for n in range(-1, HORIZON + 8) if element.period.contains(day(n).start)]
        worst = max(days, key=lambda n: (covering(prefix, kind, n), -n))
        if covering(prefix, kind, worst) > limits[kind]:
            expected.add(
                ("facility_capacity_exceeded", i, day(worst).start, covering(prefix, kind, worst))
            )
        earlier = [e for e in f.elements[:i] if e.unit == element.unit]
        booked = [o for o in stored if o.unit == element.unit and o.kind is element.kind]
        if any(e.period.overlaps(element.period) for e in [*earlier, *booked]):
            expected.add(("unit_double_booked", i, element.period.start, None))
    return expected


def judge(deployments: dict[str, Deployment], f: Filing) -> Status | None:
    stored = [o for d in deployments.values() for o in occupancies(d) if d.id != f.deployment]
    result = assess(
        f, AGREEMENT, FACILITIES, [o for d in deployments.values() for o in occupancies(d)]
    )
    got = {(v.code, v.element, v.at, v.would_be) for v in result.violations}
    assert got == oracle(f, stored)
    assert result.status is (None if got else Status.CLEARED)
    return result.status


def assert_never_overbooked(deployments: dict[str, Deployment]) -> None:
    counted = [o for d in deployments.values() for o in occupancies(d)]
    for n in range(HORIZON + 8):
        assert covering(list(counted), "warship", n) <= 3
        assert covering(list(counted), "aircraft", n) <= 2
        units = [o.unit for o in counted if o.period.contains(day(n).start)]
        assert len(units) == len(set(units))


@settings(max_examples=150, deadline=None)
@given(st.lists(operations, max_size=20))
def test_berths_stands_and_units_never_overbooked(ops: list[tuple[Any, ...]]) -> None:
    deployments: dict[str, Deployment] = {}
    for op in ops:
        apply(deployments, op)
        assert_never_overbooked(deployments)


def apply(deployments: dict[str, Deployment], op: tuple[Any, ...]) -> None:
    if op[0] == "file":
        f = Filing(RELOS.id, "IN", "training", build(op[1]), T0 - timedelta(days=90))
        if judge(deployments, f) is not None:
            ident = f"d{len(deployments)}"
            deployments[ident] = Deployment(
                ident, RELOS.id, "IN", "RU", "training", f.elements, Status.CLEARED
            )
        return
    if not deployments:
        return
    ident = sorted(deployments)[op[1] % len(deployments)]
    current = deployments[ident]
    if current.status is not Status.CLEARED:
        return
    if op[0] == "amend":
        f = Filing(
            RELOS.id, "IN", "training", build(op[2]), T0 - timedelta(days=90), deployment=ident
        )
        status = judge(deployments, f)
        if status is not None:
            deployments[ident] = amend(current, f.elements, status)
    elif op[0] == "complete":
        first, last = current.period
        end = min(max(first + timedelta(hours=1), T0 + timedelta(days=op[2])), last)
        deployments[ident] = complete(current, end)
    else:
        deployments[ident] = cancel(current)
