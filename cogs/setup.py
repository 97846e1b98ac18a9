"""/setup digest and /setup reminders: a server's NetGain settings, for Manage Server only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot.domain.errors import UserError
from bot.domain.schedule import DAYS, DigestDetail, EmptyWeek, GuildSettings, next_slot
from bot.errors import defer_when_slow, reply_ephemeral
from bot.format import timestamp
from cogs.digest.poster import missing_permissions, problem_note
from cogs.options import ENGAGEMENT_DAY, ON_OFF, TIMEZONE, WEEKDAY, Choices, ClockTimeOption, Whole

if TYPE_CHECKING:
    from bot.client import NetGainBot

Interaction = discord.Interaction["NetGainBot"]
DIGEST_TIME = ClockTimeOption("time")
EMPTY_WEEK = Choices("empty_week", {"line": EmptyWeek.LINE, "quiet": EmptyWeek.QUIET})
MENTIONS = Choices("mentions", ON_OFF)
DMS = Choices("dms", ON_OFF)
DETAIL = Choices("detail", {"top": DigestDetail.TOP, "all": DigestDetail.ALL})
CONSISTENCY_DAYS = Whole("consistency_days", 1, 60)


def digest_summary(settings: GuildSettings, now: dt.datetime) -> str:
    if not settings.digest_on:
        return "The weekly digest is **off**. Turn it on with `/setup digest channel:#…`."
    slot = next_slot(settings, now)
    empty = "a short line" if settings.empty_week is EmptyWeek.LINE else "nothing"
    listed = (
        "every member who logged"
        if settings.digest_detail is DigestDetail.ALL
        else "the top movers (`detail:all` lists everyone)"
    )
    return (
        f"Weekly digest in <#{settings.digest_channel_id}>, every "
        f"**{DAYS[settings.digest_day]} at {settings.digest_time:%H:%M}** "
        f"({settings.timezone.key}). Next: {timestamp(slot, 'F')} ({timestamp(slot, 'R')}), "
        f"covering the week before. It lists {listed}. An empty week posts {empty}."
    )


def reminders_summary(settings: GuildSettings) -> str:
    days = settings.consistency_days
    how = "one DM at their reminder time" if settings.dms else "no DM (DMs are **off**)"
    return (
        f"Members who haven't logged for **{days} days** get {how}, again after {days * 2} and "
        f"{days * 4} days, then nothing until they log again; the engagement nudge goes out "
        f"on **{DAYS[settings.engagement_day]}s**. DMs: **{'on' if settings.dms else 'off'}**. "
        f"Mentions: **{'on' if settings.mentions else 'off'}** (only ever for members who "
        "allow them)."
    )


class Setup(commands.Cog):
    setup = app_commands.Group(
        name="setup",
        description="NetGain's settings for this server (Manage Server)",
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        ),
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    async def _answer(self, interaction: Interaction, before: GuildSettings, text: str) -> None:
        lines = [text]
        if note := problem_note(before):
            lines.append(f"{note} Check the channel and permissions, or `/digest send` to retry.")
        await reply_ephemeral(interaction, "\n".join(lines))

    @setup.command(name="digest", description="Where and when the weekly digest is posted")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        channel="The channel to post the digest in",
        day="Day of the week it is posted (default: Monday)",
        time="Local time it is posted, 24-hour HH:MM (default: 09:00)",
        timezone="The server's time zone, like Europe/Berlin (default: UTC)",
        empty_week="On a week nobody logged: post a short line, or stay quiet",
        detail="List the top movers (default), or every member who logged, on more pages",
        off="Turn the digest off",
    )
    async def digest(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        day: Transform[int, WEEKDAY] | None = None,
        time: Transform[dt.time, DIGEST_TIME] | None = None,
        timezone: Transform[ZoneInfo, TIMEZONE] | None = None,
        empty_week: Transform[EmptyWeek, EMPTY_WEEK] | None = None,
        detail: Transform[DigestDetail, DETAIL] | None = None,
        off: bool = False,
    ) -> None:
        assert interaction.guild is not None
        now = self.bot.now()
        before = await self.bot.storage.guild_settings(interaction.guild.id)
        if off:
            after = before.with_changes(digest_channel_id=None)
        else:
            target = channel or interaction.guild.get_channel(before.digest_channel_id or 0)
            if not isinstance(target, discord.TextChannel):
                raise UserError(
                    "Choose the channel to post in: `/setup digest channel:#weekly-digest`."
                )
            missing = missing_permissions(target, interaction.guild.me)
            if missing:
                raise UserError(
                    f"I can't post the digest in {target.mention}: I'm missing "
                    f"{', '.join(missing)} there. Grant those in the channel's permissions, "
                    "then run this again."
                )
            after = before.with_changes(
                digest_channel_id=target.id,
                digest_day=before.digest_day if day is None else day,
                digest_time=time or before.digest_time,
                timezone=timezone or before.timezone,
                empty_week=empty_week or before.empty_week,
                digest_detail=detail or before.digest_detail,
            )
            # Turned on, or moved to another day, time or zone: slots before now are never
            # caught up, so a new schedule cannot post an extra digest for an earlier week.
            moved = (after.digest_day, after.digest_time, after.timezone) != (
                before.digest_day,
                before.digest_time,
                before.timezone,
            )
            if not before.digest_on or moved:
                after = after.with_changes(digest_from=now)
        slow = defer_when_slow(interaction, ephemeral=True)
        await self.bot.storage.save_guild_settings(after, now=now, on_slow=slow)
        if before.problem is not None and after.digest_channel_id != before.digest_channel_id:
            await self.bot.storage.set_problem(after.guild_id, None, now=now, on_slow=slow)
        self.bot.dispatch("netgain_guild_settings_changed", after)
        await self._answer(interaction, before, digest_summary(after, now))

    @setup.command(name="reminders", description="How members are reminded to log")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        consistency_days="Remind a member after this many days without a log (default: 7)",
        engagement_day="Day of the mid-week engagement nudge (default: Wednesday)",
        mentions="May NetGain mention members who allow it? (default: off)",
        dms="May NetGain DM members reminders? (default: on)",
    )
    async def reminders(
        self,
        interaction: Interaction,
        consistency_days: Transform[int, CONSISTENCY_DAYS] | None = None,
        engagement_day: Transform[int, ENGAGEMENT_DAY] | None = None,
        mentions: Transform[bool, MENTIONS] | None = None,
        dms: Transform[bool, DMS] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        before = await self.bot.storage.guild_settings(interaction.guild_id)
        after = before.with_changes(
            consistency_days=consistency_days or before.consistency_days,
            engagement_day=before.engagement_day if engagement_day is None else engagement_day,
            mentions=before.mentions if mentions is None else mentions,
            dms=before.dms if dms is None else dms,
        )
        await self.bot.storage.save_guild_settings(
            after, now=self.bot.now(), on_slow=defer_when_slow(interaction, ephemeral=True)
        )
        self.bot.dispatch("netgain_guild_settings_changed", after)
        await self._answer(interaction, before, reminders_summary(after))


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Setup(bot))
