"""Resumable and idempotent: a gap holds everything after it, a stop between entries
loses nothing, and nothing is applied twice."""

from __future__ import annotations

import pytest
from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship
from tests.integration.federation.nodes import Node

from relos.access.domain import SYSTEM
from relos.deployments import service as deployments
from relos.federation import arrival, receive
from relos.federation.models import PeerLogRow, PeerRow, ReceivedRow
from relos.tlog import store

pytestmark = pytest.mark.postgres


def _log(india: Node) -> tuple[str, str, list[tuple[int, bytes]]]:
    with india.db.transaction(write=False) as session:
        log = store.log_of(session, "in-ru-relos")
        assert log is not None
        latest = store.latest_checkpoint(session, log.id)
        assert latest is not None
        return log.origin, latest.note, list(store.all_entries(session, log.id))


def _peer(russia: Node) -> PeerRow:
    with russia.db.transaction(write=False) as session:
        row = session.get(PeerRow, "IN")
        assert row is not None
        session.expunge(row)
    return row


def _count(russia: Node) -> int:
    with russia.db.transaction(write=False) as session:
        return len(deployments.list_deployments(session, SYSTEM))


def test_a_gap_holds_everything_after_it_until_it_is_filled(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    for i in range(3):
        india.file(filing(warship(f"G{i}")), IN_PLANNER)
    origin, note, entries = _log(india)
    gap = len(entries) - 2
    peer = _peer(russia)
    held = [e for e in entries if e[0] != gap]
    receive.ingest(russia.db, peer, arrival.Batch(origin, "in-ru-relos", note, held))
    receive.apply_pending(russia.db, "IN", origin)
    with russia.db.transaction(write=False) as session:
        log = session.get(PeerLogRow, origin)
        assert log is not None and int(log.verified_size) == 0 and int(log.applied) == 0
        assert session.get(ReceivedRow, (origin, gap + 1)).state == "held"  # type: ignore[union-attr]
    assert _count(russia) == 0
    receive.ingest(russia.db, peer, arrival.Batch(origin, "in-ru-relos", note, [entries[gap]]))
    outcome = receive.apply_pending(russia.db, "IN", origin)
    assert (outcome.applied, outcome.incidents) == (3, [])
    assert _count(russia) == 3


def test_a_stop_between_entries_loses_nothing_and_applies_nothing_twice(
    nodes: tuple[Node, Node],
) -> None:
    india, russia = nodes
    for i in range(3):
        india.file(filing(warship(f"S{i}")), IN_PLANNER)
    origin, note, entries = _log(india)
    peer = _peer(russia)
    receive.ingest(russia.db, peer, arrival.Batch(origin, "in-ru-relos", note, entries))
    first = receive.apply_pending(russia.db, "IN", origin, limit=len(entries) - 1)  # "crash"
    assert first.applied == 2 and _count(russia) == 2
    # The same entries again (a retried pull), then the rest.
    again = receive.ingest(russia.db, peer, arrival.Batch(origin, "in-ru-relos", note, entries))
    assert again.received == 0
    rest = receive.apply_pending(russia.db, "IN", origin)
    assert (rest.applied, rest.rejected) == (1, 0) and _count(russia) == 3
    assert receive.apply_pending(russia.db, "IN", origin).applied == 0
