"""The PostgreSQL backend, through asyncpg: one database for many processes and machines.

It runs the same SQL as SQLite (`storage.sql_storage`), translated by `storage.pg_sql`:

- a *job* (`job(conn)`, written for a DB-API connection) runs in a worker thread on a
  `PgConnection`, whose `execute` hands each statement to asyncpg on the event loop and waits
  for its rows; the loop is free meanwhile, so other commands go on;
- a write that reads a member's rows, decides and writes (a /log checking for a repeat)
  first takes a transaction-scoped advisory lock on the member, so two never overlap for
  one member, as on SQLite where one writer runs at a time; writes run READ COMMITTED, so
  each statement after the lock sees what the last one for that member committed; reads
  run in a REPEATABLE READ, READ ONLY snapshot;
- the scheduled work's short transactions (claims, reminders) run READ COMMITTED: each of
  their statements is a single atomic upsert or update.

Connections come from a pool of `DATABASE_POOL_SIZE`. Migrations (`migrations/postgresql`,
numbered as SQLite's) run at start under an advisory lock, so processes starting together
apply them once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import asyncpg

from storage.migrate import Migration, StorageError, applied, load_migrations, pending
from storage.pg_sql import translate
from storage.ports import SLOW_WRITE, OnSlow
from storage.sql_storage import Job, SQLStorage

log = logging.getLogger(__name__)

T = TypeVar("T")

POSTGRES_MIGRATIONS = Path(__file__).parent / "migrations" / "postgresql"
# Taken while migrating, so two processes starting together apply each migration once.
_MIGRATION_LOCK = 0x4E6574476169
# A write that PostgreSQL ends to break a deadlock is retried this many times.
_RETRIES = 10
_IGNORED = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA)\b", re.IGNORECASE)
_ROWS = re.compile(r"\s*(SELECT|WITH|VALUES)\b|.*\bRETURNING\b", re.IGNORECASE | re.DOTALL)
# Tables whose rows have an id a job reads back as `lastrowid`.
_WITH_ID = re.compile(r"\s*INSERT\s+INTO\s+(readings|posts)\b", re.IGNORECASE)


class PgCursor:
    """What a job reads back from `execute`: the rows, or how many were changed."""

    def __init__(self, rows: Sequence[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = [tuple(row) for row in rows]
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)

    def close(self) -> None:
        pass


class PgConnection:
    """A DB-API-like face of one asyncpg connection, for a job running in a worker thread."""

    def __init__(self, conn: asyncpg.Connection, loop: asyncio.AbstractEventLoop) -> None:
        self._conn = conn
        self._loop = loop

    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        if _IGNORED.match(sql):
            return PgCursor([], 0, None)  # the job's transaction is the backend's
        return asyncio.run_coroutine_threadsafe(_run(self._conn, sql, params), self._loop).result()


async def _run(conn: asyncpg.Connection, sql: str, params: Any) -> PgCursor:
    with_id = _WITH_ID.match(sql) is not None and "RETURNING" not in sql.upper()
    text, args = translate(f"{sql} RETURNING id" if with_id else sql, params)
    if with_id or _ROWS.match(text):
        rows = await conn.fetch(text, *args)
        return PgCursor(rows, len(rows), rows[0][0] if with_id and rows else None)
    status = await conn.execute(text, *args)
    count = status.rsplit(" ", 1)[-1]
    return PgCursor([], int(count) if count.isdigit() else 0, None)


class PgTransaction:
    """The async face the scheduled work's transactions use (`fetch_all`, `execute`), and
    `run_job` for the jobs run inside them (`storage.sqlite_thread.run_in_thread`)."""

    def __init__(self, conn: asyncpg.Connection, workers: Executor | None = None) -> None:
        self._conn = conn
        self._workers = workers

    async def execute_fetchall(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return (await _run(self._conn, sql, params)).fetchall()

    async def execute(self, sql: str, params: Any = ()) -> PgCursor:
        return await _run(self._conn, sql, params)

    async def run_job(self, job: Job[T]) -> T:
        loop = asyncio.get_running_loop()
        connection = cast(sqlite3.Connection, PgConnection(self._conn, loop))
        return await loop.run_in_executor(self._workers, job, connection)


async def _schema_version(conn: asyncpg.Connection) -> int:
    if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        if tables:
            raise StorageError(
                "the database already holds tables that are not NetGain's; "
                "give NetGain a database (or schema) of its own"
            )
        return 0
    version = await conn.fetchval("SELECT version FROM schema_version")
    return int(version or 0)


async def migrate(conn: asyncpg.Connection, migrations: list[Migration]) -> int:
    """Bring the database to the newest version, all steps or none; returns the version."""
    target = migrations[-1].version if migrations else 0
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        current = await _schema_version(conn)
        steps = pending(migrations, current)
        if current == 0:
            await conn.execute("CREATE TABLE schema_version (version BIGINT NOT NULL)")
            await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        for migration in steps:
            for statement in migration.statements:
                await conn.execute(statement)
            applied(migration)
        await conn.execute("UPDATE schema_version SET version = $1", target)
    return target


class PostgresStorage(SQLStorage):
    def __init__(self, pool: asyncpg.Pool, dsn: str, pool_size: int) -> None:
        self._pool = pool
        self.dsn = dsn
        # One thread per connection: a job waits for a connection, never for a thread.
        self._workers = ThreadPoolExecutor(pool_size, thread_name_prefix="netgain-pg")

    @classmethod
    async def open(
        cls, dsn: str, *, pool_size: int = 10, schema: str | None = None
    ) -> PostgresStorage:
        """Connect, and apply pending migrations. `schema`: keep every table there (tests
        give each run a schema of its own)."""
        settings = {"search_path": schema} if schema else {}
        try:
            pool = await asyncpg.create_pool(
                dsn, min_size=1, max_size=pool_size, server_settings=settings
            )
        except (OSError, asyncpg.PostgresError) as error:
            raise StorageError(f"cannot connect to PostgreSQL: {error}") from error
        try:
            async with pool.acquire() as conn:
                migrations = load_migrations(POSTGRES_MIGRATIONS, whole_files=True)
                version = await migrate(conn, migrations)
        except BaseException:
            await pool.close()
            raise
        log.info("Storage ready: PostgreSQL (schema version %d, pool of %d)", version, pool_size)
        return cls(pool, dsn, pool_size)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection of the pool, for the rare work done outside the ports
        (`netgain migrate`'s copy, the benchmarks' aggregate)."""
        async with self._pool.acquire() as conn:
            yield conn

    async def close(self) -> None:
        await self._pool.close()
        self._workers.shutdown(wait=True)

    async def _job(
        self, job: Job[T], *, write: bool, member: int | None = None, durable: bool = True
    ) -> T:
        for attempt in range(_RETRIES):
            try:
                async with self._pool.acquire() as conn:
                    isolation = "read_committed" if write else "repeatable_read"
                    async with conn.transaction(isolation=isolation, readonly=not write):
                        if member is not None:
                            await conn.execute("SELECT pg_advisory_xact_lock($1)", member)
                        if not durable:
                            await conn.execute("SET LOCAL synchronous_commit TO OFF")
                        return await PgTransaction(conn, self._workers).run_job(job)
            except asyncpg.DeadlockDetectedError as conflict:
                if attempt == _RETRIES - 1:
                    raise
                log.info("Retrying a write after a deadlock: %s", conflict)
        raise AssertionError("unreachable")

    async def _write(
        self,
        job: Job[T],
        on_slow: OnSlow | None,
        *,
        member: int | None = None,
        durable: bool = True,
    ) -> T:
        running = asyncio.ensure_future(self._job(job, write=True, member=member, durable=durable))
        if on_slow is not None:
            done, _ = await asyncio.wait({running}, timeout=SLOW_WRITE.total_seconds())
            if not done:
                await on_slow()
        return await running

    async def _read(self, job: Job[T]) -> T:
        return await self._job(job, write=False)

    async def _lookup(self, job: Job[T]) -> T:
        return await self._job(job, write=False)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[PgTransaction]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PgTransaction(conn)
