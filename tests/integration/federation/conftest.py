"""Per-party templates: each node's key exists before its database is built, as with
`relos node init`, so every entry of its logs is signed by its own key."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.conftest import PG_ADMIN_URL
from tests.integration.federation.nodes import Node, make_node, pair

from relos.kit.db import Database
from relos.lifecycle import upgrade_database
from relos.tlog.node import KEY_FILE, create_key, key_path, node_name


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _keyed(folder: Path, party: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    create_key(key_path(folder), node_name(party))
    return folder


@pytest.fixture(scope="session")
def in_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = _keyed(tmp_path_factory.mktemp("in-key"), "IN")
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}", folder)
    upgrade_database(db)
    db.dispose()
    return path, folder


@pytest.fixture(scope="session")
def ru_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = _keyed(tmp_path_factory.mktemp("ru-key"), "RU")
    name = f"relos_ru_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(_pg_url(name), folder)
    upgrade_database(db)
    db.dispose()
    yield name, folder
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy_key(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / KEY_FILE, target / KEY_FILE)
    os.chmod(target / KEY_FILE, 0o600)
    return target


@pytest.fixture
def nodes(
    in_template: tuple[Path, Path], ru_template: tuple[str, Path], tmp_path: Path
) -> Iterator[tuple[Node, Node]]:
    """IN's node on SQLite, RU's on PostgreSQL, peered."""
    in_folder = _copy_key(in_template[1], tmp_path / "in")
    shutil.copyfile(in_template[0], in_folder / "relos.db")
    name = f"relos_ru_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{ru_template[0]}"'))
    ru_folder = _copy_key(ru_template[1], tmp_path / "ru")
    india = make_node("IN", f"sqlite:///{in_folder / 'relos.db'}", in_folder)
    russia = make_node("RU", _pg_url(name), ru_folder)
    pair(india, russia)
    yield india, russia
    india.db.dispose()
    russia.db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
