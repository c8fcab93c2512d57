"""Fixtures for every tier: databases on SQLite and PostgreSQL, made by the migrations.

Each test gets a fresh database copied from a template that the migrations built once per
run: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from relos.access import service as access
from relos.access.schemas import IssueToken, NewUser
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings, default_data_dir
from relos.lifecycle import upgrade_database

PG_ADMIN_URL = os.environ.get(
    "RELOS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgres"]


def _pg_admin() -> object:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _node_key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the node key that signed appends create out of the working directory."""
    if os.environ.get("RELOS_DATA_DIR"):
        yield
        return
    os.environ["RELOS_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    yield
    os.environ.pop("RELOS_DATA_DIR", None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade_database(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    name = f"relos_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(_pg_url(name))
    upgrade_database(db)
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_sqlite(template: Path, folder: Path) -> Database:
    path = folder / f"relos-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, path)
    # The data directory whose node key signed the template's logs: an app bound to this
    # database keeps it (as a real node keeps its key), so verification trusts that key.
    return Database(f"sqlite:///{path}", default_data_dir())


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    db = _fresh_sqlite(sqlite_template, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    template: str = request.getfixturevalue("postgres_template")
    name = f"relos_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    db = Database(_pg_url(name), default_data_dir())  # the template's signing key, as above
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Database:
    """A fresh, migrated database with reference data: once on SQLite, once on PostgreSQL."""
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
    db: Database = request.getfixturevalue(f"{request.param}_database")
    return db


def _client(db: Database, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=db.url, data_dir=tmp_path)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    """An HTTP client on an app bound to the parametrised database."""
    yield from _client(database, tmp_path)


@pytest.fixture
def sqlite_client(sqlite_database: Database, tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(sqlite_database, tmp_path)


TokenFactory = Callable[..., dict[str, str]]


def _token_factory(db: Database) -> TokenFactory:
    def make(
        name: str,
        party: str = "IN",
        roles: tuple[str, ...] = ("planner",),
        password: str | None = None,
    ) -> dict[str, str]:
        """Create a user and return the Authorization header for a fresh token."""
        with db.transaction() as session:
            access.add_user(
                session, NewUser(name=name, party=party, roles=tuple(roles), password=password)
            )
            token = access.create_token(session, IssueToken(name=name)).token
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def auth(database: Database) -> TokenFactory:
    """auth("in-planner", "IN", ("planner",)) -> headers with a bearer token."""
    return _token_factory(database)


@pytest.fixture
def sqlite_auth(sqlite_database: Database) -> TokenFactory:
    return _token_factory(sqlite_database)
