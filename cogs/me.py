"""/me: a member's own settings (time zone, default platform, reminders, mentions)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot.domain.models import Platform
from bot.domain.schedule import DEFAULT_REMINDER_TIME
from bot.errors import reply_ephemeral
from cogs.options import ON_OFF, TIMEZONE, Choices, ClockTimeOption
from cogs.tracking.options import PLATFORM
from storage.schedules import MemberSettings

if TYPE_CHECKING:
    from bot.client import NetGainBot

REMINDERS = Choices("reminders", ON_OFF)
MENTIONS = Choices("mentions", ON_OFF)
REMINDER_TIME = ClockTimeOption("reminder_time")


def summary(settings: MemberSettings, now: dt.datetime) -> str:
    assert settings.timezone is not None
    local = now.astimezone(settings.timezone)
    at = settings.reminder_time or DEFAULT_REMINDER_TIME
    reminders = (
        f"on, at **{at:%H:%M}** your time" if settings.reminders else "**off**: no reminder DMs"
    )
    return "\n".join(
        (
            f"Time zone: **{settings.timezone.key}** (it is {local:%H:%M} there now). Your weeks "
            "and streaks follow it.",
            f"Default platform: **{settings.default_platform.label}**.",
            f"Reminders: {reminders}.",
            f"Mentions: **{'allowed' if settings.mentions else 'not allowed'}**; NetGain never "
            "pings you unless you allow it.",
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
    )
    async def me(
        self,
        interaction: discord.Interaction[NetGainBot],
        timezone: Transform[ZoneInfo, TIMEZONE],
        default_platform: Transform[Platform, PLATFORM] | None = None,
        reminders: Transform[bool, REMINDERS] | None = None,
        reminder_time: Transform[dt.time, REMINDER_TIME] | None = None,
        mentions: Transform[bool, MENTIONS] | None = None,
    ) -> None:
        before = await self.bot.storage.member_settings(interaction.user.id)
        after = MemberSettings(
            user_id=interaction.user.id,
            timezone=timezone,
            default_platform=default_platform or before.default_platform,
            reminders=before.reminders if reminders is None else reminders,
            reminder_time=reminder_time or before.reminder_time,
            mentions=before.mentions if mentions is None else mentions,
        )
        now = self.bot.now()
        await self.bot.storage.save_member_settings(after, now=now)
        self.bot.dispatch("netgain_member_settings_changed", after)
        await reply_ephemeral(interaction, summary(after, now))


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Me(bot))
