"""Agreement use cases: one function per route, page and command."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.agreements import repository
from relos.agreements.domain import Agreement, Consent, TermInForce, pending_consents, term_in_force
from relos.agreements.events import ConsentRecorded
from relos.agreements.loader import agreement_from_definition
from relos.agreements.models import AgreementRow
from relos.agreements.schemas import AgreementOut, ConsentIn
from relos.events import record
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


# Agreements in force by (id, hash of the agreement's latest event). Every change to an
# agreement or its consents is an event on the agreement's own hash chain, so that hash
# names the rows' whole history: a new load or consent gives a new key, and two databases
# (tests, a restored copy) can never share a key for different contents. The cache saves
# the definition's transfer and parsing and the consents' query on every filing.
_IN_FORCE: dict[tuple[str, str], AgreementInForce] = {}
_IN_FORCE_MAX = 256
IN_FORCE_MEMO = "relos.agreements.in_force"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_memo(session: Session) -> None:
    # Another transaction may change the agreement next: ask for its version again.
    session.info.pop(IN_FORCE_MEMO, None)


def agreement_in_force(session: Session, agreement_id: str) -> AgreementInForce:
    """For other features: the agreement and its term, with no caller check."""
    # Within one transaction the first answer holds until an agreement event is projected
    # in it (the projectors forget this memo), so a filing asks for the version once.
    memo: dict[str, AgreementInForce] = session.info.setdefault(IN_FORCE_MEMO, {})
    if agreement_id in memo:
        return memo[agreement_id]
    version = repository.version(session, agreement_id)
    key = (agreement_id, version or "")
    cached = _IN_FORCE.get(key) if version else None
    if cached is not None:
        memo[agreement_id] = cached
        return cached
    row = repository.get(session, agreement_id)
    if row is None:
        raise NotFound(f"no agreement {agreement_id!r}")
    item = _in_force(session, row)
    if version:
        if len(_IN_FORCE) >= _IN_FORCE_MAX:
            _IN_FORCE.clear()
        _IN_FORCE[key] = item
    memo[agreement_id] = item
    return item


def all_in_force(session: Session) -> list[AgreementInForce]:
    """Every stored agreement with its term in force (for the inbox's expiry items)."""
    return [_in_force(session, row) for row in repository.list_for_party(session, None)]


def _visible_row(session: Session, caller: Principal, agreement_id: str) -> AgreementRow:
    row = repository.get(session, agreement_id)
    if row is None or not may_see(caller, (row.party_a, row.party_b)):
        raise NotFound(f"no agreement {agreement_id!r}")
    return row


def list_agreements(session: Session, caller: Principal) -> list[AgreementOut]:
    require(caller, "reference.read")
    rows = repository.list_for_party(session, caller.party or None)
    return [present(_in_force(session, row)) for row in rows]


def get_agreement(session: Session, caller: Principal, agreement_id: str) -> AgreementOut:
    require(caller, "reference.read")
    return present(_in_force(session, _visible_row(session, caller, agreement_id)))


def record_consent(
    session: Session, caller: Principal, agreement_id: str, command: ConsentIn
) -> AgreementOut:
    """Record one party's consent to extend; the term moves once both have consented."""
    require(caller, "agreements.consent")
    party, extend_years = command.party, command.extend_years
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
    consents = [*current.consents, Consent(party, extend_years, now)]
    term = term_in_force(agreement, consents)
    consent = ConsentRecorded(
        agreement_id=agreement_id,
        parties=agreement.parties,
        party=party,
        extend_years=extend_years,
        recorded_at=now,
        recorded_by=caller.name,
        in_force_until=term.end,
    )
    record(session, caller, consent, now)
    return present(_in_force(session, row))


def present(item: AgreementInForce) -> AgreementOut:
    """The one output shape of an agreement (docs/api.md \"Agreements\")."""
    return AgreementOut.of(
        item.agreement, item.term, pending_consents(item.agreement, item.consents)
    )
