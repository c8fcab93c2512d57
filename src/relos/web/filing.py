"""The filing form: read it into the API's FilingIn, and place each problem beside its field.

Fields are named `e<i>.<field>` for element i (`e0.kind`, `e0.facility`, ...), so the same
form serves a plain POST and the live check; both end in the deployments service.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from relos.deployments.schemas import AmendmentIn, FilingIn
from relos.kit.timeutil import parse_instant
from relos.web.i18n import Formatter
from relos.web.vocabulary import LABELS, VIOLATIONS

ELEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "warship": (
        "name",
        "hull",
        "class",
        "crew",
        "displacement_t",
        "length_m",
        "beam_m",
        "draught_m",
    ),
    "aircraft": ("type", "serial", "call_sign"),
    "personnel": ("count",),
}
COMMON_FIELDS = ("facility", "start", "end")
_ELEMENT_KEY = re.compile(r"^e(\d{1,3})\.kind$")
# Which input a rule points at, so the message sits beside the field to fix.
FIELD_OF_CODE = {
    "invalid_period": "end",
    "agreement_not_in_force": "start",
    "facility_unknown": "facility",
    "facility_not_in_host_territory": "facility",
    "facility_kind_not_covered": "facility",
    "facility_unsuitable": "facility",
    "facility_capacity_exceeded": "facility",
    "notice_too_short": "start",
    "purpose_not_permitted": "purpose",
    "party_not_in_agreement": "agreement",
}
UNIT_FIELD = {"warship": "hull", "aircraft": "serial", "personnel": "count"}


@dataclass(frozen=True)
class Problem:
    """One message for one field: `element` None means a field of the filing itself."""

    field: str
    text: str
    element: int | None = None
    # Bad or missing input (not a broken rule): the live check shows it only once touched.
    input: bool = False

    @property
    def key(self) -> str:
        return self.field if self.element is None else f"e{self.element}.{self.field}"


def element_indexes(form: Mapping[str, Any]) -> list[int]:
    found = (_ELEMENT_KEY.match(key) for key in form)
    return sorted(int(m.group(1)) for m in found if m)


def day(value: str) -> str:
    """Dates from the form are days in UTC: the period starts or ends at 00:00Z."""
    value = value.strip()
    return f"{value}T00:00:00Z" if len(value) == 10 else value


def _element(form: Mapping[str, Any], index: int) -> dict[str, Any]:
    kind = str(form.get(f"e{index}.kind", ""))
    element: dict[str, Any] = {"kind": kind}
    for name in ELEMENT_FIELDS.get(kind, ()) + COMMON_FIELDS:
        value = str(form.get(f"e{index}.{name}", "")).strip()
        element[name] = day(value) if name in ("start", "end") else value
    return element


def filing_body(form: Mapping[str, Any], deploying_party: str) -> dict[str, Any]:
    """The JSON body the API would receive for this form."""
    justification = str(form.get("justification", "")).strip()
    return {
        "agreement": str(form.get("agreement", "")),
        "deploying_party": deploying_party,
        "purpose": str(form.get("purpose", "")),
        "title": str(form.get("title", "")).strip(),
        "commander": {
            "name": str(form.get("commander_name", "")).strip(),
            "rank": str(form.get("commander_rank", "")).strip(),
        },
        "request_exception": form.get("request_exception") in ("on", "true", "1"),
        "justification": justification or None,
        "elements": [_element(form, i) for i in element_indexes(form)],
        # Where each element came from: the API counts by position, the form by name.
        "_form_indexes": element_indexes(form),
    }


def parse(
    body: dict[str, Any], gettext: Callable[[str], str]
) -> tuple[FilingIn | None, list[Problem]]:
    """The validated filing, or the input problems pydantic found, one per field."""
    indexes = body.get("_form_indexes", [])
    api_body = {k: v for k, v in body.items() if k != "_form_indexes"}
    try:
        return FilingIn.model_validate(api_body), []
    except ValidationError as exc:
        return None, [_input_problem(error, gettext, indexes) for error in exc.errors()]


def _input_message(kind: str, gettext: Callable[[str], str]) -> str:
    if kind in ("missing", "string_too_short"):
        return gettext("Required.")
    if kind.endswith("_parsing") or kind.endswith("_type"):
        return gettext("Enter a valid value.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return gettext("Out of range.")
    return gettext("Enter a valid value.")


def _form_index(position: int, indexes: list[int]) -> int:
    return indexes[position] if position < len(indexes) else position


def _input_problem(error: Any, gettext: Callable[[str], str], indexes: list[int]) -> Problem:
    loc = [str(part) for part in error.get("loc", ())]
    message = _input_message(str(error.get("type", "")), gettext)
    if len(loc) >= 2 and loc[0] == "elements" and loc[1].isdigit():
        # ('elements', 0, 'warship', 'crew'): the union's tag sits between index and field
        field = loc[3] if len(loc) > 3 else (loc[2] if len(loc) > 2 else "kind")
        return Problem(field, message, _form_index(int(loc[1]), indexes), input=True)
    if loc and loc[0] == "commander":
        return Problem("commander_" + (loc[1] if len(loc) > 1 else "name"), message, input=True)
    return Problem(loc[0] if loc else "form", message, input=True)


def violation_problems(
    violations: list[dict[str, Any]],
    body: dict[str, Any],
    fmt: Formatter,
    gettext: Callable[[str], str],
) -> list[Problem]:
    """Each rule the service found, translated and placed beside the field that breaks it."""
    problems = []
    elements = body.get("elements", [])
    indexes = body.get("_form_indexes", [])
    for violation in violations:
        index = violation.get("element")
        code = str(violation.get("code", ""))
        text = describe_violation(violation, fmt, gettext)
        if index is None:
            problems.append(Problem(FIELD_OF_CODE.get(code, "form"), text))
            continue
        kind = elements[index]["kind"] if index < len(elements) else ""
        field = FIELD_OF_CODE.get(code) or UNIT_FIELD.get(kind, "facility")
        problems.append(Problem(field, text, _form_index(index, indexes)))
    return problems


def describe_violation(
    violation: dict[str, Any], fmt: Formatter, gettext: Callable[[str], str]
) -> str:
    """The rule in the reader's language, with the numbers and the instant that bind."""
    code = str(violation.get("code", ""))
    text = gettext(VIOLATIONS[code]) if code in VIOLATIONS else str(violation.get("message", ""))
    details = []
    if violation.get("category"):
        category = str(violation["category"])
        details.append(gettext(LABELS.get(category, category)))
    if violation.get("would_be") is not None and violation.get("limit") is not None:
        details.append(
            gettext("%(would_be)s where the limit is %(limit)s")
            % {
                "would_be": fmt.number(violation["would_be"]),
                "limit": fmt.number(violation["limit"]),
            }
        )
    if violation.get("at"):
        details.append(
            gettext("at %(when)s") % {"when": fmt.instant(parse_instant(violation["at"]))}
        )
    return f"{text} ({', '.join(details)})" if details else text


