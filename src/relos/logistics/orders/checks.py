"""The order rules that read the database: the agreement, facility, deployment, counter-order.

Each returns violations (never raises for a rule break), so that every break is reported
together with the pure rules' in one answer.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.agreements.service import agreement_in_force
from relos.deployments import repository as deployments
from relos.facilities import repository as facilities
from relos.kit.errors import NotFound, Violation
from relos.kit.timeutil import utcnow
from relos.logistics.orders import repository
from relos.logistics.orders.domain import LogisticsTerms, OrderDraft


def terms_of(session: Session, agreement_id: str) -> LogisticsTerms | None:
    """The agreement's logistics section as the order rules need it, or None if it has none."""
    # The process's parsed agreement, checked against the agreement's latest event (the
    # logistics terms do not depend on the term's extensions, but the cache is there).
    agreement = agreement_in_force(session, agreement_id).agreement
    section = agreement.logistics
    if section is None:
        return None
    return LogisticsTerms(
        agreement.id,
        agreement.parties,
        frozenset(section.excluded_categories),
        frozenset(section.categories),
        frozenset(section.settlement_methods),
        dict(section.settle_days),
    )


def agreement_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    if not draft.agreement:
        return []
    try:
        in_force = agreement_in_force(session, draft.agreement)
    except NotFound:
        return [Violation("agreement_unknown", f"no agreement {draft.agreement!r}")]
    if in_force.agreement.logistics is None:
        return [Violation("no_logistics", f"{draft.agreement} provides no logistics support")]
    if not in_force.term.contains(utcnow()):
        return [Violation("agreement_not_in_force", f"{draft.agreement} is not in force")]
    return _facility_violations(session, draft) + _deployment_violations(session, draft)


def counter_violations(
    session: Session, draft: OrderDraft, counter_to: str | None
) -> list[Violation]:
    """A counter-order pays back an order that runs the other way under the same agreement."""
    if not counter_to:
        return []
    other = repository.order(session, counter_to)
    if other is None:
        return [Violation("counter_order_unknown", f"no support order {counter_to!r}")]
    expected = (draft.agreement, draft.supplying_party, draft.requesting_party)
    if (other.agreement_id, other.requesting_party, other.supplying_party) != expected:
        message = f"order {counter_to} does not run the other way under {draft.agreement}"
        return [Violation("counter_order_mismatch", message)]
    return []


def _facility_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    """Support is given at a known facility on the supplying party's territory."""
    if not draft.facility:
        return []
    facility = facilities.get(session, draft.facility)
    if facility is None:
        return [Violation("facility_unknown", f"no facility {draft.facility!r}")]
    if draft.supplying_party and facility.country != draft.supplying_party:
        message = f"{draft.facility} is in {facility.country}, not {draft.supplying_party}"
        return [Violation("facility_not_in_supplier_territory", message)]
    return []


def _deployment_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    """An order tied to a deployment supports that deployment, on its host's territory."""
    if not draft.deployment:
        return []
    deployment = deployments.get(session, draft.deployment)
    # One the requesting party may not see reads exactly like one that does not exist.
    if deployment is None or draft.requesting_party not in (
        deployment.deploying_party,
        deployment.host_party,
    ):
        return [Violation("deployment_unknown", f"no deployment {draft.deployment!r}")]
    expected = (draft.agreement, draft.requesting_party, draft.supplying_party)
    actual = (deployment.agreement_id, deployment.deploying_party, deployment.host_party)
    if actual != expected:
        message = f"deployment {draft.deployment} is {actual[1]} at {actual[2]} under {actual[0]}"
        return [Violation("deployment_mismatch", message)]
    return []
