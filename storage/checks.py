"""Checks on a SQLite file before NetGain changes anything in it.

Opening for real switches the file to WAL mode and migrates it, so first make sure it is a
file, that it is NetGain's (or empty), and that SQLite can read it whole. Every check only
reads, through a read-only connection, so a refused file is left exactly as it was (reading a
file already in WAL mode may leave SQLite's empty -wal and -shm files beside it). The quick
check reads every page, once per start: 0.1 s for a 70 MB file here (warm cache).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import aiosqlite

from storage.migrate import Migration, StorageError

_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"`\[]?(\w+)", re.I)
_RECOVER = (
    'stop NetGain and restore a backup, or rescue what is readable with `sqlite3 {path} ".recover"'
    " | sqlite3 recovered.db` and point DATABASE_URL at recovered.db"
)


def our_tables(migrations: list[Migration]) -> frozenset[str]:
    """Every table a NetGain migration creates, and the version table itself."""
    names = {"schema_version"}
    for migration in migrations:
        for statement in migration.statements:
            names.update(_CREATE_TABLE.findall(statement))
    return frozenset(names)


def check_database_file(path: Path, migrations: list[Migration]) -> None:
    """Refuse, with a StorageError saying what to do, a path NetGain must not open.

    A missing file is fine: it will be created.
    """
    if path.is_dir():
        raise StorageError(
            "it is a folder; DATABASE_URL must name a file in it, like "
            f"sqlite:///{path.as_posix().rstrip('/')}/netgain.db"
        )
    if not path.exists():
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = {
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'"
                )
            }
            _check_owner(tables, _version(db) if "schema_version" in tables else 0, migrations)
            problems = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StorageError(
                "it is not a SQLite database; point DATABASE_URL at NetGain's database "
                "or at a new file"
            ) from None
        if getattr(error, "sqlite_errorname", "") != "SQLITE_CORRUPT":
            raise
        problems = [str(error)]
    if problems != ["ok"]:
        first = " ".join(problems[0].replace("*** in database main ***", "").split())
        raise StorageError(
            f"the file is damaged (SQLite's check says: {first}); {_RECOVER.format(path=path)}"
        )


def _version(db: sqlite3.Connection) -> int:
    try:
        (version,) = db.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.OperationalError:
        version = None  # a schema_version table of another shape: not ours
    if not isinstance(version, int):
        raise StorageError(
            "its schema_version table is not NetGain's; point DATABASE_URL at NetGain's own "
            "database or at a new file"
        )
    return version


def _check_owner(tables: set[str], version: int, migrations: list[Migration]) -> None:
    if not tables:
        return  # empty: NetGain will create its tables
    if "schema_version" not in tables:
        raise StorageError(
            f"it holds another program's tables ({_names(tables)}), not NetGain's; "
            "point DATABASE_URL at a new file"
        )
    if version > len(migrations):
        return  # a newer NetGain's: migrating says so
    if foreign := tables - our_tables(migrations):
        raise StorageError(
            f"it holds tables NetGain did not create ({_names(foreign)}); point DATABASE_URL "
            "at NetGain's own database or at a new file"
        )


def _names(tables: set[str], shown: int = 5) -> str:
    names = sorted(tables)
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


async def switch_to_wal(db: aiosqlite.Connection, *, patience: float = 5.0) -> str:
    """Put the file in WAL mode; returns the journal mode SQLite reports.

    Two processes starting on a new file at once both ask for the exclusive lock this needs,
    and SQLite refuses one of them at once (SQLITE_BUSY, without waiting, since waiting could
    deadlock); that one tries again until the other has finished.
    """
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        try:
            (mode,) = next(iter(await db.execute_fetchall("PRAGMA journal_mode = WAL")))
            return str(mode)
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorname", "").startswith("SQLITE_BUSY")
            if not busy or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.01)
