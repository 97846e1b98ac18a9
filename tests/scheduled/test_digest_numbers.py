"""The digest's figures as posted: streaks, first readings, quiet weeks, who counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server

# SimCord starts on Thursday 2026-01-01; the digest posts on Mondays at 09:00 UTC.
MONDAY = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)


async def test_two_consecutive_mondays_make_a_two_week_streak(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await clock.advance_to(MONDAY)
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance_to(MONDAY + timedelta(days=7, minutes=31))  # past the next digest
    first = server.text()
    assert "streak" not in first  # one Monday reading is one week, not two
    await server.alice.slash(server.general, "log", followers=1050, following=100)
    await clock.advance_to(MONDAY + timedelta(days=14, minutes=31))
    latest = server.digests()[-1]
    text = "\n".join(embed.description or "" for embed in latest.embeds)
    assert "🔥 2-week streak" in text


async def test_a_quiet_week_lists_everyone_plainly_and_mentions_only_who_allows_it(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup reminders", mentions="on")
    await server.bob.slash(server.general, "me", timezone="UTC", mentions="on")
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await server.bob.slash(server.general, "log", followers=500, following=100)
    await clock.advance_to(MONDAY + timedelta(days=7, minutes=31))
    quiet = server.digests()[-1]
    assert "a quiet week, nobody logged" in quiet.content
    listed = "\n".join(embed.description or "" for embed in quiet.embeds)
    assert "Creators-alice" in listed and "Creators-bob" in listed
    assert f"<@{server.bob.id}>" in quiet.content
    assert f"<@{server.alice.id}>" not in quiet.content


async def test_a_first_reading_is_not_counted_as_flat_growth(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    text = server.text()
    assert "**Community net growth:** not enough readings yet" in text
    assert "Creators-alice** · TikTok 1,000 · first reading" in text
    assert "±0" not in text


async def test_members_who_first_logged_later_are_not_missing_from_earlier_weeks(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance_to(MONDAY + timedelta(hours=2))  # after the first digest
    await server.bob.slash(server.general, "log", followers=500, following=100)
    # An admin re-sends the week of 29 December, before bob ever logged here.
    result = await server.admin.slash(server.general, "digest preview")
    shown = result.response.content + "\n".join(
        embed.description or "" for page in result.followups for embed in page.embeds
    )
    assert "Members who logged:** 1 of 1" in shown
    assert "Not logged this week" not in shown


async def test_posts_and_engagement_in_the_digest_come_from_post(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=20_000, following=100)
    await server.bob.slash(server.general, "log", followers=3_000, following=100, posts=80)
    await clock.advance(timedelta(hours=1))
    await server.alice.slash(server.general, "log", followers=20_400, following=100)
    await server.bob.slash(server.general, "log", followers=3_100, following=100, posts=95)
    for views, likes in ((10_000, 200), (5_000, 100)):  # 2% by views: under 5-8% for her size
        await server.alice.slash(
            server.general, "post", views=views, likes=likes, comments=0, shares=0
        )
        await clock.advance(timedelta(minutes=1))
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    text = server.text()
    assert "**Posts logged:** 2" in text  # Bob's profile total rising 80 -> 95 is not posts
    assert "2 posts, eng. 2.0%" in text
    assert (
        "Creators-alice · TikTok: by views 2.0% · by followers 0.7% · rough benchmark "
        "about 5–8% (under it)"
    ) in text
    assert "posts +" not in text
    assert "1 of 1 members with posts logged is under the rough benchmark" in text


async def test_a_goal_reached_is_announced_once_in_the_next_digest(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1_000, following=100)
    await server.alice.slash(server.general, "goal", followers=1_100)
    await clock.advance(timedelta(days=1))
    await server.alice.slash(server.general, "log", followers=1_120, following=100)
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    first = server.text()
    assert "**Goals reached 🎯:** Creators-alice (1,100 on TikTok)" in first
    assert "🎯 reached 1,100" in first
    # Still above it the next week: reached once, announced once.
    await server.alice.slash(server.general, "log", followers=1_150, following=100)
    await clock.advance_to(MONDAY + timedelta(days=7, minutes=31))
    latest = server.digests()[-1]
    text = "\n".join(embed.description or "" for embed in latest.embeds)
    assert "Creators-alice" in text
    assert "🎯" not in text


async def test_the_digest_carries_the_communitys_last_eight_weeks_as_a_chart(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1_000, following=100)
    await server.bob.slash(server.general, "log", followers=400, following=100)
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    [first, *rest] = server.digests()
    [chart] = first.attachments
    assert chart.filename == "community.png"
    assert first.embeds[0].image.url.endswith("community.png")
    description = chart.description or ""
    assert "the 8 weeks from 10–16 Nov to 29 Dec 2025 – 4 Jan 2026 (UTC)" in description
    assert "Total followers 1,400 (29 Dec 2025 – 4 Jan 2026)." in description
    assert "Members logging per week: 0, 0, 0, 0, 0, 0, 0, 2." in description
    assert "7 weeks nobody logged in shown as gaps" in description
    data = await chart.read()
    assert data.startswith(b"\x89PNG")
    assert all(not message.attachments for message in rest)  # one chart, on the first page


async def test_a_likely_purge_is_named_in_the_digest(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    carol = server.guild.add_member(simcord_env.create_user("carol"))
    members = (server.alice, server.bob, carol)
    for member in members:
        await member.slash(server.general, "log", followers=2_000, following=10)
    await clock.advance(timedelta(days=1))  # Friday 2 Jan
    for member in members:
        await member.slash(server.general, "log", followers=1_800, following=10)
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    text = server.text()
    assert "**Looks like a platform-wide purge on TikTok:** 3 of the 3 members who logged" in text
    assert "within 48 hours (Fri)" in text
    assert "likely purge −200" in text
    assert "⚠️" not in text


async def test_hostile_names_are_plain_text_in_every_digest_line(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    linker = server.guild.add_member(simcord_env.create_user("[Win](https://example.com)"))
    pinger = server.guild.add_member(simcord_env.create_user(f"<@{server.alice.id}>"))
    for member, followers in ((linker, 100), (pinger, 200), (server.alice, 300)):
        await member.slash(server.general, "log", followers=followers, following=1)
    await clock.advance(timedelta(days=1))
    for member, followers in ((linker, 150), (pinger, 210)):
        await member.slash(server.general, "log", followers=followers, following=1)
    await clock.advance_to(MONDAY + timedelta(minutes=31))
    sent = [r.json for r in simcord_env.http_requests if r.json and "embeds" in r.json]
    text = str(sent)
    assert "](https://" not in text  # no masked link, in the rows or the nudge
    assert f"<@{server.alice.id}>" not in text  # nobody shown as another member
    assert "\\\\[Win\\\\]" in text  # shown as typed
    nudge = server.digests()[-1].embeds[0].fields[0].value
    assert nudge.startswith("\\[Win\\]\\(https:\u200b//example.com\\) grew fastest")
