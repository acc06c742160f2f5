"""Opening the warehouse: one DuckDB file, migrated to the latest schema on connect."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.migrations import MIGRATIONS

# Bounded memory (DuckDB spills to disk past it) and no progress bars on the user's terminal.
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "memory_limit": os.environ.get("SKILLRADAR_DUCKDB_MEMORY", "1GB")
}


class WarehouseError(Exception):
    """The warehouse file cannot be opened or migrated (locked by another process, corrupt, unwritable)."""


def make_folder(path: Path) -> None:
    """Create the folder the warehouse file `path` lives in, or say in one line why it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocking = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
        why = f"{blocking} is a file, not a folder" if blocking else exc.strerror
        raise WarehouseError(f"cannot create the folder of warehouse {path}: {why}") from exc


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the DuckDB file at `path` and apply pending migrations."""
    target = Path(path)
    if not read_only:
        make_folder(target)
    try:
        con = duckdb.connect(str(target), read_only=read_only, config=CONFIG)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {target}: {exc}") from exc
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        migrate(con)
    return con


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
    return [
        row[0] for row in con.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()
    ]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return the names applied."""
    done = set(applied_migrations(con))
    applied = []
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue
        con.begin()
        try:
            step(con)
            con.execute(
                "INSERT INTO _migrations VALUES (?, ?)",
                [step.__name__, datetime.now(UTC).replace(tzinfo=None)],
            )
        except duckdb.Error as exc:
            con.rollback()
            raise WarehouseError(f"migration {step.__name__} failed: {exc}") from exc
        con.commit()
        applied.append(step.__name__)
    return applied
