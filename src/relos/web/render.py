"""Jinja2 rendering: one environment per locale (gettext installed), one `render` for pages."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from relos.access.domain import Principal
from relos.access.policy import allowed
from relos.inbox import service as inbox
from relos.kit.db import Database
from relos.kit.timeutil import parse_instant
from relos.web.i18n import LOCALES, Formatter, locale_of, translations
from relos.web.planner_text import Speaker
from relos.web.security import web_session
from relos.web.vocabulary import LABELS, N_, VIOLATIONS

TEMPLATES = Path(__file__).resolve().parent / "templates"

# (path, label, action the user needs to see it in the menu)
NAV = (
    ("/", N_("Dashboard"), "reference.read"),
    ("/deployments", N_("Deployments"), "deployments.read"),
    ("/agreements", N_("Agreements"), "reference.read"),
    ("/logistics", N_("Logistics"), "logistics.read"),
    ("/planner", N_("Planner"), "plans.compute"),
    ("/audit", N_("Audit"), "audit.read"),
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
    return env


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
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        return len(inbox.inbox(session, user))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a page with what every page needs: user, CSRF token, locale and menu."""
    locale = locale_of(request)
    user: Principal | None = getattr(request.state, "web_user", None)
    base = {
        "request": request,
        "user": user,
        "csrf": web_session(request).csrf,
        "lang": locale,
        "nav": nav_for(user),
        "path": request.url.path,
        "inbox_count": inbox_count(request, user),
    }
    base.update(context or {})
    html = environment(locale).get_template(template).render(base)
    return HTMLResponse(html, status_code=status)
