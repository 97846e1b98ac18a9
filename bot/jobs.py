"""Every scheduled job NetGain runs, in one place: job ids, triggers, and which servers this
process schedules.

The cogs ask this module for jobs; none of them touches APScheduler. Jobs are derived from
the database (at start and on every settings change), never the other way round, so a
restart rebuilds exactly what the settings say. Triggers compute their next instant with the
pure functions of `bot.domain.schedule`, which give every local slot exactly once: a time a
DST change skips fires at the first instant after it (APScheduler's CronTrigger was seen
skipping the whole day), a repeated one fires once.

`serves` is the one place that decides which process schedules which server: the one that
runs the server's shard (`bot.domain.shards`, SHARD_COUNT and SHARD_IDS).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.schedule import DEFAULT_GRACE, GuildSettings, daily_from, slot_from
from bot.drain import DRAIN_SECONDS, Running

log = logging.getLogger(__name__)

DIGEST = "digest:"
REMINDERS = "reminders:"
SWEEP = "sweep:"
ONCE = "sweep-once:"
EVERY = "every:"
# A reminder time missed by more than this (the process was down) is not sent late.
REMINDER_GRACE = timedelta(hours=6)

Run = Callable[..., Awaitable[None]]
# Finishes what is left and says when to look again (None: nothing is held).
Sweep = Callable[[], Awaitable[datetime | None]]


def _after(previous: datetime | None, now: datetime) -> datetime:
    """Where the next fire time may start: just after the last one, or now."""
    return previous + timedelta(microseconds=1) if previous is not None else now


class WeeklySlot(BaseTrigger):  # type: ignore[misc]
    """A server's digest slot: its weekday and local time in its zone, once a week."""

    __slots__ = ("settings",)

    def __init__(self, settings: GuildSettings) -> None:
        self.settings = settings

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        return slot_from(self.settings, _after(previous_fire_time, now))

    def __str__(self) -> str:
        settings = self.settings
        return f"weekly day {settings.digest_day} {settings.digest_time} {settings.timezone.key}"


class DailyAt(BaseTrigger):  # type: ignore[misc]
    """A local clock time in a zone, every day."""

    __slots__ = ("at", "tz")

    def __init__(self, at: time, tz: ZoneInfo) -> None:
        self.at = at
        self.tz = tz

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        return daily_from(self.at, self.tz, _after(previous_fire_time, now))

    def __str__(self) -> str:
        return f"daily {self.at} {self.tz.key}"


def make_scheduler() -> AsyncIOScheduler:
    """APScheduler on the bot's event loop, set so that a busy loop cannot silently drop a run:
    a late job still runs within the grace period (and coalesces if it fell behind twice),
    and never twice at once."""
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(DEFAULT_GRACE.total_seconds()),
        },
    )


