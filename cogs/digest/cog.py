"""The weekly digest: one scheduled job per server, and /digest preview and /digest send."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from apscheduler.triggers.cron import CronTrigger
from discord import app_commands
from discord.ext import commands

from bot.domain.errors import UserError
from bot.domain.schedule import GuildSettings, this_weeks_digest
from bot.errors import reply_ephemeral
from cogs.digest import render
from cogs.digest.poster import DigestPoster, Outcome, problem_note

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction["NetGainBot"]
MANAGE_SERVER = discord.Permissions(manage_guild=True)


def job_id(guild_id: int) -> str:
    return f"digest:{guild_id}"


class Digest(commands.Cog):
    digest = app_commands.Group(
        name="digest",
        description="The weekly digest, now (Manage Server)",
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        ),
        default_permissions=MANAGE_SERVER,
    )

    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot
        self.poster = DigestPoster(bot)
        self._catch_up: asyncio.Task[None] | None = None

    # ---- scheduling ------------------------------------------------------------------------

    async def cog_load(self) -> None:
        """Schedule every server from the database, then catch up what was missed."""
        guilds = await self.bot.storage.digest_guilds()
        for settings in guilds:
            self.schedule(settings)
        self._catch_up = asyncio.create_task(self._catch_up_all([g.guild_id for g in guilds]))
        self._catch_up.add_done_callback(_log_failure)

    async def cog_unload(self) -> None:
        if self._catch_up is not None:
            self._catch_up.cancel()
        for job in self.bot.scheduler.get_jobs():
            if job.id.startswith("digest:"):
                job.remove()

    def schedule(self, settings: GuildSettings) -> None:
        """The server's job, derived from its settings: a CronTrigger in its time zone."""
        if not settings.digest_on:
            if self.bot.scheduler.get_job(job_id(settings.guild_id)) is not None:
                self.bot.scheduler.remove_job(job_id(settings.guild_id))
            return
        self.bot.scheduler.add_job(
            self._scheduled,
            CronTrigger(
                day_of_week=settings.digest_day,
                hour=settings.digest_time.hour,
                minute=settings.digest_time.minute,
                timezone=settings.timezone,
            ),
            args=[settings.guild_id],
            id=job_id(settings.guild_id),
            name=f"weekly digest of guild {settings.guild_id}",
            replace_existing=True,
            misfire_grace_time=int(settings.grace.total_seconds()),
        )

    async def _catch_up_all(self, guild_ids: list[int]) -> None:
        await self.bot.wait_until_ready()
        for guild_id in guild_ids:
            await self._post_due(guild_id)

    async def _scheduled(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        await self._post_due(guild_id)

    async def _post_due(self, guild_id: int) -> None:
        """One server's digest; whatever happens, the other servers' digests go on."""
        try:
            await self.poster.post_due(guild_id)
        except Exception:
            log.exception("Digest job for guild %s failed", guild_id)

    @commands.Cog.listener()
    async def on_netgain_guild_settings_changed(self, settings: GuildSettings) -> None:
        self.schedule(settings)
        if settings.digest_on:
            await self._post_due(settings.guild_id)

    # ---- /digest preview and /digest send ---------------------------------------------------

    async def _settings(self, interaction: Interaction) -> GuildSettings:
        assert interaction.guild_id is not None
        return await self.bot.storage.guild_settings(interaction.guild_id)

    @digest.command(name="preview", description="See the digest exactly as it would be posted now")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def preview(self, interaction: Interaction) -> None:
        settings = await self._settings(interaction)
        due = this_weeks_digest(settings, self.bot.now())
        report = await self.poster.build(settings, due)
        where = f"<#{settings.digest_channel_id}>" if settings.digest_on else "no channel yet"
        intro = [
            f"Preview of the digest for {render.week_label(report)}, exactly as "
            f"`/digest send` would post it now (in {where}). Only you can see it."
        ]
        if note := problem_note(settings):
            intro.append(note)
        pages = render.pages(report, settings)
        if not pages:
            intro.append("Nothing would be posted: nobody logged, and this server stays quiet.")
        await interaction.response.send_message("\n".join(intro), ephemeral=True)
        for page in pages:
            await interaction.followup.send(
                content=page.content or discord.utils.MISSING,
                embeds=page.embeds,
                ephemeral=True,
            )

    @digest.command(name="send", description="Post the digest now; it counts as this week's")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def send(self, interaction: Interaction) -> None:
        settings = await self._settings(interaction)
        if not settings.digest_on:
            raise UserError(
                "There is no digest channel yet. Choose one with "
                "`/setup digest channel:#weekly-digest`, then send."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        due = this_weeks_digest(settings, self.bot.now())
        result = await self.poster.post(settings, due, force=True)
        label = render.week_label_of(due.week, settings.timezone)
        if result.outcome is Outcome.POSTED:
            text = (
                f"Posted the digest for {label} in <#{settings.digest_channel_id}> "
                f"({result.messages} message{'s' if result.messages != 1 else ''}). "
                "It counts as this week's digest."
            )
        elif result.outcome is Outcome.QUIET:
            text = "Nothing posted: nobody logged that week, and this server stays quiet."
        elif result.outcome is Outcome.NOT_OURS:
            text = "The digest is being posted right now; look in the channel in a moment."
        else:
            text = f"The digest could not be posted: {result.problem}. Fix that, then send again."
        await reply_ephemeral(interaction, text)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("Digest catch-up failed", exc_info=task.exception())
