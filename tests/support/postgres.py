"""A PostgreSQL storage for tests: the server on 127.0.0.1:5432 (or NETGAIN_TEST_POSTGRES),
each test in a schema of its own, dropped afterwards.

Where no server answers, the tests that need one are skipped and say why; with
NETGAIN_REQUIRE_POSTGRES set (as `.ci/run` sets it) they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from storage.postgres import PostgresStorage

POSTGRES_URL = os.environ.get("NETGAIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _connect() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        why = f"no PostgreSQL server answers at {POSTGRES_URL} ({error})"
        if os.environ.get("NETGAIN_REQUIRE_POSTGRES"):
            pytest.fail(why)
        pytest.skip(why)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh, empty schema, dropped with everything in it afterwards."""
    admin = await _connect()
    schema = f"netgain_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


@asynccontextmanager
async def postgres_storage() -> AsyncIterator[PostgresStorage]:
    async with postgres_schema() as schema:
        storage = await PostgresStorage.open(POSTGRES_URL, pool_size=4, schema=schema)
        try:
            yield storage
        finally:
            await storage.close()
