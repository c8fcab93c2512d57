"""The officers' daily journeys in a real browser: an exception from filing to the host's
decision, a replacement-in-kind settlement, a price list refused whole."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect
from tests.browser.conftest import Session, Watch, _watch

pytestmark = pytest.mark.browser

HEADER = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to,source"
)


def _other(browser: Browser, web: Session) -> Session:
    """A second officer in a browser context of their own."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = Watch()
    _watch(page, watch)
    return Session(page, web.base, watch)


def test_an_exception_from_the_live_check_to_the_hosts_note(web: Session, browser: Browser) -> None:
    web.login("in-planner")
    web.go("/deployments/new")
    page = web.page
    start = datetime.now(UTC).date() + timedelta(days=3)  # RELOS wants 14 days' notice
    page.get_by_label("Purpose").select_option("joint_exercise")
    page.get_by_label("Title").fill("Short-notice port call")
    page.get_by_label("Commander's name").fill("R. Singh")
    page.get_by_label("Kind").select_option("warship")
    for label, value in (
        ("Ship name", "INS Example"),
        ("Hull / pennant", "X901"),
        ("Class", "talwar"),
        ("Crew", "250"),
        ("Displacement (t)", "4035"),
        ("Length (m)", "124.8"),
        ("Beam (m)", "15.2"),
        ("Draught (m)", "4.5"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Facility (UN/LOCODE or ICAO)").fill("RUVVO")
    page.get_by_label("From (UTC)").fill(start.isoformat())
    page.get_by_label("Until (UTC), not included").fill((start + timedelta(days=3)).isoformat())
    status = page.get_by_test_id("check-status")
    expect(status).to_contain_text("tick “Ask the host for an exception”", timeout=10000)
    page.get_by_label("Ask the host for an exception").check()
    page.get_by_label("Justification").fill("Weather diversion")
    expect(status).to_contain_text("would wait for the host's consent", timeout=10000)
    expect(status).to_contain_text("too little notice")
    web.shoot("filing-pending-exception")
    page.get_by_role("button", name="File", exact=True).click()
    expect(page.get_by_test_id("filed")).to_contain_text("waiting for the host's consent")
    deployment = page.url.split("?")[0]

    host = _other(browser, web)
    host.login("ru-host-liaison")
    host.page.goto(deployment)
    waived = host.page.get_by_test_id("waived")
    expect(waived).to_contain_text("Filed with too little notice.")
    expect(waived.locator("tbody tr")).to_have_count(1)
    host.shoot("consent-waived-rules")
    host.page.get_by_label("Note to the deploying party (optional)").fill("Berth 3, tug at 0600")
    host.page.get_by_role("button", name="Approve the exception").click()
    expect(host.page.get_by_role("status").first).to_contain_text("Exception approved")
    host.page.context.close()

    page.goto(deployment)
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Berth 3, tug at 0600")
    expect(history).to_contain_text("exception approved")
    expect(page.get_by_role("link", name="Cancel this deployment")).to_be_visible()
    page.get_by_role("link", name="Cancel this deployment").click()
    expect(page.get_by_test_id("confirm-cancel")).to_be_visible()
    page.get_by_role("link", name="No, keep it").click()
    expect(page.locator(".status-cleared").first).to_be_visible()
    assert web.watch.clean(), web.watch


def test_a_replacement_in_kind_settlement(web: Session) -> None:
    web.login("ru-finance")
    web.go("/logistics")
    page = web.page
    orders = [a.get_attribute("href") for a in page.locator('a[href^="/logistics/orders/"]').all()]
    for href in dict.fromkeys(o for o in orders if o and not o.endswith("/new")):
        web.go(href)
        if page.get_by_text("Record a replacement in kind").count():
            break
    else:
        raise AssertionError("no replacement-in-kind order to settle")
    owed = page.get_by_test_id("owed").inner_text()
    page.get_by_label(re.compile("Quantity of .* returned")).first.fill("25")
    page.get_by_label("Receipt reference").fill("Bunker receipt 44")
    page.get_by_role("button", name="Record the replacement").click()
    expect(page.get_by_test_id("settled")).to_be_visible()
    expect(page.get_by_test_id("settlements")).to_contain_text("Bunker receipt 44")
    # The 25 t given back are valued at the price charged, and that much is no longer owed.
    expect(page.get_by_test_id("owed")).not_to_have_text(owed)
    web.shoot("settlement-in-kind")
    assert web.watch.clean(), web.watch


def test_a_price_list_with_one_bad_line_is_refused_whole(web: Session) -> None:
    web.login("in-logistics")
    before = len(web.page.request.get(web.base + "/api/v1/price-lists").json())
    web.go("/finance")
    page = web.page
    csv = (
        f"{HEADER}\n"
        "IN,INBOM,lube-oil-Z,lubricants,l,95.50,INR,2027-01-01,,Test list\n"
        "IN,INBOM,grease-Z,lubricants,kg,12,INR,2027-13-01,,Test list\n"
    )
    page.get_by_label("Price list (CSV)").set_input_files(
        files=[{"name": "prices.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Import the price list").click()
    refused = page.get_by_test_id("prices-refused")
    expect(refused).to_contain_text("Nothing was imported")
    expect(refused).to_contain_text("Row 2")
    web.shoot("price-list-refused")
    assert len(web.page.request.get(web.base + "/api/v1/price-lists").json()) == before
