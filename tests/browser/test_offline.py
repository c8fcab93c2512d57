"""Every page loads with all network but localhost blocked: no blocked or failed request,
no console error, and nothing fetched from anywhere but relos itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser

STATIC_PAGES = [
    "/",
    "/deployments",
    "/deployments/new",
    "/agreements",
    "/agreements/in-ru-relos",
    "/logistics",
    "/planner",
    "/planner?platform=talwar&origin=INBOM&destination=RUVVO&depart=2027-03-01"
    "&objective=distance&reserve=0.15&agreements=in-ru-relos",
]


def _links(web: Session, pattern: str) -> list[str]:
    hrefs = web.page.locator(f'a[href^="{pattern}"]').evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return sorted({h for h in hrefs if re.search(r"/[^/]+$", h) and not h.endswith("/new")})[:2]


def _check_pages_load_offline(web: Session, paths: list[str], prefix: str) -> None:
    requests: list[str] = []
    web.page.on("request", lambda r: requests.append(r.url))
    for path in paths:
        response = web.page.goto(web.base + path)
        assert response is not None and response.status == 200, path
        web.page.wait_for_load_state("networkidle")
        if web.page.locator("[data-map]").count():
            expect(web.page.locator("[data-map]")).to_have_attribute("data-ready", "1")
        name = prefix + (path.strip("/").split("?")[0].replace("/", "-") or "dashboard")
        web.shoot(name)
    assert web.watch.clean(), web.watch
    assert requests and all(r.startswith(web.base) for r in requests), requests


def test_every_page_of_a_planner_loads_offline(web: Session) -> None:
    web.login("in-planner")
    web.go("/deployments")
    deployments = _links(web, "/deployments/dep")
    web.go("/logistics")
    orders = _links(web, "/logistics/orders/")
    assert deployments and orders
    _check_pages_load_offline(web, STATIC_PAGES + deployments + orders, "planner-")


def test_every_page_of_an_auditor_loads_offline(web: Session) -> None:
    web.login("ru-auditor")
    pages = ["/", "/audit", "/logistics", "/logistics/statement", "/agreements"]
    _check_pages_load_offline(web, pages, "auditor-")


def test_login_page_loads_offline(web: Session) -> None:
    _check_pages_load_offline(web, ["/login"], "anon-")


def test_tablet_width_keeps_map_and_menu(web: Session) -> None:
    web.page.set_viewport_size({"width": 820, "height": 1180})
    web.login("ru-host-liaison")
    expect(web.page.locator("#map")).to_have_attribute("data-ready", "1")
    box = web.page.locator("#map").bounding_box()
    assert box is not None and box["width"] <= 820
    width = web.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, f"page scrolls sideways at tablet width: {width}px"
    web.shoot("tablet-dashboard")
    assert web.watch.clean(), web.watch


def test_keyboard_reaches_login_and_submits(web: Session) -> None:
    web.go("/login")
    page = web.page
    first = page.evaluate("document.querySelector('a[href], button, input, select').className")
    assert first == "skip"  # the first stop of the tab order jumps past the menu
    expect(page.locator("#name")).to_be_focused()  # autofocus
    page.keyboard.type("in-viewer")
    page.keyboard.press("Tab")
    page.keyboard.type("relos-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("who")).to_contain_text("in-viewer")
    assert web.watch.clean(), web.watch
