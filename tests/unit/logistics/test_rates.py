"""Rate table: latest rate on or before a day, inverse pairs, row-naming import errors."""

from datetime import date
from decimal import Decimal

import pytest

from relos.kit.errors import RuleViolations
from relos.logistics.rates.domain import MissingRate, Rate, RateTable, parse_rates


def test_latest_rate_on_or_before_the_day_and_the_inverse() -> None:
    table = RateTable(
        [
            Rate("USD", "INR", date(2026, 7, 3), Decimal("84"), "RBI"),
            Rate("USD", "INR", date(2026, 7, 1), Decimal("83"), "RBI"),
        ]
    )
    assert table.rate("USD", "INR", date(2026, 7, 2)) == Decimal("83")
    assert table.rate("USD", "INR", date(2026, 7, 5)) == Decimal("84")
    assert table.rate("INR", "USD", date(2026, 7, 1)) == Decimal(1) / Decimal(83)
    with pytest.raises(MissingRate):
        table.rate("USD", "INR", date(2026, 6, 30))


def test_rate_file_errors_name_every_bad_row() -> None:
    text = (
        "base,quote,on,rate,source\n"
        "USD,INR,2026-07-01,83.1,RBI reference rate\n"
        "USD,XYZ,2026-07-01,1,x\n"
        "USD,INR,2026-07-02,-1,x\n"
        "USD,INR,,1,x\n"
    )
    with pytest.raises(RuleViolations) as refused:
        parse_rates(text)
    messages = [v.message for v in refused.value.violations]
    assert messages[0].startswith("row 2: unknown currency 'XYZ'")
    assert messages[1].startswith("row 3: rate -1")
    assert messages[2] == "row 4: on is required"
    assert parse_rates(text.split("USD,XYZ")[0])[0].source == "RBI reference rate"
