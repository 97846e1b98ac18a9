"""A digest or reminder left half-done by a process that stopped is finished by a living one.

SimCord's `restart_bot` detaches the old bot without closing it, as a kill -9 would; a claim
"left by a dead process" is one taken in the database under another owner, which is what a
process that dies between claiming and finishing leaves behind.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from cogs.digest import render
from cogs.digest.poster import LEASE, DigestPoster
from cogs.reminders.cog import LEASE as REMINDER_LEASE
from storage.sqlite import SQLiteStorage
from tests.scheduled.support import Server, many_members_log, posts_to, restarted
from tests.scheduled.test_reminders import dms
from tests.support.db import query

DAY = timedelta(days=1)
# SimCord starts on Thursday 2026-01-01; the default slot is Monday 09:00 UTC.
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEEK = datetime(2025, 12, 29).date()


def default_sweep(settings: Settings) -> Settings:
    """The sweep at its production period (the other tests run it once a day)."""
    return settings.model_copy(update={"claim_sweep_seconds": 30})


async def readings(server: Server, clock: SimulatedTime) -> None:
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance(DAY)
    await server.alice.slash(server.general, "log", followers=1100, following=100)


async def claimed_at_the_slot(env: Env, clock: SimulatedTime, owner: str | None) -> Server:
    """A server whose digest the running process (`owner` None) or another one claimed at
    its slot, before posting anything."""
    server = Server(env)
    await server.setup_digest()
    await readings(server, clock)
    env.bot.scheduler.pause()
    await clock.advance_to(SLOT)
    assert await env.bot.storage.claim_digest(
        server.guild.id,
        WEEK,
        owner=owner or env.bot.instance_id,
        now=SLOT,
        lease_until=SLOT + LEASE,
    )
    return server


async def test_a_claim_left_at_the_slot_is_finished_after_an_immediate_restart(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    # The process claims the digest at its slot and dies before posting (kill -9, OOM).
    server = await claimed_at_the_slot(simcord_env, clock, "dead:1")
    async with restarted(simcord_env, db_path, settings):  # systemd restarts it at once
        await clock.advance(LEASE - timedelta(seconds=5))
        assert server.digests() == []  # the claim's lease still runs: nobody posts over it
        await clock.advance(timedelta(seconds=10))
        assert len(server.digests()) == 1
        assert query(db_path, "SELECT state, pages_posted FROM digest_runs") == [("posted", 1)]
        await clock.advance(DAY)
        assert len(server.digests()) == 1


async def test_a_living_process_finishes_another_ones_claim_within_a_lease_period(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await readings(server, clock)
    await clock.advance_to(SLOT + timedelta(hours=1))
    assert len(server.digests()) == 1
    async with restarted(simcord_env, db_path, default_sweep(settings)) as reopened:
        # Another process took the week again (an admin's Post again) and died at once.
        now = clock.now()
        assert await reopened.claim_digest(
            server.guild.id, WEEK, owner="other:2", now=now, lease_until=now + LEASE, force=True
        )
        await clock.advance(LEASE)
        assert len(server.digests()) == 1  # not before the lease ran out
        await clock.advance(timedelta(seconds=31))  # one sweep later
        assert len(server.digests()) == 2
        assert query(db_path, "SELECT state FROM digest_runs") == [("posted",)]


async def test_a_graceful_stop_hands_its_claim_over_at_once(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    server = await claimed_at_the_slot(simcord_env, clock, None)
    await simcord_env.bot.close()  # Ctrl-C or SIGTERM: commands and jobs finish, then claims go
    async with restarted(simcord_env, db_path, settings):
        await clock.advance(timedelta(seconds=1))
        assert len(server.digests()) == 1  # at once, not after the lease


async def test_a_takeover_posts_only_the_pages_not_yet_posted(
    simcord_env: Env,
    clock: SimulatedTime,
    db_path: Path,
    storage: SQLiteStorage,
    settings: Settings,
) -> None:
    server = Server(simcord_env)
    await server.setup_digest(detail="all")
    await many_members_log(storage, server, 80, "creator_{:03d}")
    simcord_env.bot.scheduler.pause()
    await clock.advance_to(SLOT)
    bot = simcord_env.bot
    guild = await storage.guild_settings(server.guild.id)
    poster = DigestPoster(bot)
    from bot.domain.schedule import due_digest

    due = due_digest(guild, SLOT)
    assert due is not None
    pages = render.pages(await poster.build(guild, due), guild)
    assert len(pages) >= 2
    # The dead process posted the first page, recorded it, and died.
    assert await storage.claim_digest(
        server.guild.id, WEEK, owner="dead:1", now=SLOT, lease_until=SLOT + LEASE
    )
    channel = bot.get_channel(server.digest.id)
    first = await channel.send(pages[0].content, embeds=pages[0].embeds)
    assert await storage.digest_page_posted(
        server.guild.id,
        WEEK,
        owner="dead:1",
        message_id=first.id,
        now=SLOT,
        lease_until=SLOT + LEASE,
    )
    async with restarted(simcord_env, db_path, settings):
        await clock.advance(LEASE + timedelta(seconds=5))
    sent = posts_to(simcord_env, server.digest.id)
    assert len(sent) == len(pages)  # the first page once, then the rest
    footers = [r.json["embeds"][-1]["footer"]["text"] for r in sent]
    assert footers == [
        f"NetGain · week of {render.week_label_of(WEEK, guild.timezone)} · page {n} of {len(pages)}"
        for n in range(1, len(pages) + 1)
    ]
    assert query(db_path, "SELECT state, pages_posted FROM digest_runs") == [("posted", len(pages))]


async def test_a_reminder_left_claimed_is_sent_once_after_a_restart(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=100, following=10)  # Thu 1 Jan
    due = datetime(2026, 1, 8, 18, tzinfo=UTC)  # seven days on, at 18:00 UTC
    simcord_env.bot.scheduler.pause()
    await clock.advance_to(due)
    storage = simcord_env.bot.storage
    assert await storage.record_reminder(
        server.alice.id,
        "consistency",
        WEEK + timedelta(weeks=1),
        owner="dead:1",
        guild_id=server.guild.id,
        now=due,
        lease_until=due + REMINDER_LEASE,
    )
    async with restarted(simcord_env, db_path, settings):
        await clock.advance(REMINDER_LEASE - timedelta(seconds=5))
        assert dms(simcord_env, server.alice) == []
        await clock.advance(timedelta(seconds=10))
        assert len(dms(simcord_env, server.alice)) == 1
        assert query(db_path, "SELECT kind, via FROM reminders_sent") == [("consistency", "dm")]
        await clock.advance(DAY)
        assert len(dms(simcord_env, server.alice)) == 1
