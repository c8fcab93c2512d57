"""The "Sync and integrity" page of a node with a partner and a fork incident, in headless
Chromium: the status table, the evidence downloaded as a JSON file, the page in Russian,
and an axe scan of the page as it looks with an incident (the crawl in
test_accessibility.py sees the demo's single-node page)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, expect
from tests.browser.conftest import Session, Watch, _ensure_assets, _free_port, _watch
from tests.browser.test_accessibility import _scan

from relos.access.domain import SYSTEM
from relos.app import create_app
from relos.federation import arrival
from relos.federation.service import add_peer
from relos.kit.db import Database
from relos.kit.settings import Settings
from relos.lifecycle import load_demo, upgrade_database
from relos.tlog import service as node
from relos.tlog.keys import Signer
from relos.tlog.node import node_name

pytestmark = pytest.mark.browser
HELD = "relos.example/RU/in-ru-relos\n3\nAAAA\n\n— relos.example/RU abc\n"
OTHER = "relos.example/RU/in-ru-relos\n3\nBBBB\n\n— relos.example/RU def\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """India's node (demo data) with Russia's node pinned and one fork incident."""
    _ensure_assets()
    folder = tmp_path_factory.mktemp("sync-web")
    db = Database(f"sqlite:///{folder / 'relos.db'}", folder)
    upgrade_database(db)
    load_demo(db)
    with db.transaction() as session:
        node.init_node(session, SYSTEM, "IN")
        add_peer(
            session,
            SYSTEM,
            "RU",
            "http://ru.node.test",
            Signer.generate(node_name("RU")).verifier.vkey,
        )
        arrival.incident(
            session,
            "RU",
            "fork",
            "relos.example/RU/in-ru-relos: two checkpoints of size 3 with different roots",
            origin="relos.example/RU/in-ru-relos",
            checkpoint=OTHER,
            last_cosigned=HELD,
        )
    app = create_app(Settings(database_url=db.url, data_dir=folder), db)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def _session(browser: Browser, server: str, locale: str) -> Session:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale=locale,
        accept_downloads=True,
        bypass_csp=True,
    )
    page = context.new_page()
    watch = Watch()
    _watch(page, watch)
    return Session(page, server, watch)


def test_an_auditor_reads_the_status_and_downloads_the_evidence(
    browser: Browser, server: str
) -> None:
    web = _session(browser, server, "en-GB")
    web.login("in-auditor")
    web.page.get_by_role("link", name="Sync and integrity").click()
    expect(web.page.get_by_role("heading", level=1)).to_have_text("Sync and integrity")
    expect(web.page.get_by_test_id("open-incidents")).to_be_visible()
    expect(web.page.get_by_test_id("peers").locator('tr[data-party="RU"]')).to_have_count(1)
    with web.page.expect_download() as info:
        web.page.get_by_test_id("evidence-1").click()
    download = info.value
    assert download.suggested_filename == "incident-1-evidence.json"
    evidence = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert evidence["kind"] == "fork"
    assert (evidence["evidence"]["checkpoint"], evidence["evidence"]["last_cosigned"]) == (
        OTHER,
        HELD,
    )
    assert _scan(web.page) == []
    assert web.watch.clean(), web.watch
    web.shoot("sync-and-integrity")
    web.page.context.close()


def test_the_page_in_russian_passes_axe(browser: Browser, server: str) -> None:
    web = _session(browser, server, "ru-RU")
    web.login("in-admin")
    web.go("/sync")
    expect(web.page.get_by_role("heading", level=1)).to_have_text("Синхронизация и целостность")
    expect(web.page.get_by_test_id("evidence-1")).to_have_text("Скачать доказательства (JSON)")
    assert _scan(web.page) == []
    web.page.context.close()
