"""Passage law: who may sail a strait or canal, on what notice, by flag and ship type.

Each passage in data/planning/passages.toml carries rules; each rule names its source and,
when it is a policy of a date (Turkey's application of Montreux article 19 since 28 February
2022), the dates it holds. Judging a passage for a vessel on a day gives a verdict: closed
(with the rule's words), the notices to give, the conditions to meet and the risks. The
judgement is pure: the vessel, the day and the voyage's context in, the verdict out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from relos.kit.errors import ReferenceDataError
from relos.planning.messages import Said, said

Effect = Literal["closed", "notice", "limit", "condition", "risk"]
EFFECTS: tuple[Effect, ...] = ("closed", "notice", "limit", "condition", "risk")


@dataclass(frozen=True)
class Vessel:
    """What passage law looks at: the ship's type, flag and hull."""

    kind: str  # "warship" or "merchant"
    flag: str  # ISO 3166-1 alpha-2 of the flag state (the platform's party)
    displacement_t: float | None = None
    draught_m: float | None = None
    beam_m: float | None = None
    ice_class: str | None = None


@dataclass(frozen=True)
class Rule:
    """One provision of passage law, with the conditions under which it applies."""

    id: str
    effect: Effect
    text: str
    source: str
    kinds: frozenset[str] = frozenset()  # ship types it covers (empty: every type)
    flags: frozenset[str] = frozenset()  # flags it covers (empty: every flag)
    except_flags: frozenset[str] = frozenset()  # flags it does not cover
    valid_from: date | None = None
    valid_until: date | None = None  # exclusive; None: still in force
    notice_days: int | None = None
    desirable_days: int | None = None
    max_displacement_t: float | None = None
    max_draught_m: float | None = None
    max_beam_m: float | None = None
    without_ice_class: bool = False  # applies only to a ship without an ice class
    except_bound_home: bool = False  # not to a ship returning to a base of its flag inside
    waivable: bool = False  # a policy a request may lift by opening the passage

    def covers(self, vessel: Vessel, day: date) -> bool:
        if self.kinds and vessel.kind not in self.kinds:
            return False
        if self.flags and vessel.flag not in self.flags:
            return False
        if vessel.flag in self.except_flags:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_until is not None and day >= self.valid_until:
            return False
        return not (self.without_ice_class and vessel.ice_class)

    def breach(self, vessel: Vessel) -> tuple[str, float, float, str] | None:
        """For a limit: which of the ship's figures exceeds it (what, value, limit, unit)."""
        checks = (
            ("displacement", vessel.displacement_t, self.max_displacement_t, "t"),
            ("draught", vessel.draught_m, self.max_draught_m, "m"),
            ("beam", vessel.beam_m, self.max_beam_m, "m"),
        )
        for what, value, limit, unit in checks:
            if value is not None and limit is not None and value > limit:
                return what, value, limit, unit
        return None

    def cite(self) -> str:
        return f"{self.text} ({self.source})"


@dataclass(frozen=True)
class PassageNotice:
    rule: str
    days: int
    desirable_days: int | None
    reason: Said


@dataclass(frozen=True)
class Verdict:
    """The law of one passage for one vessel on one day; every text names the passage."""

    closed: Said | None = None
    notices: tuple[PassageNotice, ...] = ()
    conditions: tuple[Said, ...] = ()
    risks: tuple[Said, ...] = ()


@dataclass(frozen=True)
class Law:
    """The rules of one passage."""

    passage: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    passage_id: str = ""

    def judge(self, vessel: Vessel, day: date, bound_home: bool, opened: bool) -> Verdict:
        """The verdict for a vessel; `bound_home`: the voyage ends at a base of its flag
        inside the waters the passage leads to; `opened`: the request lifts policies."""
        closed: Said | None = None
        notices: list[PassageNotice] = []
        conditions: list[Said] = []
        risks: list[Said] = []
        name, pid = self.passage, self.passage_id
        for rule in self.rules:
            if not rule.covers(vessel, day):
                continue
            ref = {"passage": pid, "rule": rule.id}
            if rule.effect == "closed":
                if rule.except_bound_home and bound_home:
                    text = f"{name}: {rule.text}: passes as a return to its base"
                    conditions.append(said("passage.bound_home", text, **ref))
                elif rule.waivable and opened:
                    text = f"{name}: {rule.text}: lifted by the request"
                    conditions.append(said("passage.lifted", text, **ref))
                elif closed is None:
                    closed = said("passage.rule", f"{name}: {rule.cite()}", **ref)
            elif rule.effect == "limit":
                breach = rule.breach(vessel)
                if breach is not None and closed is None:
                    what, value, limit, unit = breach
                    text = (
                        f"{name}: {what} {value:g} {unit} exceeds {limit:g} {unit} ({rule.cite()})"
                    )
                    closed = said(
                        "passage.limit", text, **ref, what=what, value=value, limit=limit, unit=unit
                    )
            elif rule.effect == "notice" and rule.notice_days is not None:
                reason = said("passage.rule", rule.cite(), **ref)
                notices.append(
                    PassageNotice(rule.id, rule.notice_days, rule.desirable_days, reason)
                )
            elif rule.effect == "condition":
                conditions.append(said("passage.rule", f"{name}: {rule.cite()}", **ref))
            elif rule.effect == "risk":
                risks.append(said("passage.rule", f"{name}: {rule.cite()}", **ref))
        return Verdict(closed, tuple(notices), tuple(conditions), tuple(risks))


def parse_rules(passage_id: str, passage_name: str, raw: list[Mapping[str, Any]]) -> Law:
    """Rules of one passage from its TOML table (bad data fails at load, not mid-plan)."""
    rules: list[Rule] = []
    for index, item in enumerate(raw, 1):
        rule_id = f"{passage_id}.{item.get('id', index)}"
        try:
            effect = item["effect"]
            if effect not in EFFECTS:
                raise ValueError(f"effect must be one of {', '.join(EFFECTS)}")
            rules.append(
                Rule(
                    id=rule_id,
                    effect=effect,
                    text=str(item["text"]),
                    source=str(item["source"]),
                    kinds=frozenset(item.get("kinds", ())),
                    flags=frozenset(item.get("flags", ())),
                    except_flags=frozenset(item.get("except_flags", ())),
                    valid_from=_date(item.get("from")),
                    valid_until=_date(item.get("until")),
                    notice_days=_int(item.get("notice_days")),
                    desirable_days=_int(item.get("desirable_days")),
                    max_displacement_t=_float(item.get("max_displacement_t")),
                    max_draught_m=_float(item.get("max_draught_m")),
                    max_beam_m=_float(item.get("max_beam_m")),
                    without_ice_class=bool(item.get("without_ice_class", False)),
                    except_bound_home=bool(item.get("except_bound_home", False)),
                    waivable=bool(item.get("waivable", False)),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ReferenceDataError(f"passages.toml: rule {rule_id!r}: {exc!r}") from exc
    return Law(passage_name, tuple(rules), passage_id)


def _date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))
