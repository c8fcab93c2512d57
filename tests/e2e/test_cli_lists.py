"""The CLI list commands take the web lists' filters (`--q`, `--sort`, agreement, party,
status, facility, date range), read through the same ListFilter, on the demo season."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.cli_runner import cli_env, relos


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = cli_env(tmp_path_factory.mktemp("cli-lists"))
    for command in (("db", "upgrade"), ("demo", "load")):
        done = relos(environment, *command)
        assert done.returncode == 0, done.stderr
    return environment


def listed(env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    done = relos(env, *args, "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def refused(env: dict[str, str], *args: str) -> str:
    """A bad filter: a one-line message, non-zero exit, nothing printed on stdout."""
    done = relos(env, *args)
    assert done.returncode != 0 and not done.stdout.strip(), done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_deployments_searched_sorted_and_filtered(env: dict[str, str]) -> None:
    every = listed(env, "deployments", "list")
    assert len(every) >= 4
    by_reference = listed(env, "deployments", "list", "--sort", "-reference")
    references = [d["reference"] for d in by_reference]
    assert references == sorted(references, reverse=True) and len(references) == len(every)
    one = every[0]
    found = listed(env, "deployments", "list", "--q", one["reference"].lower())
    assert [d["id"] for d in found] == [one["id"]]
    cleared = listed(env, "deployments", "list", "--status", "cleared", "--party", "IN")
    assert cleared and all(d["status"] == "cleared" for d in cleared)
    assert all(d["deploying_party"] == "IN" for d in cleared)
    assert len(cleared) < len(every)
    facility = one["elements"][0]["facility"]
    at = listed(env, "deployments", "list", "--facility", facility, "--agreement", one["agreement"])
    assert one["id"] in [d["id"] for d in at]
    assert all(any(e["facility"] == facility for e in d["elements"]) for d in at)
    # A period the deployment overlaps holds it; the week before its start does not.
    start = one["start"][:10]
    around = listed(env, "deployments", "list", "--from", start, "--to", one["end"][:10])
    assert one["id"] in [d["id"] for d in around]
    before = listed(env, "deployments", "list", "--to", start, "--q", one["reference"])
    assert before == []
    paged = listed(env, "deployments", "list", "--sort", "reference", "--limit", "2", "--offset=1")
    assert [d["reference"] for d in paged] == sorted(references)[1:3]


def test_orders_ledger_and_audit_take_the_same_filters(env: dict[str, str]) -> None:
    orders = listed(env, "logistics", "list", "--sort", "-reference")
    references = [o["reference"] for o in orders]
    assert references == sorted(references, reverse=True)
    one = orders[0]
    assert [o["id"] for o in listed(env, "logistics", "list", "--q", one["reference"])] == [
        one["id"]
    ]
    at = listed(env, "logistics", "list", "--facility", one["facility"], "--status", one["status"])
    assert at and all(o["facility"] == one["facility"] and o["status"] == one["status"] for o in at)
    supplied = listed(env, "logistics", "list", "--party", one["requesting_party"])
    assert all(o["requesting_party"] == one["requesting_party"] for o in supplied)

    postings = listed(env, "ledger", "entries", "--sort", "-booked_on")
    assert postings
    days = [p["booked_on"] for p in postings]
    assert days == sorted(days, reverse=True)
    reference = next(p["order_reference"] for p in postings if p["order_reference"])
    about = listed(env, "ledger", "entries", "--q", reference, "--party", "RU")
    assert about and all(p["order_reference"] == reference for p in about)
    assert listed(env, "ledger", "entries", "--from", "2999-01-01") == []

    signed = listed(env, "audit", "list", "--q", "support_order.signed", "--sort", "-id")
    ids = [e["id"] for e in signed]
    assert signed and ids == sorted(ids, reverse=True)
    assert all(e["action"] == "support_order.signed" for e in signed)
    table = relos(env, "audit", "list", "--q", "support_order.signed", "--party", "RU")
    assert table.returncode == 0 and "support_order.signed" in table.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("deployments", "list", "--sort", "colour"),
        ("deployments", "list", "--from", "2027-02-01", "--to", "2027-01-01"),
        ("deployments", "list", "--status", "lost"),
        ("logistics", "list", "--from", "yesterday"),
        ("ledger", "entries", "--sort", "-nothing"),
        ("audit", "list", "--q", "x" * 101),
    ],
)
def test_a_bad_filter_is_one_line_and_a_failure(env: dict[str, str], args: tuple[str, ...]) -> None:
    assert refused(env, *args)


def test_the_list_options_are_documented() -> None:
    api = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    for command in ("deployments list", "logistics list", "ledger entries", "audit list"):
        section = api[api.index(f"### relos {command}") :][:900]
        assert "--q" in section and "--sort" in section and "--from" in section, command