class Jobs:
    """The bot's scheduler and every job on it."""

    def __init__(
        self,
        serves: Callable[[int | None], bool] = lambda guild_id: True,
        scheduler: AsyncIOScheduler | None = None,
    ) -> None:
        self.scheduler = scheduler or make_scheduler()
        self._serves = serves
        self._running = Running()
        self._sweeps: dict[str, Sweep] = {}

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.scheduler.start()

    async def drain(self, limit: float = DRAIN_SECONDS) -> None:
        """Wait up to `limit` seconds for the jobs running now, then cancel the rest: a claim
        cancelled half-way stays claimed and is taken over later, pages already posted kept."""
        await self._running.finish(limit, "job(s)", "running")

    def _tracked(self, run: Run) -> Run:
        """`run`, noted as running while it runs, so a stop can wait for it."""

        async def tracked(*args: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            await run(*args)

        return tracked

    def start_task(
        self, run: Callable[[], Coroutine[Any, Any, None]], what: str
    ) -> asyncio.Task[None]:
        """Work to do once at start (a catch-up), run beside the bot: a stop waits for it like
        a job, and its failure is logged rather than lost."""
        task = asyncio.create_task(run())
        self._running.add(task)

        def logged(done: asyncio.Task[None]) -> None:
            if not done.cancelled() and done.exception() is not None:
                log.error("%s failed", what, exc_info=done.exception())

        task.add_done_callback(logged)
        return task

    def pause(self) -> None:
        """No job starts from now on (used while the bot stops)."""
        if self.scheduler.running:
            self.scheduler.pause()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # ---- which servers this process schedules ---------------------------------------------

    def serves(self, guild_id: int | None) -> bool:
        """Whether this process posts the server's digest, finishes its claims and reminds
        the members whose home it is (None: members with no server; `bot.domain.shards`)."""
        return self._serves(guild_id)

    # ---- the weekly digest -----------------------------------------------------------------

    @staticmethod
    def digest_id(guild_id: int) -> str:
        return f"{DIGEST}{guild_id}"

    def set_digest(self, settings: GuildSettings, run: Run) -> None:
        """The server's digest job as its settings say: at its slot, or none when it is off."""
        job_id = self.digest_id(settings.guild_id)
        if not settings.digest_on or not self.serves(settings.guild_id):
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
            return
        self.scheduler.add_job(
            self._tracked(run),
            WeeklySlot(settings),
            args=[settings.guild_id],
            id=job_id,
            name=f"weekly digest of guild {settings.guild_id}",
            replace_existing=True,
            misfire_grace_time=int(settings.grace.total_seconds()),
        )

    def sync_digests(self, wanted: list[GuildSettings], run: Run) -> int:
        """Make the digest jobs match `wanted` (every server's settings, as the database has
        them now): a job added, moved or removed where they differ, the rest left running.
        How many changed. Settings another process changed reach this one this way."""
        want = {s.guild_id: s for s in wanted if s.digest_on and self.serves(s.guild_id)}
        changed = 0
        for job in self.scheduler.get_jobs():
            if not job.id.startswith(DIGEST):
                continue
            guild_id = int(job.id.removeprefix(DIGEST))
            if guild_id not in want:
                job.remove()
                changed += 1
            elif isinstance(job.trigger, WeeklySlot) and job.trigger.settings == want[guild_id]:
                del want[guild_id]
        for settings in want.values():
            self.set_digest(settings, run)
            changed += 1
        return changed

    def remove_digests(self) -> None:
        self._remove(DIGEST)

    # ---- reminders -------------------------------------------------------------------------

    @staticmethod
    def reminder_id(timezone: str, at: str) -> str:
        return f"{REMINDERS}{timezone}:{at}"

    def set_reminder_times(self, wanted: set[tuple[str, str]], run: Run) -> None:
        """One job per (time zone, HH:MM) some member uses, and none for the rest."""
        ids = {self.reminder_id(tz, at): (tz, at) for tz, at in wanted}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(REMINDERS) and job.id not in ids:
                job.remove()
        for job_id, (tz, at) in ids.items():
            if self.scheduler.get_job(job_id) is not None:
                continue
            self.scheduler.add_job(
                self._tracked(run),
                DailyAt(time.fromisoformat(at), ZoneInfo(tz)),
                args=[tz, at],
                id=job_id,
                name=f"reminders at {at} {tz}",
                replace_existing=True,
                misfire_grace_time=int(REMINDER_GRACE.total_seconds()),
            )

    def remove_reminders(self) -> None:
        self._remove(REMINDERS)

    # ---- housekeeping ----------------------------------------------------------------------

    def every(self, name: str, run: Run, interval: timedelta) -> None:
        """Run `run()` every `interval` (first after one interval), in every process."""
        self.scheduler.add_job(
            self._tracked(run),
            IntervalTrigger(seconds=interval.total_seconds(), timezone=UTC),
            id=f"{EVERY}{name}",
            name=name,
            replace_existing=True,
            misfire_grace_time=int(interval.total_seconds()),
            coalesce=True,
        )

    # ---- finishing what a stopped process left ------------------------------------------

    def watch_claims(self, name: str, sweep: Sweep, every: timedelta) -> None:
        """Run `sweep` every `every`, and again when it says a claim still held runs out.

        `sweep` finishes the claims whose lease ran out and returns when the first one still
        held will (None if none is), so a claim left by a process that stops is taken over
        within a lease period even between two periodic runs.
        """
        self._sweeps[name] = sweep
        self.scheduler.add_job(
            self._tracked(self.sweep),
            IntervalTrigger(seconds=every.total_seconds(), timezone=UTC),
            args=[name],
            id=f"{SWEEP}{name}",
            name=f"finish {name} whose lease ran out",
            replace_existing=True,
            misfire_grace_time=int(every.total_seconds()),
        )

    async def sweep(self, name: str) -> None:
        """Run the sweep of `name` now (after a slot, or at start)."""
        sweep = self._sweeps.get(name)
        if sweep is None:
            return
        try:
            ends = await sweep()
        except Exception:
            log.exception("Finishing the %s another process left failed", name)
            return
        if ends is not None and name in self._sweeps:
            self.scheduler.add_job(
                self._tracked(self.sweep),
                DateTrigger(run_date=ends + timedelta(seconds=1), timezone=UTC),
                args=[name],
                id=f"{ONCE}{name}",
                name=f"finish {name} when a running lease ends",
                replace_existing=True,
                misfire_grace_time=None,
            )

    def stop_watching(self, name: str) -> None:
        self._sweeps.pop(name, None)
        self._remove(f"{SWEEP}{name}")
        self._remove(f"{ONCE}{name}")

    # ---- helpers ---------------------------------------------------------------------------

    def _remove(self, prefix: str) -> None:
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefix):
                job.remove()
