"""The audit page's cost by trail size: CPU per load of /audit (one page of rows, each
verified) and of /audit/verify (the whole trail verified).

    python bench/audit_page_bench.py [--events 10000] [--loads 5]

An SQLite file with the demo data, then `--events` untyped audit entries recorded (each
one a signed leaf), then an auditor logged in through the form. CPU is the process's
(the test client runs the app in a thread of this process); the median of `--loads`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fastapi.testclient import TestClient

from relos.access.demo import DEMO_PASSWORD
from relos.access.domain import SYSTEM
from relos.app import create_app
from relos.audit.service import record
from relos.kit.db import Database
from relos.kit.settings import Settings
from relos.lifecycle import load_demo, upgrade_database

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def fill(db: Database, events: int) -> None:
    for start in range(0, events, 1000):
        with db.transaction() as session:
            for i in range(start, min(events, start + 1000)):
                record(session, SYSTEM, "bench.touch", "thing", f"t{i}", ["IN", "RU"])


def cpu_per_load(client: TestClient, path: str, loads: int) -> float:
    spent = []
    for _ in range(loads):
        began = time.process_time()
        response = client.get(path)
        spent.append(time.process_time() - began)
        assert response.status_code == 200, response.text[:300]
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        db = Database(f"sqlite:///{data / 'bench.db'}", data)
        upgrade_database(db)
        load_demo(db)
        fill(db, args.events)
        app = create_app(Settings(database_url=db.url, data_dir=data), db)
        with TestClient(app, base_url="http://testserver") as client:
            found = CSRF.search(client.get("/login").text)
            assert found
            form = {"name": "in-auditor", "password": DEMO_PASSWORD, "csrf": found.group(1)}
            assert client.post("/login", data=form).status_code == 200
            page = cpu_per_load(client, "/audit?sort=-id", args.loads)
            paths = [("/audit?sort=-id", page)]
            if "/audit/verify" in client.get("/audit").text:
                paths.append(("/audit/verify", cpu_per_load(client, "/audit/verify", args.loads)))
        db.dispose()
    print(f"{args.events} events recorded on top of the demo data")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    for path, seconds in paths:
        print(f"{path:20} {seconds * 1000:8.1f} ms CPU per load (median of {args.loads})")


if __name__ == "__main__":
    main()
