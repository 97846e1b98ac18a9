"""The weekly digest, posted by the real scheduler on simulated time: on time, exactly once."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
from simcord import Env

from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from cogs.digest.poster import DigestPoster, nonce
from storage.sqlite import SQLiteStorage
from tests.scheduled.support import Server, many_members_log, posts_to, restart
from tests.support.db import query

DAY = timedelta(days=1)
# SimCord starts on Thursday 2026-01-01; the first Monday 09:00 in Berlin is 08:00 UTC.
FIRST_SLOT = datetime(2026, 1, 5, 8, tzinfo=UTC)


async def two_readings(server: Server, clock: SimulatedTime) -> None:
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance(DAY)
    await server.alice.slash(server.general, "log", followers=1100, following=100)


async def test_setup_then_posted_at_the_local_time_and_only_then(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    reply = await server.setup_digest(day="monday", time="09:00", timezone="Europe/Berlin")
    assert reply.ephemeral
    assert "every **Monday at 09:00** (Europe/Berlin)" in reply.response.content
    assert f"<t:{int(FIRST_SLOT.timestamp())}:F>" in reply.response.content
    await two_readings(server, clock)

    await clock.advance_to(FIRST_SLOT - timedelta(seconds=1))
    assert server.digests() == []
    await clock.advance(timedelta(seconds=1))
    [message] = server.digests()
    assert message.created_at == FIRST_SLOT
    text = server.text()
    assert "NetGain weekly digest · 29 Dec 2025 – 4 Jan 2026 (Europe/Berlin)" in text
    assert "**Community net growth:** +100 followers (+10.0%)" in text
    assert "**Members who logged:** 1 of 1" in text
    assert "Creators-alice** · TikTok 1,100 **+10.0%** (+100, since first log)" in text
    assert "This week's nudge" in text

    await clock.advance(6 * DAY)
    assert len(server.digests()) == 1


async def test_restarts_mid_week_and_at_the_slot_post_once(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    server = Server(simcord_env)
    await server.setup_digest(timezone="Europe/Berlin")
    await two_readings(server, clock)
    reopened = [await restart(simcord_env, db_path, settings)]  # mid-week: jobs come from the db
    try:
        await clock.advance_to(FIRST_SLOT)
        assert len(server.digests()) == 1
        reopened.append(await restart(simcord_env, db_path, settings))  # right at the slot
        await clock.advance(DAY)
        assert len(server.digests()) == 1
        await clock.advance(6 * DAY)
        assert len(server.digests()) == 2  # next week's
    finally:
        for storage in reopened:
            await storage.close()


class SecondProcess:
    """Another NetGain process on the same database file, posting through the same Discord."""

    def __init__(self, bot: Any, storage: SQLiteStorage) -> None:
        self._bot = bot
        self.storage = storage
        self.instance_id = "second-process"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)


async def test_two_processes_racing_at_the_slot_post_once(
    simcord_env: Env, clock: SimulatedTime, db_path: Path
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await two_readings(server, clock)
    simcord_env.bot.scheduler.pause()
    await clock.advance_to(datetime(2026, 1, 5, 9, tzinfo=UTC))
    second = await SQLiteStorage.open(db_path)
    try:
        first_poster = DigestPoster(simcord_env.bot)
        second_poster = DigestPoster(SecondProcess(simcord_env.bot, second))  # type: ignore[arg-type]
        results = await asyncio.gather(
            *(p.post_due(server.guild.id) for p in (first_poster, second_poster) * 3)
        )
    finally:
        await second.close()
    assert [r.outcome.value for r in results].count("posted") == 1
    assert len(server.digests()) == 1
    assert query(db_path, "SELECT state, attempts FROM digest_runs") == [("posted", 1)]


@pytest.mark.parametrize(
    ("zone", "clock_time", "start", "posted_at"),
    [
        # 01:30 happens twice in New York on Sunday 2026-11-01: one post, at the first.
        ("America/New_York", "01:30", datetime(2026, 10, 29), datetime(2026, 11, 1, 5, 30)),
        # 02:30 happens twice in Berlin on Sunday 2026-10-25.
        ("Europe/Berlin", "02:30", datetime(2026, 10, 22), datetime(2026, 10, 25, 0, 30)),
        # 02:30 never happens in New York on Sunday 2026-03-08: posted at the jump, 03:00 EDT.
        ("America/New_York", "02:30", datetime(2026, 3, 5), datetime(2026, 3, 8, 7, 0)),
        # Midnight never happens on these nights: a 00:30 slot posts at 01:00 local, once.
        ("America/Santiago", "00:30", datetime(2026, 9, 3), datetime(2026, 9, 6, 4, 0)),
        ("Asia/Beirut", "00:30", datetime(2026, 3, 26), datetime(2026, 3, 28, 22, 0)),
        ("America/Havana", "00:30", datetime(2026, 3, 5), datetime(2026, 3, 8, 5, 0)),
        ("Atlantic/Azores", "00:30", datetime(2026, 3, 26), datetime(2026, 3, 29, 1, 0)),
    ],
)
async def test_dst_weeks_post_exactly_once(
    simcord_env: Env,
    clock: SimulatedTime,
    db_path: Path,
    zone: str,
    clock_time: str,
    start: datetime,
    posted_at: datetime,
) -> None:
    await clock.advance_to(start.replace(tzinfo=UTC))
    server = Server(simcord_env)
    await server.setup_digest(day="sunday", time=clock_time, timezone=zone)
    await two_readings(server, clock)
    await clock.advance_to(posted_at.replace(tzinfo=UTC) + 3 * DAY)
    [message] = server.digests()
    assert message.created_at == posted_at.replace(tzinfo=UTC)
    assert query(db_path, "SELECT state, attempts FROM digest_runs") == [("posted", 1)]


@pytest.mark.parametrize(
    ("down_for", "posted"), [(timedelta(hours=3), True), (timedelta(hours=50), False)]
)
async def test_down_across_the_slot_posts_late_within_grace_else_skips(
    simcord_env: Env,
    clock: SimulatedTime,
    db_path: Path,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    down_for: timedelta,
    posted: bool,
) -> None:
    server = Server(simcord_env)
    await server.setup_digest(timezone="Europe/Berlin")
    await two_readings(server, clock)
    simcord_env.bot.scheduler.shutdown(wait=False)  # the process goes down
    await clock.advance_to(FIRST_SLOT + down_for)
    with caplog.at_level(logging.WARNING, logger="cogs.digest.poster"):
        storage = await restart(simcord_env, db_path, settings)
    try:
        if posted:
            [message] = server.digests()
            assert message.created_at == FIRST_SLOT + down_for
            assert "Posted late: NetGain was offline at the scheduled time." in server.text()
            assert query(db_path, "SELECT state, late FROM digest_runs") == [("posted", 1)]
        else:
            assert server.digests() == []
            assert query(db_path, "SELECT state FROM digest_runs") == [("skipped",)]
            assert "Skipped the digest of week 2025-12-29" in caplog.text
    finally:
        await storage.close()


async def test_an_empty_week_is_one_line_or_nothing(simcord_env: Env, clock: SimulatedTime) -> None:
    loud, quiet = Server(simcord_env, "Loud"), Server(simcord_env, "Quiet")
    await loud.setup_digest()
    await quiet.setup_digest(empty_week="quiet")
    await clock.advance_to(datetime(2026, 1, 5, 9, 1, tzinfo=UTC))
    [line] = loud.digests()
    assert "a quiet week, nobody logged" in line.content
    assert quiet.digests() == []


async def test_turning_the_digest_off_stops_it(simcord_env: Env, clock: SimulatedTime) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    reply = await server.admin.slash(server.general, "setup digest", off=True)
    assert "The weekly digest is **off**" in reply.response.content
    await clock.advance(10 * DAY)
    assert server.digests() == []


async def test_a_failing_server_does_not_stop_the_others(
    simcord_env: Env, clock: SimulatedTime, db_path: Path
) -> None:
    gone, refused, kicked, fine = (
        Server(simcord_env, name) for name in ("Gone", "Refused", "Kicked", "Fine")
    )
    for server in (gone, refused, kicked, fine):
        await server.setup_digest()
        await server.alice.slash(server.general, "log", followers=500, following=50)
    simcord_env.backend.delete_channel(gone.digest.id)
    # Kicked: Discord removes the bot and tells it the server is gone.
    simcord_env.backend.remove_member(kicked.guild.id, simcord_env.bot.user.id)
    simcord_env.backend.emit("GUILD_DELETE", {"id": str(kicked.guild.id)})
    await simcord_env.settle()
    simcord_env.inject_error(
        "POST",
        f"/channels/{refused.digest.id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=None,
    )
    await clock.advance_to(datetime(2026, 1, 5, 9, 1, tzinfo=UTC))
    assert len(fine.digests()) == 1
    assert refused.digests() == []
    states = dict(query(db_path, "SELECT guild_id, state FROM digest_runs"))
    assert states == {
        gone.guild.id: "failed",
        refused.guild.id: "failed",
        fine.guild.id: "posted",
    }
    # The kicked server's settings went with it: no digest is tried there at all.
    assert query(
        db_path, "SELECT count(*) FROM guild_settings WHERE guild_id = ?", (kicked.guild.id,)
    ) == [(0,)]

    await clock.advance(2 * DAY)  # no retry storm: one attempt, then failed
    attempts = posts_to(simcord_env, refused.digest.id)
    assert len(attempts) == 1

    told = await gone.admin.slash(gone.general, "digest preview")
    assert (
        "⚠️ The digest of week 2025-12-29 was not posted: The digest channel no longer exists"
        in told.response.content
    )
    told = await refused.admin.slash(refused.general, "setup reminders")
    assert "Discord refused the post (403: Missing Permissions)" in told.response.content


async def test_a_250_member_digest_is_split_within_discords_limits(
    simcord_env: Env, clock: SimulatedTime, storage: SQLiteStorage
) -> None:
    server = Server(simcord_env)
    await server.setup_digest(detail="all")  # every member listed, however many pages
    await server.admin.slash(server.general, "setup reminders", mentions="on")
    await many_members_log(
        storage, server, 250, "creator_{:03d}_with_a_longish_name", with_posts=True
    )
    await clock.advance(7 * DAY)
    messages = server.digests()
    assert len(messages) > 2
    for message in messages:
        assert len(message.embeds) <= 10
        assert sum(len(e) for e in message.embeds) <= 6000
        assert len(message.content) <= 2000
        for embed in message.embeds:
            assert len(embed.description or "") <= 4096
    text = server.text()
    for user in range(1, 251):
        name = f"creator_{user:03d}_with_a_longish_name"
        assert discord.utils.escape_markdown(name) in text  # nobody is cut off
    assert f"page {len(messages)} of {len(messages)}" in messages[-1].embeds[-1].footer.text


async def test_mentions_only_for_members_who_allow_them(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup reminders", mentions="on")
    await server.alice.slash(server.general, "log", followers=10, following=1)
    await server.bob.slash(server.general, "log", followers=10, following=1)
    await server.alice.slash(server.general, "me", timezone="UTC", mentions="on")
    await clock.advance(12 * DAY)  # the second digest: nobody logged that week
    request = posts_to(simcord_env, server.digest.id)[-1]
    assert f"<@{server.alice.id}>" in request.json["content"]
    assert f"<@{server.bob.id}>" not in request.json["content"]
    allowed = request.json["allowed_mentions"]
    assert [int(user) for user in allowed["users"]] == [server.alice.id]
    assert allowed["parse"] == []
    assert "Creators-bob" in server.text()  # a plain name


@pytest.mark.parametrize("status", [500, 429])
async def test_a_refused_post_is_retried_with_the_same_nonce(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, status: int
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=10, following=1)
    simcord_env.inject_error("POST", f"/channels/{server.digest.id}/messages", status=status)
    # Monday 09:00's post is refused once; the claim is taken over when its lease ends.
    await clock.advance_to(datetime(2026, 1, 5, 9, 1, tzinfo=UTC))
    assert server.digests() == []
    assert query(db_path, "SELECT state FROM digest_runs") == [("claimed",)]
    await clock.advance(timedelta(minutes=2))
    first, retry = posts_to(simcord_env, server.digest.id)
    # Discord drops a second message with the same nonce: a retry cannot duplicate a page.
    assert first.json["nonce"] == retry.json["nonce"] == nonce(server.guild.id, "2025-12-29", 0)
    assert first.json["enforce_nonce"] is retry.json["enforce_nonce"] is True
    assert len(first.json["nonce"]) <= 25
    assert len(server.digests()) == 1
    assert query(db_path, "SELECT state FROM digest_runs") == [("posted",)]


async def test_a_digest_refused_every_time_is_marked_failed_after_three_tries(
    simcord_env: Env, clock: SimulatedTime, db_path: Path
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=10, following=1)
    path = f"/channels/{server.digest.id}/messages"
    simcord_env.inject_error("POST", path, status=503, times=None)
    await clock.advance_to(datetime(2026, 1, 5, 9, 10, tzinfo=UTC))
    assert len(posts_to(simcord_env, server.digest.id)) == 3
    assert query(db_path, "SELECT state, attempts FROM digest_runs") == [("failed", 3)]
    settings = await simcord_env.bot.storage.guild_settings(server.guild.id)
    assert settings.problem is not None and "503" in settings.problem


async def test_a_big_servers_digest_lists_the_top_movers_and_says_how_many_more(
    simcord_env: Env, clock: SimulatedTime, storage: SQLiteStorage
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await many_members_log(storage, server, 25, "creator_{:02d}")
    await clock.advance(7 * DAY)
    [message] = server.digests()  # one message: the top movers fit on a phone screen
    movers = message.embeds[1]
    assert movers.title == "Top movers, by growth %"
    rows = movers.description.splitlines()
    assert rows[0].startswith("**1. creator\\_25** · TikTok 1,075 **+4.9%** (+50")
    assert sum(1 for row in rows if row.startswith("**")) == 10
    assert "…and 15 more members logged this week" in movers.description
    assert "`/setup digest detail:all`" in movers.description
    assert "`/net member:@name`" in movers.description


async def test_a_member_who_stopped_logging_is_named_but_no_longer_pinged(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup reminders", mentions="on")
    await server.bob.slash(server.general, "log", followers=10, following=1)  # Thu 1 Jan
    await server.bob.slash(server.general, "me", timezone="UTC", mentions="on")
    await clock.advance(12 * DAY)  # the digest of 5-11 Jan: a week without his log
    assert f"<@{server.bob.id}>" in (posts_to(simcord_env, server.digest.id)[-1].json["content"])
    await clock.advance(5 * 7 * DAY)  # weeks later, still nothing logged
    last = posts_to(simcord_env, server.digest.id)[-1].json
    assert f"<@{server.bob.id}>" not in (last.get("content") or "")
    assert "Creators-bob" in server.text()  # still listed, as plain text


async def test_a_server_that_removes_netgain_loses_its_settings_and_job_not_its_members(
    simcord_env: Env, clock: SimulatedTime, db_path: Path
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=10, following=1)
    bot = simcord_env.bot
    job = bot.jobs.digest_id(server.guild.id)
    assert bot.scheduler.get_job(job) is not None
    simcord_env.backend.remove_guild(server.guild.id)
    await simcord_env.settle()
    assert bot.scheduler.get_job(job) is None
    assert query(db_path, "SELECT count(*) FROM guild_settings") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM readings") == [(1,)]  # still hers
    await clock.advance(14 * DAY)  # no digest is attempted, so none is marked failed
    assert query(db_path, "SELECT count(*) FROM digest_runs") == [(0,)]
