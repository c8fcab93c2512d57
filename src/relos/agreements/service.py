"""Agreement use cases: one function per route, page and command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.agreements import repository
from relos.agreements.domain import Agreement, Consent, TermInForce, pending_consents, term_in_force
from relos.agreements.loader import agreement_from_definition
from relos.agreements.models import AgreementRow, ConsentRow
from relos.audit.service import record
from relos.kit.errors import Forbidden, InvalidInput, NotFound
from relos.kit.timeutil import format_instant, utcnow


@dataclass(frozen=True)
class AgreementInForce:
    """An agreement together with the term its consents have produced."""

    agreement: Agreement
    term: TermInForce
    consents: list[Consent]


def _consents(session: Session, agreement_id: str) -> list[Consent]:
    return [
        Consent(c.party, c.extend_years, c.recorded_at)
        for c in repository.consents(session, agreement_id)
    ]


def _in_force(session: Session, row: AgreementRow) -> AgreementInForce:
    agreement = agreement_from_definition(row.definition)
    consents = _consents(session, row.id)
    return AgreementInForce(agreement, term_in_force(agreement, consents), consents)


def agreement_in_force(session: Session, agreement_id: str) -> AgreementInForce:
    """For other features: the agreement and its term, with no caller check."""
    row = repository.get(session, agreement_id)
    if row is None:
        raise NotFound(f"no agreement {agreement_id!r}")
    return _in_force(session, row)


def all_in_force(session: Session) -> list[AgreementInForce]:
    return [_in_force(session, row) for row in repository.list_for_party(session, None)]


def _visible_row(session: Session, caller: Principal, agreement_id: str) -> AgreementRow:
    row = repository.get(session, agreement_id)
    if row is None or not may_see(caller, (row.party_a, row.party_b)):
        raise NotFound(f"no agreement {agreement_id!r}")
    return row


def list_agreements(session: Session, caller: Principal) -> list[dict[str, Any]]:
    require(caller, "reference.read")
    rows = repository.list_for_party(session, caller.party or None)
    return [describe(_in_force(session, row)) for row in rows]


def get_agreement(session: Session, caller: Principal, agreement_id: str) -> dict[str, Any]:
    require(caller, "reference.read")
    return describe(_in_force(session, _visible_row(session, caller, agreement_id)))


def record_consent(
    session: Session, caller: Principal, agreement_id: str, party: str, extend_years: int
) -> dict[str, Any]:
    """Record one party's consent to extend; the term moves once both have consented."""
    require(caller, "agreements.consent")
    row = _visible_row(session, caller, agreement_id)
    current = _in_force(session, row)
    agreement = current.agreement
    if party not in agreement.parties:
        raise InvalidInput(f"party {party!r} is not a party to {agreement_id}")
    if caller.party and caller.party != party:
        raise Forbidden(f"only {party}'s officials may consent for {party}")
    if agreement.term.renewal != "mutual_consent":
        raise InvalidInput(f"{agreement_id} renews {agreement.term.renewal}; no consent is needed")
    if extend_years < 1 or extend_years > 50:
        raise InvalidInput("extend_years: between 1 and 50")
    now = utcnow()
    if current.term.end is not None and now >= current.term.end:
        raise InvalidInput(f"{agreement_id} expired on {format_instant(current.term.end)}")
    session.add(
        ConsentRow(
            agreement_id=agreement_id,
            party=party,
            extend_years=extend_years,
            recorded_at=now,
            recorded_by=caller.name,
        )
    )
    session.flush()
    after = _in_force(session, row)
    record(
        session,
        caller,
        "agreement.consent",
        "agreement",
        agreement_id,
        agreement.parties,
        detail={"party": party, "extend_years": extend_years, "in_force_until": _until(after.term)},
    )
    return describe(after)


def _until(term: TermInForce) -> str | None:
    return format_instant(term.end) if term.end else None


def describe(item: AgreementInForce) -> dict[str, Any]:
    """The public shape of an agreement (API.md "Reference data")."""
    a = item.agreement
    access = a.access
    logistics = a.logistics
    return {
        "id": a.id,
        "title": a.title,
        "short_name": a.short_name,
        "parties": list(a.parties),
        "signed": a.signed.isoformat(),
        "entry_into_force": a.entry_into_force.isoformat(),
        "in_force_until": _until(item.term),
        "term": {
            "initial_years": a.term.initial_years,
            "renewal": a.term.renewal,
            "extension_years": a.term.extension_years,
            "extensions": item.term.extensions,
            "pending_consents": [
                {
                    "party": c.party,
                    "extend_years": c.extend_years,
                    "recorded_at": format_instant(c.recorded_at),
                }
                for c in pending_consents(a, item.consents)
            ],
        },
        "caps": a.caps,
        "purposes": list(access.purposes) if access else [],
        "facility_kinds": list(access.facility_kinds) if access else [],
        "notice_days": dict(access.notice_days) if access else {},
        "notice_exempt_purposes": list(access.notice_exempt_purposes) if access else [],
        "crew_counts_as_personnel": access.crew_counts_as_personnel if access else None,
        "exceptions_by_consent": access.exceptions_by_consent if access else None,
        "logistics": None
        if logistics is None
        else {
            "categories": list(logistics.categories),
            "excluded_categories": list(logistics.excluded_categories),
            "settlement_methods": list(logistics.settlement_methods),
            "settle_days": dict(logistics.settle_days),
            "pricing": logistics.pricing,
        },
        "sources": list(a.sources),
        "notes": list(a.notes),
        "illustrative": list(a.illustrative),
    }
