"""Every template compiles in both languages (a broken block fails here, not in a page)."""

from __future__ import annotations

import pytest

from relos.web.i18n import LOCALES
from relos.web.render import TEMPLATES, environment

NAMES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", NAMES)
def test_template_compiles(name: str, locale: str) -> None:
    assert environment(locale).get_template(name) is not None


def test_there_are_templates_for_every_page() -> None:
    expected = {"dashboard.html", "login.html", "audit/list.html", "planner/plan.html"}
    assert expected <= set(NAMES) and len(NAMES) >= 15
