"""Every facility and platform of the reference data has a Russian form of its name in the
catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from relos.facilities.domain import load_facilities
from relos.platforms.domain import load_platforms
from relos.web.i18n import translations
from relos.web.place_names import PLACE_NAMES
from relos.web.platform_names import PLATFORM_NAMES

FACILITIES = Path(__file__).resolve().parents[3] / "src" / "relos" / "data" / "facilities"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_every_facility_name_has_a_russian_form() -> None:
    names = {f.name for f in load_facilities(FACILITIES)}
    assert len(names) > 150
    russian = translations("ru").gettext
    missing = sorted(n for n in names if n not in PLACE_NAMES or not CYRILLIC.search(russian(n)))
    assert not missing, f"add to relos/web/place_names.py and the ru catalogue: {missing}"


def test_english_pages_keep_the_names() -> None:
    assert translations("en").gettext("Mumbai") == "Mumbai"
    assert translations("ru").gettext("Mumbai") == "Мумбаи"


def test_every_platform_name_has_a_russian_form() -> None:
    names = {p.name for p in load_platforms(FACILITIES.parent / "platforms.toml")}
    assert len(names) >= 30
    russian = translations("ru").gettext
    missing = sorted(n for n in names if n not in PLATFORM_NAMES or not CYRILLIC.search(russian(n)))
    assert not missing, f"add to relos/web/platform_names.py and the ru catalogue: {missing}"
