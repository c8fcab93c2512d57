"""Two in-process nodes (IN on SQLite, RU on PostgreSQL): filings and consents cross as
signed facts by HTTP sync and by bundles, with the same ids, and nothing twice."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.e2e.cli_runner import cli_env, relos
from tests.integration.deployments.deployment_bodies import (
    IN_PLANNER,
    RU_LIAISON,
    RU_PLANNER,
    filing,
    warship,
)
from tests.integration.federation.nodes import Node, Router

from relos.access.domain import SYSTEM
from relos.deployments import service as deployments
from relos.deployments.schemas import ConsentIn
from relos.events import replay
from relos.federation import bundle, service, sync
from relos.federation.models import ReceivedRow
from relos.kit.errors import Forbidden, InvalidInput
from relos.tlog import store
from relos.tlog.models import LogRow

pytestmark = pytest.mark.postgres


@pytest.fixture
def router(nodes: tuple[Node, Node], tmp_path: Path) -> Iterator[Router]:
    found = Router(list(nodes), tmp_path)
    yield found
    found.shutdown()


def _ok(results: dict[str, object]) -> None:
    for party, result in results.items():
        assert not isinstance(result, str), f"{party}: {result}"
        assert not result.incidents, result.incidents  # type: ignore[attr-defined]


def test_a_filing_crosses_by_http_with_its_id(nodes: tuple[Node, Node], router: Router) -> None:
    india, russia = nodes
    filed = india.file(filing(warship("F44")), IN_PLANNER)
    _ok(sync.sync(russia.db, "IN", router))
    assert russia.get(filed["id"])["status"] == "cleared"
    assert russia.get(filed["id"])["elements"] == filed["elements"]
    _ok(sync.sync(russia.db, "IN", router))  # nothing new: a no-op
    later = india.file(filing(warship("F45")), IN_PLANNER)
    _ok(sync.sync(russia.db, "IN", router))  # checked by a consistency proof from the last
    assert russia.get(later["id"])["status"] == "cleared"
    with russia.db.transaction(write=False) as session:
        assert len(deployments.list_deployments(session, SYSTEM)) == 2
    _ok(sync.sync(india.db, "RU", router))  # IN sees RU's acknowledgement
    with india.db.transaction(write=False) as session:
        status = [s.model_dump() for s in service.status(session, SYSTEM)]
    assert status[0]["unacknowledged"] == 0 and status[0]["incidents"] == []
    # RU witnessed IN's log; IN fetched and checked RU's co-signature of it.
    (cosigned,) = status[0]["cosigned_by_peer"]
    assert cosigned["size"] >= 2


def test_consent_on_ru_shows_cleared_on_in(nodes: tuple[Node, Node], router: Router) -> None:
    india, russia = nodes
    for i in range(5):
        india.file(filing(warship(f"A{i}")), IN_PLANNER)
    asked = india.file(
        filing(warship("B1"), request_exception=True, justification="INDRA"), IN_PLANNER
    )
    assert asked["status"] == "pending_host_consent"
    _ok(sync.sync(russia.db, "IN", router))
    with russia.db.transaction() as session:
        deployments.consent(session, RU_LIAISON, asked["id"], ConsentIn(decision="approve"))
    _ok(sync.sync(india.db, "RU", router))
    assert india.get(asked["id"])["status"] == "cleared"


def _log_sizes(node: Node) -> dict[str, int]:
    with node.db.transaction(write=False) as session:
        return {
            log.origin: store.stored_size(session, log.id)
            for log in session.scalars(select(LogRow))
        }


def test_replay_keeps_what_came_from_a_peer_and_sends_nothing(
    nodes: tuple[Node, Node], router: Router, tmp_path: Path
) -> None:
    india, russia = nodes
    for i in range(5):
        india.file(filing(warship(f"A{i}")), IN_PLANNER)
    asked = india.file(
        filing(warship("B1"), request_exception=True, justification="INDRA"), IN_PLANNER
    )
    _ok(sync.sync(russia.db, "IN", router))  # RU applies IN's filings
    with russia.db.transaction() as session:
        deployments.consent(session, RU_LIAISON, asked["id"], ConsentIn(decision="approve"))
    _ok(sync.sync(india.db, "RU", router))  # IN applies RU's consent
    _ok(sync.sync(russia.db, "IN", router))  # RU notes IN's acknowledgement
    for node in (india, russia):
        # The console script's check: the rows from the peer are the replay of its events.
        env = {**cli_env(tmp_path / node.party), "RELOS_DATABASE_URL": node.db.url}
        checked = relos(env, "db", "replay", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        before, sizes = node.get(asked["id"]), _log_sizes(node)
        with node.db.transaction() as session:
            replay.rebuild(session)  # `relos db replay`, in place
        assert node.get(asked["id"]) == before  # the peer's rows survive
        assert _log_sizes(node) == sizes  # and no fact was appended (sent) again
    assert india.get(asked["id"])["status"] == "cleared"
    # Nothing new to either side: the replay re-sent nothing.
    for node, peer in ((india, "RU"), (russia, "IN")):
        results = sync.sync(node.db, peer, router)
        _ok(results)
        assert results[peer].applied == 0  # type: ignore[attr-defined]


def test_a_node_refuses_to_originate_what_its_party_may_not_write(nodes: tuple[Node, Node]) -> None:
    india, _ = nodes
    with pytest.raises(Forbidden):
        india.file(filing(warship("R1", facility="INVTZ"), party="RU"), SYSTEM)
    with pytest.raises(Forbidden):
        india.file(filing(warship("R2", facility="INVTZ"), party="RU"), RU_PLANNER)


def test_the_same_through_bundles_only(nodes: tuple[Node, Node], tmp_path: Path) -> None:
    india, russia = nodes
    for i in range(5):
        india.file(filing(warship(f"A{i}")), IN_PLANNER)
    asked = india.file(filing(warship("B1"), request_exception=True, justification="x"), IN_PLANNER)
    with india.db.transaction() as session:
        data = bundle.export(session, "RU")
    first = bundle.import_bundle(russia.db, data)
    assert (first.applied, first.rejected, first.incidents) == (6, 0, [])
    again = bundle.import_bundle(russia.db, data)
    assert (again.received, again.applied) == (0, 0)
    with russia.db.transaction() as session:
        deployments.consent(session, RU_LIAISON, asked["id"], ConsentIn(decision="approve"))
    with russia.db.transaction() as session:
        back = bundle.export(session, "IN")
    result = bundle.import_bundle(india.db, back)
    assert result.incidents == [] and result.applied == 1
    assert india.get(asked["id"])["status"] == "cleared"


def test_a_damaged_bundle_is_refused_whole(nodes: tuple[Node, Node]) -> None:
    india, russia = nodes
    india.file(filing(warship("F1")), IN_PLANNER)
    with india.db.transaction() as session:
        data = bundle.export(session, "RU")
    body = json.loads(data)
    leaf = bytearray(base64.b64decode(body["logs"][0]["entries"][-1]))
    leaf[len(leaf) // 2] ^= 1  # one flipped bit in the last entry
    body["logs"][0]["entries"][-1] = base64.b64encode(bytes(leaf)).decode()
    broken = json.dumps(body).encode()
    with pytest.raises(bundle.receive.Damaged):
        bundle.import_bundle(russia.db, broken)
    with russia.db.transaction(write=False) as session:
        assert session.query(ReceivedRow).count() == 0


@pytest.mark.parametrize(
    ("party", "url", "key", "message"),
    [
        ("IN", "http://x", None, "own party"),
        ("R", "http://x", None, "alpha-2"),
        ("RU", "ftp://x", None, "http"),
        ("RU", "http://x", "not-a-key", "verifier key"),
        ("RU", "http://x", "IN", "not a key of RU"),
    ],
)
def test_bad_peers_are_refused_and_change_nothing(
    nodes: tuple[Node, Node], party: str, url: str, key: str | None, message: str
) -> None:
    india, russia = nodes
    vkey = {None: russia.vkey, "IN": india.vkey}.get(key, key)
    with india.db.transaction() as session, pytest.raises(InvalidInput, match=message):
        service.add_peer(session, SYSTEM, party, url, str(vkey))
    with india.db.transaction(write=False) as session:
        assert [p.url for p in service.list_peers(session, SYSTEM)] == [russia.url]
