"""Reminder jobs: one per (time zone, reminder time) that some member uses, each a
CronTrigger in that zone, so every member is reached at their own local time.

A reminder is recorded before it is sent, so two processes never both send it. A DM the
member's settings refuse is remembered; the reminder then falls back once to a mention in
the digest channel, only where the server and the member both allow mentions.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from apscheduler.triggers.cron import CronTrigger
from discord.ext import commands

from bot.domain.periods import local_day, monday_of
from bot.domain.reminders import (
    ACTIVE_WITHIN,
    CONSISTENCY,
    ENGAGEMENT,
    ReminderCandidate,
    mid_week,
    needs_consistency,
    needs_engagement,
)
from cogs.reminders.render import consistency_text, engagement_text

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)
PREFIX = "reminders:"


def job_id(timezone: str, at: str) -> str:
    return f"{PREFIX}{timezone}:{at}"


class Reminders(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        await self.refresh()

    async def cog_unload(self) -> None:
        for job in self.bot.scheduler.get_jobs():
            if job.id.startswith(PREFIX):
                job.remove()

    async def refresh(self) -> None:
        """Make the jobs match the (time zone, time) pairs members use now."""
        wanted = {job_id(tz, at): (tz, at) for tz, at in await self.bot.storage.reminder_times()}
        for job in self.bot.scheduler.get_jobs():
            if job.id.startswith(PREFIX) and job.id not in wanted:
                job.remove()
        for identifier, (tz, at) in wanted.items():
            if self.bot.scheduler.get_job(identifier) is not None:
                continue
            hour, minute = (int(part) for part in at.split(":"))
            self.bot.scheduler.add_job(
                self._scheduled,
                CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(tz)),
                args=[tz, at],
                id=identifier,
                name=f"reminders at {at} {tz}",
                replace_existing=True,
                misfire_grace_time=int(timedelta(hours=6).total_seconds()),
            )

    # A member's time or zone, their server's zone, or a new member can each change the set
    # of (time zone, time) pairs in use.
    @commands.Cog.listener("on_netgain_member_settings_changed")
    @commands.Cog.listener("on_netgain_guild_settings_changed")
    @commands.Cog.listener("on_netgain_member_joined")
    async def _settings_changed(self, _changed: Any) -> None:
        await self.refresh()

    async def _scheduled(self, timezone: str, at: str) -> None:
        await self.bot.wait_until_ready()
        await self.run(timezone, at)

    async def run(self, timezone: str, at: str) -> None:
        """Remind every member due at this local time; one member's failure stops no one."""
        now = self.bot.now()
        week = monday_of(local_day(now, ZoneInfo(timezone)))
        for candidate in await self.bot.storage.reminder_candidates(timezone, at, week):
            try:
                if needs_consistency(candidate, now):
                    await self._consistency(candidate, now, week)
                if needs_engagement(candidate, now):
                    await self._engagement(candidate, now, week)
            except Exception:
                log.exception("Reminder for user %s failed", candidate.user_id)

    async def _consistency(self, candidate: ReminderCandidate, now: datetime, week: date) -> None:
        storage = self.bot.storage
        user_id = candidate.user_id
        if not await storage.record_reminder(
            user_id, CONSISTENCY, week, via="dm", guild_id=candidate.home_guild_id, now=now
        ):
            return  # another process sent it
        text = consistency_text(candidate, now)
        fell_back = candidate.fell_back
        if candidate.can_dm(now):
            if await self._dm(user_id, text):
                if candidate.dms_closed_at is not None:
                    await storage.set_dms_closed(user_id, None)
                return
            await storage.set_dms_closed(user_id, now)
            fell_back = False  # closed anew: one fallback is due again
        # DMs are closed: one mention in the digest channel, once, where mentions are allowed.
        if not fell_back and candidate.can_mention() and await self._mention(candidate, text):
            await storage.set_reminder_via(user_id, CONSISTENCY, week, "mention")
            return
        await storage.set_reminder_via(user_id, CONSISTENCY, week, "none")

    async def _engagement(self, candidate: ReminderCandidate, now: datetime, week: date) -> None:
        storage = self.bot.storage
        if not await storage.record_reminder(
            candidate.user_id,
            ENGAGEMENT,
            week,
            via="dm",
            guild_id=candidate.home_guild_id,
            now=now,
        ):
            return
        readings = await storage.recent_readings(candidate.user_id, now - ACTIVE_WITHIN)
        text = engagement_text(mid_week(readings, now, candidate.timezone))
        sent = text is not None and candidate.can_dm(now)
        if sent and text is not None:
            sent = await self._dm(candidate.user_id, f"Your mid-week nudge from NetGain\n{text}")
            if not sent:
                await storage.set_dms_closed(candidate.user_id, now)
        if not sent:
            await storage.set_reminder_via(candidate.user_id, ENGAGEMENT, week, "none")

    async def _dm(self, user_id: int, text: str) -> bool:
        """Send a DM; False when the member's settings refuse it."""
        user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
        try:
            await user.send(text)
        except discord.Forbidden:
            log.info("DMs to user %s are closed", user_id)
            return False
        return True

    async def _mention(self, candidate: ReminderCandidate, text: str) -> bool:
        channel = self.bot.get_channel(candidate.digest_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            await channel.send(
                f"<@{candidate.user_id}> a reminder from NetGain (your DMs are closed, so it "
                f"comes here, once): {text}",
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(candidate.user_id)]
                ),
            )
        except discord.HTTPException:
            log.warning("Could not post a reminder mention in channel %s", channel.id)
            return False
        return True
