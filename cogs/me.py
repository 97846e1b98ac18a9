"""/me: a member's own settings (time zone, default platform, reminders, mentions, posting
target).

`/me` alone shows them; each option changes only itself. A reminder time is a local time, so
it needs the member's own time zone: the first time one is set without a zone, the member is
asked for it and nothing is stored. Everything else works without one (weeks then follow the
server's zone, and reminders 18:00 there), so `/me reminders:off` always works.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot import format as fmt
from bot.domain.errors import UserError
from bot.domain.models import MAX_POSTS_PER_WEEK, Platform
from bot.domain.records import record
from bot.domain.schedule import DEFAULT_REMINDER_TIME
from bot.errors import defer_when_slow, reply_ephemeral
from bot.usecases import export as exporting
from bot.usecases import importing, tracking
from bot.views import ConfirmView, OwnedView
from cogs.options import ON_OFF, TIMEZONE, Choices, ClockTimeOption, Whole
from cogs.tracking.cog import answer, update
from cogs.tracking.options import PLATFORM
from storage.ports_own_data import Footprint
from storage.schedules import MemberSettings

if TYPE_CHECKING:
    from bot.client import NetGainBot

REMINDERS = Choices("reminders", ON_OFF)
MENTIONS = Choices("mentions", ON_OFF)
REMINDER_TIME = ClockTimeOption("reminder_time")
POSTS_PER_WEEK = Whole(
    "posts_per_week", 1, MAX_POSTS_PER_WEEK, "Type how many posts a week you aim for, like `3`."
)

HOW_TO_CHANGE = (
    "Change any one of them, leaving the rest as they are: `/me timezone:Europe/Berlin` "
    "(start typing your city), `/me default_platform:Instagram`, `/me reminders:off`, "
    "`/me reminder_time:19:00`, `/me mentions:on`, `/me posts_per_week:4`."
)


@record
class Changes:
    """What one `/me` asked to change; None leaves a setting as it is."""

    timezone: ZoneInfo | None = None
    default_platform: Platform | None = None
    reminders: bool | None = None
    reminder_time: dt.time | None = None
    mentions: bool | None = None
    posts_per_week: int | None = None

    def any(self) -> bool:
        return any(value is not None for value in dataclasses.astuple(self))


def apply(before: MemberSettings, changes: Changes) -> MemberSettings:
    """The settings after `changes`; a UserError (nothing stored) if a reminder time would
    have no time zone of the member's own to be read in."""
    if changes.reminder_time is not None and (changes.timezone or before.timezone) is None:
        raise UserError(
            "Set your time zone first, so that "
            f"{changes.reminder_time:%H:%M} is your own time: "
            f"`/me timezone:Europe/Berlin reminder_time:{changes.reminder_time:%H:%M}` "
            "(start typing your city to pick your zone). Nothing was changed."
        )
    given = {
        field.name: value
        for field in dataclasses.fields(changes)
        if (value := getattr(changes, field.name)) is not None
    }
    return dataclasses.replace(before, **given)


def summary(settings: MemberSettings, now: dt.datetime) -> str:
    at = settings.reminder_time or DEFAULT_REMINDER_TIME
    if settings.timezone is None:
        zone = (
            "Time zone: **not set**, so your weeks and streaks follow the server's time zone "
            "(UTC unless an admin chose one)."
        )
        where = "in the time zone of the server you first logged in"
    else:
        local = now.astimezone(settings.timezone)
        zone = (
            f"Time zone: **{settings.timezone.key}** (it is {local:%H:%M} there now). Your "
            "weeks and streaks follow it."
        )
        where = "your time"
    reminders = "**off**: no reminder DMs"
    if settings.reminders:
        reminders = f"on, at **{at:%H:%M}** {where}"
    return "\n".join(
        (
            zone,
            f"Default platform: **{settings.default_platform.label}**.",
            f"Reminders: {reminders}.",
            f"Mentions: **{'allowed' if settings.mentions else 'not allowed'}**; NetGain never "
            "pings you unless you allow it.",
            f"Posting target: **{settings.posts_per_week} posts a week** (posts you log with "
            "`/post`; your posting streak counts the weeks that reach it).",
        )
    )


