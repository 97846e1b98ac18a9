"""Storage: the only package with SQL in it. Cogs see the `Storage` interface alone."""

from __future__ import annotations

from typing import Any

from storage.base import History, Logged, NeedsConfirmation, Storage
from storage.url import parse_database_url

__all__ = ["History", "Logged", "NeedsConfirmation", "Storage", "open_storage"]


async def open_storage(database_url: str) -> Storage[Any]:
    """Open the database DATABASE_URL names, migrated to the current schema."""
    from storage.sqlite import SQLiteStorage

    target = parse_database_url(database_url)
    return await SQLiteStorage.open(target.path)
