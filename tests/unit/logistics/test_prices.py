"""Price lists: row-naming validation, overlaps, and the price in force on a day."""

from datetime import date
from decimal import Decimal

import pytest

from relos.kit.errors import InvalidInput, RuleViolations
from relos.logistics.prices.parse import parse_csv, parse_lines
from relos.logistics.prices.table import PriceTable

HEADER = "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to\n"


def codes_and_rows(text: str) -> list[tuple[str, int]]:
    with pytest.raises(RuleViolations) as refused:
        parse_csv(HEADER + text)
    return [(v.code, v.extra["row"]) for v in refused.value.violations]


def test_a_good_list_parses() -> None:
    [line] = parse_csv(HEADER + "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31\n")
    assert (line.supplying_party, line.facility, line.unit_price) == (
        "RU",
        "RUVVO",
        Decimal("70000.00"),
    )
    assert line.in_force(date(2031, 12, 31)) and not line.in_force(date(2032, 1, 1))


def test_unknown_currency_negative_price_and_bad_dates_name_their_rows() -> None:
    text = (
        "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,\n"
        "RU,RUVVO,F-44,fuel,t,70000.00,RBL,2026-01-01,\n"
        "RU,,ration,provisions,pack,-5,RUB,2026-01-01,\n"
        "RU,,water,provisions,t,5,RUB,2026-13-01,\n"
        "RU,,oil,fuel,t,5,RUB,2026-02-01,2026-01-01\n"
        "RU,,soap,provisions,,5,RUB,2026-02-01,\n"
    )
    assert codes_and_rows(text) == [
        ("unknown_currency", 2),
        ("negative_price", 3),
        ("invalid_value", 4),
        ("invalid_period", 5),
        ("missing_element", 6),
    ]


def test_overlapping_periods_for_the_same_supplier_item_and_facility_are_refused() -> None:
    text = (
        "RU,RUVVO,F-76,fuel,t,70000,RUB,2026-01-01,2026-12-31\n"
        "RU,RUVVO,F-76,fuel,t,72000,RUB,2026-12-31,\n"
        "RU,RUMMK,F-76,fuel,t,72000,RUB,2026-06-01,\n"
        "RU,,F-76,fuel,t,71000,RUB,2026-01-01,\n"
    )
    assert codes_and_rows(text) == [("overlapping_period", 2)]


def test_overlap_with_a_stored_price_is_refused_and_the_same_line_is_not() -> None:
    stored = parse_csv(HEADER + "RU,RUVVO,F-76,fuel,t,70000,RUB,2026-01-01,\n")
    assert parse_csv(HEADER + "RU,RUVVO,F-76,fuel,t,70000,RUB,2026-01-01,\n", stored) == stored
    with pytest.raises(RuleViolations, match="problem"):
        parse_csv(HEADER + "RU,RUVVO,F-76,fuel,t,1,RUB,2027-01-01,\n", stored)


def test_a_header_without_required_columns_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unit_price"):
        parse_csv("supplying_party,item\nRU,F-76\n")


def test_facility_price_beats_party_wide_price() -> None:
    book = PriceTable(
        parse_lines(
            [
                {
                    "supplying_party": "RU",
                    "item": "F-76",
                    "category": "fuel",
                    "unit": "t",
                    "unit_price": "70000",
                    "currency": "RUB",
                    "valid_from": "2026-01-01",
                },
                {
                    "supplying_party": "RU",
                    "facility": "RUVVO",
                    "item": "F-76",
                    "category": "fuel",
                    "unit": "t",
                    "unit_price": "75000",
                    "currency": "RUB",
                    "valid_from": "2026-01-01",
                    "valid_to": "2026-06-30",
                },
            ]
        )
    )
    at_vladivostok = book.in_force("RU", "F-76", "RUVVO", date(2026, 3, 1))
    later = book.in_force("RU", "F-76", "RUVVO", date(2026, 7, 1))
    assert at_vladivostok is not None and at_vladivostok.unit_price == Decimal("75000")
    assert later is not None and later.unit_price == Decimal("70000")
    assert book.in_force("RU", "F-76", "RUMMK", date(2025, 12, 31)) is None
    assert book.in_force("IN", "F-76", None, date(2026, 3, 1)) is None
