"""Portable, checksummed backups: `relos db backup` and `relos db restore`.

An archive is a gzipped tar of
- `manifest.json`: format, relos version, schema revisions, source database kind, and per
  table its columns (with a portable type tag), row count and the SHA-256 of its file;
- `tables/<name>.jsonl`: one JSON object per row, values in portable form (instants and
  dates as ISO text, decimals as text, bytes as base64).
The table list is read from the database itself (reflection), so tables added by any feature
are included without touching this file. Restore checks every checksum before it writes,
refuses a target that holds any row, creates the schema by the migrations (which must be at
the archive's revisions), loads the rows in foreign-key order and moves PostgreSQL's id
sequences past them, so an SQLite database can move to PostgreSQL and back.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    func,
    inspect,
    select,
    text,
)

from relos import __version__
from relos.kit.db import Base, Database
from relos.kit.errors import Conflict, InvalidInput
from relos.kit.timeutil import utcnow

FORMAT = "relos-backup/1"
SKIP = frozenset({"alembic_version"})  # written by the migrations on restore


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    revisions: list[str]


def _encode(value: Any) -> tuple[Any, str]:
    """A value in portable JSON form, and its tag (how to read it back).

    Tagged by the value's own type, so columns of any type (a feature's own TypeDecorator
    included) come out right: datetime, date, decimal, bytes or plain (JSON as it is).
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(), "datetime"
    if isinstance(value, date):
        return value.isoformat(), "date"
    if isinstance(value, Decimal):
        return str(value), "decimal"
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode(), "bytes"
    return value, "plain"


def _decode(value: Any, tag: str) -> Any:
    if value is None:
        return None
    if tag == "datetime":
        return datetime.fromisoformat(value)
    if tag == "date":
        return date.fromisoformat(value)
    if tag == "decimal":
        return Decimal(value)
    if tag == "bytes":
        return base64.b64decode(value)
    return value


def _tables(engine: Engine) -> list[Table]:
    """Every table of the database in foreign-key order, typed by the models where known."""
    from relos.registry import import_models

    import_models()
    reflected = MetaData()
    reflected.reflect(engine)
    ordered = []
    for table in reflected.sorted_tables:
        if table.name in SKIP:
            continue
        ordered.append(Base.metadata.tables.get(table.name, table))
    return ordered


def _revisions(conn: Connection) -> list[str]:
    if not inspect(conn).has_table("alembic_version"):
        return []
    return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def backup(db: Database, out: Path) -> Summary:
    """Write the whole database to `out` (a .tar.gz); one consistent read transaction."""
    tables = _tables(db.engine)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "relos": __version__,
        "created_at": utcnow().isoformat(),
        "source": db.engine.dialect.name,
        "tables": [],
    }
    rows_total = 0
    tmp = out.with_name(out.name + ".partial")
    with db.engine.connect() as conn, tarfile.open(tmp, "w:gz") as archive:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        manifest["revisions"] = _revisions(conn)
        for table in tables:
            tags = {c.name: "plain" for c in table.columns}
            digest = hashlib.sha256()
            buffer = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
            count = 0
            order = list(table.primary_key.columns) or list(table.columns)
            result = conn.execution_options(yield_per=2000).execute(select(table).order_by(*order))
            for row in result.mappings():
                record = {}
                for name in tags:
                    record[name], tag = _encode(row[name])
                    if tag != "plain":
                        tags[name] = tag
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
                buffer.write(line + b"\n")
                digest.update(line + b"\n")
                count += 1
            info = tarfile.TarInfo(f"tables/{table.name}.jsonl")
            info.size = buffer.tell()
            info.mtime = int(time.time())
            buffer.seek(0)
            archive.addfile(info, buffer)
            buffer.close()
            manifest["tables"].append(
                {
                    "name": table.name,
                    "columns": tags,
                    "rows": count,
                    "sha256": digest.hexdigest(),
                }
            )
            rows_total += count
        body = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        info.mtime = int(time.time())
        archive.addfile(info, io.BytesIO(body))
    tmp.replace(out)
    return Summary(len(tables), rows_total, manifest["revisions"])


