"""What the command line says when a file, a folder or the database fails it: one line that
names what to fix, never a traceback. One place for every command."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError


def explain(error: BaseException) -> str | None:
    """The line for an error a person can fix, or None for a bug (which keeps its traceback)."""
    if isinstance(error, DBAPIError):
        return _database(error)
    if isinstance(error, PermissionError):
        return f"Permission denied: {error.filename or error} — check the owner and rights"
    if isinstance(error, FileNotFoundError):
        return f"No such file or folder: {error.filename or error}"
    if isinstance(error, IsADirectoryError):
        return f"{error.filename} is a folder; give a file name"
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return None


def _database(error: DBAPIError) -> str:
    text = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (
            f"The database refused the login ({text}) — check the user and password in DATABASE_URL"
        )
    if "does not exist" in lowered and ("database" in lowered or "role" in lowered):
        return f"{text} — create it, or correct DATABASE_URL"
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return f"Cannot reach the database server ({text}) — is it running? check DATABASE_URL"
    if "permission denied" in lowered:
        return f"The database user may not do this ({text}) — grant it, or use the owner"
    if "database is locked" in lowered:
        return "The SQLite file is locked by another process — wait, or stop the other one"
    if "unable to open database file" in lowered:
        return (
            "Cannot open the SQLite file: its folder is missing or not writable — check "
            "DATABASE_URL and NHACVIEC_HOME"
        )
    if "readonly database" in lowered or "read-only" in lowered:
        return "The SQLite file is read-only for this user — check its owner and rights"
    return f"Database error: {text}"
