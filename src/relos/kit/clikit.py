"""What every CLI command shares: the database from the environment, tables and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from relos.kit.db import Database
from relos.kit.settings import Settings

# Wide enough for tables when output goes to a file or pipe (no terminal to measure).
console = Console(width=None if sys.stdout.isatty() else 160)


@cache
def database() -> Database:
    """The database named by RELOS_DATABASE_URL (or the default SQLite file), built once."""
    settings = Settings.from_env()
    return Database(settings.database_url, settings.data_dir)


@contextmanager
def transaction(write: bool = True) -> Iterator[Session]:
    with database().transaction(write=write) as session:
        yield session


def _plain(value: Any) -> Any:
    """Result models as their JSON shape (the same one the API documents)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def print_json(value: Any) -> None:
    print(json.dumps(_plain(value), indent=2, ensure_ascii=False, default=str))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)
