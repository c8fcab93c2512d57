"""The planner page shows the passage law and what each agreement contributes."""

from __future__ import annotations

import html
import json
import re

import shapely
from tests.e2e.web.conftest import Login

from relos.planning.airstore import airspace


def test_the_page_lists_passage_notices_risks_and_contributions(login: Login) -> None:
    client = login("in-planner")
    query = {
        "platform": "talwar",
        "origin": "INBOM",
        "destination": "RUNVS",
        "depart": "2026-07-15",
        "objective": "distance",
        "reserve": "0.15",
        "agreements": ["in-ru-relos", "in-fr-rls", "in-us-lemoa"],
    }
    page = client.get("/planner", params=query)
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="contributions"' in text
    assert "turkish_straits" in text and "Montreux" in text
    assert 'data-testid="conditions"' in text and 'data-testid="risks"' in text


def test_the_c17_to_ayni_is_drawn_round_pakistan_with_each_overflight(login: Login) -> None:
    query = {
        "platform": "c17_in",
        "origin": "VIAG",
        "destination": "TJ-AYNI",
        "depart": "2026-07-15",
        "objective": "distance",
        "reserve": "0.15",
        "agreements": ["in-ru-relos"],
    }
    client = login("in-planner")
    text = client.get("/planner", params=query).text
    assert "Overflight" in text
    drawn = re.search(r'data-route="([^"]*)"', text)
    assert drawn is not None
    lines = json.loads(html.unescape(drawn.group(1)))["lines"]
    flown = [line["coordinates"] for line in lines if not line["baseline"]]
    assert len(flown) == 1 and len(flown[0]) > 10  # along the route, not end to end
    assert not shapely.intersects(airspace().borders.shapes["PK"], shapely.LineString(flown[0]))
    assert "Iran grants overflight" in text and "Tajikistan grants overflight" in text
    client.cookies.set("relos_lang", "ru")
    russian = client.get("/planner", params=query).text
    assert "разрешение на пролёт: Иран" in russian
    assert "Iran grants overflight" not in russian
