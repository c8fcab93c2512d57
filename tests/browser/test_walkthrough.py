"""A staff officer's session, end to end in a real browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser


def _gauge(web: Session, party: str, category: str) -> int:
    gauge = web.page.locator(f'[data-testid="gauges-{party}"] [data-category="{category}"]')
    return int(gauge.get_attribute("data-used") or "-1")


def test_login_shows_map_and_gauges(web: Session) -> None:
    web.go("/")
    expect(web.page).to_have_url(re.compile("/login"))
    web.login("in-planner")
    expect(web.page.get_by_test_id("who")).to_contain_text("in-planner")
    map_root = web.page.locator("#map")
    expect(map_root).to_have_attribute("data-ready", "1", timeout=15000)
    expect(web.page.locator("#map path.leaflet-interactive").first).to_be_attached()
    expect(web.page.locator("#map .leaflet-overlay-pane path")).not_to_have_count(0)
    # Symbols close together are one numbered cluster; clicking it spreads them out.
    cluster = web.page.locator("#map .sym-cluster").first
    if cluster.count():
        expect(cluster.locator("span")).to_have_attribute("title", re.compile(r"\w"))
        cluster.click()
    web.page.locator("#map .leaflet-marker-pane .sym-icon").first.dispatch_event("mouseover")
    expect(web.page.locator(".leaflet-tooltip").first).to_be_visible()
    for party in ("IN", "RU"):
        gauges = web.page.get_by_test_id(f"gauges-{party}")
        expect(gauges.locator(".gauge")).to_have_count(3)
    expect(web.page.get_by_test_id("timeline-IN").locator("line.t-cap")).to_have_count(3)
    web.shoot("dashboard")
    assert web.watch.clean(), web.watch


def test_filing_refused_inline_then_cleared_and_gauge_moves(web: Session) -> None:
    web.login("in-planner")
    before = _gauge(web, "IN", "personnel")
    today = datetime.now(UTC).date()
    web.go("/deployments/new")
    page = web.page
    page.get_by_label("Purpose").select_option("humanitarian_assistance")
    page.get_by_label("Title").fill("Cyclone relief detachment")
    page.get_by_label("Commander's name").fill("A. Kumar")
    page.get_by_label("Kind").select_option("personnel")
    page.get_by_label("Facility (UN/LOCODE or ICAO)").fill("RUVVO")
    page.get_by_label("From (UTC)").fill(today.isoformat())
    page.get_by_label("Until (UTC), not included").fill((today + timedelta(days=10)).isoformat())
    count = page.get_by_label("Number of personnel")
    count.fill("5000")
    # an element added and removed again leaves the filing as it was
    page.get_by_role("button", name="Add an element").click()
    expect(page.locator("fieldset.element")).to_have_count(2)
    page.locator("fieldset.element").nth(1).get_by_role("button", name="Remove").click()
    expect(page.locator("fieldset.element")).to_have_count(1)
    error = page.locator('[data-error-for="e0.count"]')
    expect(error).to_contain_text("cap would be exceeded", timeout=10000)
    expect(count).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("check-status")).to_contain_text("Breaks the agreement")
    # fields of other kinds are hidden and not complained about
    expect(page.get_by_label("Ship name")).to_be_hidden()
    expect(page.locator('[data-error-for="commander_rank"]')).to_be_empty()
    web.shoot("filing-refused")
    count.fill("300")
    expect(error).to_be_empty(timeout=10000)
    expect(page.get_by_test_id("check-status")).to_contain_text("cleared at once")
    page.get_by_role("button", name="File", exact=True).click()
    expect(page.get_by_test_id("filed")).to_contain_text("cleared")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    expect(page.locator("#map .sym-icon")).to_have_count(1)  # its one element, now present
    web.shoot("deployment-cleared")
    web.go("/")
    assert _gauge(web, "IN", "personnel") == before + 300
    expect(web.page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    web.shoot("dashboard-after-filing", full_page=False)
    assert web.watch.clean(), web.watch


def test_switch_to_russian(web: Session) -> None:
    web.login("ru-host-liaison")
    web.page.get_by_role("link", name="RU", exact=True).click()
    expect(web.page.locator("html")).to_have_attribute("lang", "ru")
    expect(web.page.get_by_role("navigation")).to_contain_text("Развёртывания")
    web.go("/agreements/in-ru-relos")
    expect(web.page.get_by_test_id("until")).to_contain_text("2031")
    expect(web.page.get_by_test_id("until")).to_contain_text("янв")
    web.shoot("agreement-ru")
    web.go("/")
    expect(web.page.get_by_test_id("gauges-IN")).to_contain_text("Личный состав")
    expect(web.page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    # The map's tooltips name the facility in Russian: "Мумбаи (INBOM)", not "Mumbai (INBOM)".
    facility = web.page.locator("#map .leaflet-overlay-pane path.leaflet-interactive").first
    facility.dispatch_event("mouseover")
    tip = web.page.locator(".leaflet-tooltip").first
    expect(tip).to_contain_text(re.compile(r"^[А-ЯЁ].* \([A-Z0-9-]+\)"))
    facility.dispatch_event("mouseout")
    cluster = web.page.locator("#map .sym-cluster").first
    if cluster.count():  # a cluster names its places in its title, then spreads out
        expect(cluster.locator("span")).to_have_attribute("title", re.compile(r"^[А-ЯЁ]"))
        cluster.click()
    web.page.locator("#map .leaflet-marker-pane .sym-icon").first.dispatch_event("mouseover")
    expect(web.page.locator(".leaflet-tooltip").first).to_contain_text(re.compile(r"^[А-ЯЁ]"))
    web.shoot("dashboard-ru")
    web.go("/deployments")
    web.shoot("deployments-ru")
    assert web.watch.clean(), web.watch


def test_plan_a_route_and_see_it_drawn(web: Session) -> None:
    web.login("in-planner")
    web.go("/planner")
    page = web.page
    page.get_by_label("Platform").select_option("talwar")
    page.get_by_label("From", exact=True).fill("INBOM")
    page.get_by_label("To", exact=True).fill("RUVVO")
    page.get_by_label("RELOS (IN–RU)").check()
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.get_by_test_id("plan-with")).to_contain_text("nm")
    expect(page.get_by_test_id("legs").locator("tbody tr")).not_to_have_count(0)
    expect(page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    expect(page.locator("#map path.route-plan").first).to_be_visible()
    expect(page.locator("#map path.route-stop").first).to_be_attached()
    web.shoot("planner")
    assert web.watch.clean(), web.watch


def test_reach_shows_what_the_agreement_opens(web: Session) -> None:
    web.login("in-planner")
    web.go("/planner")
    page = web.page
    page.get_by_label("From", exact=True).fill("INBOM")
    page.get_by_label("RELOS (IN–RU)").check()
    page.get_by_role("button", name="Show reach from the origin").click()
    reach = page.get_by_test_id("reach")
    expect(reach.locator("tr.gained").first).to_be_visible()
    expect(page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    expect(page.locator("#map path.reach-gained").first).to_be_attached()
    web.shoot("planner-reach")
    assert web.watch.clean(), web.watch
