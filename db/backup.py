"""Back up, restore and move an installation's database.

A SQLite file in WAL mode cannot be copied while the bot writes to it: the backup goes through
SQLite's online backup API, which copies a consistent snapshot page by page. PostgreSQL is
dumped by `pg_dump` in its custom format and restored by `pg_restore` (Debian:
postgresql-client). A restore says what it replaces and refuses a backup made by a newer
nhacviec than this one. `copy_database` moves every row to an empty database of the other
kind (SQLite → PostgreSQL, as an office outgrows the file).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url

from db.models import Base
from db.schema import MIGRATIONS, current_revision, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
COUNTED = ("plan", "task", "unit", "member", "response", "reminder")


class BackupError(RuntimeError):
    """One line that says what went wrong and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a database or a backup holds, as the office would count it."""

    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        held = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        return f"revision {self.revision or 'empty'}: {held or 'no rows'}"


# ---- what a database holds ----------------------------------------------------------------


def summarize(engine: Engine) -> Summary:
    revision = current_revision(engine)
    present = set(inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for name in COUNTED:
            if name in present:
                table = Base.metadata.tables[name]
                counts[name] = connection.scalar(select(func.count()).select_from(table)) or 0
    return Summary(revision, counts)


def known_revisions() -> set[str]:
    script = ScriptDirectory(str(MIGRATIONS))
    return {revision.revision for revision in script.walk_revisions()}


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database or ""
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up")
    return Path(database)


def _libpq(url: str) -> tuple[str, str | None]:
    """The URL as libpq reads it, and the schema its search_path names (tests, shared servers)."""
    parsed = make_url(url).set(drivername="postgresql")
    schema = None
    options = parsed.query.get("options")
    if options:
        value = options if isinstance(options, str) else options[0]
        for part in value.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1]
    rendered = parsed.render_as_string(hide_password=False)
    return rendered, schema


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; it comes with PostgreSQL's client "
            "(Debian: apt-get install postgresql-client)"
        )
    return found


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{Path(command[0]).name}: {last}")
    return result.stdout


# ---- backup -------------------------------------------------------------------------------


def backup(url: str, destination: Path, overwrite: bool = False) -> Summary:
    """A consistent copy of the database at `url`, taken while the bot may be writing."""
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} exists; choose another name or pass --force")
    destination.parent.mkdir(parents=True, exist_ok=True)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.is_file():
            raise BackupError(f"No database file at {source_path}")
        partial = destination.with_name(destination.name + ".part")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # page by page, a snapshot consistent with itself
        finally:
            target.close()
            source.close()
        partial.replace(destination)
        return inspect_backup(destination)
    pg_dump = _tool("pg_dump")
    dsn, schema = _libpq(url)
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={destination}", dsn]
    if schema:
        command.insert(-1, f"--schema={schema}")
    _run(command)
    return inspect_backup(destination)


def inspect_backup(path: Path) -> Summary:
    """The revision and counts a backup file holds."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}")
    with path.open("rb") as handle:
        magic = handle.read(16)
    if magic.startswith(SQLITE_MAGIC):
        from db.session import make_engine

        engine = make_engine(f"sqlite:///{path}")
        try:
            return summarize(engine)
        finally:
            engine.dispose()
    if magic.startswith(PG_MAGIC):
        pg_restore = _tool("pg_restore")
        listing = _run(
            [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)]
        )
        revision = None
        lines = listing.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
                revision = lines[index + 1].strip() or None
                break
        return Summary(revision)
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom archive")


# ---- restore ------------------------------------------------------------------------------


def restore_plan(url: str, source: Path) -> tuple[Summary, Summary]:
    """(what the database holds now, what the backup holds); refuses a backup this code
    cannot run."""
    from db.session import make_engine

    held = inspect_backup(source)
    if held.revision is not None and held.revision not in known_revisions():
        raise BackupError(
            f"The backup is at revision {held.revision}, which this nhacviec does not know: "
            "it was made by a newer version. Upgrade nhacviec first, then restore."
        )
    backend = make_url(url).get_backend_name()
    if (backend == "sqlite") != (inspect_backup_kind(source) == "sqlite"):
        raise BackupError(
            "The backup and the database are of different kinds; move between SQLite and "
            "PostgreSQL with: nhacviec db copy --to URL"
        )
    engine = make_engine(url)
    try:
        now = summarize(engine)
    except Exception:  # no database there yet
        now = Summary(None)
    finally:
        engine.dispose()
    return now, held


def inspect_backup_kind(path: Path) -> str:
    with path.open("rb") as handle:
        return "sqlite" if handle.read(16).startswith(SQLITE_MAGIC) else "postgresql"


def restore(url: str, source: Path) -> Summary:
    """Replace the database at `url` with the backup (the bot should be stopped)."""
    restore_plan(url, source)
    if make_url(url).get_backend_name() == "sqlite":
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
    else:
        pg_restore = _tool("pg_restore")
        dsn, _ = _libpq(url)
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={dsn}", str(source)])  # fmt: skip
    from db.session import make_engine

    engine = make_engine(url)
    try:
        return summarize(engine)
    finally:
        engine.dispose()


# ---- copy to another database -------------------------------------------------------------


def copy_database(source: Engine, target: Engine, batch: int = 1000) -> dict[str, int]:
    """Every row of `source` into the empty database `target`, brought to the same schema
    first; returns the rows copied per table."""
    if current_revision(source) is None:
        raise BackupError("The source database is empty (run: nhacviec db upgrade)")
    upgrade(target)
    if current_revision(target) != current_revision(source):
        raise BackupError(
            f"The source is at revision {current_revision(source)} and the target at "
            f"{current_revision(target)}: run `nhacviec db upgrade` on the source first"
        )
    tables = Base.metadata.sorted_tables
    with target.connect() as connection:
        busy = [t.name for t in tables if connection.scalar(select(func.count()).select_from(t))]
    if busy:
        raise BackupError(
            f"The target database already holds rows ({', '.join(busy[:5])}); "
            "copy only into an empty one"
        )
    copied: dict[str, int] = {}
    with source.connect() as reader, target.begin() as writer:
        for table in tables:
            count = 0
            rows = reader.execute(select(table)).mappings()
            while chunk := rows.fetchmany(batch):
                writer.execute(insert(table), [dict(row) for row in chunk])
                count += len(chunk)
            copied[table.name] = count
        if target.dialect.name == "postgresql":
            _reset_sequences(writer, tables)
    return copied


def _reset_sequences(connection, tables) -> None:  # type: ignore[no-untyped-def]
    """Rows came with their ids: the next id each sequence gives must follow them."""
    for table in tables:
        for column in table.primary_key.columns:
            if not (column.autoincrement is True or column.autoincrement == "auto"):
                continue
            try:
                if column.type.python_type is not int:
                    continue
            except NotImplementedError:
                continue
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence:
                connection.execute(
                    text(
                        f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") '
                        f'FROM "{table.name}"), 0) + 1, false)'
                    ),
                    {"sequence": sequence},
                )
