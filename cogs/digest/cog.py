"""The weekly digest: one scheduled job per server, and /digest preview and /digest send."""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.errors import UserError
from bot.domain.schedule import DueDigest, GuildSettings, this_weeks_digest
from bot.errors import reply_ephemeral
from bot.views import ConfirmView
from cogs.digest import render
from cogs.digest.poster import DigestPoster, Outcome, problem_note
from storage.schedules import DigestRun, RunState

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction["NetGainBot"]
MANAGE_SERVER = discord.Permissions(manage_guild=True)
SWEEP = "digests"


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
        self.bot.jobs.sync_digests(guilds, self._scheduled)
        # A change made through another process (its servers' /setup) reaches this one here.
        poll = timedelta(seconds=self.bot.settings.settings_poll_seconds)
        self.bot.jobs.every("digest settings changed elsewhere", self._notice_changes, poll)
        # A process that stopped mid-post leaves a claim; whoever is alive finishes it.
        every = timedelta(seconds=self.bot.settings.claim_sweep_seconds)
        self.bot.jobs.watch_claims(SWEEP, self._finish_unfinished, every)
        ids = [g.guild_id for g in guilds]
        self._catch_up = self.bot.jobs.start_task(
            functools.partial(self._catch_up_all, ids), "Digest catch-up"
        )

    async def cog_unload(self) -> None:
        if self._catch_up is not None:
            self._catch_up.cancel()
        self.bot.jobs.remove_digests()
        self.bot.jobs.stop_watching(SWEEP)

    async def _notice_changes(self) -> None:
        changed = self.bot.jobs.sync_digests(
            await self.bot.storage.digest_guilds(), self._scheduled
        )
        if changed:
            log.info("Digest schedules changed elsewhere: %d updated", changed)

    async def _catch_up_all(self, guild_ids: list[int]) -> None:
        await self.bot.wait_until_ready()
        for guild_id in guild_ids:
            if self.bot.jobs.serves(guild_id):
                await self._post_due(guild_id)
        await self.bot.jobs.sweep(SWEEP)  # claims a stopped process left, even still leased

    async def _scheduled(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        if not self.bot.jobs.serves(guild_id):
            return  # another process runs its shard (or NetGain left it since)
        await self._post_due(guild_id)
        await self.bot.jobs.sweep(SWEEP)  # another process may hold this one: watch its lease

    async def _post_due(self, guild_id: int) -> None:
        """One server's digest; whatever happens, the other servers' digests go on."""
        try:
            await self.poster.post_due(guild_id)
        except Exception:
            log.exception("Digest job for guild %s failed", guild_id)

    async def _finish_unfinished(self) -> datetime | None:
        """Take over every digest whose claim's lease ran out, in the servers this process
        serves; when the first claim still held runs out."""
        await self.bot.wait_until_ready()
        storage = self.bot.storage
        claims = await storage.digest_claims(self.bot.now())
        if not claims.stale:
            return claims.next_end
        for guild_id, week in claims.stale:
            if not self.bot.jobs.serves(guild_id):
                continue
            try:
                await self.poster.resume(guild_id, week)
            except Exception:
                log.exception("Taking over the digest of guild %s week %s failed", guild_id, week)
        # A takeover that Discord refused for a moment holds a new lease: watch it too.
        return (await storage.digest_claims(self.bot.now())).next_end

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """NetGain was removed from a server: its settings, unfinished claims and jobs go."""
        await self.bot.storage.forget_guild(guild.id)
        log.info("Removed from guild %s: its settings and pending digest are dropped", guild.id)
        self.bot.dispatch("netgain_guild_settings_changed", GuildSettings(guild.id))

    @commands.Cog.listener()
    async def on_netgain_guild_settings_changed(self, settings: GuildSettings) -> None:
        # Only the job changes: a new day or time never posts a digest for an earlier week
        # (`/setup digest` moves `digest_from` to now when the schedule changes).
        self.bot.jobs.set_digest(settings, self._scheduled)

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
        await render.attach_chart(report, pages)
        for page in pages:
            await interaction.followup.send(
                content=page.content or discord.utils.MISSING,
                embeds=page.embeds,
                files=page.files() or discord.utils.MISSING,
                ephemeral=True,
            )

    @digest.command(name="send", description="Post the digest now; it counts as this week's")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def send(self, interaction: Interaction) -> None:
        settings = await self._settings(interaction)
        if not settings.digest_on:
            raise UserError(render.off_text(settings))
        due = this_weeks_digest(settings, self.bot.now())
        run = await self.bot.storage.digest_run(settings.guild_id, due.week)
        if run is not None and run.state is RunState.POSTED:
            await self._offer_to_post_again(interaction, settings, due, run)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._send(interaction, settings, due)

    async def _offer_to_post_again(
        self, interaction: Interaction, settings: GuildSettings, due: DueDigest, run: DigestRun
    ) -> None:
        """This week's digest is out already: say when and where, and post it again only if
        the admin presses Post again."""

        async def post_again(press: discord.Interaction[Any]) -> None:
            await press.response.edit_message(
                content="Posting the digest again…", embed=None, view=None
            )
            await self._send(press, settings, due)

        view = ConfirmView(
            interaction.user,
            origin=interaction,
            on_confirm=post_again,
            confirm_label="Post again",
            cancel_label="Keep it",
            cancelled="Kept: nothing was posted again.",
            expired="No answer, so nothing was posted again.",
        )
        await interaction.response.send_message(
            render.already_posted_text(settings, due, run), view=view, ephemeral=True
        )

    async def _send(
        self, interaction: discord.Interaction[Any], settings: GuildSettings, due: DueDigest
    ) -> None:
        result = await self.poster.post(settings, due, force=True)
        if result.outcome is Outcome.RETRYING:
            await self.bot.jobs.sweep(SWEEP)  # look again when the claim's lease ends
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
        elif result.outcome is Outcome.RETRYING:
            text = (
                f"Discord could not take the digest just now ({result.problem}); NetGain tries "
                "again in a couple of minutes, by itself."
            )
        else:
            text = f"The digest could not be posted: {result.problem}. Fix that, then send again."
        await reply_ephemeral(interaction, text)
