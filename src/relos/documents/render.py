"""HTML of a document from its template, and PDF from that HTML (WeasyPrint).

The PDF renderer fetches nothing: every style is inline in the template and the URL
fetcher refuses any URL, so a document never reaches the network. Fonts are the system's
(DejaVu from Debian's fonts-dejavu-core covers Latin and Cyrillic).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, select_autoescape

from relos.documents.labels import text
from relos.web.i18n import LOCALES, translations
from relos.web.vocabulary import ITEMS, UNITS

TEMPLATES = Path(__file__).resolve().parent / "templates"
PDF = "application/pdf"


def _signed(value: Any, lang: str = "en") -> str:
    """An amount with its sign always shown (+12.50, −3.00, 0.00), grouped by thousands."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    body = _amount(abs(number), lang)
    if number > 0:
        return f"+{body}"
    return f"\u2212{body}" if number < 0 else body


def _amount(value: Any, lang: str = "en") -> str:
    """Two decimals, thousands grouped by a thin space (ISO 31-0), and the decimal sign of
    the document's language: 12 345.50 in English, 12 345,50 in Russian."""
    try:
        grouped = f"{Decimal(str(value)):,.2f}".replace(",", "\u202f")
    except InvalidOperation:
        return str(value)
    return grouped.replace(".", ",") if lang == "ru" else grouped


def _number(value: Any, lang: str = "en") -> str:
    """A measure as the document's language writes it: 142.5 m in English, 142,5 in Russian."""
    text = "" if value is None else str(value)
    return text.replace(".", ",") if lang == "ru" and re.fullmatch(r"-?\d+\.\d+", text) else text


def _day(value: str | None) -> str:
    return value[:10] if value else ""


def _moment(value: str | None) -> str:
    return value.replace("T", " ").replace("Z", " UTC") if value else ""


@cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = lambda wording: text(lang, wording)
    env.globals["lang"] = lang
    # Agreement titles and short names: their Russian forms are in the web catalogue.
    catalogue = translations(lang if lang in LOCALES else "en")
    env.filters["ref"] = catalogue.gettext
    env.filters["unit"] = lambda code: catalogue.gettext(UNITS[code]) if code in UNITS else code
    env.filters["item"] = lambda code: catalogue.gettext(ITEMS[code]) if code in ITEMS else code
    env.filters["signed"] = lambda value: _signed(value, lang)
    env.filters["amount"] = lambda value: _amount(value, lang)
    env.filters["number"] = lambda value: _number(value, lang)
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    return env


def render_html(template: str, context: dict[str, Any], lang: str) -> str:
    printed = date.today().isoformat()
    return _environment(lang).get_template(template).render(printed=printed, **context)


def _no_fetching(url: str, timeout: int = 10, ssl_context: Any = None) -> NoReturn:
    raise ValueError(f"documents fetch nothing ({url!r})")


def to_pdf(html: str) -> bytes:
    """The document as PDF; imported lazily so the app starts without loading Pango."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    return pdf


def wants_pdf(accept: str | None, format_: str | None = None) -> bool:
    """PDF when asked by `Accept: application/pdf` (API) or `?format=pdf` (links)."""
    if format_ is not None:
        return format_.lower() == "pdf"
    return bool(accept) and PDF in (accept or "").lower()
