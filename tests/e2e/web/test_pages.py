"""Pages call the same services and policy as the API: scoping, roles and the filing flow."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from tests.e2e.web.conftest import Login, csrf_of

from relos.access import service as access
from relos.access.schemas import NewUser
from relos.kit.db import Database

DEPLOYMENT_LINK = re.compile(r'href="/deployments/(dep_[^"]+)"')


def _days(n: int) -> str:
    return (datetime.now(UTC) + timedelta(days=n)).date().isoformat()


def _filing(count: str, **extra: str) -> dict[str, str]:
    return {
        "agreement": "in-ru-relos",
        "purpose": "humanitarian_assistance",
        "title": "Relief detachment",
        "commander_name": "A. Kumar",
        "e0.kind": "personnel",
        "e0.count": count,
        "e0.facility": "RUVVO",
        "e0.start": _days(0),
        "e0.end": _days(10),
        **extra,
    }


def test_each_role_sees_its_menu_and_is_refused_the_rest(login: Login) -> None:
    planner = login("in-planner")
    assert 'href="/audit"' not in planner.get("/").text
    assert planner.get("/audit").status_code == 403
    assert planner.get("/deployments/new").status_code == 200
    viewer = login("in-viewer")
    assert viewer.get("/deployments/new").status_code == 403
    auditor = login("ru-auditor")
    assert 'href="/audit"' in auditor.get("/").text
    assert "Each entry shown verifies" in auditor.get("/audit").text


def test_a_third_party_sees_nothing_of_relos(demo_database: Database, login: Login) -> None:
    with demo_database.transaction() as session:
        access.add_user(
            session, NewUser(name="fr-viewer", party="FR", roles=("viewer",), password="relos-demo")
        )
    india = login("in-viewer")
    deployment = DEPLOYMENT_LINK.findall(india.get("/deployments").text)[0]
    france = login("fr-viewer")
    assert france.get(f"/deployments/{deployment}").status_code == 404
    assert france.get("/agreements/in-ru-relos").status_code == 404
    assert "dep_" not in france.get("/deployments").text
    assert "RELOS" not in france.get("/agreements").text


def test_filing_refused_inline_then_cleared(login: Login) -> None:
    client = login("in-planner")
    token = csrf_of(client.get("/deployments/new").text)
    refused = client.post("/deployments/new", data={**_filing("5000"), "csrf": token})
    assert refused.status_code == 422
    assert re.search(r'data-error-for="e0.count"[^>]*>The cap would be exceeded', refused.text)
    assert 'name="e0.count" type="number" value="5000"' in refused.text
    check = client.post(
        "/deployments/check", data=_filing("300"), headers={"X-CSRF-Token": token}
    ).json()
    assert check == {
        "ok": True,
        "status": "cleared",
        "problems": [],
        "excepted": [],
        "may_ask": False,
    }
    filed = client.post("/deployments/new", data={**_filing("300"), "csrf": token})
    assert filed.status_code == 200 and "Filed and cleared" in filed.text
    api = client.get("/api/v1/deployments?status=cleared").json()
    assert any(d["title"] == "Relief detachment" for d in api)


def test_live_check_needs_the_csrf_header(login: Login) -> None:
    client = login("in-planner")
    assert client.post("/deployments/check", data=_filing("300")).status_code == 403


def test_host_consents_from_the_queue(login: Login) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    visit = {
        "agreement": "in-ru-relos",
        "purpose": "joint_exercise",
        "title": "Short-notice port call",
        "commander_name": "R. Singh",
        "request_exception": "on",
        "justification": "Weather diversion",
        "e0.kind": "warship",
        "e0.name": "INS Example",
        "e0.hull": "X901",
        "e0.class": "talwar",
        "e0.crew": "250",
        "e0.displacement_t": "4035",
        "e0.length_m": "124.8",
        "e0.beam_m": "15.2",
        "e0.draught_m": "4.5",
        "e0.facility": "RUVVO",
        "e0.start": _days(3),
        "e0.end": _days(6),
        "csrf": token,
    }
    filed = india.post("/deployments/new", data=visit)
    assert "waiting for the host" in filed.text
    deployment = filed.url.path.rsplit("/", 1)[1]
    host = login("ru-host-liaison")
    queue = host.get("/deployments").text
    assert "Short-notice port call" in queue and "Waiting for your consent" in queue
    decided = host.post(
        f"/deployments/{deployment}/consent",
        data={"decision": "approve", "csrf": csrf_of(queue)},
    )
    assert decided.status_code == 200 and "status-cleared" in decided.text
    assert india.get(f"/api/v1/deployments/{deployment}").json()["status"] == "cleared"


def test_dashboard_gauges_count_what_is_deployed_now(login: Login) -> None:
    client = login("in-planner")
    token = csrf_of(client.get("/deployments/new").text)
    client.post("/deployments/new", data={**_filing("300"), "csrf": token})
    page = client.get("/").text
    gauge = re.search(
        r'data-testid="gauges-IN".*?data-category="personnel" data-used="(\d+)"', page, re.S
    )
    assert gauge and int(gauge.group(1)) >= 300
    assert page.count('class="t-cap"') == 6


def test_amending_is_judged_again_and_guarded_by_its_etag(login: Login) -> None:
    client = login("in-planner")
    token = csrf_of(client.get("/deployments/new").text)
    filed = client.post("/deployments/new", data={**_filing("300"), "csrf": token})
    deployment = filed.url.path.rsplit("/", 1)[1]
    assert f'href="/deployments/{deployment}/amend"' in filed.text
    page = client.get(f"/deployments/{deployment}/amend").text
    assert 'name="e0.count" type="number" value="300"' in page
    etag = re.search(r'name="etag" value="([^"]+)"', page)
    assert etag
    amended = {**_filing("5000"), "csrf": token, "etag": html.unescape(etag.group(1))}
    refused = client.post(f"/deployments/{deployment}/amend", data=amended)
    assert refused.status_code == 422
    assert re.search(r'data-error-for="e0.count"[^>]*>The cap would be exceeded', refused.text)
    amended["e0.count"] = "400"
    done = client.post(f"/deployments/{deployment}/amend", data=amended)
    assert done.status_code == 200 and 'data-testid="amended"' in done.text
    api = client.get(f"/api/v1/deployments/{deployment}").json()
    assert api["elements"][0]["count"] == 400 and api["version"] == 2
    stale = client.post(f"/deployments/{deployment}/amend", data=amended)
    assert stale.status_code == 422 and "changed this deployment meanwhile" in stale.text
