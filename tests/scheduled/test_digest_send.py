"""/digest send never posts a week twice by accident, and a new schedule posts no extra week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.support.db import query
from tests.support.simulated import take_user_errors

DAY = timedelta(days=1)
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)  # SimCord's first Monday, the default slot


async def test_send_after_the_scheduled_post_says_when_and_where_and_asks_first(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance_to(SLOT + timedelta(hours=2))
    [posted] = server.digests()

    offer = await server.admin.slash(server.general, "digest send")
    assert offer.ephemeral
    text = offer.response.content
    assert "was already posted <t:" in text
    assert f"<#{server.digest.id}>" in text
    assert f"/channels/{server.guild.id}/{server.digest.id}/{posted.id}" in text
    assert "the one already posted stays" in text
    assert len(server.digests()) == 1  # nothing posted yet

    await server.admin.click(offer.response.message, label="Post again")
    assert len(server.digests()) == 2
    assert server.digests()[0].id == posted.id  # the old one stays
    assert query(simcord_env.bot.storage.path, "SELECT state FROM digest_runs") == [("posted",)]


async def test_sending_twice_posts_once_unless_asked_again(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance(2 * DAY)  # Saturday 3 January, before the first slot
    first = await server.admin.slash(server.general, "digest send")
    assert "Posted the digest" in first.response.content
    count = len(server.digests())
    second = await server.admin.slash(server.general, "digest send")
    assert "already posted" in second.response.content
    await server.admin.click(second.response.message, label="Keep it")
    assert len(server.digests()) == count


async def test_a_new_digest_day_never_posts_an_extra_late_digest(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    await clock.advance(5 * DAY)  # Tuesday 6 January
    server = Server(simcord_env)
    await server.setup_digest()  # Mondays
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance_to(SLOT + timedelta(weeks=1, hours=1))  # Monday 12 Jan: week 5–11
    assert len(server.digests()) == 1
    reply = await server.setup_digest(day="sunday")  # right after, an admin picks Sundays
    assert reply.ephemeral
    await clock.advance(timedelta(hours=1))
    # Yesterday's Sunday slot (covering 29 Dec – 4 Jan, before the digest was set up) is
    # before the change: no "late" digest for it.
    assert len(server.digests()) == 1
    # The first Sunday slot covers 5–11 January, posted already on Monday: nothing new.
    await clock.advance_to(datetime(2026, 1, 18, 9, 5, tzinfo=UTC))
    assert len(server.digests()) == 1
    await clock.advance(timedelta(weeks=1))  # 25 January: the week of 12–18 January
    assert len(server.digests()) == 2


async def test_send_after_the_digest_was_turned_off_says_it_is_off(simcord_env: Env) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup digest", off=True)
    result = await server.admin.slash(server.general, "digest send")
    assert result.ephemeral
    assert "The weekly digest is off in this server" in result.response.content
    never = Server(simcord_env, "Fresh")
    result = await never.admin.slash(never.general, "digest send")
    assert "There is no digest channel yet" in result.response.content
    assert server.digests() == []
    assert len(take_user_errors(simcord_env)) == 2
