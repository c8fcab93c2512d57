"""Which recorded events cross between nodes, the fact each one states and who writes it.

A fact crosses once: as the event's own signed entry in the agreement's log (the signed
log's hook appends every event there; the DSSE payload is the event's sealed statement,
with its envelope and full content). The receiving node reads the typed event back from
that statement, so nothing else needs to be sent. This module is pure: it names the fact
and its writer's role for each crossing event class (see writers.py for the table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from relos.deployments.events import ACTIONS, DeploymentEvent
from relos.events import DomainEvent, catalog
from relos.federation.writers import Roles, settlement_payer
from relos.kit.timeutil import as_utc
from relos.logistics.events import (
    DeliveryReceived,
    DeliveryRecorded,
    OrderEvent,
    OrderRaised,
    OrderSigned,
    PostingReversed,
    SettlementRecorded,
)

ORDER_FACTS: dict[type[OrderEvent], str] = {
    OrderRaised: "order.raised",
    OrderSigned: "order.signed",
    DeliveryRecorded: "order.delivered",
    DeliveryReceived: "order.received",
    SettlementRecorded: "settlement.recorded",
    PostingReversed: "ledger.reversed",
}


def crosses(event: DomainEvent) -> bool:
    """Whether `event` is a fact of an agreement that the partner's node must hold too."""
    return isinstance(event, DeploymentEvent) or type(event) in ORDER_FACTS


def fact_name(event: DomainEvent) -> str:
    if isinstance(event, DeploymentEvent):
        return f"deployment.{ACTIONS[type(event)]}"
    return ORDER_FACTS[type(event)]  # type: ignore[index]


def roles(event: DomainEvent) -> Roles:
    """The parties the event's record names, by role (who may write is decided from these)."""
    if isinstance(event, DeploymentEvent):
        content = event.model_dump()
        return Roles(deploying=content.get("deploying_party"), host=content.get("host_party"))
    assert isinstance(event, OrderEvent)
    requesting, supplying = event.parties
    signer = event.party if isinstance(event, OrderSigned) else None
    payer = (
        settlement_payer(event.method, debtor=requesting, creditor=supplying)
        if isinstance(event, SettlementRecorded)
        else None
    )
    return Roles(requesting=requesting, supplying=supplying, signer=signer, payer=payer)


class NotAFact(ValueError):
    """The entry is not the statement of an event that crosses."""


@dataclass(frozen=True)
class Statement:
    """A received entry read back: the event, who recorded it, when, in which log."""

    event: DomainEvent
    log: str
    at: datetime
    actor: str
    actor_party: str | None


def statement_of(payload: dict[str, Any]) -> Statement:
    """The typed event of a sealed statement (NotAFact when it is none that crosses)."""
    catalog.load()
    try:
        cls = catalog.event_class(str(payload["type"]))
    except (KeyError, LookupError) as exc:
        raise NotAFact(f"unknown event type {payload.get('type')!r}") from exc
    if not (issubclass(cls, DeploymentEvent) or cls in ORDER_FACTS):
        raise NotAFact(f"{payload['type']} does not cross between nodes")
    event = cls.model_validate_json(json.dumps(payload["content"]))
    at = as_utc(datetime.fromisoformat(str(payload["at"]).replace("Z", "+00:00")))
    party = payload.get("actor_party")
    return Statement(event, str(payload["log"]), at, str(payload["actor"]), party or None)
