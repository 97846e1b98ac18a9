"""Numbered, append-only SQL migrations, applied at start in one transaction.

Files are named `NNNN_what.sql` and numbered from 1 without gaps. The version applied is kept
in the database itself (`schema_version`), so a database always says what shape it has.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import aiosqlite

from bot.domain.records import record

log = logging.getLogger(__name__)

SQLITE_MIGRATIONS = Path(__file__).parent / "migrations" / "sqlite"
_FILE_NAME = re.compile(r"(\d{4})_(\w+)\.sql")


class StorageError(RuntimeError):
    """The database cannot be used; the message says why, for one clear line."""


class MigrationError(StorageError):
    pass


@record
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(sql: str) -> tuple[str, ...]:
    """Cut a script into whole statements (sqlite3 knows where one ends, strings included)."""
    statements: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise MigrationError(f"unterminated statement: {pending.strip()[:80]}")
    return tuple(statements)


def load_migrations(
    directory: Path = SQLITE_MIGRATIONS, *, whole_files: bool = False
) -> list[Migration]:
    """The numbered migration files of `directory`, in order. With `whole_files`, each file is
    one script (PostgreSQL runs a script of several statements at once, and SQLite's idea of
    where one ends does not fit its own)."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(f"migration file {path.name} is not named NNNN_name.sql")
        text = path.read_text(encoding="utf-8")
        statements = (text,) if whole_files else split_statements(text)
        migrations.append(Migration(int(match[1]), match[2], statements))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migrations must be numbered 1, 2, 3...; found {migration.version:04d} "
                f"where {expected:04d} belongs"
            )
    return migrations


async def schema_version(db: aiosqlite.Connection) -> int:
    rows = list(
        await db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
    )
    if not rows:
        return 0
    version = list(await db.execute_fetchall("SELECT version FROM schema_version"))
    return int(version[0][0]) if version else 0


def pending(migrations: list[Migration], current: int) -> list[Migration]:
    """The migrations a database at version `current` still needs (either backend's); a
    MigrationError if it is newer than this NetGain knows."""
    target = migrations[-1].version if migrations else 0
    if current > target:
        raise MigrationError(
            f"the database is at schema version {current}, newer than this NetGain "
            f"knows ({target}); run a newer NetGain or restore a backup"
        )
    return migrations[current:]


def applied(migration: Migration) -> None:
    log.info("Applied migration %04d_%s", migration.version, migration.name)


async def migrate(db: aiosqlite.Connection, migrations: list[Migration]) -> int:
    """Bring the database to the newest version, all steps or none; returns the version."""
    target = migrations[-1].version if migrations else 0
    await db.execute("BEGIN IMMEDIATE")
    try:
        current = await schema_version(db)
        steps = pending(migrations, current)
        if current == 0:
            await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            await db.execute("INSERT INTO schema_version (version) VALUES (0)")
        for migration in steps:
            for statement in migration.statements:
                await db.execute(statement)
            applied(migration)
        await db.execute("UPDATE schema_version SET version = ?", (target,))
        await db.execute("COMMIT")
    except BaseException:
        await db.execute("ROLLBACK")
        raise
    return target
