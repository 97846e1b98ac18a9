"""How long building every server's weekly digest takes, against one plain SQL aggregate.

Generates SERVERS × MEMBERS members with WEEKS weekly readings each (1,000 × 100 × 52 by
default: 5.2 million readings), then builds each server's digest through the production path
(the digest poster's build on the real SQLite storage, then the page rendering) and compares
the total with one plain sqlite3 aggregate query over the same rows, measured in the same run.
The data is generated in a child process so its memory does not count.

First the digests of three weeks before the covered one are built as on the first week after
an upgrade: no member has a streak base kept yet, nor any server its chart's weeks (printed).
Then those of the three weeks after, up to the covered week, as every week after: a streak
base is moved on every third week, so these are the three kinds of ordinary week, the last
one writing the bases moved on. Their mean is timed against the aggregate.

On SQLite each of those weeks is built REPEAT times (3 unless `--repeat`), each time from
what the digests before it kept (the streak bases and chart weeks are put back as they
were), and the aggregate is run after each week too: the best of each is compared, as
`timeit` does, since a shared machine only ever adds time. Every run, and the medians, are
printed beside it.

    .venv/bin/python bench/digest.py [--servers 1000] [--members 100] [--weeks 52] [--db PATH]
        [--backend sqlite|postgresql|both] [--postgresql URL] [--repeat 3]

With a PostgreSQL server (`postgresql` or `both`, the default), the same data is copied into
a schema of its own there and the same digests and aggregate are timed on it, printed beside
SQLite's.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.periods import week_bounds
from bot.domain.schedule import DueDigest
from bot.runner import settle_start_up
from bot.usecases.digest import HISTORY, MOVE_BASE_AFTER
from cogs.digest import render
from cogs.digest.poster import DigestPoster
from storage.sqlite import SQLiteStorage

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
# The covered week: the last of the generated weeks, Monday 2026-11-16 to Sunday 2026-11-22.
WEEK = date(2026, 11, 16)
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def generate(path: Path, servers: int, members: int, weeks: int) -> None:
    """Write the schema (through the real migrations) and the generated history."""
    asyncio.run(_create_schema(path))
    rng = random.Random(20261122)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    first = datetime.combine(WEEK, datetime.min.time(), UTC) - timedelta(weeks=weeks - 1)
    for server in range(1, servers + 1):
        db.execute(
            "INSERT INTO guild_settings (guild_id, timezone, digest_channel_id, updated_at)"
            " VALUES (?, ?, ?, 0)",
            (server, ZONES[server % len(ZONES)], 10_000 + server),
        )
        rows = []
        for index in range(members):
            user = server * 1_000 + index
            db.execute(
                "INSERT INTO members (user_id, default_platform, created_at)"
                " VALUES (?, 'tiktok', 0)",
                (user,),
            )
            db.execute(
                "INSERT INTO member_guilds (guild_id, user_id, first_logged_at, display_name)"
                " VALUES (?, ?, 0, ?)",
                (server, user, f"creator_{user}"),
            )
            followers, posts = rng.randint(50, 200_000), rng.randint(0, 300)
            for week in range(weeks):
                followers = max(0, followers + int(followers * rng.uniform(-0.03, 0.08)))
                posts += rng.randint(0, 4)
                taken = first + timedelta(
                    weeks=week, days=rng.randint(0, 6), hours=rng.randint(0, 23)
                )
                rows.append(
                    (user, int(taken.timestamp()), followers, rng.randint(0, 2_000), posts, server)
                )
        db.executemany(
            "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
            " posts, guild_id, logged_at) VALUES (?, 'tiktok', ?, ?, ?, 'self_reported', ?, ?, 0)",
            rows,
        )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


async def _create_schema(path: Path) -> None:
    storage = await SQLiteStorage.open(path)
    await storage.close()


# The weeks a streak base is kept for before it is moved on (`MOVE_BASE_AFTER`): the weeks
# timed are the last of these, after a first week built as right after an upgrade.
CYCLE = MOVE_BASE_AFTER // timedelta(weeks=1)
FIRST_WEEK = WEEK - timedelta(weeks=CYCLE)
ORDINARY = [WEEK - timedelta(weeks=back) for back in range(CYCLE - 1, -1, -1)]


class Clock:
    """What the digest poster needs of the bot when only building: storage and the time."""

    def __init__(self, storage: Any, now: datetime = NOW) -> None:
        self.storage = storage
        self._now = now

    def now(self) -> datetime:
        return self._now


async def build_all(path: Path, servers: int, week: date = WEEK) -> tuple[list[float], int, int]:
    """Build every server's digest on SQLite; seconds per server, messages, rows shown."""
    storage = await SQLiteStorage.open(path)
    try:
        return await build_each(storage, servers, week)
    finally:
        await storage.close()


