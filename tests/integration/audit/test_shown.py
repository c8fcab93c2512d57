"""The rows a page shows are verified on their own (`relos.audit.shown`): each verifies
while the log is whole; a leaf re-signed by another key fails on its row only, and a
viewer may not ask. Both databases (the queries by id and for a log's rotations)."""

from __future__ import annotations

import pytest
from tests.integration.audit.test_signed_view import fill, re_sign

from relos.access.domain import SYSTEM, Principal
from relos.audit.shown import verify_shown
from relos.kit.db import Database
from relos.kit.errors import Forbidden


def test_shown_rows_verify_and_a_re_signed_leaf_fails_on_its_row(database: Database) -> None:
    ids = fill(database)
    with database.transaction(write=False) as session:
        assert verify_shown(session, SYSTEM, ids) == dict.fromkeys(ids)
    re_sign(database, ids[1])
    with database.transaction(write=False) as session:
        found = verify_shown(session, SYSTEM, ids)
    assert found.pop(ids[1]) == "its signature does not verify by the node's key"
    assert set(found.values()) == {None}


def test_a_viewer_may_not_ask(database: Database) -> None:
    ids = fill(database)
    viewer = Principal(2, "in-viewer", "IN", frozenset({"viewer"}))
    with database.transaction(write=False) as session, pytest.raises(Forbidden):
        verify_shown(session, viewer, ids)
