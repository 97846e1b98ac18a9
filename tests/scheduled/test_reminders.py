"""Reminders on the real scheduler: each member's local time, once a week, opt-out, fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server, close_dms, posts_to
from tests.support.db import query

DAY = timedelta(days=1)


def dms(env: Env, member) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    """The consistency reminders a member got by DM (not the mid-week nudges)."""
    return [
        m
        for m in member.user.dm_channel.history()
        if m.author.bot and m.content.startswith("You haven't logged")
    ]


def nudges(member) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    return [
        m
        for m in member.user.dm_channel.history()
        if m.author.bot and m.content.startswith("Your mid-week nudge")
    ]


async def test_a_member_is_reminded_at_their_own_local_time_once_a_week(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=100, following=10)  # Thu 1 Jan
    await server.alice.slash(server.general, "me", timezone="Asia/Tokyo", reminder_time="20:00")
    # Seven days without a log are up on Thursday 8 January; 20:00 in Tokyo is 11:00 UTC.
    await clock.advance_to(datetime(2026, 1, 8, 10, 59, tzinfo=UTC))
    assert dms(simcord_env, server.alice) == []
    await clock.advance(timedelta(minutes=1))
    [reminder] = dms(simcord_env, server.alice)
    assert reminder.created_at == datetime(2026, 1, 8, 11, tzinfo=UTC)
    assert "You haven't logged your counts for 7 days" in reminder.content
    assert "`/me reminders:off`" in reminder.content

    await clock.advance(3 * DAY)  # Sunday: still the same week in Tokyo
    assert len(dms(simcord_env, server.alice)) == 1
    await clock.advance(DAY)  # Monday 12 January: a new week, but the reminders back off
    assert len(dms(simcord_env, server.alice)) == 1


async def test_consistency_reminders_back_off_and_stop_until_the_member_logs(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=100, following=10)  # Thu 1 Jan
    await clock.advance_to(datetime(2026, 3, 1, tzinfo=UTC))  # two months without a log
    sent = dms(simcord_env, server.alice)
    # After 1, 2 and 4 weeks, at 18:00 UTC; the third says it is the last.
    assert [m.created_at.date().isoformat() for m in sent] == [
        "2026-01-08",
        "2026-01-15",
        "2026-01-29",
    ]
    assert "last reminder until you log again" in sent[-1].content
    assert "last reminder" not in sent[0].content
    await server.alice.slash(server.general, "log", followers=120, following=10)  # Sun 1 Mar
    await clock.advance_to(datetime(2026, 3, 9, tzinfo=UTC))
    assert len(dms(simcord_env, server.alice)) == 4  # logging again starts a new round


async def test_a_server_can_turn_reminder_dms_off_for_everyone(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    done = await server.admin.slash(server.general, "setup reminders", dms="off")
    assert "DMs: **off**" in done.response.content
    await server.alice.slash(server.general, "log", followers=100, following=10)
    await clock.advance(10 * DAY)
    assert dms(simcord_env, server.alice) == []


async def test_members_in_other_zones_are_reminded_at_theirs(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    for member, zone in ((server.alice, "America/Los_Angeles"), (server.bob, "Europe/Berlin")):
        await member.slash(server.general, "log", followers=100, following=10)
        await member.slash(server.general, "me", timezone=zone)
    await clock.advance_to(datetime(2026, 1, 10, tzinfo=UTC))
    [bob] = dms(simcord_env, server.bob)
    [alice] = dms(simcord_env, server.alice)
    assert bob.created_at == datetime(2026, 1, 8, 17, tzinfo=UTC)  # 18:00 Berlin
    # She logged at 16:00 on 31 December in Los Angeles: 18:00 there on 7 January.
    assert alice.created_at == datetime(2026, 1, 8, 2, tzinfo=UTC)


async def test_without_a_time_zone_the_servers_is_used(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest(timezone="Asia/Kolkata")
    await server.alice.slash(server.general, "log", followers=100, following=10)
    await clock.advance_to(datetime(2026, 1, 9, tzinfo=UTC))
    [reminder] = dms(simcord_env, server.alice)
    assert reminder.created_at == datetime(2026, 1, 8, 12, 30, tzinfo=UTC)  # 18:00 in Kolkata


async def test_reminders_off_means_none(simcord_env: Env, clock: SimulatedTime) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=100, following=10)
    reply = await server.alice.slash(server.general, "me", timezone="UTC", reminders="off")
    assert "Reminders: **off**" in reply.response.content
    await clock.advance(20 * DAY)
    assert dms(simcord_env, server.alice) == []


async def test_closed_dms_fall_back_once_to_a_mention_and_are_remembered(
    simcord_env: Env, clock: SimulatedTime, db_path
) -> None:  # type: ignore[no-untyped-def]
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup reminders", mentions="on")
    await server.alice.slash(server.general, "log", followers=100, following=10)
    await server.alice.slash(server.general, "me", timezone="UTC", mentions="on")
    dm = close_dms(simcord_env, server.alice)
    await clock.advance_to(datetime(2026, 1, 8, 18, 1, tzinfo=UTC))
    mentions = [m for m in server.digests() if f"<@{server.alice.id}>" in m.content]
    assert len(mentions) == 1
    assert "your DMs are closed" in mentions[0].content
    assert query(db_path, "SELECT kind, via FROM reminders_sent ORDER BY sent_at") == [
        ("engagement", "none"),  # Wednesday's nudge found the DMs closed
        ("consistency", "mention"),  # Thursday's reminder fell back to a mention, once
    ]
    assert query(db_path, "SELECT dms_closed_at IS NOT NULL FROM members") == [(1,)]

    await clock.advance(14 * DAY)  # later weeks: no DM attempt, no more mentions
    attempts = posts_to(simcord_env, dm.id)
    assert len(attempts) == 1  # the first DM found them closed; none was tried since
    assert (
        len(
            [
                m
                for m in server.digests()
                if f"<@{server.alice.id}>" in m.content and "reminder" in m.content
            ]
        )
        == 1
    )


async def test_closed_dms_and_no_mentions_allowed_means_silence(
    simcord_env: Env, clock: SimulatedTime, db_path
) -> None:  # type: ignore[no-untyped-def]
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=100, following=10)
    close_dms(simcord_env, server.alice)
    await clock.advance_to(datetime(2026, 1, 8, 18, 1, tzinfo=UTC))
    assert all(f"<@{server.alice.id}>" not in m.content for m in server.digests())
    assert query(db_path, "SELECT kind, via FROM reminders_sent ORDER BY sent_at") == [
        ("engagement", "none"),
        ("consistency", "none"),
    ]
    # Recorded against the server whose reminder settings applied.
    assert query(db_path, "SELECT DISTINCT guild_id FROM reminders_sent") == [(server.guild.id,)]


async def test_the_engagement_nudge_uses_the_members_own_numbers(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.admin.slash(server.general, "setup reminders", engagement_day="wednesday")
    await server.bob.slash(server.general, "log", followers=1000, following=50)
    # A post last week, none this week: the nudge counts posts logged with /post.
    await server.bob.slash(server.general, "post", views=800, likes=90, comments=4, shares=2)
    await clock.advance(4 * DAY)  # Monday 5 January
    await server.bob.slash(server.general, "log", followers=1080, following=50, posts=20)
    await clock.advance_to(datetime(2026, 1, 7, 18, 1, tzinfo=UTC))  # Wednesday 18:00 UTC
    [nudge] = nudges(server.bob)
    assert nudge.content.startswith("Your mid-week nudge from NetGain")
    assert "+80 followers (+8.0%)" in nudge.content
    assert "Posts this week so far: 0 of your 3." in nudge.content
    assert "No new post this week yet" in nudge.content
    await clock.advance(DAY)
    assert len(nudges(server.bob)) == 1


async def test_a_member_whose_account_is_gone_counts_as_dms_closed(simcord_env: Env) -> None:
    """Discord no longer knows the account (deleted, 404): the DM is given up at once, as
    for closed DMs, instead of failing the reminder and leaving its claim for the sweep to
    retry every lease period, forever."""
    reminders = simcord_env.bot.cogs["Reminders"]
    assert await reminders._dm(4242, "You haven't logged your counts for a while", "k") is False
    assert [r.path for r in simcord_env.http_requests if r.path == "/users/4242"] == ["/users/4242"]
    assert simcord_env.errors == []
