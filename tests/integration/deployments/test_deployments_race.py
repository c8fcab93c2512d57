"""Ten OS processes, each with its own engine, race for the last warship slot."""

from __future__ import annotations

import multiprocessing

import pytest
from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship
from tests.integration.deployments.race_worker import race

from relos.deployments import service
from relos.deployments.schemas import FilingIn, WarshipOut
from relos.kit.db import Database

RACERS = 10


Outcome = tuple[str, str, list[str]]  # hull, "cleared" / "refused" / "error", codes


def _race_for_the_last_slot(
    database: Database, racers: list[tuple[str, tuple[float, float]]]
) -> list[Outcome]:
    """Four warships stored, then one process per (hull, days) files at the same moment."""
    with database.transaction() as session:
        body = filing(*(warship(f"A{i}") for i in range(4)))
        service.file(session, IN_PLANNER, FilingIn.model_validate(body))
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    ready, results = context.Queue(), context.Queue()
    processes = [
        context.Process(target=race, args=(database.url, hull, ready, start, results, days))
        for hull, days in racers
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    start.set()
    outcomes: list[Outcome] = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)
    assert [o for o in outcomes if o[1] == "error"] == []
    return outcomes


@pytest.mark.slow
def test_exactly_one_racer_takes_the_last_slot(database: Database) -> None:
    outcomes = _race_for_the_last_slot(database, [(f"R{i}", (0, 14)) for i in range(RACERS)])
    cleared = [o for o in outcomes if o[1] == "cleared"]
    refused = [o for o in outcomes if o[1] == "refused"]
    assert len(cleared) == 1
    assert len(refused) == RACERS - 1
    assert all(codes == ["cap_exceeded"] for _, _, codes in refused)
    with database.transaction(write=False) as session:
        stored = service.list_deployments(session, IN_PLANNER, status="cleared")
    hulls = sorted(e.hull for d in stored for e in d.elements if isinstance(e, WarshipOut))
    assert hulls == sorted(["A0", "A1", "A2", "A3", cleared[0][0]])


# Periods of different lengths and months, all holding 10 July 2027 12:00 (day 9.5): they
# take different month and year keys (deployments/contention.py), yet overlap, so exactly
# one may take the last slot. Day 0 is 1 July 2027.
OVERLAPPING_AT_DAY_9_5 = [
    (5, 12),  # July
    (-20, 12),  # June and July
    (8, 40),  # July and August
    (-170, 11),  # January to July: past six months, whole years
    (9, 200),  # July 2027 to January 2028: whole years, two of them
    (9.4, 9.6),  # a few hours
    (-1, 31),  # June 30 to July 31
    (-60, 10),  # May to July
    (0, 14),
    (9, 100),  # July to October
]


@pytest.mark.slow
def test_racers_with_different_periods_that_overlap_still_leave_one_winner(
    postgres_database: Database,
) -> None:
    # PostgreSQL: its writers take the keys by month and year; SQLite's take turns anyway.
    racers = [(f"P{i}", days) for i, days in enumerate(OVERLAPPING_AT_DAY_9_5)]
    outcomes = _race_for_the_last_slot(postgres_database, racers)
    cleared = [o for o in outcomes if o[1] == "cleared"]
    assert len(cleared) == 1, outcomes
    assert all(codes == ["cap_exceeded"] for _, status, codes in outcomes if status == "refused")
