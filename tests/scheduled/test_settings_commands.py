"""/setup, /digest preview and send, /me: what admins and members type, and what they get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.support.db import query
from tests.support.simulated import take_user_errors, unchecked_slash

DAY = timedelta(days=1)


async def test_setup_names_the_permission_the_bot_is_missing(simcord_env: Env, db_path) -> None:  # type: ignore[no-untyped-def]
    server = Server(simcord_env)
    bot_member = server.guild.me
    assert bot_member is not None
    locked = server.guild.create_text_channel(
        "locked",
        overwrites={bot_member: discord.PermissionOverwrite(embed_links=False, attach_files=False)},
    )
    reply = await server.admin.slash(server.general, "setup digest", channel=locked)
    assert reply.ephemeral
    assert "I'm missing Embed Links, Attach Files there" in reply.response.content
    take_user_errors(simcord_env)
    assert query(db_path, "SELECT count(*) FROM guild_settings") == [(0,)]


async def test_setup_without_a_channel_says_how(simcord_env: Env) -> None:
    server = Server(simcord_env)
    reply = await server.admin.slash(server.general, "setup digest", time="10:00")
    assert "Choose the channel to post in: `/setup digest channel:#weekly-digest`" in (
        reply.response.content
    )
    take_user_errors(simcord_env)


async def test_bad_times_and_zones_are_refused(simcord_env: Env) -> None:
    server = Server(simcord_env)
    for options, message in (
        ({"time": "9am"}, "`time` must be a 24-hour time like `09:00`"),
        ({"timezone": "Mars/Olympus"}, "`Mars/Olympus` is not a time zone I know"),
    ):
        reply = await server.admin.slash(
            server.general, "setup digest", channel=server.digest, **options
        )
        assert reply.ephemeral
        assert message in reply.response.content
    assert len(take_user_errors(simcord_env)) == 2
    reply = await unchecked_slash(server.alice, server.general, "me", timezone="Nowhere/Land")
    assert "not a time zone I know" in reply.response.content
    take_user_errors(simcord_env)


async def test_time_zones_autocomplete(simcord_env: Env) -> None:
    server = Server(simcord_env)
    choices = await server.admin.autocomplete(server.general, "setup digest", "timezone", "berl")
    assert [choice["value"] for choice in choices] == ["Europe/Berlin"]
    choices = await server.alice.autocomplete(server.general, "me", "timezone", "a")
    assert len(choices) == 25


async def test_manage_server_is_checked_even_if_the_command_is_shown(simcord_env: Env) -> None:
    server = Server(simcord_env)
    [setup] = [c for c in await simcord_env.bot.tree.fetch_commands() if c.name == "setup"]
    server.guild.set_command_permissions(setup, {server.alice: True})
    reply = await server.alice.slash(server.general, "setup digest", channel=server.digest)
    assert reply.ephemeral
    assert reply.response.content == "You need the Manage Server permission for this."
    take_user_errors(simcord_env)


async def test_preview_is_exactly_what_send_posts(simcord_env: Env, clock: SimulatedTime) -> None:
    server = Server(simcord_env)
    await server.setup_digest(day="friday")
    await server.alice.slash(server.general, "log", followers=1000, following=100)
    await clock.advance(5 * DAY)  # Tuesday 6 January
    await server.alice.slash(server.general, "log", followers=1100, following=100)
    await clock.advance(DAY)  # Wednesday

    preview = await server.admin.slash(server.general, "digest preview")
    assert preview.ephemeral
    assert preview.response.content.startswith(
        "Preview of the digest for 29 Dec 2025 – 4 Jan 2026 (UTC)"
    )
    assert all(f.ephemeral for f in preview.followups)
    previewed = [[e.to_dict() for e in f.embeds] for f in preview.followups]
    # Friday 2 January's slot already posted the (quiet) digest of 22–28 December.
    before = len(server.digests())

    sent = await server.admin.slash(server.general, "digest send")
    assert sent.ephemeral
    # Deferred first, so the answer replaces the "thinking…" reply.
    assert "It counts as this week's digest." in sent.response.content
    posted = [[e.to_dict() for e in m.embeds] for m in server.digests()[before:]]
    assert posted == previewed

    await clock.advance(3 * DAY)  # past Friday's slot: already posted this week
    assert len(server.digests()) == before + len(posted)


async def test_send_without_a_channel_says_how(simcord_env: Env) -> None:
    server = Server(simcord_env)
    reply = await server.admin.slash(server.general, "digest send")
    assert "There is no digest channel yet" in reply.response.content
    take_user_errors(simcord_env)


async def test_me_shows_and_keeps_a_members_settings(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    reply = await server.alice.slash(
        server.general,
        "me",
        timezone="America/New_York",
        default_platform="instagram",
        reminder_time="07:30",
        mentions="on",
    )
    assert reply.ephemeral
    text = reply.response.content
    assert "Time zone: **America/New_York** (it is 19:00 there now)" in text
    assert "Default platform: **Instagram**" in text
    assert "on, at **07:30** your time" in text
    assert "Mentions: **allowed**" in text
    logged = await server.alice.slash(server.general, "log", followers=10, following=1)
    assert logged.response.embeds[0].title == "Instagram reading logged"
    # Her week now starts on Monday in New York, not in UTC.
    await clock.advance_to(datetime(2026, 1, 5, 3, tzinfo=UTC))  # Sunday 22:00 in New York
    week = await server.alice.slash(server.general, "log", followers=12, following=1)
    this_week = {f.name: f.value for f in week.response.embeds[0].fields}["This week"]
    assert "+2** followers" in this_week


async def test_setup_reminders_summarises(simcord_env: Env) -> None:
    server = Server(simcord_env)
    reply = await server.admin.slash(
        server.general,
        "setup reminders",
        consistency_days=5,
        engagement_day="thursday",
        mentions="on",
    )
    assert "haven't logged for **5 days**" in reply.response.content
    assert "**Thursdays**" in reply.response.content
    assert "Mentions: **on**" in reply.response.content


ME_COLUMNS = "SELECT timezone, default_platform, reminders, reminder_time, mentions FROM members"


async def test_me_alone_shows_the_defaults_and_how_to_change_them(
    simcord_env: Env, db_path: Path
) -> None:
    server = Server(simcord_env)
    reply = await server.alice.slash(server.general, "me")
    assert reply.ephemeral
    text = reply.response.content
    assert text.startswith("Your settings are the defaults:")
    assert "Time zone: **not set**" in text
    assert "Default platform: **TikTok**" in text
    assert "on, at **18:00** in the time zone of the server you first logged in" in text
    assert "Mentions: **not allowed**" in text
    assert "`/me reminders:off`" in text and "`/me timezone:Europe/Berlin`" in text
    assert query(db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_me_reminders_off_works_without_a_time_zone(simcord_env: Env, db_path: Path) -> None:
    # Every reminder DM tells members to type exactly this.
    server = Server(simcord_env)
    reply = await server.alice.slash(server.general, "me", reminders="off")
    assert reply.ephemeral
    assert "Reminders: **off**: no reminder DMs." in reply.response.content
    assert query(db_path, ME_COLUMNS) == [(None, "tiktok", 0, None, 0)]
    assert await simcord_env.bot.storage.reminder_times() == set()
    shown = await server.alice.slash(server.general, "me")
    assert shown.response.content.startswith("Your settings:")
    assert "Reminders: **off**" in shown.response.content


async def test_me_changes_only_what_is_given(simcord_env: Env, db_path: Path) -> None:
    server = Server(simcord_env)
    await server.alice.slash(
        server.general, "me", timezone="Europe/Berlin", reminder_time="19:00", mentions="on"
    )
    await server.alice.slash(server.general, "me", default_platform="youtube")
    await server.alice.slash(server.general, "me", reminders="off")
    assert query(db_path, ME_COLUMNS) == [("Europe/Berlin", "youtube", 0, "19:00", 1)]
    reply = await server.alice.slash(server.general, "me", reminders="on")
    assert "on, at **19:00** your time" in reply.response.content
    assert "Time zone: **Europe/Berlin**" in reply.response.content


async def test_a_reminder_time_asks_for_the_time_zone_first(
    simcord_env: Env, db_path: Path
) -> None:
    server = Server(simcord_env)
    reply = await server.alice.slash(server.general, "me", reminder_time="19:00", mentions="on")
    assert reply.ephemeral
    assert reply.response.content == (
        "Set your time zone first, so that 19:00 is your own time: "
        "`/me timezone:Europe/Berlin reminder_time:19:00` "
        "(start typing your city to pick your zone). Nothing was changed."
    )
    take_user_errors(simcord_env)
    assert query(db_path, "SELECT count(*) FROM members") == [(0,)]
    # Given together, or once the zone is known, the time is taken.
    await server.alice.slash(server.general, "me", timezone="Asia/Tokyo")
    reply = await server.alice.slash(server.general, "me", reminder_time="07:15")
    assert "on, at **07:15** your time" in reply.response.content
    assert await simcord_env.bot.storage.reminder_times() == {("Asia/Tokyo", "07:15")}


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("setup digest", {"off": True}),
        ("setup reminders", {"dms": "off"}),
        ("digest preview", {}),
        ("digest send", {}),
    ],
)
async def test_every_configuration_command_checks_manage_server_inside_the_bot(
    simcord_env: Env, db_path: Path, command: str, options: dict[str, object]
) -> None:
    """A server admin may show any command to anyone (Discord's default permission is only a
    default); the bot still refuses, and changes nothing."""
    server = Server(simcord_env)
    await server.setup_digest()
    before = query(db_path, "SELECT * FROM guild_settings")
    name = command.split()[0]
    [group] = [c for c in await simcord_env.bot.tree.fetch_commands() if c.name == name]
    server.guild.set_command_permissions(group, {server.alice: True})
    reply = await server.alice.slash(server.general, command, **options)
    assert reply.ephemeral
    assert reply.response.content == "You need the Manage Server permission for this."
    assert query(db_path, "SELECT * FROM guild_settings") == before
    assert server.digests() == []
    take_user_errors(simcord_env)
