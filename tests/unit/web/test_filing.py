from __future__ import annotations

from relos.web.filing import Problem, element_indexes, filing_body, parse, violation_problems
from relos.web.i18n import Formatter

FORM = {
    "agreement": "in-ru-relos",
    "purpose": "training",
    "title": " Drill ",
    "commander_name": "A. Kumar",
    "commander_rank": "",
    "e0.kind": "personnel",
    "e0.count": "300",
    "e0.facility": "RUVVO",
    "e0.start": "2026-07-01",
    "e0.end": "2026-07-10",
    "e0.name": "ignored for personnel",
    "e2.kind": "aircraft",
    "e2.type": "P-8I",
    "e2.serial": "IN321",
    "e2.facility": "UHWW",
    "e2.start": "2026-07-02",
    "e2.end": "2026-07-05",
}


def same(text: str) -> str:
    return text


def test_form_becomes_the_api_body() -> None:
    body = filing_body(FORM, "IN")
    assert body["deploying_party"] == "IN" and body["title"] == "Drill"
    assert element_indexes(FORM) == [0, 2]
    personnel, aircraft = body["elements"]
    assert personnel == {
        "kind": "personnel",
        "count": "300",
        "facility": "RUVVO",
        "start": "2026-07-01T00:00:00Z",
        "end": "2026-07-10T00:00:00Z",
    }
    assert aircraft["serial"] == "IN321" and aircraft["call_sign"] == ""
    filing, problems = parse(body, same)
    assert problems == [] and filing is not None and len(filing.elements) == 2


def test_bad_input_lands_on_its_field() -> None:
    form = {**FORM, "e0.count": "many", "e2.serial": "", "commander_name": "", "title": ""}
    filing, problems = parse(filing_body(form, "IN"), same)
    assert filing is None
    keys = {p.key for p in problems}
    assert {"e0.count", "e2.serial", "commander_name", "title"} <= keys


def test_violations_sit_beside_the_field_to_fix() -> None:
    body = filing_body(FORM, "IN")
    violations = [
        {
            "code": "cap_exceeded",
            "message": "m",
            "element": 0,
            "category": "personnel",
            "limit": 3000,
            "would_be": 3300,
            "at": "2026-07-01T00:00:00Z",
        },
        {"code": "notice_too_short", "message": "m", "element": 1},
        {"code": "purpose_not_permitted", "message": "m"},
        {"code": "unit_double_booked", "message": "m", "element": 1},
    ]
    # the service counts elements by position (0, 1); the form names them e0 and e2
    placed = violation_problems(violations, body, Formatter("en"), same)
    assert [p.key for p in placed] == ["e0.count", "e2.start", "purpose", "e2.serial"]
    assert "3,300" in placed[0].text and "3,000" in placed[0].text
    russian = violation_problems(violations[:1], body, Formatter("ru"), same)
    assert "3 300" in russian[0].text.replace("\xa0", " ")


def test_problem_keys() -> None:
    assert Problem("title", "x").key == "title"
    assert Problem("count", "x", 3).key == "e3.count"
