"""English and Russian: gettext catalogues, the chosen locale, and locale-aware formatting.

Catalogues live in relos/locale/<lang>/LC_MESSAGES/relos.po; scripts/build-assets compiles
them to .mo. When a .mo is missing (a source checkout without the build step) the .po is
compiled in memory, so the UI never silently falls back to English.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from babel.units import format_unit
from fastapi import Request

LOCALES = ("en", "ru")
DEFAULT_LOCALE = "en"
LANG_COOKIE = "relos_lang"
DOMAIN = "relos"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def translations(locale: str) -> NullTranslations:
    """The catalogue for a locale (compiled .mo, else the .po compiled in memory)."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    # A .mo older than its .po (edited, not yet rebuilt) would show stale messages.
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _accepted(header: str) -> list[str]:
    """Language tags from Accept-Language, best first."""
    tags: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag:
            tags.append((weight, tag.strip().lower()))
    return [tag for _, tag in sorted(tags, key=lambda t: -t[0])]


def locale_of(request: Request) -> str:
    """The user's choice (cookie), else the browser's preference, else English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    for tag in _accepted(request.headers.get("accept-language", "")):
        if tag.split("-")[0] in LOCALES:
            return tag.split("-")[0]
    return DEFAULT_LOCALE


@dataclass(frozen=True)
class Formatter:
    """Dates, numbers and money the way the reader's locale writes them (times in UTC)."""

    locale: str

    def day(self, value: date | datetime | None) -> str:
        return "" if value is None else format_date(value, "d MMM y", locale=self.locale)

    def instant(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "d MMM y, HH:mm 'UTC'", tzinfo=UTC, locale=self.locale)

    def month(self, value: date) -> str:
        """A month tick: "Mar"; January shows the year instead ("2027"), where it turns."""
        pattern = "y" if value.month == 1 else "LLL"
        return format_date(value, pattern, locale=self.locale)

    def number(self, value: int | float | Decimal | str | None) -> str:
        return "" if value is None else format_decimal(Decimal(str(value)), locale=self.locale)

    def money(self, amount: Decimal | str, currency: str) -> str:
        return format_currency(Decimal(str(amount)), currency, locale=self.locale)

    def years(self, count: int) -> str:
        """ "5 years" / "5 лет", with the plural the language needs."""
        text: str = format_unit(count, "duration-year", length="long", locale=self.locale)
        return text

    def duration(self, delta: timedelta) -> str:
        """A countdown such as "in 4 years" (or "3 days ago" once past)."""
        return format_timedelta(
            delta, granularity="day", add_direction=True, threshold=1.5, locale=self.locale
        )

    def language_name(self, code: str) -> str:
        try:
            return Locale.parse(code).get_display_name(code) or code
        except (UnknownLocaleError, ValueError):
            return code

    def territory(self, code: str) -> str:
        """A party's name in the reader's language, e.g. RU -> "Russia" / "Россия"."""
        name: str = Locale.parse(self.locale).territories.get(code, code)
        return name
