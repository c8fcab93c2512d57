"""Two in-process nodes over a simulated, seeded network and clock (Hypothesis state
machine).

IN and RU each have their own SQLite file and node key and talk through the real sync
and bundle code: HTTP sync goes through each node's app in process (requests signed as
between real nodes), with a seeded network in between that drops, duplicates, reorders
and tampers; bundles are messages that can be delivered late, twice or never. Nodes
crash mid-sync (the open transaction is lost), are restored from old backups (a file
copy, as `relos db backup/restore` would), rotate their keys and skew their clocks.

Invariants, after every step:
- what a node has verified of its partner's log is byte-identical to the partner's log
  (or a fork incident is open on it);
- nothing is applied twice (one verdict per entry) or past a gap (`applied` never passes
  the held prefix nor the verified size);
- the cap of five IN warships is never exceeded on either node.
After `heal` (faults off, partition over, sync until quiet): equal sizes and equal
co-signed checkpoints both ways, unless a history-changing fault was injected, which
must then have ended as an incident.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship
from tests.integration.federation.nodes import Node, Router, make_node, pair

from relos.access.domain import SYSTEM
from relos.deployments import service as deployments
from relos.deployments.domain import COUNTING_STATUSES
from relos.federation import api, arrival, bundle, judging, receive, sync, witnessing
from relos.federation.models import IncidentRow, PeerLogRow, ReceivedRow
from relos.kit.db import Database
from relos.kit.errors import RelosError
from relos.lifecycle import upgrade_database
from relos.tlog import dsse, note, store
from relos.tlog import service as node_service
from relos.tlog.keys import Signer
from relos.tlog.models import LogRow
from relos.tlog.node import KEY_FILE, create_key, key_path, node_name, promote_key

AGREEMENT = "in-ru-relos"
CAP = 5  # the agreement's warship cap for IN on RU's territory
PARTIES = ("IN", "RU")
PHASES = (
    [Phase.explicit, Phase.reuse, Phase.generate]
    if os.environ.get("RELOS_NO_SHRINK")
    else list(Phase)
)
TEMPLATES: dict[str, tuple[Path, Path]] = {}


class Crash(Exception):
    """The process died: the open transaction is lost."""


@dataclass
class Faults:
    """What the network does to the next sync's responses (seeded)."""

    rng: random.Random
    drop_after: int | None = None  # requests answered before the link goes down
    duplicate: bool = False
    reorder: bool = False
    tamper: bool = False
    forge: bool = False
    served: int = 0
    tampered: list[str] = field(default_factory=list)


class Network(httpx.BaseTransport):
    """The in-process router with a faulty link in front of it."""

    def __init__(self, router: Router, faults: Faults) -> None:
        self.router, self.faults = router, faults

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        faults = self.faults
        if faults.drop_after is not None and faults.served >= faults.drop_after:
            raise httpx.ConnectError("the link is down", request=request)
        faults.served += 1
        answer = self.router.handle_request(request)
        path = request.url.path
        if answer.status_code != 200:
            return answer
        if path.endswith("/entries"):
            items = answer.json()
            if faults.duplicate:
                items = items + items
            if faults.reorder:
                faults.rng.shuffle(items)
            if faults.tamper and items:
                items = [dict(item) for item in items]
                victim = faults.rng.randrange(len(items))
                items[victim]["leaf"] = _edit(items[victim]["leaf"])
                faults.tampered.append(f"entry {items[victim]['index']}")
            return httpx.Response(200, json=items)
        if path.endswith("/checkpoint") and faults.forge:
            checkpoint = note.parse(answer.text).text
            name = note.parse(answer.text).signatures[0].name
            forged = note.sign(checkpoint, [Signer.generate(name)])
            faults.tampered.append("checkpoint")
            return httpx.Response(200, text=forged)
        return answer

    def close(self) -> None:
        """The router outlives each sync."""


