"""The "Sync and integrity" page: per partner node what `relos peer status` shows, each
incident's evidence downloadable as JSON; auditors and admins only, in both languages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.web.conftest import BASE, csrf_of

from relos.access.demo import DEMO_PASSWORD
from relos.access.domain import SYSTEM
from relos.app import create_app
from relos.federation import arrival
from relos.federation.service import add_peer
from relos.kit.db import Database
from relos.kit.settings import Settings
from relos.tlog import service as node
from relos.tlog.keys import Signer
from relos.tlog.node import node_name

HELD = "relos.example/RU/in-ru-relos\n3\nAAAA\n\n— relos.example/RU abc\n"
OTHER = "relos.example/RU/in-ru-relos\n3\nBBBB\n\n— relos.example/RU def\n"


@pytest.fixture
def peered(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The demo as India's node, RU's node pinned, and one fork incident recorded."""
    path = tmp_path / "node.db"
    shutil.copyfile(demo_template, path)
    db = Database(f"sqlite:///{path}", tmp_path)
    with db.transaction() as session:
        node.init_node(session, SYSTEM, "IN")
        vkey = Signer.generate(node_name("RU")).verifier.vkey
        add_peer(session, SYSTEM, "RU", "http://ru.node.test", vkey)
        arrival.incident(
            session,
            "RU",
            "fork",
            "relos.example/RU/in-ru-relos: two checkpoints of size 3 with different roots",
            origin="relos.example/RU/in-ru-relos",
            checkpoint=OTHER,
            last_cosigned=HELD,
        )
    yield db
    db.dispose()


def _login(db: Database, tmp_path: Path, name: str, lang: str = "en") -> TestClient:
    app = create_app(Settings(database_url=db.url, data_dir=tmp_path), db)
    client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    client.cookies.set("relos_lang", lang)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": DEMO_PASSWORD, "csrf": token})
    assert answer.status_code == 200, answer.text[:300]
    return client


def test_the_page_shows_each_peer_and_its_incident_evidence_downloads(
    peered: Database, tmp_path: Path
) -> None:
    client = _login(peered, tmp_path, "in-auditor")
    page = client.get("/sync")
    assert page.status_code == 200
    assert 'href="/sync"' in page.text  # in the auditor's menu
    assert 'data-party="RU"' in page.text and "Open incidents" in page.text
    link = "/sync/incidents/1/evidence.json"
    assert link in page.text
    answer = client.get(link)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert "attachment" in answer.headers["content-disposition"]
    evidence = json.loads(answer.text)
    assert evidence["kind"] == "fork" and evidence["open"] is True
    assert evidence["evidence"]["checkpoint"] == OTHER
    assert evidence["evidence"]["last_cosigned"] == HELD
    assert client.get("/sync/incidents/99/evidence.json").status_code == 404
    assert client.get("/sync/incidents/0/evidence.json").status_code == 422


@pytest.mark.parametrize("name", ["in-planner", "in-viewer", "ru-host-liaison"])
def test_other_roles_neither_see_nor_download(peered: Database, tmp_path: Path, name: str) -> None:
    client = _login(peered, tmp_path, name)
    assert 'href="/sync"' not in client.get("/").text
    assert client.get("/sync").status_code == 403
    assert client.get("/sync/incidents/1/evidence.json").status_code == 403


def test_the_page_in_russian(peered: Database, tmp_path: Path) -> None:
    client = _login(peered, tmp_path, "in-admin", "ru")
    page = client.get("/sync").text
    assert "Синхронизация и целостность" in page and "Скачать доказательства" in page
    assert "Open incidents" not in page


def test_single_node_mode_says_so(demo_database: Database, tmp_path: Path) -> None:
    client = _login(demo_database, tmp_path, "in-admin")
    page = client.get("/sync")
    assert page.status_code == 200 and "single-node mode" in page.text
