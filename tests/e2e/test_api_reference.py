"""docs/api.md covers every HTTP route and CLI command, with an example for each body.

Routes come from the app's own OpenAPI document, commands from walking the Typer app, so
a route or command added without its reference fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.main import get_command

from relos import cli

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
HEADING = re.compile(r"^### (.+)$", re.MULTILINE)


def sections() -> dict[str, str]:
    """Each `### ...` heading of docs/api.md with the text up to the next heading."""
    text = REFERENCE.read_text()
    found = list(HEADING.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return {m.group(1).strip(): text[m.end() : end] for m, end in zip(found, ends, strict=True)}


def commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    # A group without subcommands runs itself (`relos sync`): it is a command.
    if getattr(command, "commands", None):
        for name, sub in command.commands.items():
            yield from commands(sub, (*prefix, name))
    else:
        yield " ".join(prefix)


def test_every_route_has_a_section_and_every_body_an_example(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/api/v1/openapi.json").json()
    documented = sections()
    missing, without_example = [], []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            if key not in documented:
                missing.append(key)
            elif "requestBody" in operation and "```" not in documented[key]:
                without_example.append(key)
    assert not missing, f"docs/api.md lacks sections for {missing}"
    assert not without_example, f"docs/api.md lacks example bodies for {without_example}"


def test_every_cli_command_has_a_section() -> None:
    cli._register_features()
    documented = sections()
    missing = [name for name in commands(get_command(cli.app)) if f"relos {name}" not in documented]
    assert not missing, f"docs/api.md lacks sections for {[f'relos {m}' for m in missing]}"


def test_no_section_names_a_route_or_command_that_is_gone(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/api/v1/openapi.json").json()
    routes = {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}
    cli._register_features()
    names = {f"relos {name}" for name in commands(get_command(cli.app))}
    stale = [s for s in sections() if s not in routes and s not in names]
    assert not stale, f"docs/api.md documents what no longer exists: {stale}"
