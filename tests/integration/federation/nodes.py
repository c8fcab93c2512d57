"""Two in-process nodes, IN and RU, each with its own database and key, peered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from relos.access.domain import SYSTEM, Principal
from relos.app import create_app
from relos.deployments import service as deployments
from relos.deployments.schemas import FilingIn
from relos.federation import service as peers
from relos.kit.db import Database
from relos.kit.settings import Settings
from relos.tlog import service as node


@dataclass
class Node:
    party: str
    db: Database
    url: str
    vkey: str = ""

    def file(self, body: dict[str, Any], caller: Principal) -> dict[str, Any]:
        with self.db.transaction() as session:
            return deployments.file(session, caller, FilingIn.model_validate(body)).model_dump(
                mode="json"
            )

    def get(self, deployment_id: str) -> dict[str, Any]:
        with self.db.transaction(write=False) as session:
            return deployments.get_deployment(session, SYSTEM, deployment_id)[0].model_dump(
                mode="json"
            )


def make_node(party: str, url: str, folder: Path) -> Node:
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(url, folder)
    with db.transaction() as session:
        shown = node.init_node(session, SYSTEM, party)
    return Node(party, db, f"http://{party.lower()}.node.test", str(shown.verifier_key))


def pair(a: Node, b: Node) -> None:
    for this, other in ((a, b), (b, a)):
        with this.db.transaction() as session:
            peers.add_peer(session, SYSTEM, other.party, other.url, other.vkey)


class Router(httpx.BaseTransport):
    """Sends each request to the in-process app of the node its host names."""

    def __init__(self, nodes: list[Node], folder: Path) -> None:
        self.clients = {
            httpx.URL(n.url).host: TestClient(
                create_app(Settings(database_url=n.db.url, data_dir=n.db.data_dir or folder), n.db),
                raise_server_exceptions=False,
            )
            for n in nodes
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        client = self.clients[request.url.host]
        answer = client.request(
            request.method, request.url.raw_path.decode(), headers=dict(request.headers)
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def close(self) -> None:
        """Each sync closes its client (and so this transport); the router lives on."""

    def shutdown(self) -> None:
        for client in self.clients.values():
            client.close()


def routed(nodes: list[Node], folder: Path) -> Iterator[Router]:
    router = Router(nodes, folder)
    try:
        yield router
    finally:
        router.shutdown()
