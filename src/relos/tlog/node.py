"""The node's signing key: a file in the data directory, created once, never replaced silently.

The key file holds one line in the signed-note private-key form and is created with mode
0600 (readable by its owner only). `RELOS_SIGNING_KEY` names another file (a mounted
secret); otherwise it is `<data dir>/node-key`.

Single-node mode (both parties on one server, no `relos node init`): the first signed
append creates the key, named `relos.example/node`, so every event is signed from the
start; `relos node init --party IN` later records the party and keeps that key.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy.orm import Session

from relos.kit.errors import InvalidInput
from relos.kit.settings import default_data_dir
from relos.tlog.keys import BadKey, Signer

KEY_FILE = "node-key"
DOMAIN = "relos.example"
SINGLE_NODE_NAME = f"{DOMAIN}/node"

_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], Signer]] = {}


def node_name(party: str | None) -> str:
    return f"{DOMAIN}/{party}" if party else SINGLE_NODE_NAME


def key_path(data_dir: Path | None) -> Path:
    named = os.environ.get("RELOS_SIGNING_KEY")
    if named:
        return Path(named)
    return (data_dir or default_data_dir()) / KEY_FILE


def session_key_path(session: Session) -> Path:
    database = session.info.get("relos.database")
    return key_path(getattr(database, "data_dir", None))


def read_key(path: Path, fresh: bool = False) -> Signer | None:
    """The key in the file, or None when there is no file (cached until the file changes,
    by its inode and time; `fresh` reads it again anyway)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    stamp = (status.st_ino, status.st_mtime_ns)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp and not fresh:
            return cached[1]
    try:
        signer = Signer.parse(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError, BadKey) as exc:
        raise InvalidInput(f"signing key {path}: unreadable or not a node key ({exc})") from exc
    with _lock:
        _cache[path] = (stamp, signer)
    return signer


def _write_private(path: Path, signer: Signer) -> Path:
    """A new file beside `path` holding the key, mode 0600 from its creation."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(signer.private_text() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise InvalidInput(f"cannot write a signing key beside {path}: {exc.strerror}") from exc
    return temporary


def create_key(path: Path, name: str) -> tuple[Signer, bool]:
    """The key at `path`, made if there is none; (key, whether it was made now).

    Linking a finished temporary file into place fails if the name exists, so two
    processes racing to create the key both end up with the same one, and an existing key
    is never replaced.
    """
    existing = read_key(path)
    if existing is not None:
        return existing, False
    signer = Signer.generate(name)
    temporary = _write_private(path, signer)
    try:
        os.link(temporary, path)
        made = True
    except FileExistsError:
        made = False
    finally:
        temporary.unlink()
    key = read_key(path)
    assert key is not None
    return key, made


def pending_path(path: Path) -> Path:
    return path.with_name(path.name + ".next")


def stage_key(path: Path, signer: Signer) -> None:
    """Write the next key beside the current one (rotation, before the logs announce it)."""
    temporary = _write_private(path, signer)
    os.replace(temporary, pending_path(path))


def promote_key(path: Path) -> None:
    """Make the staged key the node key (rotation, once the announcement is committed)."""
    os.replace(pending_path(path), path)
    with _lock:
        _cache.pop(path, None)


def discard_staged(path: Path) -> None:
    pending_path(path).unlink(missing_ok=True)
