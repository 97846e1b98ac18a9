"""The reminder schedule follows changes in bursts without one database read per change."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from simcord import Env

from bot.jobs import REMINDERS
from tests.scheduled.support import Server
from tests.support.simulated import send_slash


async def test_a_burst_of_first_logs_reads_the_reminder_times_in_use_twice_at_most(
    simcord_env: Env, db_path: Path
) -> None:
    server = Server(simcord_env)
    bot = simcord_env.bot
    storage = bot.storage
    reads = 0
    read_times = storage.reminder_times

    async def counted() -> set[tuple[str, str]]:
        nonlocal reads
        reads += 1
        if reads == 1:
            # While the first read is under way, a member picks a time of their own: that
            # change is not in what this read sees, so one more refresh must pick it up.
            with closing(sqlite3.connect(db_path)) as db, db:
                db.execute(
                    "INSERT INTO members (user_id, default_platform, created_at, timezone,"
                    " reminder_time) VALUES (7, 'tiktok', 0, 'Asia/Tokyo', '07:15')"
                )
            bot.dispatch("netgain_member_settings_changed", 7)
        return await read_times()

    storage.reminder_times = counted  # type: ignore[method-assign]
    # A server's launch day: thirty members log for the first time at once.
    members = [server.guild.add_member(simcord_env.create_user(f"m{n}")) for n in range(30)]
    records = [send_slash(m, server.general, "log", followers=100, following=10) for m in members]
    await simcord_env.settle()

    assert all(record.responded for record in records)
    assert reads == 2
    pairs = {job.id for job in bot.jobs.scheduler.get_jobs() if job.id.startswith(REMINDERS)}
    assert pairs == {
        bot.jobs.reminder_id("UTC", "18:00"),
        bot.jobs.reminder_id("Asia/Tokyo", "07:15"),
    }
