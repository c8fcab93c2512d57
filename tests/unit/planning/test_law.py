"""Passage law by flag and ship type: the pure rules, and the routes they shape."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import searoute

from relos.planning.errors import RouteBlocked
from relos.planning.law import Vessel
from relos.planning.passages import PassageRules
from relos.planning.seaway import Conditions, Seaway
from relos.planning.waypoints import resolve

AUGUST = datetime(2026, 8, 1, tzinfo=UTC)
TALWAR = Vessel("warship", "IN", 4035, 4.2, 15.2)
GRIGOROVICH = Vessel("warship", "RU", 4035, 4.2, 15.2)
VIKRAMADITYA = Vessel("warship", "IN", 45400, 10.2, 59.8)
TANKER = Vessel("merchant", "LR", 160000, 17.0, 50.0)


def test_montreux_asks_an_indian_frigate_for_8_days_notice_15_desirable(
    rules: PassageRules,
) -> None:
    straits = rules.find("Turkish Straits")
    verdict = straits.judge(TALWAR, date(2026, 8, 1), bound_home=False, opened=False)
    assert verdict.closed is None
    (notice,) = verdict.notices
    assert (notice.days, notice.desirable_days) == (8, 15)
    assert "Montreux Convention (1936) art. 13" in notice.reason
    assert any("21 days" in c for c in verdict.conditions)


def test_article_19_refuses_a_russian_warship_from_28_february_2022(rules: PassageRules) -> None:
    straits = rules.find("Turkish Straits")
    refused = straits.closure(date(2026, 8, 1), GRIGOROVICH, opened=False)
    assert refused is not None and "article 19" in refused and "28 Feb 2022" in refused
    assert straits.closure(date(2022, 2, 27), GRIGOROVICH, opened=False) is None
    home = straits.closure(date(2026, 8, 1), GRIGOROVICH, opened=False, bound_home=True)
    assert home is None  # returning to its Black Sea base
    assert straits.closure(date(2026, 8, 1), GRIGOROVICH, opened=True) is None  # switched off
    merchant = Vessel("merchant", "RU")
    assert straits.closure(date(2026, 8, 1), merchant, opened=False) is None


def test_montreux_tonnage_bars_a_carrier_of_a_non_black_sea_power(rules: PassageRules) -> None:
    straits = rules.find("Turkish Straits")
    refused = straits.closure(date(2026, 8, 1), VIKRAMADITYA, opened=True)
    assert refused is not None and "displacement 45400 t exceeds 15000 t" in refused


def test_canal_limits_are_checked_against_the_platform(rules: PassageRules) -> None:
    day = date(2026, 8, 1)
    panama = rules.find("Panama")
    assert panama.closure(day, TALWAR, opened=False) is None
    refused = panama.closure(day, VIKRAMADITYA, opened=False)
    assert refused is not None and "beam 59.8 m exceeds 51.25 m" in refused
    assert rules.find("Suez").closure(day, VIKRAMADITYA, opened=False) is None
    assert rules.find("Suez").closure(day, Vessel("warship", "XX", draught_m=21), False)


def test_the_nsr_wants_90_days_from_foreign_warships_and_ice_class_conditions(
    rules: PassageRules,
) -> None:
    nsr = rules.find("NSR")
    day = date(2026, 8, 1)
    foreign = nsr.judge(TALWAR, day, bound_home=False, opened=False)
    assert [n.days for n in foreign.notices] == [90]
    assert any("ice class" in c for c in foreign.conditions)
    assert nsr.judge(GRIGOROVICH, day, bound_home=False, opened=False).notices == ()
    iced = Vessel("warship", "IN", ice_class="Arc4")
    assert not nsr.judge(iced, day, bound_home=False, opened=False).conditions
    assert nsr.closure(date(2026, 1, 15), GRIGOROVICH, opened=True) is not None  # ice


def test_risk_flags_are_data_with_dates(rules: PassageRules) -> None:
    red_sea = rules.find("Bab-el-Mandeb")
    now = red_sea.judge(TALWAR, date(2026, 8, 1), bound_home=False, opened=False)
    assert now.closed is None and any("UKMTO" in r for r in now.risks)
    before = red_sea.judge(TALWAR, date(2023, 1, 1), bound_home=False, opened=False)
    assert before.risks == ()
    assert rules.find("Hormuz").judge(TANKER, date(2026, 8, 1), False, False).risks


def test_every_rule_names_its_source(rules: PassageRules) -> None:
    for passage in rules.passages:
        for rule in passage.law.rules:
            assert rule.source and rule.text, rule.id


def test_russian_frigate_novorossiysk_to_the_mediterranean_is_refused_but_may_go_home(
    seaway: Seaway,
) -> None:
    novorossiysk, piraeus = resolve("RUNVS"), resolve("GRPIR")
    out = Conditions(AUGUST, vessel=GRIGOROVICH)
    with pytest.raises(RouteBlocked) as blocked:
        seaway.route(novorossiysk, piraeus, out)
    assert any("Turkish Straits" in r and "article 19" in r for r in blocked.value.reasons)
    home = Conditions(AUGUST, vessel=GRIGOROVICH, home_ports=frozenset({(37.79, 44.72)}))
    home_port = resolve("37.79,44.72")
    assert "Turkish Straits" in seaway.route(piraeus, home_port, home).via


def test_mumbai_novorossiysk_is_within_2_percent_of_searoute(seaway: Seaway) -> None:
    """Geography: no platform, every passage open; searoute measured in the same run."""
    mumbai, novorossiysk = resolve("INBOM"), resolve("RUNVS")
    found = seaway.route(mumbai, novorossiysk, Conditions(AUGUST))
    theirs = searoute.searoute(
        [mumbai.lon, mumbai.lat], [novorossiysk.lon, novorossiysk.lat], units="naut"
    )
    theirs_nm = float(theirs["properties"]["length"])
    ours_at_sea = found.distance_nm - sum(found.approach_nm)  # searoute leaves approaches out
    assert ours_at_sea == pytest.approx(theirs_nm, rel=0.02)
    assert found.via == ("Bab-el-Mandeb", "Suez", "Turkish Straits")
