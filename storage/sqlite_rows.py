"""Turning SQLite rows into the domain's small typed values, shared by the SQLite modules."""

from __future__ import annotations

import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.models import Platform, Reading, Source
from storage.ports import OnSlow

T = TypeVar("T")

log = logging.getLogger(__name__)

# Matches the field order of `Reading`, so a row maps onto it positionally.
READING_COLUMNS = (
    "id, user_id, platform, taken_at, followers, following, source,"
    " likes, posts, gained, lost, note, guild_id"
)


def ts(moment: datetime) -> int:
    """An aware instant as unix seconds (the storage format of every instant)."""
    return int(moment.timestamp())


def instant(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def maybe_instant(value: int | None) -> datetime | None:
    return None if value is None else instant(value)


def zone(name: str | None) -> ZoneInfo:
    if name is None:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Stored time zone %r is unknown here; using UTC", name)
        return ZoneInfo("UTC")


def clock_time(text: str | None) -> time | None:
    return None if text is None else time.fromisoformat(text)


# Enum members by value: a dict lookup is several times cheaper than calling the enum, and
# a digest turns thousands of rows into readings.
_PLATFORMS = {platform.value: platform for platform in Platform}
_SOURCES = {source.value: source for source in Source}


def platform_of(value: str) -> Platform:
    return _PLATFORMS[value]


def source_of(value: str) -> Source:
    return _SOURCES[value]


def reading(row: Sequence[Any]) -> Reading:
    # By index, not unpacked: unpacking the rest of the row builds a list for each reading,
    # a third of the time a digest spends turning its rows into readings.
    return Reading(
        row[0],
        row[1],
        _PLATFORMS[row[2]],
        datetime.fromtimestamp(row[3], UTC),
        row[4],
        row[5],
        _SOURCES[row[6]],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
        row[12],
    )


def readings(found: Iterable[Sequence[Any]]) -> list[Reading]:
    return list(map(reading, found))


class Jobs(ABC):
    """What the storage classes that `SQLStorage` is made of run whole jobs through; each
    backend provides them."""

    @abstractmethod
    async def _write(
        self,
        job: Callable[[sqlite3.Connection], T],
        on_slow: OnSlow | None,
        *,
        member: int | None = None,
        durable: bool = True,
    ) -> T:
        """`job` in a write transaction, committed; `on_slow` is called if it waits long.

        `member`: the user whose rows the job reads and then writes; two such jobs for one
        member never overlap (SQLite runs one write at a time anyway; PostgreSQL locks).
        `durable=False`: what the job writes is only a shortcut, worked out again if lost, so
        its commit need not wait for the disk; a power cut may undo it, never an acknowledged
        write, and never half of it.
        """

    @abstractmethod
    async def _lookup(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """`job` in a read snapshot of its own, in one trip: it never waits for a writer, nor
        for the commands' reads (`SQLStorage._read`)."""


# Rows one statement writes at once (`in_batches`): far below either database's limit on
# parameters.
BATCH = 200


def in_batches(rows: Sequence[Sequence[Any]], size: int = BATCH) -> Iterator[tuple[str, list[Any]]]:
    """Rows of equal width as (`(?, ?), (?, ?)`, their values flat), `size` rows at a time:
    what a multi-row `VALUES` takes, on both backends."""
    for first in range(0, len(rows), size):
        batch = rows[first : first + size]
        row = "(" + ", ".join("?" * len(batch[0])) + ")"
        yield ", ".join([row] * len(batch)), [value for one in batch for value in one]


def all_rows(sql: str, params: Any = ()) -> Callable[[sqlite3.Connection], list[Any]]:
    """A job that returns every row of one statement."""
    return lambda conn: conn.execute(sql, params).fetchall()


async def fetch_all(db: Any, sql: str, params: Any = ()) -> list[Any]:
    """All rows of one statement, in one trip to the database thread."""
    return list(await db.execute_fetchall(sql, params))
