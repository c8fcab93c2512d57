"""Lists searched, sorted and filtered, the inbox count falling, and an order's PDF, in
headless Chromium (its own server: approving a consent changes the demo data)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser
REFERENCE = re.compile(r"^RELOS-(IN|RU)-\d{4}-\d{4}$")


def _references(web: Session) -> list[str]:
    cells = web.page.get_by_test_id("deployments").locator("tbody td.ref a")
    return [text.strip() for text in cells.all_inner_texts()]


def test_deployments_list_searched_sorted_and_filtered(web: Session) -> None:
    web.login("in-planner")
    web.go("/deployments")
    everything = _references(web)
    assert len(everything) == 5 and all(REFERENCE.match(r) for r in everything)
    filters = web.page.get_by_test_id("list-filters")
    filters.get_by_label("Search").fill("indra")
    filters.get_by_role("button", name="Show").click()
    expect(web.page.get_by_test_id("deployments").locator("tbody tr")).to_have_count(3)
    header = web.page.get_by_test_id("deployments").locator('a[data-sort="reference"]')
    header.click()
    header = web.page.get_by_test_id("deployments").locator('a[data-sort="reference"]')
    header.click()  # the second click reverses the order
    expect(web.page).to_have_url(re.compile(r"sort=-reference"))
    shown = _references(web)
    assert shown == sorted(shown, reverse=True) and len(shown) == 3
    filters = web.page.get_by_test_id("list-filters")
    filters.get_by_label("Status").select_option("pending_host_consent")
    filters.get_by_role("button", name="Show").click()
    expect(web.page.get_by_test_id("deployments").locator("tbody tr")).to_have_count(1)
    expect(web.page.get_by_test_id("deployments")).to_contain_text("second surface group")
    with web.page.expect_download() as download:
        web.page.get_by_test_id("export-csv").click()
    lines = download.value.path().read_text().splitlines()
    assert lines[0].startswith("reference,title") and len(lines) == 2
    web.shoot("deployments-filtered")
    assert web.watch.clean(), web.watch


def test_inbox_count_falls_when_the_consent_is_given(web: Session) -> None:
    web.login("ru-host-liaison")
    count = web.page.get_by_test_id("inbox-count")
    before = int(count.inner_text())
    web.go("/inbox")
    item = web.page.locator('[data-testid="inbox"] tr[data-kind="consent_requested"]')
    expect(item).to_have_count(1)
    web.shoot("inbox")
    item.get_by_role("link").click()
    web.page.wait_for_url(re.compile(r"/deployments/dep_"))
    web.go("/deployments")
    queue = web.page.get_by_test_id("consent-queue")
    queue.get_by_role("button", name="Approve").first.click()
    web.page.wait_for_load_state()
    web.go("/inbox")
    expect(web.page.locator('tr[data-kind="consent_requested"]')).to_have_count(0)
    after = web.page.get_by_test_id("inbox-count")
    if before == 1:
        expect(after).to_have_count(0)
    else:
        expect(after).to_have_text(str(before - 1))
    assert web.watch.clean(), web.watch


def test_order_pdf_downloaded_names_the_signatories(web: Session) -> None:
    web.login("in-logistics")
    web.go("/logistics")
    web.page.get_by_test_id("orders").locator("tbody th a").first.click()
    reference = web.page.locator("h1 .ref").inner_text().strip()
    order_id = web.page.url.rstrip("/").rsplit("/", 1)[1]
    order = web.page.request.get(f"{web.base}/api/v1/support-orders/{order_id}").json()
    signatories = {s["party"]: s["signed_by"] for s in order["signatures"]}
    assert set(signatories) == {"IN", "RU"}, "the demo order is signed by both sides"
    with web.page.expect_download() as download:
        web.page.get_by_test_id("order-pdf").click()
    reader = PdfReader(str(download.value.path()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reference in text
    assert text.count("Signed by") == 2 and "Not signed" not in text  # both signature blocks
    for name in signatories.values():  # who signed for each side, by name
        assert name in text, f"{name} missing from the PDF"
    assert web.watch.clean(), web.watch
