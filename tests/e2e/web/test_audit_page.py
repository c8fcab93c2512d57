"""The audit page verifies the rows it shows: each one's signed leaf, its signature by the
node's key and its inclusion in the latest signed checkpoint. A leaf re-signed by another
key, a changed event row and a changed stored subtree each show as failing on that row;
the whole trail is verified at /audit/verify."""

from __future__ import annotations

import re

from sqlalchemy import text
from tests.e2e.web.conftest import Login
from tests.integration.audit.test_signed_view import leaf_of, re_sign, tamper

from relos.kit.db import Database

ROW = re.compile(r'<td class="num">(\d+)</td>.*?data-verified="(yes|no)"', re.S)


def _verified(html: str) -> dict[int, bool]:
    return {int(entry): state == "yes" for entry, state in ROW.findall(html)}


def test_each_shown_row_verifies_and_a_re_signed_leaf_fails_on_its_row(
    demo_database: Database, login: Login
) -> None:
    auditor = login("in-auditor")
    page = auditor.get("/audit", params={"sort": "-id"})
    assert page.status_code == 200
    rows = _verified(page.text)
    assert len(rows) >= 10 and all(rows.values())
    assert "Each entry shown verifies" in page.text
    victim = sorted(rows)[len(rows) // 2]
    re_sign(demo_database, victim)
    page = auditor.get("/audit", params={"sort": "-id"})
    after = _verified(page.text)
    assert after[victim] is False
    assert all(ok for entry, ok in after.items() if entry != victim)
    assert "its signature does not verify by the node" in page.text
    assert "1 of the entries shown do not verify" in page.text
    whole = auditor.get("/audit/verify").text
    assert "The chain is broken" in whole


def test_a_changed_event_row_and_a_changed_subtree_fail_on_the_page(
    demo_database: Database, login: Login
) -> None:
    auditor = login("in-auditor")
    rows = _verified(auditor.get("/audit", params={"sort": "-id"}).text)
    changed, *others = sorted(rows)
    tamper(demo_database, "UPDATE events SET actor = 'forged' WHERE id = :id", id=changed)
    # A shown entry's sibling in the stored tree, changed: the proof built from the store
    # no longer gives the signed root (the leaf itself is untouched).
    for unproven in others:
        log_id, index, _ = leaf_of(demo_database, unproven)
        with demo_database.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS tlog_subtrees_no_update")
            done = conn.execute(
                text(
                    "UPDATE tlog_subtrees SET hash = :x"
                    " WHERE log_id = :log AND level = 0 AND idx = :idx"
                ),
                {"x": bytes(32), "log": log_id, "idx": index ^ 1},
            ).rowcount
        if done:
            break
    else:
        raise AssertionError("no shown entry has a sibling in the stored tree")
    page = auditor.get("/audit", params={"sort": "-id"}).text
    after = _verified(page)
    assert after[changed] is False and after[unproven] is False
    assert "the event was changed" in page
    assert "not in the tree of the latest signed checkpoint" in page


def test_the_whole_trail_is_verified_on_its_own_page(login: Login) -> None:
    auditor = login("ru-auditor")
    assert "The chain is whole" in auditor.get("/audit/verify").text
    assert 'href="/audit/verify"' in auditor.get("/audit").text
    assert login("in-planner").get("/audit/verify").status_code == 403
