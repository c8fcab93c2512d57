"""A statement of account as a result model (whole, or a page of its lines), as CSV rows
and as an XLSX workbook."""

from __future__ import annotations

import csv
import io

from pydantic import BaseModel, Field

from relos.kit.money import Money
from relos.logistics.results import PositionOut, StatementOut
from relos.logistics.statements.reports import Statement, StatementLine, StatementPage
from relos.logistics.statements.xlsx import Cell, workbook


class StatementLinesPageOut(BaseModel):
    """Where a page of a statement's lines falls, and the positions at its two edges."""

    offset: int = Field(description="Lines of the period before the page's first line.")
    limit: int | None = Field(description="Lines per page asked for.")
    brought_forward: list[PositionOut] = Field(
        description="Position per counterparty and currency just before the page's first "
        "line: the opening plus every earlier line of the period; the first line's "
        "balance is this plus its amount."
    )
    carried_forward: list[PositionOut] = Field(
        description="Position per counterparty and currency just after the page's last "
        "line; the next page brings it forward, and on the last page it equals the closing."
    )


class StatementPageOut(StatementOut):
    """A statement in pages of lines: `opening` and `closing` stay the whole period's."""

    page: StatementLinesPageOut


def _positions(values: dict[tuple[str, str], Money]) -> list[dict[str, str]]:
    return [
        {"counterparty": other, "currency": currency, "amount": str(amount.amount)}
        for (other, currency), amount in sorted(values.items())
    ]


def _lines(lines: list[StatementLine]) -> list[dict[str, str]]:
    # A day's statement can have thousands of lines: plain dicts validated once in Rust
    # rather than a model built field by field per line.
    return [
        {
            "booked_on": line.booked_on.isoformat(),
            "ref": line.ref,
            "kind": line.kind.value,
            "order": line.order,
            "counterparty": line.counterparty,
            "account": line.account.value,
            "side": line.side.value,
            "amount": str(line.amount.amount),
            "currency": line.amount.currency,
            "balance": str(line.balance.amount),
        }
        for line in lines
    ]


_SIGN = "positive: owed to the party; negative: owed by the party"


def statement_out(result: Statement) -> StatementOut:
    return StatementOut.model_validate(
        {
            "party": result.party,
            "start": result.start.isoformat(),
            "end": result.end.isoformat(),
            "sign": _SIGN,
            "opening": _positions(result.opening),
            "lines": _lines(result.lines),
            "closing": _positions(result.closing),
        }
    )


def statement_page_out(result: StatementPage) -> StatementPageOut:
    return StatementPageOut.model_validate(
        {
            "party": result.party,
            "start": result.start.isoformat(),
            "end": result.end.isoformat(),
            "sign": _SIGN,
            "opening": _positions(result.opening),
            "lines": _lines(result.lines),
            "closing": _positions(result.closing),
            "page": {
                "offset": result.offset,
                "limit": result.limit,
                "brought_forward": _positions(result.brought_forward),
                "carried_forward": _positions(result.carried_forward),
            },
        }
    )


STATEMENT_COLUMNS = (
    "booked_on",
    "ref",
    "kind",
    "order",
    "counterparty",
    "account",
    "side",
    "amount",
    "currency",
    "balance",
)


def statement_rows(result: Statement) -> list[list[Cell]]:
    """Header, opening positions, lines and closing positions, amounts as Decimals."""
    rows: list[list[Cell]] = [list(STATEMENT_COLUMNS)]

    def position(day: str, label: str, key: tuple[str, str], amount: Money) -> list[Cell]:
        return [day, label, "", "", key[0], "", "", "", key[1], amount.amount]

    start, end = result.start.isoformat(), result.end.isoformat()
    rows += [position(start, "opening", k, v) for k, v in sorted(result.opening.items())]
    rows += [
        [
            line.booked_on.isoformat(),
            line.ref,
            line.kind.value,
            line.order,
            line.counterparty,
            line.account.value,
            line.side.value,
            line.amount.amount,
            line.amount.currency,
            line.balance.amount,
        ]
        for line in result.lines
    ]
    rows += [position(end, "closing", k, v) for k, v in sorted(result.closing.items())]
    return rows


def statement_csv(result: Statement) -> str:
    """The statement as CSV: opening and closing positions are marked rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(["" if c is None else str(c) for c in row] for row in statement_rows(result))
    return out.getvalue()


def statement_xlsx(result: Statement) -> bytes:
    """The statement as a one-sheet workbook, amounts as numbers."""
    return workbook(f"{result.party} {result.start}", statement_rows(result))
