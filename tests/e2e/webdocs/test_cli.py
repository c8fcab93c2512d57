"""`relos inbox` and `relos documents` as a user runs them, on a fresh demo SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.e2e.cli_runner import relos


def ok(env: dict[str, str], *args: str) -> str:
    result = relos(env, *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("webdocs-cli")
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder)}
    environment.pop("RELOS_DATABASE_URL", None)
    ok(environment, "db", "upgrade")
    ok(environment, "demo", "load")
    return environment


def test_inbox_and_an_order_pdf(env: dict[str, str], tmp_path: Path) -> None:
    items = json.loads(ok(env, "inbox", "--as", "ru-host-liaison", "--json"))
    assert [i["kind"] for i in items] == ["consent_requested"]
    assert items[0]["reference"].startswith("RELOS-IN-")
    orders = json.loads(ok(env, "logistics", "list", "--json"))
    order = orders[0]
    out = tmp_path / "order.pdf"
    printed = ok(env, "documents", "order", order["id"], "--out", str(out), "--lang", "ru")
    assert order["reference"] in printed
    text = PdfReader(str(out)).pages[0].extract_text()
    assert order["reference"] in text and "Подписал" in text
    missing = relos(env, "documents", "order", "no-such-order", "--out", str(out))
    assert missing.returncode != 0 and "no support order" in missing.stderr + missing.stdout
    bad = relos(env, "documents", "statement", "IN", "yesterday", "2027-01-01", "-o", str(out))
    assert bad.returncode != 0 and "start" in bad.stderr + bad.stdout
