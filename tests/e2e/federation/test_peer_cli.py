"""`relos peer`, `relos sync` and `relos bundle` as a user runs them: clear one-line
errors for bad input, exit codes as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.cli_runner import cli_env, relos

from relos.tlog.keys import Signer

pytestmark = pytest.mark.slow


def test_peer_commands(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    made = relos(env, "node", "init", "--party", "IN")
    assert made.returncode == 0, made.stderr
    ru = Signer.generate("relos.example/RU").verifier.vkey
    bad = relos(env, "peer", "add", "RU", "--url", "http://127.0.0.1:9", "--verifier-key", "x")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert "Traceback" not in bad.stderr
    added = relos(env, "peer", "add", "RU", "--url", "http://127.0.0.1:9", "--verifier-key", ru)
    assert added.returncode == 0, added.stderr
    listed = json.loads(relos(env, "peer", "list", "--json").stdout)
    assert listed == [{"party": "RU", "url": "http://127.0.0.1:9", "verifier_key": ru}]
    status = relos(env, "peer", "status", "--json")
    assert status.returncode == 0, status.stdout + status.stderr
    assert json.loads(status.stdout)[0]["incidents"] == []
    # Nobody listens on port 9: reported, exit 1, no traceback.
    unreachable = relos(env, "sync", "--peer", "RU")
    assert unreachable.returncode == 1 and "RU: not synced" in unreachable.stdout
    assert "Traceback" not in unreachable.stderr
    exported = relos(env, "bundle", "export", "--peer", "RU", "--out", str(tmp_path / "b.json"))
    assert exported.returncode == 0, exported.stderr
    # Our own bundle is not from a peer of ours: refused whole, one line.
    refused = relos(env, "bundle", "import", str(tmp_path / "b.json"))
    assert refused.returncode == 1 and "refused whole" in refused.stderr
    (tmp_path / "junk.json").write_text("{not json")
    junk = relos(env, "bundle", "import", str(tmp_path / "junk.json"))
    assert junk.returncode == 1 and "refused whole" in junk.stderr
