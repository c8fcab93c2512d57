"""Pure helpers of the officers' pages: estimates, due dates, waived rules, planner texts,
refusals in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from relos.kit.errors import Forbidden, NotFound, RuleViolations, Violation
from relos.logistics.prices.table import PriceLine, PriceTable
from relos.web.i18n import translations
from relos.web.orders import counter_orders, due_on, estimate, returnable
from relos.web.planner_text import Speaker
from relos.web.problems import problem_lines
from relos.web.views.deployments import completion_default, waived_rules

RU = translations("ru").gettext
EN = translations("en").gettext


def _order(**extra: Any) -> dict[str, Any]:
    return {
        "id": "o1",
        "agreement": "in-ru-relos",
        "requesting_party": "IN",
        "supplying_party": "RU",
        "facility": "RUVVO",
        "lines": [
            {
                "line": 0,
                "item": "F-76",
                "quantity": "10",
                "unit": "t",
                "delivered": "4",
                "returned": "1",
            },
            {
                "line": 1,
                "item": "unpriced",
                "quantity": "2",
                "unit": "t",
                "delivered": "0",
                "returned": "0",
            },
        ],
        "owed": [{"currency": "RUB", "amount": "100.00"}],
        "deliveries": [
            {"delivered_at": "2026-05-10T00:00:00Z"},
            {"delivered_at": "2026-05-01T00:00:00Z"},
        ],
        **extra,
    }


def test_estimate_prices_each_line_and_flags_the_unpriced() -> None:
    book = PriceTable(
        [
            PriceLine(
                "RU", None, "F-76", "fuel", "t", Decimal("1000.5"), "RUB", date(2026, 1, 1), None
            )
        ]
    )
    result = estimate(_order(), book, date(2026, 6, 1))
    assert result.lines[0].amount is not None and str(result.lines[0].amount.amount) == "10005.00"
    assert result.lines[1].amount is None and not result.complete
    assert [str(t.amount) for t in result.totals] == ["10005.00"]


def test_due_date_runs_from_the_first_delivery_while_something_is_owed() -> None:
    assert due_on(_order(), 90) == date(2026, 7, 30)
    assert due_on(_order(owed=[{"currency": "RUB", "amount": "0"}]), 90) is None


def test_returnable_and_counter_orders() -> None:
    assert [(r["line"], r["left"]) for r in returnable(_order())] == [(0, Decimal("3"))]
    other = _order(id="o2", requesting_party="RU", supplying_party="IN")
    same_way = _order(id="o3")
    assert [o["id"] for o in counter_orders(_order(), [other, same_way])] == ["o2"]


def test_the_rules_waived_are_the_last_excused() -> None:
    deployment = {
        "end": "2026-07-10T00:00:00Z",
        "history": [
            {"detail": {"violations_excepted": [{"code": "cap_exceeded"}]}},
            {"detail": {"violations_excepted": [{"code": "notice_too_short"}]}},
            {"detail": {"note": "ok"}},
        ],
    }
    assert waived_rules(deployment) == [{"code": "notice_too_short"}]
    assert completion_default(deployment, date(2026, 7, 1)) == date(2026, 7, 1)
    assert completion_default(deployment, date(2026, 8, 1)) == date(2026, 7, 10)


def test_planner_messages_are_written_from_their_codes_in_russian() -> None:
    from datetime import date

    from relos.planning.law import Vessel
    from relos.planning.messages import coded, said
    from relos.planning.passages import load_passages

    speaker = Speaker("ru", RU)
    rules = load_passages()
    season = rules.find("Northern Sea Route").closure(date(2027, 1, 15), None, False)
    assert season is not None
    blocked = coded(said("route.blocked", "no open sea route: …", reasons=[season]))
    assert speaker.reason(blocked).startswith("Нет открытого морского пути: Северный морской путь")
    chain = coded(
        said("plan.no_chain", "…", party="IN", reach_nm=4250, speed_kn=14.0, reserve_pct=15)
    )
    assert "Индия" in speaker.reason(chain) and "15%" in speaker.reason(chain)
    russian = Vessel("warship", "RU", 6900.0)
    verdict = rules.find("Turkish Straits").judge(russian, date(2027, 6, 1), False, False)
    assert verdict.closed is not None and verdict.closed.code == "passage.rule"
    assert "статью 19" in speaker.reason(coded(verdict.closed))
    indian = Vessel("warship", "IN", 4000.0)
    law = rules.find("Turkish Straits").judge(indian, date(2027, 6, 1), False, False)
    assert "уведомляют Турцию" in speaker.notice(coded(law.notices[0].reason))
    assert all("Чёрн" in speaker.say(coded(c)) for c in law.conditions)
    visit = coded(
        said("notice.visit", "…", agreement="in-ru-relos", agreement_name="RELOS", kind="warship")
    )
    assert speaker.notice(visit).startswith("RELOS: уведомление о визите")
    assert Speaker("en", EN).reason(coded("something new")) == "something new"
    assert speaker.reason(coded("something new")) == RU("No feasible route for this mission.")


def test_every_passage_rule_has_a_russian_text() -> None:
    from relos.planning.passages import load_passages

    texts = [r.text for p in load_passages().passages for r in p.law.rules]
    assert texts and all(RU(t) != t for t in texts)


def test_refusals_are_worded_from_their_kind_or_their_rules() -> None:
    assert problem_lines(NotFound("no deployment dep_1"), "ru", RU) == [
        "Такой записи нет, или она вам недоступна."
    ]
    english = problem_lines(Forbidden("in-viewer may not file"), "en", EN)
    assert english == ["Your role or party does not allow this.", "in-viewer may not file."]
    rules = RuleViolations("x", [Violation("notice_too_short", "short", limit=14, would_be=3)])
    assert problem_lines(rules, "ru", RU)[0].startswith("Заявка подана слишком поздно")
