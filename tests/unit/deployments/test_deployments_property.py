"""Random filings, amendments, completions, cancellations and consents against a brute-force
oracle that counts use day by day. Caps are small so that collisions are frequent."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from itertools import count
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.deployments.deployment_factories import RELOS, T0, people, plane, ship

from relos.deployments.domain import (
    AgreementView,
    Category,
    Element,
    FacilityView,
    Filing,
    Occupancy,
    Status,
    use_of,
)
from relos.deployments.engine import assess
from relos.deployments.timeline import Period
from relos.deployments.transitions import (
    Deployment,
    amend,
    cancel,
    complete,
    consent,
    occupancies,
)
from relos.deployments.usage import headroom, utilisation

HORIZON = 24
Spec = tuple[str, int, int, int]
Op = tuple[Any, ...]
FACILITIES = [
    FacilityView("RUVVO", "RU", "port"),
    FacilityView("UHWW", "RU", "airfield"),
    FacilityView("INVTZ", "IN", "port"),
    FacilityView("VOVZ", "IN", "airfield"),
]
SITES = {("IN", "warship"): "RUVVO", ("IN", "aircraft"): "UHWW", ("IN", "personnel"): "RUVVO"}
SITES |= {("RU", "warship"): "INVTZ", ("RU", "aircraft"): "VOVZ", ("RU", "personnel"): "INVTZ"}


def day(n: int) -> Period:
    return Period(T0 + timedelta(days=n), T0 + timedelta(days=n + 1))


element_specs = st.tuples(
    st.sampled_from(["warship", "aircraft", "personnel"]),
    st.integers(0, HORIZON - 1),
    st.integers(1, 8),
    st.integers(1, 60),
)
operations = st.one_of(
    st.tuples(
        st.just("file"),
        st.sampled_from(["IN", "RU"]),
        st.lists(element_specs, min_size=1, max_size=4),
        st.booleans(),
    ),
    st.tuples(
        st.just("amend"),
        st.integers(0, 50),
        st.lists(element_specs, min_size=1, max_size=4),
        st.booleans(),
    ),
    st.tuples(st.just("complete"), st.integers(0, 50), st.integers(1, HORIZON)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("consent"), st.integers(0, 50), st.booleans()),
)


@dataclass
class Register:
    """The engine and lifecycle as a service would drive them, kept in memory."""

    agreement: AgreementView
    deployments: dict[str, Deployment] = field(default_factory=dict)
    hulls: count[int] = field(default_factory=count)

    def existing(self) -> list[Occupancy]:
        return [o for d in self.deployments.values() for o in occupancies(d)]

    def build(self, party: str, specs: list[Spec]) -> tuple[Element, ...]:
        built: list[Element] = []
        for kind, start, length, heads in specs:
            period = Period(day(start).start, day(start + length - 1).end)
            site = SITES[(party, kind)]
            unit = f"U{next(self.hulls)}"
            if kind == "warship":
                built.append(ship(unit, period, site, crew=heads, draught_m=None))
            elif kind == "aircraft":
                built.append(plane(unit, period, site))
            else:
                built.append(people(heads, period, site))
        return tuple(built)


def brute_use(
    occupied: list[Occupancy | tuple[Element, str]],
    party: str,
    category: Category,
    n: int,
    crews: bool,
) -> int:
    total = 0
    for item in occupied:
        element, owner = (item, item.deploying_party) if isinstance(item, Occupancy) else item
        if owner == party and element.period.contains(day(n).start):
            total += use_of(element, category, crews)
    return total


def oracle_caps(
    agreement: AgreementView, f: Filing, others: list[Occupancy]
) -> set[tuple[int, str, object, int]]:
    """Element i breaks a cap iff on a day of its period stored use + elements 0..i exceed it."""
    crews = agreement.crew_counts_as_personnel
    found: set[tuple[int, str, object, int]] = set()
    for index, element in enumerate(f.elements):
        for category in Category:
            limit = agreement.cap(category)
            if limit is None or use_of(element, category, crews) == 0:
                continue
            prefix: list[Occupancy | tuple[Element, str]] = [
                *others,
                *((e, f.deploying_party) for e in f.elements[: index + 1]),
            ]
            worst = None
            for n in range(-1, HORIZON + 10):
                if not element.period.contains(day(n).start):
                    continue
                value = brute_use(prefix, f.deploying_party, category, n, crews)
                if worst is None or value > worst[0]:
                    worst = (value, day(n).start)
            assert worst is not None
            if worst[0] > limit:
                found.add((index, category.value, worst[1], worst[0]))
    return found


def assert_invariant(register: Register, crews: bool) -> None:
    """Outside exceptions, no day is ever above a cap, for either party."""
    plain = [o for d in register.deployments.values() if not d.by_exception for o in occupancies(d)]
    for party in ("IN", "RU"):
        for category in Category:
            limit = register.agreement.cap(category)
            for n in range(HORIZON + 10):
                assert limit is not None
                assert brute_use(list(plain), party, category, n, crews) <= limit


@settings(max_examples=150, deadline=None)
@given(st.lists(operations, max_size=25), st.booleans())
def test_random_histories_never_break_a_cap_and_match_the_oracle(
    ops: list[Op], crews: bool
) -> None:
    agreement = replace(
        RELOS,
        caps={"warships": 2, "aircraft": 3, "personnel": 150},
        crew_counts_as_personnel=crews,
        notice_days={},
    )
    register = Register(agreement)
    for op in ops:
        run(register, agreement, op)
        assert_invariant(register, crews)
    check_headroom_and_utilisation(register, agreement)


def run(register: Register, agreement: AgreementView, op: Op) -> None:
    ids = sorted(register.deployments)
    if op[0] == "file":
        _, party, specs, exception = op
        f = filing_of(register, party, specs, exception, None)
        outcome = judge(register, agreement, f)
        if outcome is not None:
            ident = f"d{len(register.deployments)}"
            register.deployments[ident] = Deployment(
                ident,
                f.agreement,
                party,
                "RU" if party == "IN" else "IN",
                f.purpose,
                f.elements,
                outcome,
                by_exception=outcome is Status.PENDING_HOST_CONSENT,
            )
        return
    if not ids:
        return
    ident = ids[op[1] % len(ids)]
    current = register.deployments[ident]
    if op[0] == "amend" and current.status in (Status.CLEARED, Status.PENDING_HOST_CONSENT):
        f = filing_of(register, current.deploying_party, op[2], op[3], ident)
        outcome = judge(register, agreement, f)
        if outcome is not None:
            register.deployments[ident] = amend(current, f.elements, outcome)
    elif op[0] == "complete" and current.status is Status.CLEARED:
        first, last = current.period
        end = min(max(first + timedelta(hours=1), T0 + timedelta(days=op[2])), last)
        register.deployments[ident] = complete(current, end)
    elif op[0] == "cancel" and current.status in (Status.CLEARED, Status.PENDING_HOST_CONSENT):
        register.deployments[ident] = cancel(current)
    elif op[0] == "consent" and current.status is Status.PENDING_HOST_CONSENT:
        register.deployments[ident] = consent(current, op[2], current.host_party)


def filing_of(
    register: Register, party: str, specs: list[Spec], exception: bool, ident: str | None
) -> Filing:
    return Filing(
        agreement=RELOS.id,
        deploying_party=party,
        purpose="training",
        elements=register.build(party, specs),
        filed_at=T0 - timedelta(days=365),
        request_exception=exception,
        deployment=ident,
    )


def judge(register: Register, agreement: AgreementView, f: Filing) -> Status | None:
    others = [o for o in register.existing() if o.deployment != f.deployment]
    result = assess(f, agreement, FACILITIES, register.existing())
    got = {(v.element, v.category, v.at, v.would_be) for v in result.violations}
    assert {v.code for v in result.violations} <= {"cap_exceeded"}
    expected = oracle_caps(agreement, f, others)
    assert got == expected
    if not expected:
        assert result.status is Status.CLEARED
    else:
        assert result.status is (Status.PENDING_HOST_CONSENT if f.request_exception else None)
    return result.status


def check_headroom_and_utilisation(register: Register, agreement: AgreementView) -> None:
    window = Period(day(2).start, day(HORIZON).start)
    existing = register.existing()
    crews = agreement.crew_counts_as_personnel
    for party in ("IN", "RU"):
        room = headroom(agreement, party, window, existing)
        steps = utilisation(agreement, party, window, existing)
        assert steps[0].start == window.start and steps[-1].end == window.end
        for category in Category:
            daily = [
                brute_use(list(existing), party, category, n, crews) for n in range(2, HORIZON)
            ]
            assert room[category].peak == max(daily)
            assert room[category].at == day(2 + daily.index(max(daily))).start
            for n, value in enumerate(daily, start=2):
                (step,) = [s for s in steps if s.start <= day(n).start < s.end]
                assert step.use[category] == value
