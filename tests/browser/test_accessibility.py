"""Every page passes an axe-core scan with no violations, and every page is photographed.

The pages are found by following links from the dashboard, one page of each shape (one
deployment, one order...), as an administrator in English and as the Russian host liaison
in Russian, plus the pages that only appear after an action (a refused filing, the cancel
confirmation). axe-core comes from the npm registry at set-up (node_modules/axe-core) and is
injected by the test; the app never serves it. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page
from tests.browser.conftest import ROOT, Session, Watch, _watch

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SKIP = ("/api/", "/static/", "/logout", "/login", "/lang/")
EXTRA = (
    "/no-such-page",
    "/logistics/statement?start=2026-06-01&end=2026-05-01",
    "/planner?platform=talwar&origin=INBOM&destination=RUVVO&depart=2027-01-15"
    "&objective=distance&reserve=0.15&agreements=in-ru-relos",
)


def _shape(path: str) -> str:
    if "?" in path and path.startswith(("/planner", "/logistics/statement")):
        return path
    bare = urlsplit(path).path
    return re.sub(r"/(dep_[0-9a-f]+|[0-9a-f-]{36}|in-[a-z]{2}-[a-z]+)(?=/|$)", "/item", bare)


def _scan(page: Page) -> list[dict[str, Any]]:
    if page.locator("[data-map]").count():
        page.wait_for_selector("[data-map][data-ready]", timeout=20000)
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe checked nothing"
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


def _session(browser: Browser, base: str, locale: str) -> Session:
    # axe is injected as an inline script, which the app's CSP (rightly) forbids.
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale=locale, bypass_csp=True
    )
    page = context.new_page()
    watch = Watch()
    _watch(page, watch)
    return Session(page, base, watch)


def _links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h.split("#")[0] for h in hrefs if h and h.startswith("/") and not h.startswith(SKIP)]


@pytest.mark.parametrize(
    ("user", "lang"), [("in-admin", "en"), ("ru-host-liaison", "ru"), ("in-finance", "en")]
)
def test_every_page_has_no_axe_violations(
    browser: Browser, server: str, user: str, lang: str
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core missing: run scripts/setup (npm ci)")
    web = _session(browser, server, "ru-RU" if lang == "ru" else "en-GB")
    web.login(user)
    if lang == "ru":
        web.go("/lang/ru?next=/")
    seen: set[str] = set()
    queue = deque(["/", *EXTRA])
    found: dict[str, list[dict[str, Any]]] = {}
    shots = 0
    while queue:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen:
            continue
        seen.add(shape)
        web.go(path)
        violations = _scan(web.page)
        if violations:
            found[path] = violations
        name = re.sub(r"[^a-z0-9]+", "-", shape.lower()).strip("-") or "dashboard"
        web.shoot(f"{user}-{lang}-{name}"[:120])
        shots += 1
        queue.extend(_links(web.page))
    web.page.context.close()
    assert shots >= 10, f"only {shots} pages reached"
    assert not found, f"axe violations for {user}: {found}"
