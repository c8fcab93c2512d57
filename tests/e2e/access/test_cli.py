"""`relos users`, `relos token` and `relos audit` as a user runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def relos(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relos", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("access-cli")
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder), "PYTHONPATH": str(ROOT / "src")}
    environment.pop("RELOS_DATABASE_URL", None)
    assert relos(environment, "db", "upgrade").returncode == 0
    for name, party, role in (("in-boss", "IN", "admin"), ("ru-boss", "RU", "admin")):
        added = relos(environment, "users", "add", name, "--party", party, "--role", role)
        assert added.returncode == 0, added.stderr
    return environment


def test_tokens_listed_and_revoked_by_id(env: dict[str, str]) -> None:
    token = relos(env, "token", "create", "in-boss", "--days", "2").stdout.strip()
    listed = json.loads(relos(env, "token", "list", "in-boss", "--json").stdout)
    assert listed[-1]["prefix"] == token[:12] and listed[-1]["state"] == "active"
    assert token not in json.dumps(listed)
    assert relos(env, "token", "revoke", "--id", str(listed[-1]["id"])).returncode == 0
    again = json.loads(relos(env, "token", "list", "in-boss", "--json").stdout)
    assert again[-1]["state"] == "revoked"


def test_a_partys_admin_manages_only_their_party(env: dict[str, str]) -> None:
    ok = relos(
        env, "users", "add", "in-clerk", "--party", "IN", "--role", "viewer", "--as", "in-boss"
    )
    assert ok.returncode == 0, ok.stderr
    other = relos(env, "token", "create", "ru-boss", "--as", "in-boss")
    assert other.returncode == 1 and "no such user" in other.stderr
    foreign = relos(
        env, "users", "add", "ru-x", "--party", "RU", "--role", "viewer", "--as", "in-boss"
    )
    assert foreign.returncode == 1
    clerk = relos(env, "users", "list", "--as", "in-clerk")
    assert clerk.returncode == 1 and "may not users.manage" in clerk.stderr
    listed = json.loads(relos(env, "users", "list", "--json", "--as", "in-boss").stdout)
    assert {u["party"] for u in listed} == {"IN"}


def test_password_is_read_from_stdin_and_never_echoed(env: dict[str, str]) -> None:
    result = relos(env, "users", "password", "in-boss", stdin="a-long-passphrase\n")
    assert result.returncode == 0 and "a-long-passphrase" not in result.stdout + result.stderr


def test_audit_verify_and_list(env: dict[str, str]) -> None:
    verified = relos(env, "audit", "verify")
    assert verified.returncode == 0 and "audit chain whole" in verified.stdout
    entries = json.loads(relos(env, "audit", "list", "--json", "--as", "ru-boss").stdout)
    assert entries and all("RU" in e["parties"] for e in entries)
    bad = relos(env, "audit", "verify", "--anchor", "nonsense")
    assert bad.returncode == 1 and "anchor" in bad.stderr


def test_permission_table_is_printed(env: dict[str, str]) -> None:
    result = relos(env, "users", "permissions")
    assert result.returncode == 0 and "| `audit.read` |" in result.stdout
