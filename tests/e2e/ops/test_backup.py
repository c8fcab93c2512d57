"""`relos db backup` and `relos db restore` as an operator runs them: SQLite demo to PostgreSQL."""

from __future__ import annotations

import gzip
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.conftest import PG_ADMIN_URL, _pg_url
from tests.e2e.cli_runner import cli_env, relos


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    name = f"relos_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def table_files(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.name.startswith("tables/")
        }


def ok(result: object) -> str:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def refused(result: object, words: str) -> None:
    assert result.returncode == 1, result.stdout  # type: ignore[attr-defined]
    stderr = str(result.stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and words in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_sqlite_demo_moves_to_postgres_with_equal_records(
    tmp_path: Path, empty_postgres: str
) -> None:
    demo = cli_env(tmp_path)
    ok(relos(demo, "db", "upgrade"))
    ok(relos(demo, "demo", "load"))
    archive = tmp_path / "relos.tar.gz"
    assert "backup written" in ok(relos(demo, "db", "backup", "--out", str(archive)))
    refused(relos(demo, "db", "backup", "--out", str(archive)), "exists already")

    target = {**demo, "RELOS_DATABASE_URL": empty_postgres}
    ok(relos(target, "db", "restore", str(archive)))
    assert "chain whole" in ok(relos(target, "audit", "verify"))
    again = tmp_path / "again.tar.gz"
    ok(relos(target, "db", "backup", "--out", str(again)))
    original, restored = table_files(archive), table_files(again)
    assert original.keys() == restored.keys()
    for name, rows in original.items():
        assert rows == restored[name], f"{name} differs after the move"
    assert original["tables/deployments.jsonl"], "the demo's deployments came along"

    # New records get fresh ids after the restored ones (the sequences moved past them).
    ok(relos(target, "users", "add", "after-restore", "--party", "IN", "--role", "viewer"))
    refused(relos(target, "db", "restore", str(archive)), "not empty")


def test_a_damaged_or_truncated_archive_is_refused(tmp_path: Path) -> None:
    demo = cli_env(tmp_path / "source")
    ok(relos(demo, "db", "upgrade"))
    archive = tmp_path / "relos.tar.gz"
    ok(relos(demo, "db", "backup", "--out", str(archive)))
    target = cli_env(tmp_path / "target")

    # A row changed inside an intact gzip stream: the table's checksum catches it.
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar]  # type: ignore[union-attr]
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for member, data in members:
            if member.name == "tables/agreements.jsonl":
                data = data.replace(b"RELOS", b"RELOZ", 1)
            member.size = len(data)
            tar.addfile(member, __import__("io").BytesIO(data))
    refused(relos(target, "db", "restore", str(tampered)), "checksum of table agreements")

    raw = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(raw[: len(raw) // 2])
    refused(relos(target, "db", "restore", str(truncated)), "damaged")
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0xFF
    broken = tmp_path / "flipped.tar.gz"
    broken.write_bytes(bytes(flipped))
    refused(relos(target, "db", "restore", str(broken)), "damaged")
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_bytes(gzip.compress(b"just some text"))
    refused(relos(target, "db", "restore", str(not_gzip)), "damaged")
    # Each was refused before the target database was even opened.
    assert not (tmp_path / "target" / "relos.db").exists()
