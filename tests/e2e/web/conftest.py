"""A demo-loaded app and a way to log in through the login form, as a browser would."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from relos.access.demo import DEMO_PASSWORD
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings, default_data_dir
from relos.lifecycle import load_demo

BASE = "http://testserver"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
Login = Callable[[str], TestClient]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated template plus the demo data, loaded once per run (loading is slow)."""
    path = tmp_path_factory.mktemp("web-demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    load_demo(db)
    db.dispose()
    return path


@pytest.fixture
def demo_database(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    # SQLite only: the pages add no SQL of their own (the services' tests cover PostgreSQL).
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    db = Database(f"sqlite:///{path}", default_data_dir())  # the key that signed the template
    yield db
    db.dispose()


@pytest.fixture
def login(demo_database: Database, tmp_path: Path) -> Iterator[Login]:
    """login("in-planner") -> a client holding that user's session cookie."""
    app = create_app(Settings(database_url=demo_database.url, data_dir=tmp_path), demo_database)
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
        clients.append(client)
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"name": name, "password": DEMO_PASSWORD, "csrf": token}
        )
        assert response.status_code == 200, response.text[:500]
        return client

    yield make
    for client in clients:
        client.close()
