from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from relos.agreements.domain import Consent, Term, add_years, pending_consents, term_in_force
from relos.agreements.loader import load_agreements, shipped_agreements_dir

RELOS = {a.id: a for a in load_agreements(shipped_agreements_dir())}["in-ru-relos"]
START = datetime(2026, 1, 1, tzinfo=UTC)
EXPIRY = datetime(2031, 1, 1, tzinfo=UTC)


def at(year: int, month: int = 6) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def test_initial_term_is_five_years_from_entry_into_force() -> None:
    term = term_in_force(RELOS, [])
    assert (term.start, term.end, term.extensions) == (START, EXPIRY, 0)
    assert term.contains(START) and not term.contains(EXPIRY)


def test_one_party_alone_does_not_extend() -> None:
    consents = [Consent("IN", 5, at(2029))]
    assert term_in_force(RELOS, consents).end == EXPIRY
    assert pending_consents(RELOS, consents) == consents


def test_both_parties_before_expiry_extend_once() -> None:
    consents = [Consent("IN", 5, at(2029)), Consent("RU", 5, at(2030))]
    term = term_in_force(RELOS, consents)
    assert term.end == datetime(2036, 1, 1, tzinfo=UTC) and term.extensions == 1
    assert pending_consents(RELOS, consents) == []


def test_consent_at_or_after_expiry_is_too_late() -> None:
    consents = [Consent("IN", 5, at(2029)), Consent("RU", 5, EXPIRY)]
    assert term_in_force(RELOS, consents).end == EXPIRY


def test_differing_years_do_not_match() -> None:
    consents = [Consent("IN", 5, at(2029)), Consent("RU", 3, at(2029, 7))]
    assert term_in_force(RELOS, consents).end == EXPIRY


def test_two_rounds_of_extension() -> None:
    consents = [
        Consent("IN", 5, at(2029)),
        Consent("RU", 5, at(2029, 7)),
        Consent("RU", 5, at(2034)),
        Consent("IN", 5, at(2035)),
    ]
    assert term_in_force(RELOS, consents).end == datetime(2041, 1, 1, tzinfo=UTC)


def test_automatic_renewal_has_no_end_and_none_has_fixed_end() -> None:
    auto = replace(RELOS, term=Term(10, "automatic", None))
    assert term_in_force(auto, []).end is None
    fixed = replace(RELOS, term=Term(5, "none", None))
    assert (
        term_in_force(fixed, [Consent("IN", 5, at(2029)), Consent("RU", 5, at(2029))]).end == EXPIRY
    )


def test_leap_day_anniversary_falls_back() -> None:
    from datetime import date

    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
