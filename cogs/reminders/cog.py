"""Reminders: one job per (time zone, reminder time) that some member uses (`bot.jobs`), so
every member is reached at their own local time.

A reminder is claimed before it is sent, with a lease, so two processes never both send it;
a process that stops between claiming and sending leaves it to the sweep of a living one,
and the DM carries a fixed nonce so a retry is not delivered twice. A DM the member's
settings refuse is remembered; the reminder then falls back once to a mention in the digest
channel, only where the server and the member both allow mentions.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.domain.reminders import CONSISTENCY, ENGAGEMENT, ReminderCandidate
from bot.usecases.reminders import due_reminders, nudge_figures
from cogs.reminders.render import consistency_text, engagement_text

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)
# A reminder being sent is claimed for this long; a sender that stops leaves it to the sweep.
LEASE = timedelta(minutes=2)
SWEEP = "reminders"


def nonce(user_id: int, kind: str, week: date) -> str:
    """The same nonce each time this reminder is sent, so a retry after a crash is not
    delivered twice."""
    return hashlib.sha256(f"reminder:{user_id}:{kind}:{week}".encode()).hexdigest()[:25]


class Reminders(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot
        self._started: asyncio.Task[None] | None = None
        self._refresh_lock = asyncio.Lock()
        self._stale = False

    async def cog_load(self) -> None:
        await self.refresh()
        # A member's settings changed through another process (a /me in a server of another
        # shard) reach this one here.
        poll = timedelta(seconds=self.bot.settings.settings_poll_seconds)
        self.bot.jobs.every("reminder times changed elsewhere", self.refresh, poll)
        every = timedelta(seconds=self.bot.settings.claim_sweep_seconds)
        self.bot.jobs.watch_claims(SWEEP, self._finish_unfinished, every)
        self._started = self.bot.jobs.start_task(
            functools.partial(self.bot.jobs.sweep, SWEEP), "Finishing reminders at start"
        )

    async def cog_unload(self) -> None:
        if self._started is not None:
            self._started.cancel()
        self.bot.jobs.remove_reminders()
        self.bot.jobs.stop_watching(SWEEP)

    async def refresh(self) -> None:
        """Make the jobs match the (time zone, time) pairs members use now."""
        self.bot.jobs.set_reminder_times(await self.bot.storage.reminder_times(), self._scheduled)

    # A member's time or zone, their server's zone, or a new member can each change the set
    # of (time zone, time) pairs in use.
    @commands.Cog.listener("on_netgain_member_settings_changed")
    @commands.Cog.listener("on_netgain_guild_settings_changed")
    @commands.Cog.listener("on_netgain_member_joined")
    async def _settings_changed(self, _changed: Any) -> None:
        """Refresh once a change is known, sharing the work with changes that come together:
        a burst of first logs (a server's launch day) reads the pairs in use once or twice,
        not once per member.

        Whoever finds the schedule stale refreshes it; a change made while a refresh reads
        marks it stale again, so the next in line refreshes once more. When this returns, a
        refresh that began after the change has finished."""
        self._stale = True
        async with self._refresh_lock:
            if self._stale:
                self._stale = False
                await self.refresh()

    async def _scheduled(self, timezone: str, at: str) -> None:
        await self.bot.wait_until_ready()
        await self.run(timezone, at)
        await self.bot.jobs.sweep(SWEEP)

    async def run(self, timezone: str, at: str) -> None:
        """Remind every member due at this local time; one member's failure stops no one."""
        now = self.bot.now()
        week, due = await due_reminders(self.bot.storage, timezone, at, now)
        for member in due:
            if not self.bot.jobs.serves(member.candidate.home_guild_id):
                continue  # the process running their home server's shard reminds them
            try:
                if member.consistency:
                    await self._consistency(member.candidate, now, week)
                if member.engagement:
                    await self._engagement(member.candidate, now, week)
            except Exception:
                log.exception("Reminder for user %s failed", member.candidate.user_id)

    async def _finish_unfinished(self) -> datetime | None:
        """Finish the reminders a stopped sender left claimed (it was decided they were due);
        when the first claim still held runs out."""
        await self.bot.wait_until_ready()
        storage = self.bot.storage
        now = self.bot.now()
        claims = await storage.reminder_claims(now)
        if not claims.stale:
            return claims.next_end
        for user_id, kind, week in claims.stale:
            try:
                candidate = await storage.reminder_candidate(user_id, week)
                if candidate is not None and not self.bot.jobs.serves(candidate.home_guild_id):
                    continue
                if candidate is None:  # reminders turned off (or the member forgot) since
                    await storage.set_reminder_via(user_id, kind, week, "none")
                    continue
                log.info("Taking over the %s reminder of user %s", kind, user_id)
                if kind == CONSISTENCY:
                    await self._consistency(candidate, now, week)
                else:
                    await self._engagement(candidate, now, week)
            except Exception:
                log.exception("Taking over the %s reminder of user %s failed", kind, user_id)
        return (await storage.reminder_claims(self.bot.now())).next_end

    async def _claim(self, candidate: ReminderCandidate, kind: str, week: date) -> bool:
        now = self.bot.now()
        return await self.bot.storage.record_reminder(
            candidate.user_id,
            kind,
            week,
            owner=self.bot.instance_id,
            guild_id=candidate.home_guild_id,
            now=now,
            lease_until=now + LEASE,
        )

    async def _consistency(self, candidate: ReminderCandidate, now: datetime, week: date) -> None:
        storage = self.bot.storage
        user_id = candidate.user_id
        if candidate.last_reading is None or not await self._claim(candidate, CONSISTENCY, week):
            return  # another process sent it, or is sending it
        text = consistency_text(candidate, now)
        fell_back = candidate.fell_back
        key = nonce(user_id, CONSISTENCY, week)
        if candidate.can_dm(now):
            if await self._dm(user_id, text, key):
                if candidate.dms_closed_at is not None:
                    await storage.set_dms_closed(user_id, None)
                await storage.set_reminder_via(user_id, CONSISTENCY, week, "dm")
                return
            await storage.set_dms_closed(user_id, now)
            fell_back = False  # closed anew: one fallback is due again
        # DMs are closed: one mention in the digest channel, once, where mentions are allowed.
        if not fell_back and candidate.can_mention() and await self._mention(candidate, text, key):
            await storage.set_reminder_via(user_id, CONSISTENCY, week, "mention")
            return
        await storage.set_reminder_via(user_id, CONSISTENCY, week, "none")

    async def _engagement(self, candidate: ReminderCandidate, now: datetime, week: date) -> None:
        storage = self.bot.storage
        user_id = candidate.user_id
        if not await self._claim(candidate, ENGAGEMENT, week):
            return
        text = engagement_text(await nudge_figures(storage, candidate, now))
        sent = text is not None and candidate.can_dm(now)
        if sent and text is not None:
            sent = await self._dm(
                user_id,
                f"Your mid-week nudge from NetGain\n{text}",
                nonce(user_id, ENGAGEMENT, week),
            )
            if not sent:
                await storage.set_dms_closed(user_id, now)
        await storage.set_reminder_via(user_id, ENGAGEMENT, week, "dm" if sent else "none")

    async def _dm(self, user_id: int, text: str, key: str) -> bool:
        """Send a DM; False when the member's settings refuse it, or Discord no longer knows
        the account (deleted): either way, retrying would never get through."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await self.bot.pacer.turn()
            await user.send(text, nonce=key)
        except discord.Forbidden:
            log.info("DMs to user %s are closed", user_id)
            return False
        except discord.NotFound:
            log.info("User %s is no longer on Discord; no DM", user_id)
            return False
        return True

    async def _mention(self, candidate: ReminderCandidate, text: str, key: str) -> bool:
        channel = self.bot.get_channel(candidate.digest_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            await self.bot.pacer.turn()
            await channel.send(
                f"<@{candidate.user_id}> a reminder from NetGain (your DMs are closed, so it "
                f"comes here, once): {text}",
                nonce=key,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(candidate.user_id)]
                ),
            )
        except discord.HTTPException:
            log.warning("Could not post a reminder mention in channel %s", channel.id)
            return False
        return True
