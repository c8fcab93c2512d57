"""Browser tests: real headless Chromium (Debian's) driving relos served by uvicorn.

The server runs in a thread on a free localhost port over a fresh SQLite database with the
demo data. Every page fixture blocks all network except localhost and records any request
that failed or any console error, so a test can assert there were none.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)

from relos.access.demo import DEMO_PASSWORD
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings
from relos.lifecycle import load_demo, upgrade_database

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "relos" / "web" / "static" / "vendor"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ensure_assets() -> None:
    """The vendor libraries come from scripts/build-assets (run by scripts/setup)."""
    if (VENDOR / "leaflet" / "leaflet.js").exists():
        return
    if (ROOT / "node_modules" / "leaflet").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "build-assets")], check=True)
        return
    pytest.fail("front-end libraries missing: run scripts/setup (npm ci, scripts/build-assets)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of relos served with demo data on a fresh SQLite database."""
    _ensure_assets()
    folder = tmp_path_factory.mktemp("web")
    db = Database(f"sqlite:///{folder / 'relos.db'}", folder)  # its node key in the app's folder
    upgrade_database(db)
    load_demo(db)
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


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@dataclass
class Watch:
    """What went wrong while a page was open: blocked or failed requests, console errors."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def clean(self) -> bool:
        return not (self.blocked or self.failed or self.errors)


@dataclass
class Session:
    page: Page
    base: str
    watch: Watch

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def login(self, name: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/login")
        self.page.get_by_label(re.compile("User name|Имя пользователя")).fill(name)
        self.page.get_by_label(re.compile("^(Password|Пароль)$")).fill(password)
        self.page.get_by_role("button", name=re.compile("^(Log in|Войти)$")).click()
        self.page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    def shoot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _watch(page: Page, watch: Watch) -> None:
    def route(route: Route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
            return
        watch.blocked.append(route.request.url)
        route.abort()

    def failed(request: Request) -> None:
        # Leaving a page cancels its pending fetches (ERR_ABORTED): not a failure of the page.
        if request.failure != "net::ERR_ABORTED":
            watch.failed.append(f"{request.method} {request.url}: {request.failure}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.errors.append(message.text)

    page.route("**/*", route)
    page.on("requestfailed", failed)
    page.on("console", console)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))


@pytest.fixture
def web(browser: Browser, server: str) -> Iterator[Session]:
    """A fresh browser context (no cookies) at laptop width, English first."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = Watch()
    _watch(page, watch)
    yield Session(page, server, watch)
    context.close()
