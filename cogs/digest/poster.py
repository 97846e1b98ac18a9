"""Posting a server's digest exactly once.

Every path that may post (the scheduled job, the catch-up after a start or a settings
change, an admin's `/digest send`) goes through `DigestPoster.post`, which first takes the
durable claim for the server and covered week. Pages carry a deterministic nonce, so a POST
retried after a lost answer is not duplicated by Discord, and each posted page is recorded,
so a process taking over a stale claim continues after the last page. A failure is recorded
after one attempt with its reason, for the server's admins; other servers are not affected.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

from bot.domain.digest import DigestReport
from bot.domain.schedule import (
    DueDigest,
    GuildSettings,
    claimed_digest,
    due_digest,
)
from bot.usecases.digest import build_digest
from cogs.digest import render
from storage.schedules import RunState

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# Tries of one digest when Discord answers 429 or 5xx (or the network fails) before it is
# marked failed for the admins; each retry comes when the claim's lease ends.
ATTEMPTS = 3
REQUIRED_PERMISSIONS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
}


class Outcome(StrEnum):
    POSTED = "posted"
    QUIET = "quiet"  # an empty week, and the server chose to stay quiet
    NOT_OURS = "not ours"  # already posted, skipped, failed, or being posted elsewhere
    RETRYING = "retrying"  # Discord was briefly unavailable: taken over again after the lease
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    messages: int = 0
    problem: str | None = None


class DigestProblem(Exception):
    """Why a digest cannot be posted, worded for the server's admins."""


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    granted = channel.permissions_for(me)
    return [label for flag, label in REQUIRED_PERMISSIONS.items() if not getattr(granted, flag)]


def nonce(guild_id: int, week: str, page: int, generation: int = 0) -> str:
    """The same 25-character nonce every time this page of this digest is sent (a retry or
    a takeover), and a new one when an admin chose to post it again."""
    seed = f"digest:{guild_id}:{week}:{page}" + (f":{generation}" if generation else "")
    return hashlib.sha256(seed.encode()).hexdigest()[:25]


def is_transient(error: BaseException) -> bool:
    """Rate limited, a server error, or the network: worth another try in a moment."""
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, (OSError, TimeoutError))


def describe_failure(error: BaseException) -> str:
    if isinstance(error, DigestProblem):
        return str(error)
    if isinstance(error, discord.Forbidden):
        return f"Discord refused the post ({error.status}: {error.text or 'Missing Permissions'})"
    if isinstance(error, discord.NotFound):
        return "The digest channel no longer exists"
    if isinstance(error, discord.HTTPException):
        return f"Discord answered {error.status}: {error.text or 'an error'}"
    return f"An unexpected error ({type(error).__name__}); it has been logged"


