"""Passages of the sea network (straits, canals, the Northern Sea Route) and when they are open.

Passages are data (data/planning/passages.toml), each with its law by flag and ship type
(law.py). A request may close any passage by name, or open one whose policy closes it (the
Northwest Passage by default, a waivable rule such as Turkey's application of Montreux
article 19); a season is never overridden by a request: ice does not read treaties, and
neither is a physical limit (a draught the canal cannot take).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from relos.kit.errors import InvalidInput, ReferenceDataError
from relos.planning.geo import in_box
from relos.planning.law import Law, Verdict, Vessel, parse_rules
from relos.planning.messages import said

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Season:
    """Half-open [start, end) window of MM-DD days, with per-year overrides."""

    start: str
    end: str
    by_year: Mapping[int, tuple[str, str]] = field(default_factory=dict)

    def window(self, year: int) -> tuple[date, date]:
        start, end = self.by_year.get(year, (self.start, self.end))
        return _day(year, start), _day(year, end)

    def is_open(self, day: date) -> bool:
        start, end = self.window(day.year)
        return start <= day < end


@dataclass(frozen=True)
class Passage:
    id: str
    name: str
    bit: int
    boxes: tuple[Box, ...]
    open: bool = True
    season: Season | None = None
    source: str = ""
    aliases: tuple[str, ...] = ()
    law: Law = field(default_factory=lambda: Law(""))
    inner: tuple[Box, ...] = ()  # waters behind the passage (the Black Sea)

    def closure(
        self, day: date, vessel: Vessel | None, opened: bool, bound_home: bool = False
    ) -> str | None:
        """Why the passage is shut on this day for this vessel, or None if open.

        Without a vessel only geography counts (seasons, the ice-bound default)."""
        if self.season is not None and not self.season.is_open(day):
            start, end = self.season.window(day.year)
            return said(
                "passage.season",
                f"{self.name} is outside its season [{start}, {end}) on {day}",
                passage=self.id,
                start=start.isoformat(),
                end=end.isoformat(),
                day=day.isoformat(),
            )
        if not self.open and not opened:
            return said(
                "passage.closed_default", f"{self.name} is closed by default", passage=self.id
            )
        if vessel is None:
            return None
        return self.judge(vessel, day, bound_home, opened).closed

    def judge(self, vessel: Vessel, day: date, bound_home: bool, opened: bool) -> Verdict:
        return self.law.judge(vessel, day, bound_home, opened)

    def leads_to(self, lon: float, lat: float) -> bool:
        """Whether a point lies in the waters behind the passage."""
        return any(in_box(lon, lat, box) for box in self.inner)


@dataclass(frozen=True)
class PassageRules:
    passages: tuple[Passage, ...]

    def find(self, name: str) -> Passage:
        """A passage by id or name, case and punctuation insensitive ("Suez", "bab-el-mandeb")."""
        key = _key(name)
        for passage in self.passages:
            names = (passage.id, passage.name, *passage.aliases)
            if key in {_key(n) for n in names}:
                return passage
        known = ", ".join(p.name for p in self.passages)
        raise InvalidInput(f"unknown passage {name!r}; known: {known}")

    def closures(
        self,
        day: date,
        vessel: Vessel | None,
        opened: Iterable[str] = (),
        closed: Iterable[str] = (),
        bound_home: int = 0,
    ) -> dict[int, str]:
        """Bit -> reason for every passage shut on a day for a vessel (None: geography);
        `bound_home` is the mask of passages behind which the voyage ends at a home base."""
        opened_ids = {self.find(n).id for n in opened}
        closed_ids = {self.find(n).id for n in closed}
        out: dict[int, str] = {}
        for p in self.passages:
            if p.id in closed_ids:
                text = f"{p.name} is closed by the request"
                out[p.bit] = said("passage.closed_request", text, passage=p.id)
                continue
            reason = p.closure(day, vessel, p.id in opened_ids, bool(bound_home & p.bit))
            if reason is not None:
                out[p.bit] = reason
        return out

    def ids(self, names: Iterable[str]) -> frozenset[str]:
        return frozenset(self.find(n).id for n in names)

    def names(self, mask: int) -> list[str]:
        return [p.name for p in self.passages if mask & p.bit]

    def by_bit(self, bit: int) -> Passage:
        return next(p for p in self.passages if p.bit == bit)


def mask_of(closures: Mapping[int, str]) -> int:
    mask = 0
    for bit in closures:
        mask |= bit
    return mask


def load_passages(text: str | None = None) -> PassageRules:
    """Parse passages.toml (the shipped file unless text is given)."""
    if text is None:
        text = resources.files("relos.data").joinpath("planning/passages.toml").read_text()
    raw = tomllib.loads(text)["passages"]
    return PassageRules(tuple(_passage(k, v, 1 << i) for i, (k, v) in enumerate(raw.items())))


def _passage(key: str, raw: Mapping[str, Any], bit: int) -> Passage:
    try:
        boxes = tuple((float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in raw["boxes"])
        season = None
        if "season" in raw:
            years = {int(y): (w[0], w[1]) for y, w in raw.get("seasons", {}).items()}
            season = Season(raw["season"][0], raw["season"][1], years)
            season.window(2000)  # fails now, not mid-plan, on a bad MM-DD
        inner = tuple(
            (float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in raw.get("inner", [])
        )
        name = str(raw["name"])
        return Passage(
            id=key,
            name=name,
            bit=bit,
            boxes=boxes,
            open=bool(raw.get("open", True)),
            season=season,
            source=str(raw.get("source", "")),
            aliases=tuple(str(a) for a in raw.get("aliases", [])),
            law=parse_rules(key, name, list(raw.get("rules", []))),
            inner=inner,
        )
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise ReferenceDataError(f"passages.toml: passage {key!r}: {exc!r}") from exc


def _day(year: int, mm_dd: str) -> date:
    month, day = mm_dd.split("-")
    return date(year, int(month), int(day))


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
