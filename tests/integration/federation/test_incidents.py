"""Divergence is proven, never merged: equivocating checkpoints and entries, forged
signatures and a peer's signed rejection each end as an incident with evidence."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship
from tests.integration.federation.nodes import Node

from relos.access.domain import SYSTEM, Principal
from relos.deployments import records, repository
from relos.deployments.domain import Status
from relos.deployments.events import DeploymentApproved
from relos.events import record
from relos.federation import arrival, bundle, outbox, receive, service
from relos.federation.models import PeerRow
from relos.kit.timeutil import utcnow
from relos.tlog import dsse, note, store
from relos.tlog.keys import Signer

pytestmark = pytest.mark.postgres


def _ship(india: Node, russia: Node) -> None:
    with india.db.transaction() as session:
        data = bundle.export(session, "RU")
    assert bundle.import_bundle(russia.db, data).incidents == []


def _signer(node: Node) -> Signer:
    with node.db.transaction(write=False) as session:
        return store.node_signer(session)


def _peer(node: Node, party: str) -> PeerRow:
    with node.db.transaction(write=False) as session:
        row = session.get(PeerRow, party)
        assert row is not None
        session.expunge(row)
    return row


def _open(node: Node) -> list[dict[str, object]]:
    with node.db.transaction(write=False) as session:
        statuses = service.status(session, SYSTEM)
    return [i.model_dump() for s in statuses for i in s.incidents]


def _held(node: Node, origin: str) -> tuple[str, int]:
    with node.db.transaction(write=False) as session:
        from relos.federation.models import PeerLogRow

        row = session.get(PeerLogRow, origin)
        assert row is not None and row.verified_note is not None
        return row.verified_note, int(row.verified_size)


def _origin(india: Node) -> str:
    with india.db.transaction(write=False) as session:
        log = store.log_of(session, "in-ru-relos")
        assert log is not None
        return log.origin


def test_two_signed_inconsistent_checkpoints_are_a_fork(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    india.file(filing(warship("F1")), IN_PLANNER)
    _ship(india, russia)
    origin = _origin(india)
    held, size = _held(russia, origin)
    # IN's key signs a different tree of the same log, one entry longer (a rolled-back,
    # diverged node): validly signed, and inconsistent with what RU co-signed.
    forged = note.sign_checkpoint(
        note.Checkpoint(origin, size + 1, hashlib.sha256(b"other history").digest()),
        [_signer(india)],
    )
    leaf = dsse.seal(b'{"type":"x"}', dsse.payload_type("x"), [_signer(india)])
    outcome = receive.ingest(
        russia.db, _peer(russia, "IN"), arrival.Batch(origin, "in-ru-relos", forged, [(size, leaf)])
    )
    assert [i.split(":")[0] for i in outcome.incidents] == ["fork"]
    found = _open(russia)
    assert [i["kind"] for i in found] == ["fork"]
    with russia.db.transaction(write=False) as session:
        evidence = service.incident_evidence(session, SYSTEM, int(found[0]["id"]))  # type: ignore[arg-type]
    assert forged.splitlines()[0] in evidence and held.splitlines()[1] in evidence
    assert _held(russia, origin) == (held, size)  # the co-signed state did not move


def test_a_different_signed_entry_at_a_held_index_is_a_fork(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    india.file(filing(warship("F1")), IN_PLANNER)
    _ship(india, russia)
    origin = _origin(india)
    held, _ = _held(russia, origin)
    leaf = dsse.seal(b'{"type":"x"}', dsse.payload_type("x"), [_signer(india)])
    outcome = receive.ingest(
        russia.db, _peer(russia, "IN"), arrival.Batch(origin, "in-ru-relos", held, [(0, leaf)])
    )
    assert outcome.incidents and outcome.incidents[0].startswith("fork")


def test_a_forged_signature_is_refused_and_stores_nothing(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    india.file(filing(warship("F1")), IN_PLANNER)
    intruder = Signer.generate(_signer(india).name)  # same name, another key
    origin = _origin(india)
    fake = note.sign_checkpoint(note.Checkpoint(origin, 1, b"\0" * 32), [intruder])
    with pytest.raises(arrival.Damaged):
        receive.ingest(
            russia.db, _peer(russia, "IN"), arrival.Batch(origin, "in-ru-relos", fake, [])
        )


def test_a_fact_its_party_may_not_write_is_rejected_and_the_writer_sees_it(
    nodes: tuple[Node, Node],
) -> None:
    india, russia = nodes
    for i in range(5):
        india.file(filing(warship(f"A{i}")), IN_PLANNER)
    filed = india.file(filing(warship("F1"), request_exception=True, justification="x"), IN_PLANNER)
    assert filed["status"] == "pending_host_consent"
    # A misbehaving IN node signs the host's consent itself.
    with india.db.transaction() as session:
        row = repository.get(session, filed["id"])
        assert row is not None
        cleared = replace(records.domain_of(row), status=Status.CLEARED)
        approval = records.state_change(DeploymentApproved, row, cleared, utcnow())
        session.info[outbox.APPLYING] = True  # it skips its own writer check
        planner = Principal(user_id=0, name="in-planner", party="IN", roles=frozenset())
        record(session, planner, approval, approval.updated_at)
    with india.db.transaction() as session:
        data = bundle.export(session, "RU")
    result = bundle.import_bundle(russia.db, data)
    assert (result.applied, result.rejected) == (6, 1)
    assert russia.get(filed["id"])["status"] == "pending_host_consent"
    with russia.db.transaction() as session:
        back = bundle.export(session, "IN")
    seen = bundle.import_bundle(india.db, back)
    assert [i.split(":")[0] for i in seen.incidents] == ["rejected"]
    assert [i["kind"] for i in _open(india)] == ["rejected"]