class DigestPoster:
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    async def post_due(self, guild_id: int) -> Result:
        """Post the digest the server's latest slot asks for, if it is still ours to post.

        Used by the scheduled job and by the catch-up: a digest whose slot passed while the
        bot was down is posted (marked late) within the grace period, else skipped and logged.
        """
        now = self.bot.now()
        settings = await self.bot.storage.guild_settings(guild_id)
        due = due_digest(settings, now) if settings.digest_on else None
        if due is None:
            return Result(Outcome.NOT_OURS)
        if due.expired:
            reason = f"its slot ({due.slot:%Y-%m-%d %H:%M} UTC) passed over {settings.grace} ago"
            if await self.bot.storage.skip_digest(guild_id, due.week, reason=reason, now=now):
                log.warning(
                    "Skipped the digest of week %s for guild %s: %s", due.key, guild_id, reason
                )
            return Result(Outcome.NOT_OURS)
        return await self.post(settings, due)

    async def resume(self, guild_id: int, week: date) -> Result:
        """Finish a digest whose claim a stopped process left (its lease ran out): post the
        pages it did not, or skip it and say why when it is past the grace period."""
        now = self.bot.now()
        settings = await self.bot.storage.guild_settings(guild_id)
        due = claimed_digest(settings, week, now)
        if not settings.digest_on or due.expired:
            run = await self.bot.storage.claim_digest(
                guild_id, week, owner=self.bot.instance_id, now=now, lease_until=now + LEASE
            )
            if run is None:
                return Result(Outcome.NOT_OURS)
            reason = (
                "the digest was turned off before it was finished"
                if not settings.digest_on
                else f"it was left unfinished past the grace period ({settings.grace})"
            )
            await self._finish(settings, due, RunState.SKIPPED, reason=reason)
            log.warning("Skipped the digest of week %s for guild %s: %s", due.key, guild_id, reason)
            return Result(Outcome.NOT_OURS)
        log.info("Taking over the digest of week %s for guild %s", due.key, guild_id)
        return await self.post(settings, due)

    async def build(self, settings: GuildSettings, week_due: DueDigest) -> DigestReport:
        return await build_digest(self.bot.storage, settings, week_due.week, self.bot.now())

    async def post(self, settings: GuildSettings, due: DueDigest, *, force: bool = False) -> Result:
        storage, guild_id, owner = self.bot.storage, settings.guild_id, self.bot.instance_id
        # Everything that takes a while (the numbers, the chart) is ready before the claim is
        # taken, so nothing slow sits between the claim and the posts its lease covers.
        pages: list[render.Page] = []
        unprepared: Exception | None = None
        try:
            report = await self.build(settings, due)
            pages = render.pages(report, settings, late=due.late)
            await render.attach_chart(report, pages)
        except Exception as error:  # reported below, once the claim says it is ours to report
            unprepared = error
        # The first page's turn under the global rate limit comes before the claim, so a
        # lease never runs out while its digest waits behind thousands of others.
        await self.bot.pacer.turn()
        now = self.bot.now()
        run = await storage.claim_digest(
            guild_id, due.week, owner=owner, now=now, lease_until=now + LEASE, force=force
        )
        if run is None:
            return Result(Outcome.NOT_OURS)
        posted = run.pages_posted
        turn_taken = True
        try:
            channel = self._channel(settings)
            if unprepared is not None:
                raise unprepared
            if not pages:
                await self._finish(
                    settings,
                    due,
                    RunState.SKIPPED,
                    reason="an empty week; the server chose to stay quiet",
                )
                return Result(Outcome.QUIET)
            for index, page in enumerate(pages):
                if index < posted:
                    continue  # posted before a takeover
                if not turn_taken:
                    await self.bot.pacer.turn()
                turn_taken = False
                message = await channel.send(
                    content=page.content,
                    embeds=page.embeds,
                    nonce=nonce(guild_id, due.key, index, run.generation),
                    allowed_mentions=page.allowed_mentions(),
                    files=page.files(),
                )
                posted += 1
                now = self.bot.now()
                still_ours = await storage.digest_page_posted(
                    guild_id,
                    due.week,
                    owner=owner,
                    message_id=message.id,
                    now=now,
                    lease_until=now + LEASE,
                    channel_id=channel.id,
                )
                if not still_ours:
                    log.warning("Lost the claim on guild %s week %s mid-post", guild_id, due.key)
                    return Result(Outcome.NOT_OURS, messages=posted - run.pages_posted)
        except Exception as error:
            if is_transient(error) and run.attempts < ATTEMPTS:
                log.warning(
                    "Digest of week %s for guild %s hit %s (attempt %d of %d); it is taken "
                    "over again when its lease ends",
                    due.key,
                    guild_id,
                    describe_failure(error),
                    run.attempts,
                    ATTEMPTS,
                )
                return Result(Outcome.RETRYING, problem=describe_failure(error))
            return await self._failed(settings, due, error)
        await self._finish(settings, due, RunState.POSTED, late=due.late)
        if settings.problem is not None:
            await storage.set_problem(guild_id, None, now=self.bot.now())
        log.info("Posted the digest of week %s for guild %s", due.key, guild_id)
        return Result(Outcome.POSTED, messages=posted - run.pages_posted)

    async def _finish(
        self,
        settings: GuildSettings,
        due: DueDigest,
        state: RunState,
        *,
        late: bool = False,
        reason: str | None = None,
    ) -> None:
        """Release our claim with its outcome (a lost claim is left to its new owner)."""
        await self.bot.storage.finish_digest(
            settings.guild_id,
            due.week,
            owner=self.bot.instance_id,
            state=state,
            now=self.bot.now(),
            late=late,
            reason=reason,
        )

    def _channel(self, settings: GuildSettings) -> discord.TextChannel:
        guild = self.bot.get_guild(settings.guild_id)
        if guild is None:
            raise DigestProblem("NetGain is no longer in this server")
        channel = guild.get_channel(settings.digest_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            raise DigestProblem(
                "The digest channel no longer exists; choose another with /setup digest"
            )
        missing = missing_permissions(channel, guild.me)
        if missing:
            raise DigestProblem(f"NetGain is missing {', '.join(missing)} in #{channel.name}")
        return channel

    async def _failed(self, settings: GuildSettings, due: DueDigest, error: Exception) -> Result:
        problem = describe_failure(error)
        now = self.bot.now()
        if isinstance(error, (DigestProblem, discord.HTTPException)):
            log.warning(
                "Digest of week %s for guild %s failed: %s", due.key, settings.guild_id, problem
            )
        else:
            log.exception("Digest of week %s for guild %s failed", due.key, settings.guild_id)
        await self._finish(settings, due, RunState.FAILED, reason=problem)
        await self.bot.storage.set_problem(
            settings.guild_id, f"The digest of week {due.key} was not posted: {problem}", now=now
        )
        return Result(Outcome.FAILED, problem=problem)


def problem_note(settings: GuildSettings) -> str | None:
    """What admins see on their next /setup or /digest when something went wrong."""
    if settings.problem is None:
        return None
    when = f" (<t:{int(settings.problem_at.timestamp())}:R>)" if settings.problem_at else ""
    return f"⚠️ {settings.problem}{when}."
