"""A PostgreSQL storage in a schema of its own, dropped afterwards: where the benchmarks put
NetGain on PostgreSQL beside SQLite (the tests have their own, `tests/support/postgres.py`,
which skips or fails when no server answers)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage.postgres import PostgresStorage


@asynccontextmanager
async def storage_of_its_own(url: str, *, pool_size: int = 10) -> AsyncIterator[PostgresStorage]:
    import asyncpg

    schema = f"netgain_bench_{os.getpid()}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        storage = await PostgresStorage.open(url, pool_size=pool_size, schema=schema)
        try:
            yield storage
        finally:
            await storage.close()
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
