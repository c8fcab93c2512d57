"""Planner messages: an English sentence that keeps the code and parameters it was made from.

Reasons, notices, conditions and risks flow through the planner as text (the API keeps the
English sentence for its users). Each is a `Said`: a `str` whose `code` and `params` let a
page write it again in its own language (web/planner_text.py) without parsing English.

Codes (params in brackets; `passage` is a passage id of data/planning/passages.toml, `rule`
a rule id there, whose `text` is the catalogue's message for it):

- `passage.rule` (passage, rule): a rule of passage law, as it stands;
- `passage.limit` (passage, rule, what, value, limit, unit): a limit the platform exceeds;
- `passage.bound_home` (passage, rule): a closure not applied to a ship returning to its base;
- `passage.lifted` (passage, rule): a waivable policy the request lifted;
- `passage.season` (passage, start, end, day): out of season (ISO dates);
- `passage.closed_default` (passage) and `passage.closed_request` (passage);
- `route.blocked` (reasons: list of messages); `route.disconnected`;
- `plan.no_chain` (party, reach_nm, speed_kn, reserve_pct);
- `plan.unreachable_endpoint` (endpoint);
- `notice.visit` (agreement, agreement_name, kind); `notice.case_by_case` (country);
  `notice.diplomatic` (country); `notice.unknown_site`;
- `airspace.clearance` (state, rule, lead_days): an overflight needing a clearance;
  `airspace.closed` (state, rule, endpoint, flag); `airspace.walled` (from, to, states)
  (planning/air.py);
- `text`: a sentence with no code (shown as it is).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Param: TypeAlias = str | int | float | Sequence[str]  # a str in a Sequence may be a Said
JSON: TypeAlias = str | int | float | list["JSON"] | dict[str, "JSON"]


class Said(str):
    """An English sentence with the code and parameters it was written from."""

    code: str = "text"
    params: Mapping[str, Param] = {}


def said(code: str, text: str, **params: Param) -> Said:
    out = Said(text)
    out.code = code
    out.params = dict(params)
    return out


def coded(text: str) -> dict[str, JSON]:
    """The message as JSON: code, params (nested messages as the same shape), message."""
    code = text.code if isinstance(text, Said) else "text"
    params = text.params if isinstance(text, Said) else {}
    return {"code": code, "params": {k: _json(v) for k, v in params.items()}, "message": str(text)}


def _json(value: Param) -> JSON:
    if isinstance(value, str):
        return coded(value) if isinstance(value, Said) else value
    if isinstance(value, int | float):
        return value
    return [coded(v) for v in value]  # nested messages