# What digests keep: the tables a week's build may write, put back before each repeat.
KEPT = ("streak_bases", "chart_weeks")


def save_what_digests_keep(path: Path) -> sqlite3.Connection:
    """A connection holding a copy of what digests keep, in temporary tables of its own."""
    db = sqlite3.connect(path, isolation_level=None)
    for table in KEPT:
        db.execute(f"DROP TABLE IF EXISTS temp.saved_{table}")
        db.execute(f"CREATE TEMP TABLE saved_{table} AS SELECT * FROM main.{table}")
    return db


def put_back_what_digests_keep(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    for table in KEPT:
        db.execute(f"DELETE FROM main.{table}")
        db.execute(f"INSERT INTO main.{table} SELECT * FROM temp.saved_{table}")
    db.execute("COMMIT")


def forget_what_digests_keep(path: Path) -> None:
    """As on the first digests after an upgrade: no member has a streak base kept yet, and
    no server its chart's weeks."""
    asyncio.run(_create_schema(path))  # a file kept from an older version is migrated
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM streak_bases")
        db.execute("DELETE FROM chart_weeks")


async def build_each(storage: Any, servers: int, week: date = WEEK) -> tuple[list[float], int, int]:
    """Build every server's digest of `week` through the production path, on `storage`, on
    the Monday after it."""
    now = NOW - (WEEK - week)
    poster = DigestPoster(Clock(storage, now))  # type: ignore[arg-type]
    due = DueDigest(week, now, late=False, expired=False)
    timings: list[float] = []
    messages = rows = 0
    for server in range(1, servers + 1):
        started = time.perf_counter()
        settings = await storage.guild_settings(server)
        report = await poster.build(settings, due)
        pages = render.pages(report, settings)
        timings.append(time.perf_counter() - started)
        messages += len(pages)
        rows += len(report.rows)
    return timings, messages, rows


AGGREGATE = (
    "SELECT g.guild_id, count(*), sum(r.followers), max(r.taken_at)"
    " FROM member_guilds g JOIN readings r ON r.user_id = g.user_id"
    " WHERE r.taken_at > $1 AND r.taken_at <= $2 GROUP BY g.guild_id"
)


def window() -> tuple[int, int]:
    start, end = week_bounds(WEEK, ZoneInfo("UTC"))
    return int((start - HISTORY).timestamp()), int((end + timedelta(days=1)).timestamp())


def aggregate(path: Path) -> float:
    """One plain sqlite3 query over the same rows the digests read: the floor to compare with."""
    since, until = window()
    db = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        db.execute(AGGREGATE.replace("$1", "?").replace("$2", "?"), (since, until)).fetchall()
        return time.perf_counter() - started
    finally:
        db.close()


async def one_server_heap(path: Path) -> int:
    tracemalloc.start()
    try:
        await build_all(path, 1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def on_postgresql(path: Path, servers: int, url: str) -> tuple[float, float, float, float]:
    """The same data copied into a fresh PostgreSQL schema (not timed), then every digest
    built on it, and the same aggregate: (copy s, first week s, digests s, aggregate s)."""
    from bench.postgres_schema import storage_of_its_own
    from storage.copy import copy_database

    async with storage_of_its_own(url, pool_size=2) as target:
        source = await SQLiteStorage.open(path)
        try:
            started = time.perf_counter()
            await copy_database(source, target)
            copied = time.perf_counter() - started
        finally:
            await source.close()
        async with target.connection() as conn:
            await conn.execute("ANALYZE")
            await conn.fetch(AGGREGATE, *window())  # warm the cache for both sides
            started = time.perf_counter()
            await conn.fetch(AGGREGATE, *window())
            floor = time.perf_counter() - started
        first = sum((await build_each(target, servers, FIRST_WEEK))[0])
        # The first week filled the tables of what digests keep, empty when last analyzed:
        # until autovacuum analyzes them again (within minutes), a plan made before scans
        # them whole. The weeks after are timed as they run from then on.
        async with target.connection() as conn:
            await conn.execute("ANALYZE streak_bases, chart_weeks")
        weekly = [sum((await build_each(target, servers, week))[0]) for week in ORDINARY]
    return copied, first, statistics.mean(weekly), floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1_000)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--db", type=Path, help="keep (and reuse) the generated database here")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="where to build the digests (postgresql, both: beside SQLite, on the same data)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="how many times each timed week and the aggregate are run on SQLite (the best counts)",
    )
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("NETGAIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1/test"),
        help="the PostgreSQL server to use (a schema of its own is made and dropped)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "digest-bench.db"
        generated = 0.0
        if not path.exists():
            started = time.perf_counter()
            child = multiprocessing.get_context("spawn").Process(
                target=generate, args=(path, args.servers, args.members, args.weeks)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                raise SystemExit("generating the data failed")
            generated = time.perf_counter() - started
        report(path, args, generated)


def report(path: Path, args: Any, generated: float) -> None:
    readings = args.servers * args.members * args.weeks
    print(
        f"digest benchmark: {args.servers:,} servers × {args.members:,} members × {args.weeks} "
        f"weeks = {readings:,} readings ({path.stat().st_size / 2**20:,.0f} MiB on disk)"
    )
    if generated:
        print(f"data generated in {generated:.1f} s (not part of the comparison)")
    settle_start_up()  # as `netgain run` does once the bot is built
    aggregate(path)  # warm the page cache for both sides
    floors = [aggregate(path)]
    forget_what_digests_keep(path)
    first, _, _ = asyncio.run(build_all(path, args.servers, FIRST_WEEK))
    # Every week after the first: each member's streak base, and each server's chart weeks,
    # are kept from the digests before. Each is built `repeat` times from the same start.
    repeat = max(1, args.repeat)
    timings: list[float] = []
    every: list[list[float]] = []  # each week's runs, seconds
    for week in ORDINARY:
        saved = save_what_digests_keep(path)
        runs = []
        try:
            for attempt in range(repeat):
                if attempt:
                    put_back_what_digests_keep(saved)
                runs.append(asyncio.run(build_all(path, args.servers, week)))
        finally:
            saved.close()
        built, messages, rows = min(runs, key=lambda run: sum(run[0]))
        timings += built
        every.append([sum(run[0]) for run in runs])
        floors.append(aggregate(path))
    total = statistics.mean(min(runs) for runs in every)
    typical = [statistics.median(runs) for runs in every]
    heap = asyncio.run(one_server_heap(path))
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    per_server = total / args.servers * 1000
    print(
        f"digests built: {args.servers:,} in {total:.2f} s a week (best of {repeat} runs of each"
        f" week; the median runs: {statistics.mean(typical):.2f} s); per server"
        f" {per_server:.1f} ms (median {statistics.median(ordered) * 1000:.1f},"
        f" p95 {p95 * 1000:.1f})"
    )
    print(
        "  the mean of the weeks of a streak base's cycle: "
        + ", ".join(
            f"{week:%b %d} {min(runs):.2f} s ({', '.join(f'{one:.2f}' for one in runs)})"
            for week, runs in zip(ORDINARY, every, strict=True)
        )
    )
    print(f"  {rows:,} member rows, {messages:,} messages (pages) within Discord's limits")
    print(
        f"  (the first week, before any streak base or chart week is kept: {sum(first):.2f} s,"
        f" {sum(first) / args.servers * 1000:.1f} ms per server)"
    )
    floor = min(floors)
    print(
        f"one plain sqlite3 aggregate over the same rows: {floor * 1000:.1f} ms (best of"
        f" {len(floors)}; median {statistics.median(floors) * 1000:.1f})"
    )
    print(
        f"ratio, all digests / aggregate query: {total / floor:.1f}× (the medians:"
        f" {statistics.mean(typical) / statistics.median(floors):.1f}×)"
    )
    print(
        f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB RSS for"
        f" the whole run; {heap / 2**20:.1f} MiB Python heap while building one server's digest"
    )
    if args.backend == "sqlite":
        return
    try:
        copied, pg_first, pg_total, pg_floor = asyncio.run(
            on_postgresql(path, args.servers, args.postgresql)
        )
    except OSError as error:
        print(f"PostgreSQL: no server answers at {args.postgresql} ({error}); SQLite only")
        return
    print(f"PostgreSQL (same data, copied in {copied:.1f} s, not part of the comparison):")
    print(f"  digests built: {args.servers:,} in {pg_total:.2f} s a week (one run of each week)")
    print(f"  (the first week, before any streak base or chart week is kept: {pg_first:.2f} s)")
    print(f"  the same aggregate on PostgreSQL: {pg_floor * 1000:.1f} ms")
    print(f"  ratio, all digests / aggregate query: {pg_total / pg_floor:.1f}×")
    print(
        "  PostgreSQL / SQLite, all digests (SQLite's median runs):"
        f" {pg_total / statistics.mean(typical):.2f}×"
    )


if __name__ == "__main__":
    main()
