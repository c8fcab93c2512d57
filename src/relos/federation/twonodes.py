"""`relos peer demo`: two sovereign demo nodes on one machine, already peered.

India's node on port 8000 and Russia's on 8001 (by default), each with its own data
folder, database, node key and users (only its own party's demo logins), each pinning the
other's key; both serve with `--sync-every`, so a filing on one appears on the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from relos.access.demo import DEMO_PASSWORD, demo_users
from relos.access.domain import SYSTEM
from relos.kit.db import Database


@dataclass(frozen=True)
class DemoNode:
    party: str
    port: int
    folder: Path
    database_url: str
    verifier_key: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "RELOS_DATA_DIR": str(self.folder),
            "RELOS_DATABASE_URL": self.database_url,
        }


def prepare(party: str, port: int, folder: Path, database_url: str | None) -> DemoNode:
    """Key first (so every log is the party's), then the database, the party, its users."""
    from relos.access import repository
    from relos.access import service as access
    from relos.access.schemas import NewUser
    from relos.lifecycle import upgrade_database
    from relos.tlog import service as node
    from relos.tlog.node import create_key, key_path, node_name

    folder.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{folder / 'relos.db'}"
    create_key(key_path(folder), node_name(party))
    db = Database(url, folder)
    try:
        upgrade_database(db)
        with db.transaction() as session:
            shown = node.init_node(session, SYSTEM, party)
            for name, user_party, role in demo_users():
                if user_party == party and repository.user_by_name(session, name) is None:
                    access.add_user(
                        session,
                        NewUser(name=name, party=party, roles=(role,), password=DEMO_PASSWORD),
                    )
    finally:
        db.dispose()
    return DemoNode(party, port, folder, url, str(shown.verifier_key))


def pair(a: DemoNode, b: DemoNode) -> None:
    from relos.federation.service import add_peer

    for this, other in ((a, b), (b, a)):
        db = Database(this.database_url, this.folder)
        try:
            with db.transaction() as session:
                add_peer(session, SYSTEM, other.party, other.url, other.verifier_key)
        finally:
            db.dispose()


def serve(node: DemoNode, sync_every: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "relos", "serve", "--port", str(node.port)]
    command += ["--sync-every", str(sync_every)]
    return subprocess.Popen(command, env=node.environment())  # noqa: S603 (our own interpreter)
