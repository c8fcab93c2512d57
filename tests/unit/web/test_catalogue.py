"""Every message the UI shows has a Russian translation, and the catalogues compile."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from relos.web.i18n import LOCALE_DIR, translations

WEB = Path(__file__).resolve().parents[3] / "src" / "relos" / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}


def _messages() -> set[str]:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(str(WEB), method_map=METHODS, options_map=OPTIONS, keywords=keywords)
    return {m[2] for m in found if isinstance(m[2], str)}


def test_every_message_has_a_russian_translation() -> None:
    with (LOCALE_DIR / "ru" / "LC_MESSAGES" / "relos.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string}
    shown = _messages()
    assert len(shown) > 200  # the extraction found the templates
    missing = sorted(shown - translated)
    assert not missing, f"add these to relos/locale/ru/LC_MESSAGES/relos.po: {missing}"


def test_russian_catalogue_translates() -> None:
    assert translations("ru").gettext("Deployments") == "Развёртывания"
    assert translations("en").gettext("Deployments") == "Deployments"
