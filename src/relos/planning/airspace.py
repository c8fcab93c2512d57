"""Airspace law: whether an aircraft of a flag may overfly a state on a day, and with what
clearance (data/planning/airspace.toml). Pure: no geometry here, see borders.py and airways.py.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

STATUSES = ("open", "closed", "clearance")


@dataclass(frozen=True)
class Ruling:
    """How a state's airspace stands for one flag on one day."""

    state: str
    status: str  # "open", "closed" or "clearance"
    rule: str  # the rule's id ("own", "default")
    lead_days: int = 0
    text: str = ""
    source: str = ""
    illustrative: bool = False
    basis: str | None = None

    @property
    def reason(self) -> str:
        """One line for a notice or a refusal: what the rule says, with its source."""
        mark = " (illustrative lead time)" if self.illustrative and self.lead_days else ""
        return f"{self.text}{mark} ({self.source})"


@dataclass(frozen=True)
class AirRule:
    id: str
    states: frozenset[str]
    flags: frozenset[str]
    status: str
    lead_days: int
    text: str
    source: str
    start: date | None = None
    until: date | None = None
    illustrative: bool = False
    basis: str | None = None

    def covers(self, state: str, flag: str, day: date) -> bool:
        if state not in self.states or not ({"*", flag} & self.flags):
            return False
        if self.start is not None and day < self.start:
            return False
        return self.until is None or day < self.until


@dataclass(frozen=True)
class AirspaceLaw:
    rules: tuple[AirRule, ...]
    default: AirRule

    def judge(self, state: str, flag: str, day: date) -> Ruling:
        """The ruling for an aircraft of `flag` entering `state`'s airspace on `day`."""
        if state == flag:
            return Ruling(state, "open", "own", text="own airspace")
        rule = next((r for r in self.rules if r.covers(state, flag, day)), self.default)
        return Ruling(
            state,
            rule.status,
            rule.id,
            rule.lead_days if rule.status == "clearance" else 0,
            rule.text,
            rule.source,
            rule.illustrative,
            rule.basis,
        )

    def closed(self, flag: str, day: date) -> frozenset[str]:
        """States whose airspace is closed to the flag on the day (the default never closes)."""
        named = {s for r in self.rules for s in r.states}
        return frozenset(s for s in named if self.judge(s, flag, day).status == "closed")


def _rule(raw: dict[str, Any], where: str) -> AirRule:
    status = raw.get("status")
    if status not in STATUSES:
        raise ValueError(f"{where}: status must be one of {', '.join(STATUSES)}")
    lead = int(raw.get("lead_days", 0))
    if status == "clearance" and lead <= 0:
        raise ValueError(f"{where}: a clearance needs lead_days")
    for key in ("text", "source"):
        if not raw.get(key):
            raise ValueError(f"{where}: {key} is required")
    return AirRule(
        id=str(raw.get("id", where)),
        states=frozenset(raw.get("states", ())),
        flags=frozenset(raw.get("flags", ("*",))),
        status=status,
        lead_days=lead,
        text=raw["text"],
        source=raw["source"],
        start=raw.get("from"),
        until=raw.get("until"),
        illustrative=bool(raw.get("illustrative", False)),
        basis=raw.get("basis"),
    )


def parse_airspace(raw: dict[str, Any]) -> AirspaceLaw:
    default = _rule({"id": "default", **raw["default"]}, "default")
    if default.status == "closed":
        raise ValueError("default: the default cannot close every foreign airspace")
    rules = tuple(_rule(r, f"rule {i}") for i, r in enumerate(raw.get("rule", [])))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("airspace rules: ids must be unique")
    return AirspaceLaw(rules, default)


def load_airspace() -> AirspaceLaw:
    text = resources.files("relos.data").joinpath("planning/airspace.toml").read_text()
    return parse_airspace(tomllib.loads(text))


def digest_text() -> str:
    """The rules' text, for cache keys of derived geometry."""
    return resources.files("relos.data").joinpath("planning/airspace.toml").read_text()
