"""`relos node ...` and `relos log verify` as an operator runs them (SQLite, real process)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from tests.e2e.cli_runner import cli_env, relos


@pytest.mark.slow
def test_a_node_is_initialised_once_and_its_logs_verify(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    made = relos(env, "node", "init", "--party", "IN")
    assert made.returncode == 0, made.stderr
    vkey = made.stdout.splitlines()[-1]
    assert vkey.startswith("relos.example/IN+")
    key_file = tmp_path / "node-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_text()

    again = relos(env, "node", "init", "--party", "IN")
    assert again.returncode == 0 and "kept the existing key" in again.stdout
    assert again.stdout.splitlines()[-1] == vkey and key_file.read_text() == before
    other = relos(env, "node", "init", "--party", "RU")
    assert other.returncode == 1 and "already IN's" in other.stderr

    shown = json.loads(relos(env, "node", "show", "--json").stdout)
    assert shown["party"] == "IN" and shown["verifier_key"] == vkey
    origins = {log["origin"]: log for log in shown["logs"]}
    assert origins["relos.example/IN/internal"]["size"] >= 1, "the reference data loads"

    relos(env, "users", "add", "in-admin", "--party", "IN", "--role", "admin")
    checked = relos(env, "log", "verify")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "relos.example/IN/internal" in checked.stdout

    saved = tmp_path / "checkpoint.txt"
    saved.write_text(relos(env, "log", "checkpoint", "--log", "relos.example/IN/internal").stdout)
    rotated = relos(env, "node", "rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    new_vkey = rotated.stdout.splitlines()[-1].split()[2]
    assert new_vkey != vkey and key_file.read_text() != before
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    relos(env, "users", "add", "in-viewer", "--party", "IN", "--role", "viewer")
    checked = relos(env, "log", "verify", "--checkpoint", str(saved))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # A partner who only knows the first key follows the rotation entries to the new one.
    trusted_old = relos(env, "log", "verify", "--verifier-key", vkey)
    assert trusted_old.returncode == 0, trusted_old.stdout

    # An event whose row is removed from the event log is caught against its signed copy.
    with sqlite3.connect(tmp_path / "relos.db") as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        triggers = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'"
            )
        ]
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events)")
    broken = relos(env, "log", "verify")
    assert broken.returncode == 1
    assert "signed, but gone from the event log" in broken.stdout


def test_verify_says_what_is_wrong_with_its_input(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    assert relos(env, "node", "init", "--party", "IN").returncode == 0
    junk = tmp_path / "junk.txt"
    junk.write_text("not a checkpoint")
    for args in (
        ["--checkpoint", str(junk)],
        ["--checkpoint", str(tmp_path / "missing.txt")],
        ["--verifier-key", "nonsense"],
        ["--log", "relos.example/IN/nothing"],
    ):
        result = relos(env, "log", "verify", *args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("relos: error:") and "Traceback" not in result.stderr
    assert relos(env, "node", "init", "--party", "India").returncode == 1
