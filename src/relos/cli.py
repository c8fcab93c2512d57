"""The `relos` command: a root that each feature adds its sub-commands to.

Errors a user can cause (RelosError) end as one line on stderr and exit 1; usage errors
exit 2 (Typer's own); nothing a user types should end in a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from relos import __version__
from relos.kit.errors import InvalidInput, RelosError
from relos.registry import CLI_COMMANDS, FEATURES, feature_module

app = typer.Typer(
    name="relos",
    help="Operate reciprocal military access and logistics agreements (RELOS and others).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(name="db", help="Database schema and reference data.", no_args_is_help=True)
demo_app = typer.Typer(name="demo", help="The demo data set.", no_args_is_help=True)
app.add_typer(db_app)
app.add_typer(demo_app)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        # Eager: answered while the line is parsed, before the root asks for a command.
        typer.Option(
            "--version", help="Print the version.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    pass


@db_app.command("upgrade")
def db_upgrade(
    find_unrecorded: Annotated[
        bool,
        typer.Option(
            "--find-unrecorded",
            help="Also look for rows no event accounts for (replays every event; done by"
            " itself only when the schema predates the event log).",
        ),
    ] = False,
) -> None:
    """Migrate the database to the current schema and refresh the reference data."""
    from relos.kit.clikit import database
    from relos.lifecycle import upgrade_database

    changed = upgrade_database(database(), find_unrecorded=find_unrecorded or None)
    backfilled = changed.pop("backfilled")
    if backfilled:
        typer.echo(f"recorded {backfilled} rows written before the event log as events")
    typer.echo(
        "database is current; reference data refreshed: "
        + ", ".join(f"{k} {v}" for k, v in changed.items())
    )


@db_app.command("replay")
def db_replay(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Rebuild into a scratch database and compare; exit 1 at the first difference.",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Database URL whose events rebuild this empty database (migrated first).",
        ),
    ] = None,
) -> None:
    """Rebuild the read tables from the event log (state is the replay of events)."""
    from relos.events import replay
    from relos.kit.clikit import database
    from relos.kit.db import Database

    db = database()
    if check:
        difference = replay.check(db)
        if difference is not None:
            typer.echo(f"replay differs: {difference}")
            raise typer.Exit(1)
        typer.echo("replay matches: every projection rebuilt from the events is identical")
        return
    if source is not None:
        from relos.kit.migrate import upgrade

        upgrade(db)  # the schema only: everything else comes from the events
        count = replay.copy_and_project(Database(source), db)
    else:
        with db.transaction() as session:
            count = replay.rebuild(session)
    typer.echo(f"replayed {count} events")


@db_app.command("backup")
def db_backup(
    out: Annotated[Path, typer.Option("--out", help="Archive to write (.tar.gz).")],
) -> None:
    """Write every table to a portable, checksummed archive (see docs/operations.md)."""
    from relos.kit.clikit import database
    from relos.ops.backup import backup

    if out.exists():
        raise InvalidInput(f"{out}: exists already; choose a new file name")
    summary = backup(database(), out)
    typer.echo(
        f"backup written to {out}: {summary.tables} tables, {summary.rows} rows, "
        f"schema {', '.join(summary.revisions)}"
    )


@db_app.command("restore")
def db_restore(
    archive: Annotated[Path, typer.Argument(help="Archive written by `relos db backup`.")],
) -> None:
    """Load an archive into an empty database (SQLite or PostgreSQL); refuses damage."""
    from relos.kit.clikit import database
    from relos.ops.backup import restore

    if not archive.is_file():
        raise InvalidInput(f"{archive}: no such file")
    summary = restore(database(), archive)
    typer.echo(
        f"restored {summary.rows} rows into {summary.tables} tables; "
        "run `relos audit verify` to check the trail"
    )


@demo_app.command("load")
def demo_load() -> None:
    """Add demo users, price lists and a season of deployments and orders (idempotent)."""
    from relos.kit.clikit import database
    from relos.lifecycle import load_demo

    loaded = load_demo(database())
    typer.echo("demo data loaded: " + ", ".join(f"{k} {v}" for k, v in loaded.items()))


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each a full server).")
    ] = 1,
    demo: Annotated[bool, typer.Option("--demo", help="Upgrade and load demo data first.")] = False,
    threads: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=256,
            help="Requests each worker runs at once, and its database connections "
            "(default: RELOS_WORKER_THREADS, else 2).",
        ),
    ] = None,
    sync_every: Annotated[
        float, typer.Option("--sync-every", help="Sync with peers every SECONDS (0: never).")
    ] = 0,
) -> None:
    """Serve the web UI and the HTTP API (JSON logs on stderr; see docs/operations.md)."""
    from relos.ops.serve import run

    if sync_every > 0:
        # The sync loop runs in this (supervising) process, beside the workers.
        from relos.federation.background import start
        from relos.kit.clikit import database

        start(database(), sync_every)
    run(host, port, workers, demo, threads)


# The root's own commands, which need no feature's CLI.
ROOT_COMMANDS = frozenset({"db", "demo", "serve"})


def _register_features(only: Collection[str] | None = None) -> None:
    """Add each feature's sub-commands to the root (only those of the `only` features)."""
    for feature in FEATURES:
        if only is not None and feature not in only:
            continue
        module = feature_module(feature, "cli")
        if module is None:
            continue
        sub_apps = getattr(module, "apps", None) or {feature: module.app}
        for name, sub in sub_apps.items():
            app.add_typer(sub, name=name)


def _features_named(argv: Sequence[str]) -> set[str] | None:
    """The features a command line needs: none for a root command, the one whose
    sub-command it names, or None (every feature) for anything else (`--help`, a mistyped
    command, which Typer then answers with the whole list)."""
    # The root takes only flags (--version, --help, ...): its first word is the command.
    command = next((word for word in argv if not word.startswith("-")), None)
    if command in ROOT_COMMANDS or (command is None and "--version" in argv):
        return set()
    feature = CLI_COMMANDS.get(command or "")
    return None if feature is None else {feature}


def main() -> None:
    """Console-script entry point."""
    _register_features(_features_named(sys.argv[1:]))
    try:
        app()
    except RelosError as exc:
        print(f"relos: error: {exc.detail}", file=sys.stderr)
        sys.exit(1)
    except ArgumentError as exc:
        # A database URL (RELOS_DATABASE_URL, --from) that SQLAlchemy cannot parse.
        print(f"relos: error: database URL: {str(exc).splitlines()[0]}", file=sys.stderr)
        sys.exit(1)
    except (ValueError, OverflowError, OSError) as exc:
        # A value the user typed that Python could not take (a 13th month, year 10000, a NUL
        # in a path, a file name too long or not writable): the message says which.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"relos: error: {reason}", file=sys.stderr)
        sys.exit(1)
    except (OperationalError, ProgrammingError) as exc:
        # Usually a database that was never migrated, or one that cannot be reached.
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(f"relos: error: database: {reason} (run `relos db upgrade`?)", file=sys.stderr)
        sys.exit(1)
