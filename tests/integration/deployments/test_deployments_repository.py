"""The span-class interval queries find exactly the counting elements that overlap a window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from relos.deployments import repository
from relos.deployments.models import DeploymentRow, ElementRow
from relos.deployments.timeline import Period
from relos.kit.db import Database
from relos.kit.errors import InvalidInput

T0 = datetime(2028, 1, 1, tzinfo=UTC)


Row = dict[str, Any]


def _rows(rng: random.Random, n: int) -> tuple[list[Row], list[Row]]:
    deployments: list[Row] = []
    elements: list[Row] = []
    for i in range(n):
        start = T0 + timedelta(minutes=rng.randint(-200_000, 200_000))
        # Lengths from minutes to decades cover every span class, the last one included.
        length = timedelta(minutes=rng.choice([1, 59, 60, 61, 600, 10_000, 100_000, 10**6, 10**8]))
        end = start + length
        counted = rng.choice([end, None, start + length / 2])
        party = rng.choice(["IN", "RU"])
        ident = f"dep_r{i}"
        deployments.append(
            {
                "id": ident,
                "reference": f"TEST-{party}-{i:06d}",
                "agreement_id": "in-ru-relos",
                "deploying_party": party,
                "host_party": "RU" if party == "IN" else "IN",
                "purpose": "training",
                "title": ident,
                "commander": {},
                "request_exception": False,
                "justification": None,
                "status": "cleared",
                "by_exception": False,
                "starts": start,
                "ends": end,
                "actual_end": None,
                "filed_at": start,
                "filed_by": "t",
                "updated_at": start,
                "version": 1,
            }
        )
        elements.append(
            {
                "deployment_id": ident,
                "position": 0,
                "agreement_id": "in-ru-relos",
                "deploying_party": party,
                "kind": "personnel",
                "facility_id": rng.choice(["RUVVO", "UHWW", "INVTZ"]),
                "start": start,
                "end": end,
                "counted_end": counted,
                "span_class": repository.span_class(start, end),
                "unit_key": f"{party}:aircraft:S{rng.randint(0, 20)}",
                "personnel": 1,
                "notice_given_at": start,
                "details": {"count": 1},
            }
        )
    return deployments, elements


def test_interval_queries_match_brute_force(database: Database) -> None:
    rng = random.Random(7)
    deployments, elements = _rows(rng, 600)
    with database.transaction() as session:
        session.execute(insert(DeploymentRow), deployments)
        session.execute(insert(ElementRow), elements)
    for _ in range(40):
        start = T0 + timedelta(minutes=rng.randint(-250_000, 250_000))
        window = Period(start, start + timedelta(minutes=rng.choice([1, 60, 5000, 90_000])))

        with database.transaction(write=False) as session:
            party = {
                o.deployment for o in repository.party_use(session, "in-ru-relos", "IN", window)
            }
            sites = {
                o.deployment for o in repository.facility_use(session, ["RUVVO", "UHWW"], window)
            }
            units = {o.deployment for o in repository.unit_use(session, ["IN:aircraft:S3"], window)}
        assert party == _expected(elements, window, "deploying_party", {"IN"})
        assert sites == _expected(elements, window, "facility_id", {"RUVVO", "UHWW"})
        assert units == _expected(elements, window, "unit_key", {"IN:aircraft:S3"})


def test_competing_use_is_the_three_queries_in_one(database: Database) -> None:
    """competing_use finds exactly what party_use, facility_use and unit_use find, on both
    databases (PostgreSQL answers it with one statement), windows near year 1 included."""
    rng = random.Random(11)
    deployments, elements = _rows(rng, 400)
    with database.transaction() as session:
        session.execute(insert(DeploymentRow), deployments)
        session.execute(insert(ElementRow), elements)
    windows = [
        Period(repository.EARLIEST, T0),
        Period(repository.EARLIEST, repository.EARLIEST + timedelta(days=400)),
    ]
    for _ in range(30):
        start = T0 + timedelta(minutes=rng.randint(-250_000, 250_000))
        windows.append(Period(start, start + timedelta(minutes=rng.choice([1, 60, 90_000]))))
    for window in windows:
        facilities = rng.choice([[], ["RUVVO"], ["UHWW", "INVTZ"]])
        units = rng.choice([[], ["RU:aircraft:S3"], ["IN:aircraft:S1", "IN:aircraft:S2"]])
        with database.transaction(write=False) as session:
            found = repository.competing_use(
                session, "in-ru-relos", "RU", facilities, units, window
            )
        keys = {(o.deployment, o.element) for o in found}
        expected = (
            _expected(elements, window, "deploying_party", {"RU"})
            | _expected(elements, window, "facility_id", set(facilities))
            | _expected(elements, window, "unit_key", set(units))
        )
        assert keys == {(d, 0) for d in expected}
        by_deployment = {e["deployment_id"]: e for e in elements}
        for occupancy in found:  # the same columns as the separate queries read
            row = by_deployment[occupancy.deployment]
            assert occupancy.period == Period(row["start"], row["counted_end"])
            assert occupancy.facility == row["facility_id"]
            assert occupancy.deploying_party == row["deploying_party"]


def test_competing_use_refuses_a_nul_in_a_facility_or_unit(database: Database) -> None:
    window = Period(T0, T0 + timedelta(days=1))
    for facilities, units in ((["RU\x00VVO"], []), ([], ["IN:warship:F\x0044"])):
        with database.transaction(write=False) as session, pytest.raises(InvalidInput):
            repository.competing_use(session, "in-ru-relos", "IN", facilities, units, window)


def _expected(elements: list[Row], window: Period, field: str, values: set[str]) -> set[str]:
    """Brute force: every counting element with a matching field that overlaps the window."""
    return {
        e["deployment_id"]
        for e in elements
        if e[field] in values
        and e["counted_end"] is not None
        and e["start"] < window.end
        and e["counted_end"] > window.start
    }


def test_span_classes() -> None:
    assert repository.span_class(T0, T0 + timedelta(minutes=30)) == 0
    assert repository.span_class(T0, T0 + timedelta(hours=1)) == 0
    assert repository.span_class(T0, T0 + timedelta(hours=1, seconds=1)) == 1
    assert repository.span_class(T0, T0 + timedelta(hours=1024)) == 10
    assert repository.span_class(T0, T0 + timedelta(days=365 * 500)) == repository.MAX_SPAN_CLASS
