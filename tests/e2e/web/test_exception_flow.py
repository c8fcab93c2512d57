"""The exception flow on the pages: live check, consent with the rules waived, history, and
actions that are refused shown on the page they came from (no dead-end error page)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from tests.e2e.web.conftest import Login, csrf_of


def _days(n: int) -> str:
    return (datetime.now(UTC) + timedelta(days=n)).date().isoformat()


def short_notice_visit(**extra: str) -> dict[str, str]:
    """A warship visit in three days: breaks only RELOS's notice rule."""
    return {
        "agreement": "in-ru-relos",
        "purpose": "joint_exercise",
        "title": "Short-notice port call",
        "commander_name": "R. Singh",
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
        **extra,
    }


def _check(client: TestClient, token: str, form: dict[str, str]) -> dict[str, object]:
    answer = client.post("/deployments/check", data=form, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200
    result: dict[str, object] = answer.json()
    return result


def test_live_check_says_pending_when_only_waivable_rules_break(login: Login) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    asked = _check(india, token, short_notice_visit(request_exception="on"))
    assert asked["ok"] is True and asked["status"] == "pending_host_consent"
    assert asked["problems"] == []
    assert any("too little notice" in str(text) for text in asked["excepted"])  # type: ignore[attr-defined]
    not_asked = _check(india, token, short_notice_visit())
    assert not_asked["ok"] is False and not_asked["may_ask"] is True


def test_host_sees_the_waived_rule_and_the_note_lands_in_history(login: Login) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    filed = india.post(
        "/deployments/new", data={**short_notice_visit(request_exception="on"), "csrf": token}
    )
    deployment = filed.url.path.rsplit("/", 1)[1]
    host = login("ru-host-liaison")
    page = host.get(f"/deployments/{deployment}").text
    waived = page[page.index('data-testid="waived"') :]
    assert "Filed with too little notice." in waived and "Rules the host would waive" in waived
    assert re.search(r'<td class="num">\d+</td>', waived), "limit and would-be value shown"
    decided = host.post(
        f"/deployments/{deployment}/consent",
        data={"decision": "decline", "note": "Berth taken by a state visit", "csrf": csrf_of(page)},
    )
    assert decided.status_code == 200 and "Exception declined." in decided.text
    history = india.get(f"/deployments/{deployment}").text
    history = history[history.index('data-testid="history"') :]
    assert "Berth taken by a state visit" in history and "Declined" in history


def test_completion_is_offered_only_once_started_and_errors_stay_on_the_page(
    login: Login,
) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    later = {
        "agreement": "in-ru-relos",
        "purpose": "humanitarian_assistance",
        "title": "Relief later",
        "commander_name": "A. Kumar",
        "e0.kind": "personnel",
        "e0.count": "50",
        "e0.facility": "RUVVO",
        "e0.start": _days(40),
        "e0.end": _days(50),
        "csrf": token,
    }
    filed = india.post("/deployments/new", data=later)
    deployment = filed.url.path.rsplit("/", 1)[1]
    assert "Record completion" not in filed.text
    refused = india.post(
        f"/deployments/{deployment}/complete", data={"actual_end": _days(60), "csrf": token}
    )
    assert refused.status_code == 422
    assert 'data-testid="refused"' in refused.text and "Short-notice" not in refused.text
    assert "Relief later" in refused.text  # the deployment's own page, not an error page


def test_cancelling_asks_first(login: Login) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    filed = india.post(
        "/deployments/new", data={**short_notice_visit(request_exception="on"), "csrf": token}
    )
    deployment = filed.url.path.rsplit("/", 1)[1]
    assert f'href="/deployments/{deployment}/cancel"' in filed.text
    assert f'action="/deployments/{deployment}/cancel"' not in filed.text
    confirm = india.get(f"/deployments/{deployment}/cancel").text
    assert "Cancel this deployment?" in confirm
    done = india.post(f"/deployments/{deployment}/cancel", data={"csrf": csrf_of(confirm)})
    assert "The deployment is cancelled." in done.text and "status-cancelled" in done.text


def test_a_refused_filing_keeps_the_form_under_a_banner(login: Login) -> None:
    india = login("in-planner")
    token = csrf_of(india.get("/deployments/new").text)
    refused = india.post("/deployments/new", data={**short_notice_visit(), "csrf": token})
    assert refused.status_code == 422
    assert 'data-testid="refused"' in refused.text and "Not filed:" in refused.text
    assert 'value="INS Example"' in refused.text
