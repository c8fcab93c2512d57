"""Every page a Russian reader can reach, for every demo role of both parties, carries no
English from the catalogue and no raw code (`pending_host_consent`, `spare_parts`...).

The pages are found by following the links of each user's pages from the dashboard (so a
new page is covered as soon as it is linked), a few of each kind, plus the error pages.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from tests.e2e.web.conftest import Login

from relos.access.demo import demo_users
from relos.web.i18n import LOCALE_DIR
from relos.web.place_names import PLACE_NAMES
from relos.web.platform_names import PLATFORM_NAMES
from relos.web.vocabulary import (
    AUDIT_ACTIONS,
    IMPORT_PROBLEMS,
    ITEMS,
    LABELS,
    RECORD_TYPES,
    VIOLATIONS,
)

SKIP = ("/api/", "/static/", "/logout", "/login", "/lang/")
PER_KIND = 2  # pages of each shape (one deployment, one order...) per user
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-ok", "data-pending")
# A catalogue string this short or a single word may be part of a name in the data.
MIN_WORDS = 3


class _Visible(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes read out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _english_catalogue() -> list[str]:
    """Catalogue sentences that read differently in Russian, cut at their placeholders."""
    with (LOCALE_DIR / "ru" / "LC_MESSAGES" / "relos.po").open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for piece in re.split(r"%\([a-z_]+\)s|%%", message.id):
            piece = piece.strip(" .,:;()–—")
            if len(piece.split()) >= MIN_WORDS:
                found.add(piece)
    return sorted(found)


ENGLISH = _english_catalogue()
CODES = sorted(c for c in {*LABELS, *VIOLATIONS, *IMPORT_PROBLEMS, *RECORD_TYPES} if "_" in c)
# The audit trail's actions (`support_order.signed`, `user.added`) are codes too.
CODES += sorted(AUDIT_ACTIONS)
CODES += sorted(ITEMS)  # item codes that read as words: "ration-pack" is "Сухой паёк"
# Agreement ids (`in-ru-relos`): a page names an agreement by its short name.
AGREEMENTS = Path(__file__).resolve().parents[3] / "src" / "relos" / "data" / "agreements"
CODES += sorted(path.stem for path in AGREEMENTS.glob("*.toml"))
CODE = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w-])")
# A facility's or platform's English name where the page names it: the whole text, before its
# code "(RUVVO)", or in a "name · country" option. A name inside a filed title
# ("Evacuation via Vladivostok") is the filer's text and is not flagged.
PLACES = sorted({*PLACE_NAMES, *PLATFORM_NAMES}, key=len, reverse=True)
PLACE = re.compile(r"^(" + "|".join(map(re.escape, PLACES)) + r")(?: \(| ·|:|$)")


# A plan with notices (Vladivostok) and one with no open sea route (the Northern Sea Route
# out of season): the planner's reasons and notices are on them.
PLANS = [
    "/planner?platform=talwar&origin=INBOM&destination=RUVVO&depart=2027-01-15"
    "&objective=distance&reserve=0.15&agreements=in-ru-relos",
    "/planner?platform=talwar&origin=INBOM&destination=RUDUD&depart=2027-01-15"
    "&objective=distance&reserve=0.15&agreements=in-ru-relos",
]
# Passage law: an Indian frigate through Suez and the Turkish Straits (notices, conditions,
# risks), and a Russian one refused leaving the Black Sea (article 19, a rule's text).
PASSAGE_PLANS = [
    "/planner?platform=talwar&origin=INBOM&destination=RUNVS&depart=2027-06-15"
    "&objective=distance&reserve=0.15&agreements=in-ru-relos&agreements=in-us-lemoa"
    "&agreements=in-fr-rls",
    "/planner?platform=admiral_grigorovich&origin=RUNVS&destination=SYTTS&depart=2027-06-15"
    "&objective=distance&reserve=0.15",
]


REFUSALS = [
    "/admin/users",
    "/finance",
    "/audit?sort=colour",
    "/deployments?sort=colour",
    "/logistics/ledger?from=yesterday",
]
PLANNERS = ("in-planner", "ru-viewer")  # planning is slow: two users are enough


def _shape(path: str) -> str:
    """/deployments/dep_1a2b/amend -> /deployments/*/amend: pages of one kind."""
    if path.startswith("/planner?"):
        return path
    return re.sub(r"/(dep_[0-9a-f]+|[0-9a-f-]{36}|in-[a-z]{2}-[a-z]+|\d+)(?=/|$)", "/*", path)


def _crawl(client: TestClient, plans: bool) -> dict[str, str]:
    pages: dict[str, str] = {}
    seen_shapes: dict[str, int] = {}
    # Besides the dashboard: not found, forbidden for most roles, and lists refusing a filter.
    start = ["/", "/no-such-page", "/deployments/dep_000000000000", *REFUSALS]
    queue = deque(start + (PLANS if plans else []))
    while queue:
        path = queue.popleft()
        shape = _shape(path if path.startswith("/planner?") else urlsplit(path).path)
        if path in pages or seen_shapes.get(shape, 0) >= PER_KIND:
            continue
        seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
        answer = client.get(path)
        assert answer.status_code < 500, path
        pages[path] = answer.text
        parser = _Visible()
        parser.feed(answer.text)
        for link in parser.links:
            target = urlsplit(link)
            if target.netloc or not target.path.startswith("/") or target.path.startswith(SKIP):
                continue
            queue.append(link.split("#")[0])
    return pages


def _problems(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    text = " ".join(parser.parts)
    english = [f"English: {s!r}" for s in ENGLISH if s in text]
    codes = [f"raw code: {m!r}" for m in sorted(set(CODE.findall(text)))]
    places = {m for part in parser.parts if (m := PLACE.match(part))}
    names = [f"English place name: {m.group(1)!r}" for m in sorted(places, key=str)]
    return english + codes + names


@pytest.mark.slow
def test_planner_passages_and_refusals_are_russian(login: Login) -> None:
    """The planner's passage notices, conditions, risks and refusals are written from their
    codes in Russian: no English catalogue string, and the rules' Russian texts are there."""
    pages = []
    for user, path in zip(("in-planner", "ru-viewer"), PASSAGE_PLANS, strict=True):
        client = login(user)
        client.cookies.set("relos_lang", "ru")
        pages.append(client.get(path))
    through, refused = pages
    for page in pages:
        assert page.status_code == 200, page.text[:500]
        assert not _problems(page.text), _problems(page.text)
    assert "уведомляют Турцию о проходе за 8 суток" in through.text  # Montreux notice
    assert "Чёрном море не более 21 суток" in through.text  # the stay condition
    assert "Красного моря" in through.text  # the Bab-el-Mandeb risk
    assert "статью 19" in refused.text  # the refusal, from the rule's code


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, _party, _role in demo_users()])
def test_every_page_is_russian(login: Login, name: str) -> None:
    client = login(name)
    client.cookies.set("relos_lang", "ru")
    pages = _crawl(client, plans=name in PLANNERS)
    assert len(pages) >= 4
    found = {path: problems for path, html in pages.items() if (problems := _problems(html))}
    assert not found, f"{name} sees English or raw codes: {found}"


MAP = re.compile(r'<div id="map"[^>]*data-names="([^"]*)"')
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_the_map_names_every_facility_in_russian(login: Login) -> None:
    """The map's tooltips take each facility's name from the page's data-names."""
    client = login("ru-viewer")
    client.cookies.set("relos_lang", "ru")
    found = MAP.search(client.get("/").text)
    assert found, "the dashboard map carries the names"
    names = json.loads(unescape(found.group(1)))
    facilities = client.get("/api/v1/facilities").json()
    assert len(facilities) > 100
    missing = [f["name"] for f in facilities if not CYRILLIC.search(names.get(f["name"], ""))]
    assert not missing, f"no Russian form on the map for {missing}"
    client.cookies.set("relos_lang", "en")
    english = MAP.search(client.get("/").text)
    assert english and json.loads(unescape(english.group(1))) == {}
