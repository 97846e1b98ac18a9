"""What start-up accepts before opening a file for real (the CLI tests show the refusals)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage.checks import check_database_file, our_tables
from storage.migrate import StorageError, load_migrations
from storage.sqlite import SQLiteStorage


def test_our_tables_are_read_from_the_migrations() -> None:
    assert {"schema_version", "members", "readings", "digest_runs"} <= our_tables(load_migrations())


async def test_an_empty_file_becomes_netgains(tmp_path: Path) -> None:
    empty = tmp_path / "netgain.db"
    empty.touch()
    storage = await SQLiteStorage.open(empty)
    await storage.close()
    check_database_file(empty, load_migrations())  # and, once migrated, is ours


async def test_a_table_netgain_did_not_create_is_named(tmp_path: Path) -> None:
    path = tmp_path / "netgain.db"
    storage = await SQLiteStorage.open(path)
    await storage.close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE wiki (page TEXT)")
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"tables NetGain did not create \(wiki\)"):
        await SQLiteStorage.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "table", ["schema_version (version TEXT)", "schema_version (release TEXT)"]
)
async def test_another_programs_schema_version_is_not_taken_for_ours(
    tmp_path: Path, table: str
) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE {table}")
        db.execute("INSERT INTO schema_version VALUES ('2.1')")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="its schema_version table is not NetGain's"):
        await SQLiteStorage.open(path)
    assert path.read_bytes() == before


@pytest.mark.slow
async def test_processes_starting_together_on_a_new_file_all_open_it(tmp_path: Path) -> None:
    # Switching a new file to WAL needs an exclusive lock; when two starts ask at once,
    # SQLite refuses one without waiting ("database is locked": one in ten starts here).
    for round_ in range(30):
        path = tmp_path / f"new-{round_}.db"
        opened = await asyncio.gather(*(SQLiteStorage.open(path) for _ in range(8)))
        for storage in opened:
            await storage.close()
