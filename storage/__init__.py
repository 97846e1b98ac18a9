"""Storage: the only package with SQL in it, behind the ports in `storage.ports`."""

from __future__ import annotations

import sqlite3
from typing import Any

from storage.base import Storage
from storage.migrate import StorageError
from storage.url import PostgresTarget, parse_database_url

__all__ = ["Storage", "StorageError", "open_storage"]


async def open_storage(database_url: str, *, pool_size: int = 10) -> Storage[Any]:
    """Open the database DATABASE_URL names, migrated to the current schema. `pool_size`:
    connections to PostgreSQL (SQLite keeps its own few)."""
    target = parse_database_url(database_url)
    if isinstance(target, PostgresTarget):
        from storage.postgres import PostgresStorage

        return await PostgresStorage.open(target.dsn, pool_size=pool_size)
    from storage.sqlite import SQLiteStorage

    try:
        return await SQLiteStorage.open(target.path)
    except StorageError as error:
        raise StorageError(f"cannot use the database at {target.path}: {error}") from error
    except (OSError, sqlite3.Error) as error:
        raise StorageError(f"cannot open the database at {target.path}: {error}") from error
