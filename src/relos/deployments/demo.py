"""A demo season under RELOS: an INDRA-type exercise, a return visit, an evacuation, an air
detachment and an over-cap request waiting for the host's consent.

Dates are laid out from the first day of the month at least three weeks ahead, so every
filing gives the 14 days' notice ship visits need whenever the demo is loaded. Ship figures
are public ones (class displacement, length, beam, draught, complement); hull numbers and
serials are real where public and otherwise illustrative. Loading twice adds nothing: a
filing whose title is already on file is skipped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access import repository as users
from relos.access.domain import SYSTEM, Principal
from relos.access.service import principal_of
from relos.deployments import service
from relos.deployments.models import DeploymentRow
from relos.deployments.schemas import FilingIn
from relos.kit.timeutil import format_instant, utcnow

SHIPS: dict[str, dict[str, Any]] = {
    # name: hull, class, crew, displacement t, length m, beam m, draught m
    "INS Tabar": {
        "hull": "F44",
        "class": "talwar",
        "crew": 250,
        "displacement_t": 4035,
        "length_m": 124.8,
        "beam_m": 15.2,
        "draught_m": 4.5,
    },
    "INS Satpura": {
        "hull": "F48",
        "class": "shivalik",
        "crew": 257,
        "displacement_t": 6200,
        "length_m": 142.5,
        "beam_m": 16.9,
        "draught_m": 4.5,
    },
    "INS Kadmatt": {
        "hull": "P29",
        "class": "kamorta",
        "crew": 180,
        "displacement_t": 3300,
        "length_m": 109.0,
        "beam_m": 13.7,
        "draught_m": 4.0,
    },
    "INS Deepak": {
        "hull": "A50",
        "class": "deepak",
        "crew": 200,
        "displacement_t": 27500,
        "length_m": 175.0,
        "beam_m": 25.0,
        "draught_m": 9.1,
    },
    "INS Shivalik": {
        "hull": "F47",
        "class": "shivalik",
        "crew": 257,
        "displacement_t": 6200,
        "length_m": 142.5,
        "beam_m": 16.9,
        "draught_m": 4.5,
    },
    "INS Kamorta": {
        "hull": "P28",
        "class": "kamorta",
        "crew": 180,
        "displacement_t": 3300,
        "length_m": 109.0,
        "beam_m": 13.7,
        "draught_m": 4.0,
    },
    "Varyag": {
        "hull": "011",
        "class": "slava",
        "crew": 476,
        "displacement_t": 11490,
        "length_m": 186.4,
        "beam_m": 20.8,
        "draught_m": 8.4,
    },
    "Admiral Tributs": {
        "hull": "564",
        "class": "udaloy",
        "crew": 220,
        "displacement_t": 7570,
        "length_m": 163.0,
        "beam_m": 19.3,
        "draught_m": 7.5,
    },
    "Boris Butoma": {
        "hull": "BB-01",
        "class": "boris_chilikin",
        "crew": 75,
        "displacement_t": 23450,
        "length_m": 162.3,
        "beam_m": 21.4,
        "draught_m": 8.6,
    },
}


def _season_start(today: date) -> datetime:
    """The first of the month at least 21 days ahead."""
    ahead = today + timedelta(days=21)
    first = date(ahead.year, ahead.month, 1)
    if first < ahead:
        first = date(ahead.year + (ahead.month == 12), ahead.month % 12 + 1, 1)
    return datetime(first.year, first.month, first.day, tzinfo=UTC)


def _ship(name: str, facility: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "kind": "warship",
        "name": name,
        **SHIPS[name],
        "facility": facility,
        "start": format_instant(start),
        "end": format_instant(end),
    }


def _aircraft(
    kind: str, serial: str, call: str, facility: str, start: datetime, end: datetime
) -> dict[str, Any]:
    return {
        "kind": "aircraft",
        "type": kind,
        "serial": serial,
        "call_sign": call,
        "facility": facility,
        "start": format_instant(start),
        "end": format_instant(end),
    }


def _people(count: int, facility: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "kind": "personnel",
        "count": count,
        "facility": facility,
        "start": format_instant(start),
        "end": format_instant(end),
    }


def _filing(
    party: str,
    purpose: str,
    title: str,
    commander: tuple[str, str],
    elements: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "agreement": "in-ru-relos",
        "deploying_party": party,
        "purpose": purpose,
        "title": title,
        "commander": {"name": commander[0], "rank": commander[1]},
        "elements": elements,
        **extra,
    }


def season(now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """(filer, filing) in filing order."""
    s = _season_start(now.date())

    def d(n: int) -> datetime:
        return s + timedelta(days=n)

    soon = now.replace(microsecond=0) + timedelta(days=2)
    indra = [
        _ship(n, "RUVVO", d(0), d(14))
        for n in ("INS Tabar", "INS Satpura", "INS Kadmatt", "INS Deepak")
    ]
    return [
        (
            "in-planner",
            _filing(
                "IN",
                "joint_exercise",
                "INDRA Navy: Vladivostok harbour and sea phase",
                ("R. Menon", "Commodore"),
                [
                    *indra,
                    _people(450, "RUVVO", d(0), d(14)),
                    _aircraft("P-8I", "IN322", "INDIA322", "UHWW", d(2), d(10)),
                ],
            ),
        ),
        (
            "ru-planner",
            _filing(
                "RU",
                "joint_exercise",
                "INDRA Navy: return visit to Visakhapatnam",
                ("A. Kuzmin", "Captain 1st rank"),
                [
                    _ship("Varyag", "INVTZ", d(20), d(27)),
                    _ship("Admiral Tributs", "INVTZ", d(20), d(27)),
                    _ship("Boris Butoma", "INVTZ", d(20), d(27)),
                    _people(300, "INVTZ", d(20), d(27)),
                ],
            ),
        ),
        (
            "in-planner",
            _filing(
                "IN",
                "evacuation",
                "Evacuation of Indian nationals via Vladivostok",
                ("S. Rao", "Group Captain"),
                [
                    _aircraft(
                        "C-17A Globemaster III",
                        "CB-8007",
                        "IFC8007",
                        "UHWW",
                        soon,
                        soon + timedelta(days=4),
                    ),
                    _aircraft(
                        "C-17A Globemaster III",
                        "CB-8009",
                        "IFC8009",
                        "UHWW",
                        soon,
                        soon + timedelta(days=4),
                    ),
                    _people(120, "UHWW", soon, soon + timedelta(days=4)),
                ],
            ),
        ),
        (
            "ru-planner",
            _filing(
                "RU",
                "training",
                "Il-38N detachment at INS Rajali",
                ("D. Orlov", "Lieutenant colonel"),
                [
                    _aircraft("Il-38N", "RF-12345", "RFN345", "VOAR", d(30), d(45)),
                    _aircraft("Il-38N", "RF-12346", "RFN346", "VOAR", d(30), d(45)),
                    _aircraft("Il-38N", "RF-12347", "RFN347", "VOAR", d(30), d(45)),
                    _people(90, "VOAR", d(30), d(45)),
                ],
            ),
        ),
        (
            "in-planner",
            _filing(
                "IN",
                "joint_exercise",
                "INDRA Navy: second surface group (over the cap)",
                ("K. Nair", "Captain"),
                [
                    _ship("INS Shivalik", "RUVVO", d(5), d(14)),
                    _ship("INS Kamorta", "RUVVO", d(5), d(14)),
                ],
                request_exception=True,
                justification="Anti-submarine serials need a second group; asked at staff talks.",
            ),
        ),
    ]


def _principal(session: Session, name: str) -> Principal:
    user = users.user_by_name(session, name)
    return principal_of(user) if user is not None else SYSTEM


def load(session: Session) -> int:
    """File the season's deployments not yet on file; returns how many were added."""
    titles = set(session.scalars(select(DeploymentRow.title)))
    added = 0
    for filer, body in season(utcnow()):
        if body["title"] in titles:
            continue
        service.file(session, _principal(session, filer), FilingIn.model_validate(body))
        added += 1
    return added
