from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from starlette.requests import Request

from relos.web.i18n import Formatter, locale_of


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "method": "GET", "path": "/"})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "en"),
        ({"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}, "ru"),
        ({"Accept-Language": "de, en;q=0.5, ru;q=0.7"}, "ru"),
        ({"Accept-Language": "ru", "Cookie": "relos_lang=en"}, "en"),
        ({"Cookie": "relos_lang=xx"}, "en"),
    ],
)
def test_locale_choice(headers: dict[str, str], expected: str) -> None:
    assert locale_of(_request(headers)) == expected


def test_russian_formats() -> None:
    ru = Formatter("ru")
    assert ru.day(date(2031, 1, 1)) == "1 янв. 2031"
    assert ru.instant(datetime(2026, 7, 1, 12, 30, tzinfo=UTC)) == "1 июл. 2026, 12:30 UTC"
    assert ru.number(3000).replace("\xa0", " ") == "3 000"
    assert ru.years(5) == "5 лет" and ru.years(1) == "1 год"
    assert ru.duration(timedelta(days=1600)) == "через 4 года"
    assert ru.territory("IN") == "Индия"


def test_english_formats() -> None:
    en = Formatter("en")
    assert en.number(3000) == "3,000"
    assert en.money("1234.5", "RUB") == "RUB1,234.50"
    assert en.month(date(2027, 1, 1)) == "2027" and en.month(date(2027, 3, 1)) == "Mar"
