"""A throw-away PostgreSQL schema for a benchmark, or None when no server is reachable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

DSN = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def throwaway_schema(prefix: str) -> Iterator[str | None]:
    """A SQLAlchemy URL whose search path is a fresh schema, dropped afterwards; None (and a
    reason printed by the caller) when PostgreSQL cannot be reached."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError:
        yield None
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