def form_of(deployment: dict[str, Any]) -> dict[str, Any]:
    """The filing form filled in from a deployment, for amending it (whole UTC days)."""
    form: dict[str, Any] = {
        "agreement": deployment["agreement"],
        "purpose": deployment["purpose"],
        "title": deployment["title"],
        "commander_name": deployment["commander"].get("name", ""),
        "commander_rank": deployment["commander"].get("rank", ""),
        "request_exception": "on" if deployment["request_exception"] else "",
        "justification": deployment["justification"] or "",
    }
    for index, element in enumerate(deployment["elements"]):
        kind = element["kind"]
        form[f"e{index}.kind"] = kind
        for name in ELEMENT_FIELDS.get(kind, ()) + COMMON_FIELDS:
            value = element.get(name)
            form[f"e{index}.{name}"] = "" if value is None else str(value)
    return form


def amendment_body(body: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body from a full filing body: what an amendment may change."""
    keys = ("purpose", "title", "commander", "request_exception", "justification", "elements")
    return {key: body[key] for key in keys} | {"_form_indexes": body.get("_form_indexes", [])}


def parse_amendment(
    body: dict[str, Any], gettext: Callable[[str], str]
) -> tuple[AmendmentIn | None, list[Problem]]:
    indexes = body.get("_form_indexes", [])
    api_body = {k: v for k, v in body.items() if k != "_form_indexes"}
    try:
        return AmendmentIn.model_validate(api_body), []
    except ValidationError as exc:
        return None, [_input_problem(error, gettext, indexes) for error in exc.errors()]
