"""/privacy: a private member is left out of lookups by others, the leaderboard and the digest,
still counted anonymously in the totals, and sees their own numbers as before."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.conftest import World
from tests.scheduled.support import Server
from tests.support.db import query
from tests.support.simulated import take_user_errors

DAY = 86_400


async def test_a_private_member_cannot_be_looked_up_but_sees_their_own(world: World) -> None:
    await world.bob.slash(world.channel, "log", followers=500, following=50)
    done = await world.bob.slash(world.channel, "privacy", hidden="true")
    assert done.ephemeral and "Your numbers are **private**" in done.response.content
    assert query(world.db_path, "SELECT hidden FROM members") == [(1,)]

    looked_up = await world.alice.slash(world.channel, "net", member=world.bob)
    assert looked_up.ephemeral
    assert "keeps their numbers private" in looked_up.response.content
    history = await world.alice.slash(world.channel, "history", member=world.bob)
    assert "keeps their numbers private" in history.response.content
    assert len(take_user_errors(world.env)) == 2
    own = await world.bob.slash(world.channel, "net")
    assert own.response.embeds[0].fields[0].value.startswith("**450**")

    await world.bob.slash(world.channel, "privacy", hidden="false")  # reversible
    shown = await world.alice.slash(world.channel, "net", member=world.bob)
    assert not shown.ephemeral


async def test_the_leaderboard_leaves_a_private_member_out(world: World) -> None:
    for member in (world.alice, world.bob):
        await member.slash(world.channel, "log", followers=100, following=1)
    await world.env.advance_time(DAY)
    for member, followers in ((world.alice, 110), (world.bob, 200)):
        await member.slash(world.channel, "log", followers=followers, following=1)
    await world.bob.slash(world.channel, "privacy", hidden="true")
    seen = (await world.alice.slash(world.channel, "leaderboard")).response.embeds[0]
    assert "bob" not in seen.description
    assert seen.description.splitlines()[0].startswith("**1.** alice")
    own = (await world.bob.slash(world.channel, "leaderboard")).response.embeds[0]
    assert "bob ·" not in own.description  # not even in his own, public, request
    assert "You keep your numbers private" in own.description


async def test_the_digest_counts_a_private_member_but_never_names_them(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1_000, following=10)
    await server.bob.slash(server.general, "log", followers=1_000, following=10)
    await server.bob.slash(server.general, "privacy", hidden="true")
    await clock.advance(timedelta(days=1))
    await server.alice.slash(server.general, "log", followers=1_100, following=10)
    await server.bob.slash(server.general, "log", followers=1_300, following=10)
    await clock.advance(timedelta(days=5))
    text = server.text()
    assert "Creators-bob" not in text
    assert "**Community net growth:** +400 followers (+20.0%)" in text  # his +300 counted
    assert "**Members who logged:** 2 of 2" in text
    assert "Creators-alice" in text


async def test_forget_says_what_goes_and_deletes_it_only_when_pressed(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=100)
    await world.alice.slash(world.channel, "goal", followers=2_000)
    asked = await world.alice.slash(world.channel, "forget")
    assert asked.ephemeral
    assert "1 reading, 0 posts, 1 goal, your settings" in asked.response.content
    assert "**Only this server**" in asked.response.content
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(1,)]
    done = await world.alice.click(asked.response.message, label="Forget everything")
    assert "NetGain no longer keeps anything about you" in done.response.content
    for table in ("readings", "goals", "members", "member_guilds"):
        assert query(world.db_path, f"SELECT count(*) FROM {table}") == [(0,)]
    nothing = await world.alice.slash(world.channel, "forget")
    assert nothing.response.content == "NetGain keeps nothing about you."


async def test_forget_only_this_server(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=100)
    asked = await world.alice.slash(world.channel, "forget")
    await world.alice.click(asked.response.message, label="Only this server")
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(1,)]
    assert query(world.db_path, "SELECT count(*) FROM member_guilds") == [(0,)]
    looked_up = await world.bob.slash(world.channel, "net", member=world.alice)
    assert "has no readings in this server yet" in looked_up.response.content
    take_user_errors(world.env)


async def test_export_is_a_private_csv_of_everything_of_yours(world: World) -> None:
    await world.alice.slash(
        world.channel, "log", followers=1_000, following=100, note="café, «launch»"
    )
    await world.alice.slash(world.channel, "post", views=500, likes=40, comments=3, shares=1)
    await world.alice.slash(world.channel, "goal", followers=2_000)
    await world.bob.slash(world.channel, "log", followers=7, following=7)
    result = await world.alice.slash(world.channel, "export")
    assert result.ephemeral
    [attachment] = result.response.attachments
    assert attachment.filename.endswith(".csv")
    data = await attachment.read()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8, marked so spreadsheets read it so
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    kinds = [row["kind"] for row in table]
    assert kinds[:3] == ["reading", "post", "goal"] and kinds.count("setting") == 7
    reading = table[0]
    assert (reading["followers"], reading["following"], reading["note"]) == (
        "1000",
        "100",
        "café, «launch»",
    )
    assert reading["time_utc"] == "2026-01-01T00:00:00Z"
    assert all(row["source"] for row in table)
    assert "7" not in {row["followers"] for row in table}  # nobody else's readings


def test_a_large_export_is_zipped_under_the_limit() -> None:
    from bot.domain.models import Platform, Reading, Source
    from bot.usecases.export import write
    from storage.ports_own_data import MemberData
    from storage.schedules import MemberSettings

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    readings = [
        Reading(i, 1, Platform.TIKTOK, moment, i, i, Source.SELF_REPORTED, note="n" * 150)
        for i in range(5_000)
    ]
    done = write(MemberData(readings, [], []), MemberSettings(1), limit=200_000)
    with done.file:
        assert done.zipped and done.filename.endswith(".csv.zip") and done.rows == 5_007
        with zipfile.ZipFile(done.file) as archive:
            [name] = archive.namelist()
            assert len(archive.read(name)) > 200_000
        assert done.file.seek(0, 2) < 200_000
