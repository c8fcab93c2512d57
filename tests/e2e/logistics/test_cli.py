"""`relos prices|logistics|ledger|rates` as a user runs them, on a fresh SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.cli_runner import relos

PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to,source\n"
    "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31,illustrative\n"
)


def ok(env: dict[str, str], *args: str) -> str:
    result = relos(env, *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("ledger-cli")
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder)}
    environment.pop("RELOS_DATABASE_URL", None)
    ok(environment, "db", "upgrade")
    return environment


def test_an_order_from_price_list_to_reconciliation(env: dict[str, str], tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(PRICES)
    assert "imported: 1" in ok(env, "prices", "import", str(prices))
    bad = tmp_path / "bad.csv"
    bad.write_text(PRICES.replace("RUB,", "RBX,"))
    refused = relos(env, "prices", "import", str(bad))
    assert refused.returncode == 1 and "row 1" in refused.stderr + refused.stdout

    order_id = ok(
        env,
        "logistics",
        "order",
        "--agreement",
        "in-ru-relos",
        "--requesting",
        "IN",
        "--supplying",
        "RU",
        "--facility",
        "RUVVO",
        "--line",
        "fuel:F-76:100:t",
    ).split()[0]
    early = relos(env, "logistics", "deliver", order_id, "--line", "0=10", "--received-by", "Lt X")
    assert early.returncode == 1 and "sign" in early.stderr
    ok(env, "logistics", "sign", order_id, "--party", "IN")
    assert "agreed" in ok(env, "logistics", "sign", order_id, "--party", "RU")
    delivered = ok(
        env,
        "logistics",
        "deliver",
        order_id,
        "--line",
        "0=100",
        "--received-by",
        "Lt R. Singh",
        "--at",
        "2026-02-01T00:00:00Z",
    )
    assert "owed 7000000.00 RUB" in delivered
    ok(
        env,
        "logistics",
        "settle",
        order_id,
        "--amount",
        "1000000.00",
        "--currency",
        "RUB",
        "--at",
        "2026-03-01T00:00:00Z",
    )

    balances = json.loads(ok(env, "ledger", "balances", "--json"))
    assert [(b["creditor"], b["debtor"], b["amount"]) for b in balances] == [
        ("RU", "IN", "6000000.00")
    ]
    [late] = json.loads(ok(env, "ledger", "overdue", "--as-of", "2026-06-01", "--json"))
    assert late["amount"] == "6000000.00"
    statement = ok(
        env,
        "ledger",
        "statement",
        "--party",
        "IN",
        "--start",
        "2026-01-01",
        "--end",
        "2027-01-01",
        "--csv",
    )
    assert statement.splitlines()[0].startswith("booked_on,ref,kind")
    assert "Balances" in ok(env, "ledger", "balances")
    sheet = tmp_path / "statement.xlsx"
    period = ("--start", "2026-01-01", "--end", "2027-01-01")
    ok(env, "ledger", "statement", "--party", "IN", *period, "--xlsx", str(sheet))
    assert sheet.read_bytes()[:2] == b"PK"

    ours, theirs = tmp_path / "in.json", tmp_path / "ru.json"
    ok(env, "ledger", "export", "--party", "IN", "--out", str(ours))
    ok(env, "ledger", "export", "--party", "RU", "--out", str(theirs))
    assert "matched: 2" in ok(env, "ledger", "reconcile", str(ours), str(theirs))

    exported = json.loads(theirs.read_text())
    exported["records"][0]["amount"] = "7000000.01"
    exported["records"][1]["date"] = "2026-03-02"
    theirs.write_text(json.dumps(exported))
    differs = relos(env, "ledger", "reconcile", str(ours), str(theirs))
    assert differs.returncode == 1
    assert "mismatched: 2" in differs.stdout and "amount: ours" in differs.stdout
    exported["records"].pop()
    theirs.write_text(json.dumps(exported))
    report = json.loads(relos(env, "ledger", "reconcile", str(ours), str(theirs), "--json").stdout)
    assert len(report["missing_on_theirs"]) == 1 and len(report["mismatched"]) == 1


def test_rates_import_and_reporting_currency(env: dict[str, str], tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("base,quote,on,rate,source\nRUB,INR,2026-01-01,1.02,illustrative\n")
    assert "rates imported: 1" in ok(env, "rates", "import", str(rates))
    converted = json.loads(ok(env, "ledger", "balances", "--currency", "INR", "--json"))
    assert all(b["currency"] == "INR" for b in converted)


@pytest.mark.parametrize(
    "args",
    [
        ("ledger", "overdue", "--as-of", "2026-13-01"),
        ("ledger", "statement", "--party", "IN", "--start", "2026-02-30", "--end", "2026-03-01"),
        ("ledger", "statement", "--party", "IN", "--start", "2026-01-01", "--end", "soon"),
        ("logistics", "deliver", "no-such-order", "--line", "0=1", "--received-by", "X",
         "--at", "2026-13-01T00:00:00Z"),
        ("logistics", "settle", "no-such-order", "--amount", "1", "--currency", "RUB",
         "--reference", "x" * 201),
        ("logistics", "settle", "no-such-order", "--amount", "1", "--currency", "RUB",
         "--at", "9999-12-31T23:00:00-05:00"),
    ],
)  # fmt: skip
def test_bad_values_are_one_line_errors_not_tracebacks(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    refused = relos(env, *args)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr


def test_receipt_of_a_delivery_by_the_requesting_party(env: dict[str, str], tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(PRICES)
    ok(env, "prices", "import", str(prices))
    order_id = ok(
        env,
        *("logistics", "order", "--agreement", "in-ru-relos", "--requesting", "IN"),
        *("--supplying", "RU", "--facility", "RUVVO", "--line", "fuel:F-76:10:t"),
    ).split()[0]
    ok(env, "logistics", "sign", order_id, "--party", "IN")
    ok(env, "logistics", "sign", order_id, "--party", "RU")
    at = ("--at", "2026-02-01T00:00:00Z", "--json")
    shown = json.loads(
        ok(env, "logistics", "deliver", order_id, "--line", "0=5", "--received-by", "X", *at)
    )
    delivery = shown["deliveries"][0]["id"]
    ok(env, "users", "add", "ru-receiver", "--party", "RU", "--role", "logistics")
    ok(env, "users", "add", "in-receiver", "--party", "IN", "--role", "logistics")
    receive = ("logistics", "receive", order_id)
    officer = ("--received-by", "Lt A. Rao", "--at", "2026-02-01T06:00:00Z")
    wrong = relos(env, *receive, delivery, *officer, "--as", "ru-receiver")
    assert wrong.returncode != 0 and "requesting party" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    unknown = relos(env, *receive, "no-such-delivery", *officer, "--as", "in-receiver")
    assert unknown.returncode != 0 and "no delivery" in unknown.stderr
    bad = relos(env, *receive, delivery, "--received-by", "Lt A. Rao", "--at", "soon")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    received = json.loads(
        ok(env, *receive, delivery, *officer, "--note", "sealed", "--as", "in-receiver", "--json")
    )
    assert received["deliveries"][0]["receipt_officer"] == "Lt A. Rao"
    assert received["deliveries"][0]["received_at"] == "2026-02-01T06:00:00Z"
    again = relos(env, *receive, delivery, *officer, "--as", "in-receiver")
    assert again.returncode != 0 and "already" in again.stderr
