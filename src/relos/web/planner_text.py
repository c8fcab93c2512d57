"""The planner's reasons, notices, conditions and risks in the reader's language.

The planner gives each as a code with parameters beside its English sentence (CodedOut,
codes listed in planning/messages.py). Each code is written here from a translated
template; a rule of passage law is its `text` in data/planning/passages.toml, which the
catalogue translates, and its source is cited as it stands. A message of no known code is
shown as it is only to English readers; others get a translated general sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Any

from relos.planning.law import Rule
from relos.planning.passages import load_passages
from relos.web.i18n import Formatter
from relos.web.vocabulary import LABELS, N_

Gettext = Callable[[str], str]

PASSAGES: dict[str, str] = {
    "Suez": N_("Suez Canal"),
    "Bab-el-Mandeb": N_("Bab-el-Mandeb"),
    "Hormuz": N_("Strait of Hormuz"),
    "Malacca": N_("Strait of Malacca"),
    "Gibraltar": N_("Strait of Gibraltar"),
    "Turkish Straits": N_("Turkish Straits"),
    "Panama": N_("Panama Canal"),
    "Northern Sea Route": N_("Northern Sea Route"),
    "Northwest Passage": N_("Northwest Passage"),
}

LIMITS: dict[str, str] = {
    "displacement": N_("displacement"),
    "draught": N_("draught"),
    "beam": N_("beam"),
}
UNITS: dict[str, str] = {"t": N_("%(n)s t"), "m": N_("%(n)s m")}


@cache
def _passages() -> tuple[dict[str, str], dict[str, Rule]]:
    """Passage names by id and rules by id, from the shipped passage law."""
    rules = load_passages()
    names = {p.id: p.name for p in rules.passages}
    return names, {r.id: r for p in rules.passages for r in p.law.rules}


class Speaker:
    """Writes planner messages (code and params) for one locale."""

    def __init__(self, locale: str, gettext: Gettext) -> None:
        self.locale = locale
        self._ = gettext
        self.fmt = Formatter(locale)

    def passage(self, name: str) -> str:
        name = _passages()[0].get(name, name)
        return self._(PASSAGES[name]) if name in PASSAGES else name

    def party(self, code: str) -> str:
        return self.fmt.territory(code) if re.fullmatch(r"[A-Z]{2}", code) else code

    def _day(self, text: str) -> str:
        try:
            return self.fmt.day(date.fromisoformat(text))
        except ValueError:
            return text

    def say(self, message: Mapping[str, Any] | None) -> str:
        """A message {code, params, message} in this locale."""
        if not message:
            return ""
        code, params = message.get("code", "text"), message.get("params") or {}
        written = self._write(code, params)
        if written is not None:
            return written
        text = str(message.get("message", ""))
        return text if self.locale == "en" else self._("No feasible route for this mission.")

    def reason(self, message: Mapping[str, Any] | None) -> str:
        """Why a plan is not feasible."""
        return self.say(message)

    def notice(self, message: Mapping[str, Any] | None) -> str:
        """Why notice must be given before a stop or a passage."""
        if message and message.get("code", "text") == "text" and self.locale != "en":
            return self._("notice required")
        return self.say(message)

    def _rule(self, params: Mapping[str, Any]) -> str:
        rule = _passages()[1].get(str(params.get("rule")))
        if rule is None:
            return str(params.get("rule"))
        return f"{self._(rule.text)} ({rule.source})"

    def _write(self, code: str, p: Mapping[str, Any]) -> str | None:
        _ = self._
        passage = self.passage(str(p.get("passage", "")))
        if code == "passage.rule":
            return f"{passage}: {self._rule(p)}"
        if code == "passage.bound_home":
            return _("%(passage)s: %(rule)s: passes as a return to its base") % {
                "passage": passage,
                "rule": self._rule(p),
            }
        if code == "passage.lifted":
            return _("%(passage)s: %(rule)s: lifted by the request") % {
                "passage": passage,
                "rule": self._rule(p),
            }
        if code == "passage.limit":
            unit = UNITS.get(str(p.get("unit")), "%(n)s")
            return _("%(passage)s: %(what)s %(value)s exceeds the limit of %(limit)s") % {
                "passage": passage,
                "what": _(LIMITS.get(str(p.get("what")), str(p.get("what")))),
                "value": _(unit) % {"n": self.fmt.number(p.get("value", 0))},
                "limit": _(unit) % {"n": self.fmt.number(p.get("limit", 0))},
            }
        if code == "passage.season":
            return _("%(passage)s is outside its season (%(start)s to %(end)s) on %(day)s") % {
                "passage": passage,
                "start": self._day(str(p["start"])),
                "end": self._day(str(p["end"])),
                "day": self._day(str(p["day"])),
            }
        if code == "passage.closed_default":
            return _("%(passage)s is closed by default") % {"passage": passage}
        if code == "passage.closed_request":
            return _("%(passage)s is closed by the request") % {"passage": passage}
        if code == "route.blocked":
            why = "; ".join(self.say(r) for r in p.get("reasons", []))
            return _("No open sea route: %(why)s") % {"why": why}
        if code == "plan.no_chain":
            return _(
                "No chain of refuel stops open to %(party)s keeps every leg within %(reach)s nm "
                "(range at %(speed)s kn less a %(reserve)s%% reserve)."
            ) % {
                "party": self.party(str(p["party"])),
                "reach": self.fmt.number(p["reach_nm"]),
                "speed": self.fmt.number(p["speed_kn"]),
                "reserve": p["reserve_pct"],
            }
        if code == "notice.visit":
            kind = _(LABELS.get(str(p["kind"]), str(p["kind"])))
            return _("%(agreement)s: notice of the visit (%(kind)s)") % {
                "agreement": p.get("agreement_name", p["agreement"]),
                "kind": kind.lower(),
            }
        if code == "notice.case_by_case":
            return _("case-by-case clearance by %(country)s") % {
                "country": self.party(str(p["country"]))
            }
        if code == "notice.diplomatic":
            return _("diplomatic clearance by %(country)s (no agreement)") % {
                "country": self.party(str(p["country"]))
            }
        if code == "notice.unknown_site":
            return _("diplomatic clearance (not a known facility)")
        return self._airspace(code, p)

    def _airspace(self, code: str, p: Mapping[str, Any]) -> str | None:
        """Air routes (planning/air.py): overflight clearances and closed airspace. English
        readers get the planner's own sentence, which quotes the rule and its source."""
        if self.locale == "en":
            return None
        _ = self._
        if code in ("airspace.clearance", "airspace.open"):
            return _("overflight clearance: %(state)s") % {"state": self.party(str(p["state"]))}
        if code == "airspace.closed":
            return _(
                "%(endpoint)s lies in the airspace of %(state)s, closed to %(flag)s aircraft"
            ) % {
                "endpoint": p["endpoint"],
                "state": self.party(str(p["state"])),
                "flag": self.party(str(p["flag"])),
            }
        if code == "airspace.walled":
            states = ", ".join(self.party(s) for s in str(p["states"]).split(",") if s)
            return _("closed airspace of %(states)s leaves no way from %(from)s to %(to)s") % {
                "states": states,
                "from": p["from"],
                "to": p["to"],
            }
        return None
