"""The mid-week nudge's figures: the same week so far as /log and /net, and advice to match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.scheduled.test_reminders import nudges

WEDNESDAY = datetime(2026, 1, 7, 18, 1, tzinfo=UTC)  # engagement day, 18:00 UTC + 1 minute


async def test_no_reading_this_week_is_said_and_last_weeks_gain_is_not_reported(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=1000, following=50)  # Thu 1 Jan
    await clock.advance(timedelta(days=1))
    await server.alice.slash(server.general, "log", followers=1100, following=50)  # Fri 2 Jan
    await clock.advance_to(WEDNESDAY)
    [nudge] = [m.content for m in nudges(server.alice)]
    assert "Your week so far on TikTok: no reading yet this week." in nudge
    assert "+100" not in nudge
    assert "growing" not in nudge and "flat" not in nudge


async def test_a_falling_week_gets_advice_for_a_falling_week(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.alice.slash(server.general, "log", followers=1000, following=50)  # Thu 1 Jan
    await clock.advance(timedelta(days=4, hours=10))  # Monday 5 January
    await server.alice.slash(server.general, "log", followers=948, following=50)
    await clock.advance_to(WEDNESDAY)
    [nudge] = [m.content for m in nudges(server.alice)]
    assert "−52 followers (−5.2%)" in nudge
    assert "You're growing" not in nudge
    assert "Growth is flat this week" in nudge
    # The same figure /net shows for the week.
    shown = await server.alice.slash(server.general, "net")
    net_week = {f.name: f.value for f in shown.response.embeds[0].fields}["Net growth this week"]
    assert net_week.startswith("**−52** followers (−5.2%)")
