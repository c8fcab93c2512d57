"""The planner's reasons and notices in the reader's language.

The planning service words a reason or a notice as one English sentence built from a few
shapes (planning/planner.py, access.py, passages.py). Each shape is matched here into its
parameters and written again from a translated template; names of passages and parties are
translated too. A sentence of no known shape is shown as it is only to English readers;
others get a translated general sentence, so a Russian page never shows English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

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

_SEASON = re.compile(
    r"^(?P<name>.+) is outside its season \[(?P<start>[^,]+), (?P<end>[^)]+)\) on (?P<day>\S+)$"
)
_CLOSED = re.compile(r"^(?P<name>.+) is closed by default$")
_CLOSED_TO = re.compile(r"^(?P<name>.+) is closed to (?P<kind>\w+?)s by default \(.*\)$")
_NO_ROUTE = re.compile(r"^no open sea route: (?P<rest>.*)$")
_NO_CHAIN = re.compile(
    r"^no chain of refuel stops open to (?P<party>[A-Z]{2}) keeps every leg within "
    r"(?P<reach>[\d,]+) nm \(range at (?P<speed>[\d.]+) kn less (?P<reserve>\d+)% reserve\)$"
)
_VISIT = re.compile(r"^(?P<pact>.+): (?P<kind>\w+) visit notice$")
_CASE = re.compile(r"^case-by-case clearance by (?P<country>[A-Z]{2})$")
_DIPLOMATIC = re.compile(r"^diplomatic clearance by (?P<country>[A-Z]{2}) \(no agreement\)$")
_UNKNOWN_SITE = re.compile(r"^diplomatic clearance \(not a known facility\)$")
_PASSAGE_NOTICE = re.compile(r"^(?P<passage>.+): foreign warship notice to (?P<state>.+)$")


class Speaker:
    """Rewrites planner sentences for one locale."""

    def __init__(self, locale: str, gettext: Gettext) -> None:
        self.locale = locale
        self._ = gettext
        self.fmt = Formatter(locale)

    def passage(self, name: str) -> str:
        return self._(PASSAGES[name]) if name in PASSAGES else name

    def party(self, code: str) -> str:
        return self.fmt.territory(code) if re.fullmatch(r"[A-Z]{2}", code) else code

    def _day(self, text: str) -> str:
        try:
            return self.fmt.day(date.fromisoformat(text))
        except ValueError:
            return text

    def closure(self, text: str) -> str | None:
        _ = self._
        if m := _SEASON.match(text):
            return _("%(passage)s is outside its season (%(start)s to %(end)s) on %(day)s") % {
                "passage": self.passage(m["name"]),
                "start": self._day(m["start"]),
                "end": self._day(m["end"]),
                "day": self._day(m["day"]),
            }
        if m := _CLOSED.match(text):
            return _("%(passage)s is closed by default") % {"passage": self.passage(m["name"])}
        if m := _CLOSED_TO.match(text):
            kind = _(LABELS.get(m["kind"], m["kind"]))
            return _("%(passage)s is closed to this kind of vessel (%(kind)s) by default") % {
                "passage": self.passage(m["name"]),
                "kind": kind,
            }
        return None

    def reason(self, text: str | None) -> str:
        """Why a plan is not feasible."""
        if not text:
            return ""
        _ = self._
        if m := _NO_ROUTE.match(text):
            parts = [self.closure(p.strip()) for p in m["rest"].split(";")]
            if all(parts):
                return _("No open sea route: %(why)s") % {"why": "; ".join(p or "" for p in parts)}
            return self._fallback(text, _("No open sea route."))
        if m := _NO_CHAIN.match(text):
            return _(
                "No chain of refuel stops open to %(party)s keeps every leg within %(reach)s nm "
                "(range at %(speed)s kn less a %(reserve)s%% reserve)."
            ) % {
                "party": self.party(m["party"]),
                "reach": m["reach"].replace(",", "\u202f") if self.locale != "en" else m["reach"],
                "speed": m["speed"],
                "reserve": m["reserve"],
            }
        return self._fallback(text, _("No feasible route for this mission."))

    def notice(self, text: str | None) -> str:
        """Why notice must be given before a stop or a passage."""
        if not text:
            return ""
        _ = self._
        if m := _VISIT.match(text):
            kind = _(LABELS.get(m["kind"], m["kind"]))
            return _("%(agreement)s: notice of the visit (%(kind)s)") % {
                "agreement": m["pact"],
                "kind": kind.lower(),
            }
        if m := _CASE.match(text):
            return _("case-by-case clearance by %(country)s") % {
                "country": self.party(m["country"])
            }
        if m := _DIPLOMATIC.match(text):
            return _("diplomatic clearance by %(country)s (no agreement)") % {
                "country": self.party(m["country"])
            }
        if _UNKNOWN_SITE.match(text):
            return _("diplomatic clearance (not a known facility)")
        if m := _PASSAGE_NOTICE.match(text):
            return _("%(passage)s: notice of a foreign warship to %(state)s") % {
                "passage": self.passage(m["passage"]),
                "state": self.party(m["state"]),
            }
        return self._fallback(text, _("notice required"))

    def overflight(self, notice: dict[str, object]) -> str:
        """An overflight clearance, said again from its code and parameters (the English
        reason quotes the rule and its source from the airspace data)."""
        reason = str(notice.get("reason") or "")
        if self.locale == "en" or notice.get("code") != "airspace.clearance":
            return self.notice(reason)
        params = notice.get("params")
        state = str(params.get("state", "")) if isinstance(params, dict) else ""
        return self._("overflight clearance: %(state)s") % {"state": self.party(state)}

    def _fallback(self, text: str, general: str) -> str:
        return text if self.locale == "en" else general
