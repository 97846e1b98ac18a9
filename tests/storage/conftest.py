"""The storage tests are a contract: each runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from storage.sql_storage import SQLStorage
from storage.sqlite import SQLiteStorage
from tests.support.postgres import postgres_storage


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def storage(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Any]:
    if request.param == "sqlite":
        opened: SQLStorage = await SQLiteStorage.open(db_path)
        try:
            yield opened
        finally:
            await opened.close()
        return
    async with postgres_storage() as pg:
        yield pg


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of how SQLite itself is used (`@pytest.mark.sqlite_only`) run on SQLite alone."""
    kept, dropped = [], []
    for item in items:
        param = getattr(item, "callspec", None)
        on_postgres = param is not None and param.params.get("storage") == "postgresql"
        (dropped if on_postgres and item.get_closest_marker("sqlite_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
