"""The console script as a user runs it: a real process on a fresh SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.cli_runner import relos


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder)}
    environment.pop("RELOS_DATABASE_URL", None)
    result = relos(environment, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return environment


def test_default_database_is_a_file_in_the_data_dir(env: dict[str, str]) -> None:
    assert (Path(env["RELOS_DATA_DIR"]) / "relos.db").exists()


def test_upgrade_is_idempotent(env: dict[str, str]) -> None:
    result = relos(env, "db", "upgrade")
    assert result.returncode == 0 and "agreements 0" in result.stdout
    searched = relos(env, "db", "upgrade", "--find-unrecorded")
    assert searched.returncode == 0 and "agreements 0" in searched.stdout
    assert "written before the event log" not in searched.stdout  # nothing unrecorded


def test_agreements_list_json_and_table(env: dict[str, str]) -> None:
    result = relos(env, "agreements", "list", "--json")
    assert result.returncode == 0
    assert "in-ru-relos" in {a["id"] for a in json.loads(result.stdout)}
    table = relos(env, "agreements", "list")
    assert "RELOS" in table.stdout and "5/10/3000" in table.stdout


def test_users_and_tokens(env: dict[str, str]) -> None:
    added = relos(
        env,
        "users",
        "add",
        "cli-planner",
        "--party",
        "IN",
        "--role",
        "planner",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="long-enough-secret\n",
    )
    assert added.returncode == 0, added.stderr
    token = relos(env, "token", "create", "cli-planner")
    assert token.returncode == 0 and token.stdout.startswith("relos_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agreements", "show", "nope"), "no agreement 'nope'"),
        (("users", "add", "x", "--party", "ZZ", "--role", "planner"), "party 'ZZ'"),
        (("users", "add", "y", "--party", "IN", "--role", "general"), "roles"),
        (("token", "create", "nobody"), "no user 'nobody'"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = relos(env, *args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(env: dict[str, str]) -> None:
    assert relos(env, "agreements", "list", "--bogus").returncode == 2


def test_a_database_never_upgraded_gives_one_line(tmp_path: Path) -> None:
    environment = {**os.environ, "RELOS_DATA_DIR": str(tmp_path)}
    environment.pop("RELOS_DATABASE_URL", None)
    result = relos(environment, "agreements", "list")
    assert result.returncode == 1
    assert "relos db upgrade" in result.stderr and "Traceback" not in result.stderr