def _edit(leaf: str) -> str:
    """The same envelope with one payload byte changed (the signature no longer holds)."""
    envelope = json.loads(base64.b64decode(leaf))
    payload = bytearray(base64.b64decode(envelope["payload"]))
    payload[len(payload) // 2] ^= 0x01
    envelope["payload"] = base64.b64encode(bytes(payload)).decode()
    return base64.b64encode(json.dumps(envelope).encode()).decode()


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    for party in PARTIES:
        folder = tmp_path_factory.mktemp(f"machine-{party.lower()}")
        create_key(key_path(folder), node_name(party))
        db = Database(f"sqlite:///{folder / 'template.db'}", folder)
        upgrade_database(db)
        db.dispose()
        TEMPLATES[party] = (folder / "template.db", folder)
    return TEMPLATES


def _origin(node: Node) -> str | None:
    with node.db.transaction(write=False) as session:
        log = store.log_of(session, AGREEMENT)
        return None if log is None else log.origin


def _log(node: Node) -> list[bytes]:
    with node.db.transaction(write=False) as session:
        log = store.log_of(session, AGREEMENT)
        latest = None if log is None else store.latest_checkpoint(session, log.id)
        if log is None or latest is None:
            return []
        return [leaf for _, leaf in store.entries(session, log.id, 0, int(latest.size))]


def _incidents(node: Node) -> list[tuple[str, str]]:
    with node.db.transaction(write=False) as session:
        rows = session.scalars(select(IncidentRow).order_by(IncidentRow.id))
        return [(row.kind, row.detail) for row in rows]


class TwoNodes(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="relos-machine-"))
        self.nodes: dict[str, Node] = {}
        for party in PARTIES:
            template, keyed = TEMPLATES[party]
            folder = self.folder / party.lower()
            folder.mkdir()
            shutil.copyfile(keyed / KEY_FILE, folder / KEY_FILE)
            shutil.copyfile(template, folder / "relos.db")
            self.nodes[party] = make_node(party, f"sqlite:///{folder / 'relos.db'}", folder)
        pair(self.nodes["IN"], self.nodes["RU"])
        self.router = Router(list(self.nodes.values()), self.folder)
        self.clock = {party: 1_900_000_000.0 for party in PARTIES}
        self.partitioned = False
        self.in_flight: list[tuple[str, bytes, int]] = []  # (receiver, bundle, rotations)
        self.rotations = 0
        self.backups: dict[str, list[Path]] = {party: [] for party in PARTIES}
        # The key each backup was taken under: a database restored from before its node's
        # key rotation announces a key the node no longer holds, and the node then refuses
        # to sign anything (relos.tlog.store.current_signer fails closed) until its
        # operator brings back that key or rotates again; so only backups taken under the
        # node's current key are restored here.
        self.backup_keys: dict[Path, int] = {}
        self.key_of: dict[str, int] = dict.fromkeys(PARTIES, 0)
        self.filed = 0
        # History-changing faults injected, per receiving node (each must be an incident).
        self.expected: dict[str, int] = {party: 0 for party in PARTIES}
        self.diverged = False

    def teardown(self) -> None:
        self.router.shutdown()
        for node in self.nodes.values():
            node.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------

    def other(self, party: str) -> str:
        return "RU" if party == "IN" else "IN"

    @contextmanager
    def clocks(self, puller: str) -> Iterator[None]:
        """The puller signs by its clock; the partner checks by its own."""
        served = self.clock[self.other(puller)]
        with (
            mock.patch.object(sync, "time", mock.Mock(time=lambda: self.clock[puller])),
            mock.patch.object(api, "time", mock.Mock(time=lambda: served)),
        ):
            yield

    def pull(self, puller: str, faults: Faults) -> arrival.Outcome | str:
        with self.clocks(puller):
            results = sync.sync(
                self.nodes[puller].db, self.other(puller), Network(self.router, faults)
            )
        return results[self.other(puller)]

    # --- the parties' own work -------------------------------------------------------------

    @rule(start=st.integers(0, 6), days=st.integers(1, 6), ships=st.integers(1, 3))
    def india_files(self, start: int, days: int, ships: int) -> None:
        self.filed += 1
        hulls = [warship(f"H{self.filed}-{i}", start, start + days) for i in range(ships)]
        with suppress(RelosError):  # over the cap: refused where it is filed, nothing sent
            self.nodes["IN"].file(filing(*hulls), IN_PLANNER)

    @rule(data=st.data())
    def india_cancels(self, data: st.DataObject) -> None:
        with self.nodes["IN"].db.transaction(write=False) as session:
            found = [
                d.id
                for d in deployments.list_deployments(session, SYSTEM)
                if d.status in {"cleared", "pending_host_consent"}
            ]
        if found:
            with self.nodes["IN"].db.transaction() as session:
                deployments.cancel(session, IN_PLANNER, data.draw(st.sampled_from(sorted(found))))

    # --- the network -------------------------------------------------------------------------

    @precondition(lambda self: not self.partitioned)
    @rule(
        puller=st.sampled_from(PARTIES),
        seed=st.integers(0, 2**16),
        drop_after=st.none() | st.integers(0, 4),
        duplicate=st.booleans(),
        reorder=st.booleans(),
    )
    def sync_over_http(
        self, puller: str, seed: int, drop_after: int | None, duplicate: bool, reorder: bool
    ) -> None:
        faults = Faults(random.Random(seed), drop_after, duplicate, reorder)
        result = self.pull(puller, faults)
        if isinstance(result, arrival.Outcome) and not self.diverged:
            assert result.incidents == [], result.incidents

    @precondition(lambda self: not self.partitioned)
    @rule(puller=st.sampled_from(PARTIES), seed=st.integers(0, 2**16), forge=st.booleans())
    def sync_tampered(self, puller: str, seed: int, forge: bool) -> None:
        """An entry edited in flight or a checkpoint signed by another key: an incident."""
        before = len(_incidents(self.nodes[puller]))
        held = self.received(puller)
        faults = Faults(random.Random(seed), tamper=not forge, forge=forge)
        self.pull(puller, faults)
        if faults.tampered:
            after = len(_incidents(self.nodes[puller]))
            assert after > before, faults.tampered
            assert self.received(puller) == held  # refused whole: nothing stored
            self.expected[puller] += after - before

    def received(self, party: str) -> list[tuple[str, int, bytes]]:
        with self.nodes[party].db.transaction(write=False) as session:
            rows = session.scalars(
                select(ReceivedRow).order_by(ReceivedRow.origin, ReceivedRow.idx)
            )
            return [(row.origin, int(row.idx), bytes(row.leaf)) for row in rows]

    @rule()
    def partition(self) -> None:
        self.partitioned = True

    @rule(sender=st.sampled_from(PARTIES))
    def export_bundle(self, sender: str) -> None:
        with self.nodes[sender].db.transaction() as session:
            data = bundle.export(session, self.other(sender))
        self.in_flight.append((self.other(sender), data, self.rotations))

    @precondition(lambda self: bool(self.in_flight))
    @rule(data=st.data())
    def deliver_bundle(self, data: st.DataObject) -> None:
        """Any bundle in flight, however old (bundles arrive out of order)."""
        index = data.draw(st.integers(0, len(self.in_flight) - 1))
        receiver, body, rotations = self.in_flight.pop(index)
        state = self.received(receiver), _log(self.nodes[receiver])
        try:
            outcome = bundle.import_bundle(self.nodes[receiver].db, body)
        except arrival.Damaged:
            # Signed by a key its sender has since rotated away from: refused whole.
            assert rotations < self.rotations or self.diverged
            assert (self.received(receiver), _log(self.nodes[receiver])) == state
            return
        if not self.diverged:
            assert outcome.incidents == [], outcome.incidents

    @precondition(lambda self: bool(self.in_flight))
    @rule(data=st.data())
    def duplicate_bundle(self, data: st.DataObject) -> None:
        self.in_flight.append(data.draw(st.sampled_from(self.in_flight)))

    @precondition(lambda self: bool(self.in_flight))
    @rule(data=st.data())
    def drop_bundle(self, data: st.DataObject) -> None:
        self.in_flight.pop(data.draw(st.integers(0, len(self.in_flight) - 1)))

    @rule(sender=st.sampled_from(PARTIES))
    def import_bundle_twice(self, sender: str) -> None:
        receiver = self.nodes[self.other(sender)]
        with self.nodes[sender].db.transaction() as session:
            data = bundle.export(session, receiver.party)
        state = self.received(receiver.party), _log(receiver)
        try:
            bundle.import_bundle(receiver.db, data)
        except arrival.Damaged:
            # A restored sender signs with a key its old log never announced: refused whole.
            assert self.diverged
            assert (self.received(receiver.party), _log(receiver)) == state
            return
        state = self.received(receiver.party), _log(receiver)
        again = bundle.import_bundle(receiver.db, data)
        assert (again.received, again.applied, again.rejected) == (0, 0, 0)
        assert (self.received(receiver.party), _log(receiver)) == state

    @rule(sender=st.sampled_from(PARTIES), seed=st.integers(0, 2**16))
    def tampered_bundle_is_refused_whole(self, sender: str, seed: int) -> None:
        receiver = self.nodes[self.other(sender)]
        with self.nodes[sender].db.transaction() as session:
            body = json.loads(bundle.export(session, receiver.party))
        leaves = [(i, j) for i, log in enumerate(body["logs"]) for j in range(len(log["entries"]))]
        if not leaves:
            return
        i, j = random.Random(seed).choice(leaves)
        body["logs"][i]["entries"][j] = _edit(body["logs"][i]["entries"][j])
        state = self.received(receiver.party), _log(receiver)
        with pytest.raises(arrival.Damaged):
            bundle.import_bundle(receiver.db, json.dumps(body).encode())
        assert (self.received(receiver.party), _log(receiver)) == state

    # --- the nodes -------------------------------------------------------------------------

    @precondition(lambda self: not self.partitioned)
    @rule(puller=st.sampled_from(PARTIES), after=st.integers(0, 3))
    def crash_mid_sync(self, puller: str, after: int) -> None:
        """The node dies while judging an entry: that transaction is lost, nothing else."""
        judge = judging.judge
        calls = []

        def dying(*args: Any) -> None:
            judge(*args)
            calls.append(1)
            if len(calls) > after:
                raise Crash

        with mock.patch.object(judging, "judge", dying), suppress(Crash):
            self.pull(puller, Faults(random.Random(0)))

    @rule(party=st.sampled_from(PARTIES))
    def back_up(self, party: str) -> None:
        node = self.nodes[party]
        node.db.dispose()
        copy = self.folder / f"{party.lower()}-backup-{len(self.backups[party])}.db"
        shutil.copyfile(self.folder / party.lower() / "relos.db", copy)
        self.backups[party].append(copy)
        self.backup_keys[copy] = self.key_of[party]

    def _restorable(self, party: str) -> list[Path]:
        return [c for c in self.backups[party] if self.backup_keys[c] == self.key_of[party]]

    @precondition(lambda self: any(self._restorable(p) for p in PARTIES))
    @rule(data=st.data())
    def restore_old_backup(self, data: st.DataObject) -> None:
        party = data.draw(st.sampled_from([p for p in PARTIES if self._restorable(p)]))
        copy = data.draw(st.sampled_from(self._restorable(party)))
        node = self.nodes[party]
        node.db.dispose()
        shutil.copyfile(copy, self.folder / party.lower() / "relos.db")
        # The partner may hold entries this node no longer has; anything it writes next
        # is a different history at those indexes (checked in `heal`).
        self.diverged = True

    @rule(party=st.sampled_from(PARTIES))
    def rotate_key(self, party: str) -> None:
        node = self.nodes[party]
        with node.db.transaction() as session:
            node_service.rotate_key(session, SYSTEM)
        promote_key(key_path(node.db.data_dir))
        self.rotations += 1
        self.key_of[party] += 1

    @rule(party=st.sampled_from(PARTIES), seconds=st.integers(-200, 200))
    def skew_clock(self, party: str, seconds: int) -> None:
        """Within the signatures' tolerance: requests still pass."""
        self.clock[party] += seconds
        base = max(self.clock.values())
        for other in PARTIES:  # keep both within 300 s of each other
            self.clock[other] = max(self.clock[other], base - 250)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def nothing_past_a_gap_nor_twice(self) -> None:
        for party, node in self.nodes.items():
            with node.db.transaction(write=False) as session:
                for log in session.scalars(select(PeerLogRow)):
                    prefix = receive.held_prefix(session, log.origin)
                    assert int(log.applied) <= min(prefix, int(log.verified_size)), party
                    judged = session.scalars(
                        select(ReceivedRow).where(
                            ReceivedRow.origin == log.origin, ReceivedRow.state != "held"
                        )
                    ).all()
                    assert all(int(row.idx) < int(log.applied) for row in judged), party
            verdicts = [
                (body["origin"], body["index"]) for body in self.verdicts(node) if not self.diverged
            ]
            assert len(verdicts) == len(set(verdicts)), f"{party} judged an entry twice"

    def verdicts(self, node: Node) -> list[dict[str, Any]]:
        found = []
        for leaf in _log(node):
            envelope = dsse.parse(leaf)
            if dsse.event_type_of(envelope.payload_type) in (judging.ACK, judging.REJECT):
                found.append(json.loads(envelope.payload))
        return found

    @invariant()
    def caps_never_exceeded(self) -> None:
        for party, node in self.nodes.items():
            with node.db.transaction(write=False) as session:
                listed = deployments.list_deployments(session, SYSTEM)
            periods = [
                (datetime.fromisoformat(e.start), datetime.fromisoformat(e.end))
                for d in listed
                if d.deploying_party == "IN" and d.status in COUNTING_STATUSES
                for e in d.elements
                if e.kind == "warship"
            ]
            for instant, _ in periods:
                at = instant + timedelta(seconds=1)
                use = sum(1 for start, end in periods if start <= at < end)
                assert use <= CAP, f"{party}: {use} IN warships at {instant}"

    @invariant()
    def verified_history_is_the_partners(self) -> None:
        for party, node in self.nodes.items():
            partner = self.nodes[self.other(party)]
            origin = _origin(partner)
            if origin is None:
                continue
            theirs = _log(partner)
            with node.db.transaction(write=False) as session:
                log = session.get(PeerLogRow, origin)
                size = 0 if log is None else int(log.verified_size)
                held = witnessing.held_leaves(session, origin, size) if size else []
            # Only a restored node's partner may hold what the restored log no longer has.
            assert held == theirs[:size] or self.diverged, f"{party}: verified history differs"

    # --- healing -----------------------------------------------------------------------------

    @rule()
    def heal(self) -> None:
        self.partitioned = False
        for _ in range(4):
            for puller in PARTIES:
                if isinstance(self.pull(puller, Faults(random.Random(0))), str):
                    # Both rotated before hearing of the other: each refuses the other's
                    # signed requests until one bundle carries a rotation across.
                    self.carry_bundle(self.other(puller))
        for party, node in self.nodes.items():
            partner = self.nodes[self.other(party)]
            origin = _origin(partner)
            theirs = _log(partner)
            with node.db.transaction(write=False) as session:
                log = None if origin is None else session.get(PeerLogRow, origin)
                sizes = None if log is None else (int(log.verified_size), int(log.applied))
                held = (
                    [] if origin is None else witnessing.held_leaves(session, origin, len(theirs))
                )
            kinds = [kind for kind, _ in _incidents(node)]
            if held != theirs:
                # A restored-then-diverged partner: never a silent accept.
                assert self.diverged and "fork" in kinds, (party, kinds)
                continue
            if self.diverged:
                continue
            # Only the injected damage (an edited entry, a forged checkpoint) was reported.
            assert len(kinds) == self.expected[party], (party, _incidents(node))
            assert set(kinds) <= {"damaged"}, (party, _incidents(node))
            assert sizes is None or sizes == (len(theirs), len(theirs)), (party, sizes)
            self.equal_cosigned(node, partner)

    def carry_bundle(self, sender: str) -> None:
        with self.nodes[sender].db.transaction() as session:
            data = bundle.export(session, self.other(sender))
        try:
            bundle.import_bundle(self.nodes[self.other(sender)].db, data)
        except arrival.Damaged:
            assert self.diverged

    def equal_cosigned(self, witness: Node, origin_node: Node) -> None:
        """The witness's co-signed checkpoint of the partner's log is the one the partner
        holds as co-signed, and it covers the whole log."""
        from relos.federation.models import CosignatureRow

        origin = _origin(origin_node)
        if origin is None:
            return
        with witness.db.transaction(write=False) as session:
            log = session.get(PeerLogRow, origin)
            ours = None if log is None else log.cosigned_note
        with origin_node.db.transaction(write=False) as session:
            row = session.get(CosignatureRow, origin)
            kept = None if row is None else row.note
            size = store.stored_size(
                session, session.scalar(select(LogRow.id).where(LogRow.origin == origin))
            )
        assert ours is not None and ours == kept, (witness.party, origin)
        assert note.parse(ours).text.splitlines()[1] == str(size)


def test_two_nodes_over_a_faulty_network(templates: dict[str, tuple[Path, Path]]) -> None:
    run_state_machine_as_test(
        TwoNodes,
        settings=settings(
            max_examples=6,
            phases=PHASES,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
