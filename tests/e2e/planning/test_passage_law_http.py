"""Passage law, agreement sets and the database as the source, over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import TokenFactory

from relos.facilities.models import FacilityRow
from relos.kit.db import Database

SUMMER = "2026-07-15T00:00:00Z"


def plan(client: TestClient, headers: dict[str, str], **extra: Any) -> Any:
    body: dict[str, Any] = {"platform": "talwar", "origin": "INBOM", "depart": SUMMER}
    body.update(extra)
    response = client.post("/api/v1/plans/route", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_indian_frigate_reaches_novorossiysk_with_a_montreux_notice(
    client: TestClient, auth: TokenFactory
) -> None:
    agreements = ["in-ru-relos", "in-fr-rls", "in-us-lemoa"]
    found = plan(client, auth("p", "IN"), destination="RUNVS", agreements=agreements)
    assert found["feasible"] is True, found["reason"]
    montreux = [n for n in found["notices"] if n["facility"] == "turkish_straits"]
    assert len(montreux) == 1
    notice = montreux[0]
    assert notice["kind"] == "passage" and notice["days"] == 8
    assert notice["desirable_days"] == 15 and "Montreux" in notice["reason"]
    assert notice["file_by"] < notice["visit"]
    assert any("21 days" in c for c in found["conditions"])
    assert any("Bab-el-Mandeb" in r for r in found["risks"])


def test_a_russian_frigate_may_not_leave_the_black_sea_for_the_mediterranean(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("ru", "RU")
    frigate = "admiral_grigorovich"
    out = plan(client, headers, platform=frigate, origin="RUNVS", destination="GRPIR")
    assert out["feasible"] is False
    assert "Turkish Straits" in out["reason"] and "article 19" in out["reason"]
    home = plan(client, headers, platform=frigate, origin="GRPIR", destination="RUNVS")
    assert home["feasible"] is True, home["reason"]
    assert any("return to its base" in c for c in home["conditions"])
    lifted = plan(
        client,
        headers,
        platform="admiral_grigorovich",
        origin="RUNVS",
        destination="GRPIR",
        open_passages=["Turkish Straits"],
    )
    assert lifted["feasible"] is True, lifted["reason"]


def test_a_sea_distance_without_a_platform_is_geography(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("v", "IN", ("viewer",))
    query = {"from": "INBOM", "to": "RUNVS", "depart": SUMMER}
    geography = client.get("/api/v1/sea-distance", params=query, headers=headers).json()
    assert geography["via"] == ["Bab-el-Mandeb", "Suez", "Turkish Straits"]
    assert geography["notices"] == [] and geography["platform"] is None
    judged = client.get(
        "/api/v1/sea-distance", params=query | {"platform": "talwar"}, headers=headers
    ).json()
    assert judged["distance_nm"] == geography["distance_nm"]
    days = {n["facility"]: n["days"] for n in judged["notices"]}
    assert days == {"suez": 10, "turkish_straits": 8}


def test_an_edited_facility_changes_the_next_plan(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    headers = auth("p", "IN")
    before = plan(client, headers, destination="RUMMK", agreements=["in-ru-relos"])
    stops = [s["facility"] for s in before["stops"]]
    assert before["feasible"] and stops
    with database.transaction() as session:  # an administrator withdraws the designations
        for row in session.scalars(select(FacilityRow)):
            if "in-ru-relos" in row.definition.get("designated_by", []):
                row.definition = {**row.definition, "designated_by": []}
    after = plan(client, headers, destination="RUMMK", agreements=["in-ru-relos"])
    assert after["feasible"] is False
    assert not any(s["access"].startswith("agreement") for s in after.get("stops", []))


def test_an_agreement_set_shows_what_each_agreement_contributes(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("p", "IN")
    agreements = ["in-ru-relos", "in-us-lemoa", "in-fr-rls"]
    found = plan(client, headers, destination="RUMMK", agreements=agreements)
    assert found["feasible"] is True
    assert [c["agreement"] for c in found["contributions"]] == agreements
    for c in found["contributions"]:
        assert set(c["without"]) >= {"feasible", "distance_nm", "days", "cost"}
    single = plan(client, headers, destination="RUMMK", agreements=["in-ru-relos"])
    assert single["contributions"] == []
