"""`relos serve --workers 2` on both databases: the rules hold across worker processes.

- the last free warship slot goes to exactly one of many simultaneous filings;
- 30 simultaneous wrong passwords for one name are cut off at the limit, across workers;
- every write the server acknowledged is there after a `kill -9`;
- /api/v1/ready says 503 when the database is gone.
"""

from __future__ import annotations

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.conftest import TokenFactory
from tests.e2e.ops.served import serving, start, stop
from tests.integration.deployments.deployment_bodies import filing, personnel, warship

from relos.access import service as access
from relos.access.schemas import NewUser
from relos.kit.db import Database

pytestmark = pytest.mark.slow
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def test_the_last_slot_goes_to_one_filing_across_two_workers(
    database: Database, auth: TokenFactory, tmp_path: Path
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    with serving(database.url, tmp_path, workers=2) as base:
        for i in range(4):  # four of the five warship slots taken
            taken = httpx.post(
                f"{base}/api/v1/deployments", json=filing(warship(f"F{i}")), headers=india
            )
            assert taken.status_code == 201, taken.text
        bodies = [filing(warship(f"L{i}")) for i in range(12)]
        barrier = threading.Barrier(len(bodies))

        def file(body: dict[str, Any]) -> int:
            with httpx.Client(base_url=base, timeout=60) as http:
                http.get("/api/v1/health")  # connected before the race starts
                barrier.wait()
                return http.post("/api/v1/deployments", json=body, headers=india).status_code

        with ThreadPoolExecutor(len(bodies)) as pool:
            answers = sorted(pool.map(file, bodies))
    assert answers == [201] + [422] * (len(bodies) - 1), answers
    with database.transaction(write=False) as session:
        stored = session.execute(text("SELECT COUNT(*) FROM deployments")).scalar_one()
    assert stored == 5


def test_a_burst_of_wrong_passwords_is_cut_off_across_workers(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        access.add_user(
            session,
            NewUser(name="in-officer", party="IN", roles=("viewer",), password="right-password-1"),
        )
    with serving(database.url, tmp_path, workers=2) as base:
        clients = [httpx.Client(base_url=base, timeout=60) for _ in range(30)]
        tokens = [CSRF.search(c.get("/login").text).group(1) for c in clients]  # type: ignore[union-attr]
        barrier = threading.Barrier(len(clients))

        def guess(i: int) -> int:
            barrier.wait()
            form = {"name": "in-officer", "password": f"guess-{i}", "csrf": tokens[i]}
            return clients[i].post("/login", data=form, headers={"Origin": base}).status_code

        with ThreadPoolExecutor(len(clients)) as pool:
            answers = list(pool.map(guess, range(len(clients))))
        right = {"name": "in-officer", "password": "right-password-1", "csrf": tokens[0]}
        after = clients[0].post("/login", data=right, headers={"Origin": base})
        for c in clients:
            c.close()
    # The pair (name, address) allows five attempts in the window, shared by both workers.
    assert answers.count(401) == 5 and answers.count(429) == 25, answers
    assert after.status_code == 429, "even the right password waits out the window"


def test_every_acknowledged_write_survives_kill_9(
    database: Database, auth: TokenFactory, tmp_path: Path
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    process, base = start(database.url, tmp_path)
    acknowledged: list[str] = []
    stop_writing = threading.Event()

    def write(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=30) as http:
            while not stop_writing.is_set():
                start_day = rng.randrange(0, 900)
                body = filing(personnel(5, start_day, start_day + 2))
                try:
                    answer = http.post("/api/v1/deployments", json=body, headers=india)
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])

    writers = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for w in writers:
        w.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop(process, hard=True)  # kill -9 in the middle of the writes
    stop_writing.set()
    for w in writers:
        w.join()
    assert len(acknowledged) >= 20
    with serving(database.url, tmp_path) as again:
        assert httpx.get(f"{again}/api/v1/ready").status_code == 200
        with database.transaction(write=False) as session:
            stored = set(session.execute(text("SELECT id FROM deployments")).scalars())
        missing = set(acknowledged) - stored
        assert not missing, f"{len(missing)} acknowledged filings lost"
        verified = httpx.get(
            f"{again}/api/v1/audit/verify", headers=auth("auditor", "IN", ("auditor",))
        )
        assert verified.status_code == 200 and verified.json()["whole"], verified.text


@pytest.mark.slow
def test_ready_says_503_when_the_database_is_gone(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    ready = client.get("/api/v1/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "migrations": "current"}
    database.dispose()
    if database.sqlite:
        path = Path(database.engine.url.database or "")
        path.rename(path.with_suffix(".gone"))
    else:
        from tests.conftest import _pg_admin

        name = database.engine.url.database
        admin: Any = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    gone = client.get("/api/v1/ready")
    assert gone.status_code == 503
    assert gone.json()["status"] == "not ready"
    assert client.get("/api/v1/health").status_code == 200, "the process itself still lives"
