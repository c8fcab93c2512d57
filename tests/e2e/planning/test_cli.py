"""`relos plan ...` as a user runs it: a real process on a fresh SQLite file."""

from __future__ import annotations

import json
import os

import pytest
from tests.e2e.cli_runner import relos


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = {
        **os.environ,
        "RELOS_DATA_DIR": str(tmp_path_factory.mktemp("cli")),
        "RELOS_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),  # the network pickle
    }
    environment.pop("RELOS_DATABASE_URL", None)
    result = relos(environment, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return environment


def test_plan_distance_table_and_json(env: dict[str, str]) -> None:
    table = relos(env, "plan", "distance", "RUMMK", "JPYOK", "--depart", "2026-08-01T00:00:00Z")
    assert table.returncode == 0, table.stderr
    assert "Northern Sea Route" in table.stdout
    result = relos(env, "plan", "distance", "RUMMK", "JPYOK", "--depart", "2026-01-15", "--json")
    body = json.loads(result.stdout)
    assert "Suez" in body["via"] and 12_000 < body["distance_nm"] < 13_500


def test_a_blocked_distance_exits_1_with_the_reason(env: dict[str, str]) -> None:
    geography = relos(env, "plan", "distance", "INBOM", "RUNVS", "--depart", "2026-08-01")
    assert geography.returncode == 0, geography.stderr
    assert "Turkish Straits" in geography.stdout
    russian = ("--platform", "admiral_grigorovich", "--depart", "2026-08-01")
    result = relos(env, "plan", "distance", "RUNVS", "GRPIR", *russian)
    assert result.returncode == 1
    assert "Turkish Straits" in result.stderr and "article 19" in result.stderr
    indian = relos(env, "plan", "distance", "INBOM", "RUNVS", "--platform", "talwar")
    assert indian.returncode == 0, indian.stderr
    assert "notice: turkish_straits 8 days" in indian.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("route", "talwar", "INBOM", "RUMMK", "--depart", "9999-12-25"),
        ("route", "talwar", "INBOM", "RUMMK", "--speed", "0.0001"),
        ("route", "talwar", "INBOM", "RUMMK", "--speed", "45"),
        ("distance", "INBOM", "RUNVS", "--depart", "1850-01-01"),
        ("distance", "INBOM", "RUNVS", "--depart", "9999-12-31T23:00:00-05:00"),
        ("route", "talwar", "INBOM", "RUMMK", "--reserve", "lots"),
    ],
)
def test_bad_plan_input_is_one_line_and_exit_1(env: dict[str, str], args: tuple[str, ...]) -> None:
    result = relos(env, "plan", *args)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_plan_route_and_reach(env: dict[str, str]) -> None:
    args = ("talwar", "INBOM", "RUMMK", "--depart", "2026-07-15T00:00:00Z", "-a", "in-ru-relos")
    table = relos(env, "plan", "route", *args)
    assert table.returncode == 0, table.stderr
    assert "Baseline (without the agreements): not feasible" in table.stdout
    plan = json.loads(relos(env, "plan", "route", *args, "--json").stdout)
    assert plan["feasible"] and not plan["baseline"]["feasible"]
    reach = relos(
        env,
        "plan",
        "reach",
        "talwar",
        "INBOM",
        "--depart",
        "2026-07-15",
        "-a",
        "in-ru-relos",
        "--json",
    )
    assert "RUMMK" in json.loads(reach.stdout)["gained"]


def test_plan_air_lists_each_clearance_and_refuses_closed_airspace(env: dict[str, str]) -> None:
    depart = ("--depart", "2026-07-15T06:00:00Z")
    table = relos(env, "plan", "air", "c17_in", "VIAG", "TJ-AYNI", *depart)
    assert table.returncode == 0, table.stderr
    assert "Iran (IR) clearance" in table.stdout and "file by" in table.stdout
    found = json.loads(
        relos(env, "plan", "air", "c17_in", "VIAG", "TJ-AYNI", *depart, "--json").stdout
    )
    assert "PK" in found["avoided"] and found["distance_nm"] > 1.5 * found["great_circle_nm"]
    assert [o["state"] for o in found["overflights"]][-1] == "TJ"
    refused = relos(env, "plan", "air", "c17_in", "VIAG", "73.05,33.68", *depart)
    assert refused.returncode == 1
    assert "Pakistan" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    ship = relos(env, "plan", "air", "talwar", "VIAG", "TJ-AYNI", *depart)
    assert ship.returncode == 1 and "aircraft" in ship.stderr
