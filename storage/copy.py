"""`netgain migrate`: copy a SQLite database into PostgreSQL, whole.

Both ends are opened through their own backends first, so each is at the current schema
version. Every table is copied in one PostgreSQL transaction: a copy that stops half-way (an
error, a killed process) leaves the target as it was, and running it again starts over. A
target that already holds NetGain data is refused unless `force`, which replaces it (in the
same transaction). At the end each table's rows are counted on both sides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing

from bot.domain.records import record
from storage.migrate import StorageError
from storage.postgres import PostgresStorage
from storage.sqlite import SQLiteStorage

# Parents before children, so the foreign keys hold at every step.
TABLES = (
    "members",
    "member_guilds",
    "readings",
    "member_platforms",
    "posts",
    "goals",
    "guild_settings",
    "digest_runs",
    "reminders_sent",
    "bot_state",
)
# What digests keep of the data to read less of it next time: not copied, and dropped from a
# target that is replaced (the first digests after the copy work it out again). Streak bases
# go with their members.
DERIVED = ("chart_weeks",)
# Tables whose ids come from a sequence on PostgreSQL: it continues after the copied ids.
_WITH_IDS = ("readings", "posts")
BATCH = 5_000

# (table, rows copied so far, rows in all): called as the copy goes.
Progress = Callable[[str, int, int], None]


@record
class Counted:
    table: str
    source: int
    target: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


class TargetNotEmpty(StorageError):
    """The target already holds NetGain data, and `force` was not given."""


async def copy_database(
    source: SQLiteStorage,
    target: PostgresStorage,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Counted]:
    """Copy every table of `source` into `target`; each table's rows counted on both sides."""
    with closing(sqlite3.connect(f"file:{source.path}?mode=ro", uri=True)) as db:
        sizes = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        async with target.connection() as conn, conn.transaction():
            held = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
            if any(held.values()) and not force:
                found = ", ".join(f"{n:,} in {t}" for t, n in held.items() if n)
                raise TargetNotEmpty(
                    f"the target already holds NetGain data ({found}); "
                    "add --force to replace it with the copy"
                )
            # Copied rows are not new readings: the readings' versions and platforms come along
            # as they are, and no streak base or chart week is kept yet (the first digests
            # count them). The readings' own triggers are off for the whole transaction: a
            # failure puts them back with everything else.
            await conn.execute("ALTER TABLE readings DISABLE TRIGGER USER")
            for table in (*DERIVED, *reversed(TABLES)):
                await conn.execute(f"DELETE FROM {table}")
            for table in TABLES:
                columns = [
                    name
                    for (name,) in await conn.fetch(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND table_name = $1"
                        " ORDER BY ordinal_position",
                        table,
                    )
                ]
                rows = db.execute(f"SELECT {', '.join(columns)} FROM {table}")
                done = 0
                if progress:
                    progress(table, done, sizes[table])
                while batch := rows.fetchmany(BATCH):
                    await conn.copy_records_to_table(table, records=batch, columns=columns)
                    done += len(batch)
                    if progress:
                        progress(table, done, sizes[table])
            await conn.execute("ALTER TABLE readings ENABLE TRIGGER USER")
            for table in _WITH_IDS:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            copied = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
    return [Counted(t, sizes[t], copied[t]) for t in TABLES]