class Me(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="me", description="Your own settings: time zone, reminders and more")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(
        timezone="Your time zone, like Europe/Berlin (start typing to pick)",
        default_platform="The platform /log uses when you don't name one",
        reminders="Reminder DMs when you haven't logged for a while",
        reminder_time="When reminders reach you, your time, 24-hour HH:MM (default: 18:00)",
        mentions="May NetGain mention you (digest, reminders)? (default: off)",
        posts_per_week="How many posts a week you aim for (default: 3)",
    )
    async def me(
        self,
        interaction: discord.Interaction[NetGainBot],
        timezone: Transform[ZoneInfo, TIMEZONE] | None = None,
        default_platform: Transform[Platform, PLATFORM] | None = None,
        reminders: Transform[bool, REMINDERS] | None = None,
        reminder_time: Transform[dt.time, REMINDER_TIME] | None = None,
        mentions: Transform[bool, MENTIONS] | None = None,
        posts_per_week: Transform[int, POSTS_PER_WEEK] | None = None,
    ) -> None:
        changes = Changes(
            timezone, default_platform, reminders, reminder_time, mentions, posts_per_week
        )
        before = await self.bot.storage.member_settings(interaction.user.id)
        now = self.bot.now()
        if not changes.any():
            if before == MemberSettings(interaction.user.id):
                heading = "Your settings are the defaults:"
            else:
                heading = "Your settings:"
            text = f"{heading}\n{summary(before, now)}\n{HOW_TO_CHANGE}"
            await reply_ephemeral(interaction, text)
            return
        after = apply(before, changes)
        await self.bot.storage.save_member_settings(
            after, now=now, on_slow=defer_when_slow(interaction, ephemeral=True)
        )
        self.bot.dispatch("netgain_member_settings_changed", after)
        await reply_ephemeral(interaction, f"Saved.\n{summary(after, now)}")


HIDDEN = Choices("hidden", {"true": True, "false": False})


def privacy_text(hidden: bool) -> str:
    if hidden:
        return (
            "Your numbers are **private**: others don't see you in digests or leaderboards, "
            "and can't look you up with `/net` or `/history`. You are still counted, "
            "anonymously, in your servers' totals, and your own commands work as before. "
            "`/privacy hidden:false` shows them again."
        )
    return (
        "Your numbers are **visible** to the members of servers where you log: in the digest, "
        "on the leaderboard, and with `/net member` or `/history member`. "
        "`/privacy hidden:true` keeps them private."
    )


