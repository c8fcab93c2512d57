"""The `relos` command imports only the feature its command line names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from relos import cli
from relos.registry import CLI_COMMANDS, parts


def test_the_command_map_names_every_sub_command_each_feature_adds() -> None:
    registered = {
        name: feature
        for feature, module in parts("cli")
        for name in (getattr(module, "apps", None) or {feature: module.app})
    }
    assert registered == CLI_COMMANDS
    assert not cli.ROOT_COMMANDS & set(CLI_COMMANDS)


@pytest.mark.parametrize(
    ("argv", "features"),
    [
        (["ledger", "overdue", "--as-of", "2026-06-01"], {"logistics"}),
        (["plan", "route", "--help"], {"planning"}),
        (["users", "list"], {"access"}),
        (["db", "upgrade"], set()),
        (["serve", "--port", "8001"], set()),
        (["--version"], set()),
        (["--help"], None),
        ([], None),
        (["no-such-command"], None),
    ],
)
def test_a_command_line_needs_the_feature_it_names(
    argv: list[str], features: set[str] | None
) -> None:
    assert cli._features_named(argv) == features


def test_a_feature_command_loads_no_other_feature() -> None:
    """In a fresh interpreter: `relos agreements --help` leaves the planner (the heaviest
    CLI to import) and the web layer unloaded."""
    code = (
        "import sys; sys.argv = ['relos', 'agreements', '--help']\n"
        "from relos.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('relos.planning', 'fastapi'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_version_prints_the_version() -> None:
    from relos import __version__

    done = subprocess.run(
        [sys.executable, "-m", "relos", "--version"], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, __version__, "")