@dataclass(frozen=True)
class Archive:
    manifest: dict[str, Any]
    files: dict[str, bytes]

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        for line in self.files[f"tables/{table}.jsonl"].splitlines():
            yield json.loads(line)


def read_archive(path: Path) -> Archive:
    """Open and check an archive: readable, complete, every table's SHA-256 as recorded."""
    damaged = f"{path.name}: damaged or not a relos backup"
    try:
        with tarfile.open(path, "r:gz") as archive:
            files: dict[str, bytes] = {}
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    files[member.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError, gzip.BadGzipFile, ValueError) as exc:
        raise InvalidInput(f"{damaged} ({exc})") from exc
    try:
        manifest = json.loads(files["manifest.json"])
        if manifest.get("format") != FORMAT:
            raise InvalidInput(f"{damaged} (format {manifest.get('format')!r})")
        for table in manifest["tables"]:
            data = files[f"tables/{table['name']}.jsonl"]
            if hashlib.sha256(data).hexdigest() != table["sha256"]:
                raise InvalidInput(f"{damaged} (checksum of table {table['name']} differs)")
            if data.count(b"\n") != table["rows"]:
                raise InvalidInput(f"{damaged} (row count of table {table['name']} differs)")
    except (KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{damaged} (missing or malformed {exc})") from exc
    return Archive(manifest, files)


def _holds_rows(engine: Engine) -> list[str]:
    names = [t for t in inspect(engine).get_table_names() if t not in SKIP]
    full = []
    with engine.connect() as conn:
        for name in names:
            table = Table(name, MetaData(), autoload_with=conn)
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                full.append(name)
    return full


def restore(db: Database, path: Path) -> Summary:
    """Load an archive into an empty database of either kind; refuses damage and non-empty."""
    from relos.kit.migrate import script_heads, upgrade

    archive = read_archive(path)
    revisions = sorted(archive.manifest.get("revisions", []))
    expected = sorted(script_heads())
    if revisions != expected:
        raise Conflict(
            f"the archive's schema is at {', '.join(revisions) or 'nothing'} but this relos "
            f"expects {', '.join(expected)}: restore with the relos version that made it, "
            "then upgrade"
        )
    full = _holds_rows(db.engine)
    if full:
        raise Conflict(
            "the target database is not empty (rows in " + ", ".join(sorted(full)[:5]) + "); "
            "restore only into a new, empty database"
        )
    upgrade(db)  # the schema only: reference data comes from the archive
    listed = {t["name"]: t for t in archive.manifest["tables"]}
    tables = [t for t in _tables(db.engine) if t.name in listed]
    missing = set(listed) - {t.name for t in tables}
    if missing:
        raise Conflict(f"the archive has tables this schema lacks: {', '.join(sorted(missing))}")
    rows_total = 0
    with db.engine.connect().execution_options(relos_write=True) as conn, conn.begin():
        for table in tables:
            tags: dict[str, str] = listed[table.name]["columns"]
            batch: list[dict[str, Any]] = []
            for row in archive.rows(table.name):
                batch.append({name: _decode(row.get(name), tag) for name, tag in tags.items()})
                if len(batch) >= 1000:
                    conn.execute(table.insert(), batch)
                    rows_total += len(batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
                rows_total += len(batch)
        if db.engine.dialect.name == "postgresql":
            _advance_sequences(conn, tables)
    return Summary(len(tables), rows_total, revisions)


def _advance_sequences(conn: Connection, tables: list[Table]) -> None:
    """Rows came with their ids: move each serial column's sequence past the largest one."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar_one()
            if sequence is None:
                continue
            largest = conn.execute(select(func.max(column))).scalar_one()
            conn.execute(
                text("SELECT setval(:s, :next, false)"),
                {"s": sequence, "next": (largest or 0) + 1},
            )