class Privacy(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="privacy", description="Keep your numbers private, or show them")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(hidden="true: leave you out of digests, leaderboards and lookups")
    async def privacy(
        self,
        interaction: discord.Interaction[NetGainBot],
        hidden: Transform[bool, HIDDEN] | None = None,
    ) -> None:
        before = await self.bot.storage.member_settings(interaction.user.id)
        if hidden is None or hidden == before.hidden:
            await reply_ephemeral(interaction, privacy_text(before.hidden))
            return
        after = dataclasses.replace(before, hidden=hidden)
        await self.bot.storage.save_member_settings(
            after, now=self.bot.now(), on_slow=defer_when_slow(interaction, ephemeral=True)
        )
        await reply_ephemeral(interaction, f"Saved. {privacy_text(hidden)}")

    @app_commands.command(name="export", description="Your own data as a CSV file, only for you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def export(self, interaction: discord.Interaction[NetGainBot]) -> None:
        # Reading and writing a long history takes a moment: say so first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await exporting.export(self.bot.storage, interaction.user.id)
        with done.file:
            what = "zipped, as it is large" if done.zipped else "UTF-8 CSV"
            await interaction.followup.send(
                f"Your NetGain data: {fmt.plural(done.rows, 'row')} ({what}; times in UTC). "
                "It opens in any spreadsheet.",
                file=discord.File(cast(io.BufferedIOBase, done.file), filename=done.filename),
                ephemeral=True,
            )

    @app_commands.command(name="import", description="Bring your history in from a CSV file")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(
        file="NetGain's /export, or a sheet of date,followers,following[,platform]"
    )
    async def import_(
        self, interaction: discord.Interaction[NetGainBot], file: discord.Attachment
    ) -> None:
        if file.size > importing.MAX_BYTES:
            raise UserError(
                f"The file is {file.size / 1024 / 1024:.1f} MiB; NetGain imports files up to "
                f"{importing.MAX_BYTES // 1024 // 1024} MiB. Split it and import each part. "
                "Nothing was stored."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        tz = await tracking.member_zone(self.bot.storage, interaction.user.id, interaction.guild_id)
        now = self.bot.now()
        text = importing.read_text(await file.read(), file.filename)
        parsed = await asyncio.to_thread(importing.parse, text, tz, now)
        storage, user = self.bot.storage, interaction.user
        name = user.display_name if interaction.guild_id is not None else None
        found = await storage.import_history(
            user.id, interaction.guild_id, name, parsed, now=now, write=False
        )
        if not found.readings and not found.posts:
            await answer(
                interaction,
                content=f"Nothing new: all {fmt.plural(found.skipped, 'row')} are stored already.",
                ephemeral=True,
            )
            return

        async def store(press: discord.Interaction[Any]) -> None:
            done = await storage.import_history(
                user.id,
                interaction.guild_id,
                name,
                parsed,
                now=self.bot.now(),
                write=True,
                on_slow=defer_when_slow(press, thinking=False),
            )
            await update(
                press,
                content=f"Imported {fmt.plural(done.readings, 'reading')} and "
                f"{fmt.plural(done.posts, 'post')}, marked as imported.",
                view=None,
            )

        view = ConfirmView(
            user,
            origin=interaction,
            on_confirm=store,
            cancelled="Cancelled: nothing was imported.",
            expired="No answer, so nothing was imported.",
        )
        await answer(
            interaction, content=importing.preview(parsed, found), view=view, ephemeral=True
        )

    @app_commands.command(name="forget", description="Delete your data, after a confirmation")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def forget(self, interaction: discord.Interaction[NetGainBot]) -> None:
        found = await self.bot.storage.footprint(interaction.user.id, interaction.guild_id)
        if found.empty:
            await reply_ephemeral(interaction, "NetGain keeps nothing about you.")
            return
        lines = [
            f"**Forget everything** deletes all NetGain keeps about you: "
            f"{footprint_text(found)}. It can't be undone."
        ]
        if interaction.guild_id is not None and found.here:
            lines.append(
                "**Only this server** takes you out of this server's digest and leaderboard "
                "and stops others here looking you up; your readings stay yours."
            )
        view = ForgetView(interaction.user, self.bot, interaction.guild_id, found.here)
        await interaction.response.send_message("\n".join(lines), view=view, ephemeral=True)


def footprint_text(found: Footprint) -> str:
    parts = [
        fmt.plural(found.readings, "reading"),
        fmt.plural(found.posts, "post"),
        fmt.plural(found.goals, "goal"),
        "your settings",
        f"your presence in {fmt.plural(found.servers, 'server')}",
        "the record of reminders sent to you",
    ]
    return ", ".join(parts)


class ForgetView(OwnedView):
    """Forget everything, or only this server; Cancel or no answer changes nothing."""

    def __init__(
        self, owner: discord.abc.User, bot: NetGainBot, guild_id: int | None, here: bool
    ) -> None:
        super().__init__(owner, timeout=180)
        self.bot = bot
        self.guild_id = guild_id
        if not here:
            self.remove_item(self.only_here)

    async def _forget(self, interaction: discord.Interaction[Any], guild_id: int | None) -> None:
        self.stop()
        removed = await self.bot.storage.forget(
            interaction.user.id, guild_id, on_slow=defer_when_slow(interaction, thinking=False)
        )
        if guild_id is None:
            text = f"Done: NetGain no longer keeps anything about you ({footprint_text(removed)})."
        else:
            text = (
                "Done: you are no longer in this server's digest or leaderboard, and others "
                "here can't look you up. Your readings are still yours; `/log` here to come back."
            )
        await update(interaction, content=text, embed=None, view=None)

    @discord.ui.button(label="Forget everything", style=discord.ButtonStyle.danger)
    async def everything(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ForgetView]
    ) -> None:
        await self._forget(interaction, None)

    @discord.ui.button(label="Only this server", style=discord.ButtonStyle.primary)
    async def only_here(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ForgetView]
    ) -> None:
        await self._forget(interaction, self.guild_id)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ForgetView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled: nothing was deleted.", embed=None, view=None
        )


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Me(bot))
    await bot.add_cog(Privacy(bot))
