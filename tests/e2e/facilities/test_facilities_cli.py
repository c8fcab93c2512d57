"""`relos facilities` and `relos platforms` as a user runs them, on a fresh SQLite file."""

from __future__ import annotations

import json
import os

import pytest
from tests.e2e.cli_runner import relos


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = {**os.environ, "RELOS_DATA_DIR": str(tmp_path_factory.mktemp("cli"))}
    environment.pop("RELOS_DATABASE_URL", None)
    result = relos(environment, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "facilities" in result.stdout and "platforms" in result.stdout
    return environment


def test_second_upgrade_changes_no_reference_rows(env: dict[str, str]) -> None:
    result = relos(env, "db", "upgrade")
    assert result.returncode == 0
    assert "facilities 0" in result.stdout and "platforms 0" in result.stdout


def test_facilities_table_and_json(env: dict[str, str]) -> None:
    table = relos(env, "facilities", "list", "--country", "RU", "--kind", "port")
    assert table.returncode == 0, table.stderr
    assert "RUVVO" in table.stdout and "Pacific Fleet" in table.stdout
    assert "07-01..11-15" in table.stdout  # the Northern Sea Route season
    listed = json.loads(relos(env, "facilities", "list", "--json").stdout)
    assert len(listed) >= 90 and {"RUVVO", "UHWW", "INBOM", "RUMMK"} <= {f["id"] for f in listed}
    tajik = relos(env, "facilities", "list", "--country", "TJ")
    assert "TJ-AYNI" in tajik.stdout and "clearance" in tajik.stdout


def test_facilities_geojson_and_show(env: dict[str, str]) -> None:
    collection = json.loads(relos(env, "facilities", "list", "--geojson").stdout)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) >= 90
    shown = json.loads(relos(env, "facilities", "show", "RUMMK").stdout)
    assert shown["name"] == "Murmansk" and shown["command"] == "Northern Fleet"


def test_platforms_table_and_json(env: dict[str, str]) -> None:
    table = relos(env, "platforms", "list")
    assert table.returncode == 0, table.stderr
    assert "talwar" in table.stdout and "4,850 nm @ 14 kn" in table.stdout
    listed = json.loads(relos(env, "platforms", "list", "--json", "--kind", "aircraft").stdout)
    assert {p["kind"] for p in listed} == {"aircraft"} and "p8i" in {p["id"] for p in listed}
    assert json.loads(relos(env, "platforms", "show", "deepak").stdout)["range_nm"] == 10000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("facilities", "list", "--country", "XQ"), "country: 'XQ'"),
        (("facilities", "list", "--kind", "harbour"), "kind: 'harbour'"),
        (("facilities", "show", "NOPE1"), "no facility 'NOPE1'"),
        (("platforms", "show", "nope"), "no platform 'nope'"),
        (("platforms", "list", "--party", "ZZZ"), "party: 'ZZZ'"),
    ],
)
def test_bad_arguments_exit_1_with_one_line(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = relos(env, *args)
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_json_and_geojson_together_is_a_usage_error(env: dict[str, str]) -> None:
    result = relos(env, "facilities", "list", "--json", "--geojson")
    assert result.returncode == 2 and "Traceback" not in result.stderr
