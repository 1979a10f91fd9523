"""Backups of the database while the service runs, and their restore: SQLite's online
backup API for the embedded database, pg_dump and pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from service.extensions import db
from service.services.errors import DomainError

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"  # the start of every pg_dump --format=custom file
MIGRATIONS_TABLE = "alembic_version"
# What a restore reports, table by table: a backup from before migration 0013 holds
# "answers" (keyed by rater), a later one "responses".
SUMMARY_TABLES = (
    ("people", "people"),
    ("rounds", "rounds"),
    ("answers", "answers"),
    ("responses", "submitted responses"),
)
POSTGRES_CLIENT_PACKAGE = "postgresql-client"


class BackupError(DomainError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def backup_database(target: Path) -> str:
    """Write a consistent copy of the configured database to `target` while the service
    keeps running; return what was written. The copy appears whole or not at all."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the backup file to write")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    url = db.engine.url
    with _part_file(target) as part:
        if _is_sqlite(url):
            _sqlite_backup(_sqlite_path(url), part)
            kind = "SQLite database"
        else:
            _pg_dump(url, part)
            kind = "PostgreSQL database (pg_dump custom format)"
        os.replace(part, target)
    size = target.stat().st_size
    return f"Backed up the {kind} to {target} ({_size_text(size)})."


def restore_database(source: Path, force: bool = False) -> str:
    """Replace the configured database with the backup in `source`. A database that holds
    data is replaced only with `force`; without it nothing is changed."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"there is no backup file at {source}")
    url = db.engine.url
    _check_kind(source, url)
    if not force and _has_data():
        raise BackupError(
            "the database already holds data, and a restore would replace all of it; "
            "nothing was changed. Run the restore again with --force to replace it "
            "(back it up first)"
        )
    # The app's own connections must not hold the database while it is replaced.
    db.session.remove()
    db.engine.dispose()
    if _is_sqlite(url):
        _sqlite_restore(source, _sqlite_path(url))
    else:
        _pg_restore(source, url)
    db.engine.dispose()
    return f"Restored the database from {source}: {_summary()}."


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


@contextmanager
def _part_file(target: Path) -> Iterator[Path]:
    """A file beside the target to write into; removed if the backup fails half-way."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    part = Path(name)
    try:
        yield part
    finally:
        part.unlink(missing_ok=True)


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _check_kind(source: Path, url: URL) -> None:
    with source.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    is_sqlite, is_dump = header.startswith(SQLITE_HEADER), header.startswith(PG_DUMP_HEADER)
    if _is_sqlite(url) and not is_sqlite:
        what = "a PostgreSQL backup (pg_dump)" if is_dump else "not a feedback360 backup"
        raise BackupError(
            f"{source} is {what}; this service's database is SQLite and needs a backup "
            "made with `feedback360 backup` from an SQLite database"
        )
    if not _is_sqlite(url) and not is_dump:
        what = "an SQLite backup" if is_sqlite else "not a feedback360 backup"
        raise BackupError(
            f"{source} is {what}; this service's database is PostgreSQL and needs a backup "
            "made with `feedback360 backup` from a PostgreSQL database"
        )


def _has_data() -> bool:
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        for table in tables:
            if table == MIGRATIONS_TABLE:
                continue
            quoted = connection.dialect.identifier_preparer.quote(table)
            if connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first():  # noqa: S608 - a table name from the database itself
                return True
    return False


def _summary() -> str:
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        parts = [
            f"{connection.execute(text(f'SELECT count(*) FROM {table}')).scalar_one()} {label}"  # noqa: S608 - fixed names
            for table, label in SUMMARY_TABLES
            if table in tables
        ]
        revision = (
            connection.execute(text(f"SELECT version_num FROM {MIGRATIONS_TABLE}")).scalar()  # noqa: S608 - a fixed name
            if MIGRATIONS_TABLE in tables
            else None
        )
    parts.append(f"schema version {revision or 'unknown'}")
    return ", ".join(parts)


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return None if rows == ["ok"] else "; ".join(rows[:5])


def _sqlite_backup(database: Path, part: Path) -> None:
    if not database.is_file():
        raise BackupError(f"the database file {database} does not exist")
    # One step (pages=-1): the copy is the database as of one moment, even while the
    # service writes (WAL lets the writers go on meanwhile).
    with closing(sqlite3.connect(database)) as live, closing(sqlite3.connect(part)) as copy:
        live.backup(copy)
        # A single self-contained file, whatever journal mode the live database uses.
        copy.execute("PRAGMA journal_mode = DELETE")
        problem = _integrity_problem(copy)
    if problem:
        raise BackupError(f"the copy failed its integrity check: {problem}")


def _sqlite_restore(source: Path, database: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            problem = _integrity_problem(backup)
            if problem:
                raise BackupError(f"{source} is damaged: {problem}; nothing was changed")
            database.parent.mkdir(parents=True, exist_ok=True)
            # The backup API writes through SQLite's locks, so a live database (and its WAL)
            # ends up exactly as the backup, unlike a copied file.
            with closing(sqlite3.connect(database)) as live:
                backup.backup(live)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} could not be read as an SQLite backup: {error}") from None


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump and pg_restore, and their environment: the password goes in
    PGPASSWORD, never on the command line where other users of the machine could see it."""
    plain = url.set(drivername="postgresql", password=None)
    environ = dict(os.environ)
    if url.password:
        environ["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environ


def _postgres_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed; install PostgreSQL's client programs "
            f"(on Debian: apt-get install {POSTGRES_CLIENT_PACKAGE}), of the server's "
            "major version or newer"
        )
    return program


def _run_postgres_tool(name: str, arguments: list[str], url: URL | None = None) -> None:
    """Run pg_dump or pg_restore (on the database at `url`, if given); its complaint, if
    any, becomes the error's message."""
    command = [_postgres_program(name), *arguments]
    environ = None
    if url is not None:
        dbname, environ = _libpq(url)
        command.append(f"--dbname={dbname}")
    finished = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
        command, env=environ, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        message = " ".join(finished.stderr.split()) or f"exit status {finished.returncode}"
        raise BackupError(f"{name} failed: {message}")


def _pg_dump(url: URL, part: Path) -> None:
    # pg_dump reads the whole database in one snapshot: the copy is of one moment.
    _run_postgres_tool("pg_dump", ["--format=custom", f"--file={part}"], url)
    # A file that pg_restore cannot read is no backup.
    _run_postgres_tool("pg_restore", ["--list", str(part)])


def _pg_restore(source: Path, url: URL) -> None:
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run_postgres_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        ],
        url,
    )
