"""Jinja2 rendering: one environment per locale (gettext installed), one `render` for pages."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from relos.access.domain import Principal
from relos.access.policy import allowed
from relos.kit.timeutil import parse_instant
from relos.web.i18n import LOCALES, Formatter, locale_of, translations
from relos.web.inbox_count import InboxCounts
from relos.web.place_names import PLACE_NAMES
from relos.web.planner_text import Speaker
from relos.web.security import web_session
from relos.web.vocabulary import (
    AUDIT_ACTIONS,
    ITEMS,
    LABELS,
    N_,
    RECORD_TYPES,
    UNITS,
    VIOLATIONS,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"

# (path, label, action the user needs to see it in the menu)
NAV = (
    ("/", N_("Dashboard"), "reference.read"),
    ("/deployments", N_("Deployments"), "deployments.read"),
    ("/agreements", N_("Agreements"), "reference.read"),
    ("/logistics", N_("Logistics"), "logistics.read"),
    ("/planner", N_("Planner"), "plans.compute"),
    ("/audit", N_("Audit"), "audit.read"),
    ("/sync", N_("Sync and integrity"), "logs.verify"),
    ("/inbox", N_("Inbox"), "reference.read"),
    ("/finance", N_("Finance"), "ledger.read"),
    ("/admin/users", N_("Users"), "users.manage"),
)


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(locale)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.filters["label"] = lambda code: catalogue.gettext(LABELS[code]) if code in LABELS else code
    env.filters["action"] = lambda code: (
        catalogue.gettext(AUDIT_ACTIONS[code]) if code in AUDIT_ACTIONS else code
    )
    env.filters["record_kind"] = lambda code: (
        catalogue.gettext(RECORD_TYPES[code]) if code in RECORD_TYPES else code
    )
    env.filters["unit"] = lambda code: catalogue.gettext(UNITS[code]) if code in UNITS else code
    env.filters["item"] = lambda code: catalogue.gettext(ITEMS[code]) if code in ITEMS else code
    env.filters["memo"] = lambda memo: delivery_memo(memo, catalogue.gettext)
    env.filters["violation"] = lambda v: _violation_text(catalogue.gettext, v)
    speaker = Speaker(locale, catalogue.gettext)
    env.filters["plan_reason"] = speaker.reason
    env.filters["plan_notice"] = speaker.notice
    env.filters["plan_message"] = speaker.say
    env.filters["passage"] = speaker.passage
    # Reference texts (agreement titles, sources, notes): their Russian forms are in the catalogue.
    env.filters["ref"] = catalogue.gettext
    env.filters["todate"] = date.fromisoformat
    env.filters["toinstant"] = parse_instant
    env.globals["fmt"] = Formatter(locale)
    env.globals["locales"] = LOCALES
    env.globals["known_codes"] = frozenset(VIOLATIONS)
    env.globals["map_names"] = place_names(catalogue.gettext)
    env.globals["map_words"] = map_words(catalogue.gettext)
    return env


DELIVERED = re.compile(r"^(?P<quantity>[\d.]+) (?P<unit>\S+) (?P<item>\S.*)$")


def delivery_memo(memo: str, gettext: Any) -> str:
    """A delivery posting's memo ("600 t fresh-water", written by the deliveries service)
    with its unit and item in the reader's language; any other memo as it was written."""
    parts = []
    for part in memo.split("; "):
        found = DELIVERED.match(part)
        if found and found["unit"] in UNITS:
            unit, item = found["unit"], found["item"]
            words = gettext(ITEMS[item]) if item in ITEMS else item
            part = f"{found['quantity']} {gettext(UNITS[unit])} {words}"
        parts.append(part)
    return "; ".join(parts)


def place_names(gettext: Any) -> dict[str, str]:
    """Facility names as the map's tooltips show them: English name -> the reader's form
    (only those that differ, so an English page carries none)."""
    return {name: str(gettext(name)) for name in PLACE_NAMES if gettext(name) != name}


def map_words(gettext: Any) -> dict[str, str]:
    """The words of the map's facility tooltips, in the reader's language."""
    return {
        "berths": gettext(LABELS["berths"]),
        "max_draught_m": f"{gettext(LABELS['max draught'])} ({gettext('m')})",
        "aircraft_stands": gettext(LABELS["stands"]),
        "accommodation": gettext(LABELS["accommodation"]),
        "illustrative": gettext("illustrative"),
        "fuel": gettext("Fuel"),
    }


def _violation_text(gettext: Any, violation: dict[str, Any]) -> str:
    """The translated rule for a known code, else the service's own message."""
    code = violation.get("code", "")
    if code in VIOLATIONS:
        return str(gettext(VIOLATIONS[code]))
    # A code this UI does not know yet: its English message only for English readers.
    return str(gettext("The request breaks a rule of the agreement."))


def nav_for(user: Principal | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [(path, label) for path, label, action in NAV if allowed(user, action)]


def inbox_count(request: Request, user: Principal | None) -> int | None:
    """How many items wait for the user (the count beside Inbox in the menu)."""
    if user is None:
        return None
    state = request.app.state
    counts: InboxCounts | None = getattr(state, "inbox_counts", None)
    if counts is None:
        counts = state.inbox_counts = InboxCounts()
    return counts.count(state.db, user)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a page with what every page needs: user, CSRF token, locale and menu."""
    locale = locale_of(request)
    user: Principal | None = getattr(request.state, "web_user", None)
    base: dict[str, Any] = {
        "request": request,
        "user": user,
        "csrf": web_session(request).csrf,
        "lang": locale,
        "nav": nav_for(user),
        "path": request.url.path,
    }
    base.update(context or {})
    if "inbox_count" not in base:  # the inbox page passes the count it has just made
        base["inbox_count"] = inbox_count(request, user)
    html = environment(locale).get_template(template).render(base)
    return HTMLResponse(html, status_code=status)
