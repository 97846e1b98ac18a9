"""/log, /net, /history and /undo: parse the options, call the use cases, render."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot import charts
from bot.domain.errors import UserError
from bot.domain.free_text import note_problem
from bot.domain.models import Period, Platform, Reading, ReadingDraft
from bot.domain.periods import period_bounds
from bot.domain.rules import growth_over
from bot.domain.series import history_series
from bot.domain.summaries import summarize
from bot.domain.visibility import may_see
from bot.errors import defer_when_slow, handled_elsewhere
from bot.usecases import tracking
from bot.usecases.tracking import AlreadyLogged, History, Logged, NeedsConfirmation
from bot.views import ConfirmView
from cogs.tracking import corrections, insights, render
from cogs.tracking.options import (
    DAY,
    FOLLOWERS,
    FOLLOWING,
    GAINED,
    LIKES,
    LOST,
    NOTE,
    PERIOD,
    PLATFORM,
    POSTS,
    READING,
)
from storage.ports import HandledElsewhere, ReadingChanges

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction["NetGainBot"]
FIRST_LOG_HINT = "Start with `/log followers 1200 following 300`."


async def answer(interaction: discord.Interaction[Any], **message: Any) -> None:
    """Reply, or follow up when the interaction was deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


async def update(interaction: discord.Interaction[Any], **message: Any) -> None:
    """Edit the message a button is on, whether the press was deferred or not."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**message)
    else:
        await interaction.response.edit_message(**message)


class Tracking(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    # ---- /log ------------------------------------------------------------------------------

    @app_commands.command(name="log", description="Log your follower and following counts")
    @app_commands.guild_only()
    @app_commands.describe(
        followers="Followers shown on your profile now",
        following="Accounts you follow, shown on your profile now (YouTube: leave it out)",
        platform="Which account (default: your default platform, TikTok at first)",
        likes="Total likes on your profile",
        posts="Posts on your profile",
        gained="Followers gained, read off the platform's analytics",
        lost="Followers lost, read off the platform's analytics",
        date="A past day to backfill, as YYYY-MM-DD (default: now)",
        note="A short note kept with this reading",
    )
    async def log(
        self,
        interaction: Interaction,
        followers: Transform[int, FOLLOWERS],
        following: Transform[int, FOLLOWING] | None = None,
        platform: Transform[Platform, PLATFORM] | None = None,
        likes: Transform[int, LIKES] | None = None,
        posts: Transform[int, POSTS] | None = None,
        gained: Transform[int, GAINED] | None = None,
        lost: Transform[int, LOST] | None = None,
        date: Transform[dt.date, DAY] | None = None,
        note: Transform[str | None, NOTE] = None,
    ) -> None:
        draft = ReadingDraft(
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            platform=platform,
            followers=followers,
            following=following,
            profile_likes=likes,
            profile_posts=posts,
            gained=gained,
            lost=lost,
            day=date,
            note=note,
            display_name=interaction.user.display_name,
            interaction_id=interaction.id,
        )
        outcome = await tracking.log_reading(
            self.bot.storage, draft, now=self.bot.now(), on_slow=defer_when_slow(interaction)
        )
        if isinstance(outcome, Logged):
            await answer(interaction, embed=render.logged(outcome, interaction.user))
            if outcome.new_member:
                self.bot.dispatch("netgain_member_joined", interaction.user.id)
        elif isinstance(outcome, AlreadyLogged):
            await answer(interaction, content=corrections.already_logged(outcome), ephemeral=True)
        elif isinstance(outcome, HandledElsewhere):
            handled_elsewhere(interaction)
        else:
            await self._ask_to_confirm(interaction, outcome)

    async def _ask_to_confirm(self, interaction: Interaction, pending: NeedsConfirmation) -> None:
        async def store(press: discord.Interaction[Any]) -> None:
            outcome = await tracking.log_reading(
                self.bot.storage,
                # The press is an interaction of its own, stored once like the command.
                dataclasses.replace(pending.draft, interaction_id=press.id),
                now=self.bot.now(),
                confirmed=True,
                on_slow=defer_when_slow(press, thinking=False),
            )
            if isinstance(outcome, HandledElsewhere):
                handled_elsewhere(press)
                return
            if isinstance(outcome, AlreadyLogged):
                await update(
                    press, content=corrections.already_logged(outcome), embed=None, view=None
                )
                return
            assert isinstance(outcome, Logged)
            await update(press, content=None, embed=render.logged(outcome, press.user), view=None)

        view = ConfirmView(
            interaction.user,
            origin=interaction,
            on_confirm=store,
            cancelled="Cancelled: nothing was stored. Log again with the right numbers.",
            expired="No answer, so nothing was stored. Log again when you're ready.",
        )
        await answer(
            interaction, embed=corrections.jump_prompt(pending, interaction.user), view=view
        )

    # ---- /net and /history -----------------------------------------------------------------

    async def _history(
        self,
        interaction: Interaction,
        member: discord.Member | discord.User | None,
        platform: Platform | None,
        period: Period,
    ) -> tuple[discord.abc.User, History]:
        """The member's readings, if this server may see them; else a UserError saying why."""
        target = member or interaction.user
        found = await tracking.history(
            self.bot.storage,
            user_id=target.id,
            guild_id=interaction.guild_id,
            platform=platform,
            period=period,
            now=self.bot.now(),
            digests=self.bot.storage,
        )
        yourself = target.id == interaction.user.id
        if not may_see(
            viewer_id=interaction.user.id,
            member_id=target.id,
            logged_here=found.profile.logged_here,
            hidden=found.profile.hidden,
        ):
            if found.profile.hidden and found.profile.logged_here:
                raise UserError(f"{target.mention} keeps their numbers private.")
            raise UserError(
                f"{target.mention} has no readings in this server yet: "
                "they appear once they use `/log` here."
            )
        if not found.profile.known:
            raise UserError(f"You have no readings yet. {FIRST_LOG_HINT}")
        if not found.readings:
            whose = "You have" if yourself else f"{target.mention} has"
            raise UserError(
                f"{whose} no {found.platform.label} readings yet. "
                "Pick another `platform`, or log one with `/log`."
            )
        return target, found

    @app_commands.command(name="net", description="Net followers and growth over a period")
    @app_commands.guild_only()
    @app_commands.describe(
        member="Whose numbers (default: yours)",
        platform="Which account (default: your default platform)",
        period="Growth over this calendar period so far (default: week)",
    )
    async def net(
        self,
        interaction: Interaction,
        member: discord.Member | None = None,
        platform: Transform[Platform, PLATFORM] | None = None,
        period: Transform[Period, PERIOD] = Period.WEEK,
    ) -> None:
        target, found = await self._history(interaction, member, platform, period)
        summary = summarize(
            found.readings,
            period,
            self.bot.now(),
            found.profile.timezone,
            taken=found.taken,
            posts=found.posts,
            posted=found.posted,
            posts_target=found.profile.posts_per_week,
            goal=found.goal,
            purged=found.purged,
        )
        if summary is None:
            raise UserError(f"No {found.platform.label} readings yet. {FIRST_LOG_HINT}")
        yours = target.id == interaction.user.id
        embed = render.net(summary, target, yours=yours, latest_everywhere=found.latest)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="history", description="Your readings over a period")
    @app_commands.guild_only()
    @app_commands.describe(
        member="Whose readings (default: yours)",
        platform="Which account (default: your default platform)",
        period="Which calendar period so far (default: month)",
    )
    async def history(
        self,
        interaction: Interaction,
        member: discord.Member | None = None,
        platform: Transform[Platform, PLATFORM] | None = None,
        period: Transform[Period, PERIOD] = Period.MONTH,
    ) -> None:
        target, found = await self._history(interaction, member, platform, period)
        tz = found.profile.timezone
        start, end = period_bounds(period, self.bot.now(), tz)
        embed = render.history(
            found.readings,
            member=target,
            platform=found.platform,
            period=period,
            start=start,
            found=growth_over(found.readings, start, end),
            yours=target.id == interaction.user.id,
            tz=tz,
        )
        shown = [r for r in found.readings if start is None or r.taken_at >= start]
        if not shown:
            await interaction.response.send_message(embed=embed)
            return
        # Drawing takes a moment (the first chart also loads matplotlib): answer "thinking"
        # first, and draw in a worker thread so other commands are answered meanwhile.
        await interaction.response.defer(thinking=True)
        title = render.chart_title(found.platform, target, period)
        chart = await charts.draw(
            charts.history_chart, history_series(shown, found.platform, tz), title
        )
        embed.set_image(url=f"attachment://{chart.filename}")
        await answer(interaction, embed=embed, file=insights.chart_file(chart))

    # ---- /edit -----------------------------------------------------------------------------

    @app_commands.command(name="edit", description="Correct or remove one of your readings")
    @app_commands.guild_only()
    @app_commands.describe(
        reading="Which reading: start typing a date or a count and pick it, or type its day",
        platform="With a day typed: which account (default: any)",
        followers="The right follower count",
        following="The right following count",
        note="A new note (a single space clears it)",
        remove="Remove the reading instead",
    )
    async def edit(
        self,
        interaction: Interaction,
        reading: Transform[int | dt.date, READING],
        followers: Transform[int, FOLLOWERS] | None = None,
        following: Transform[int, FOLLOWING] | None = None,
        note: str | None = None,
        remove: bool = False,
        platform: Transform[Platform, PLATFORM] | None = None,
    ) -> None:
        if note is not None and (why := note_problem(note.strip())):
            raise UserError(f"{why}.")
        changes = ReadingChanges(followers, following, None if note is None else note.strip())
        if remove and changes != ReadingChanges():
            raise UserError(
                "Use either `remove:True` or the counts to correct, not both. Nothing was changed."
            )
        if not remove and changes == ReadingChanges():
            raise UserError(
                "Say what to change: `followers`, `following` or `note`, or `remove:True` to "
                "remove the reading. Nothing was changed."
            )
        found = await tracking.reading_to_edit(
            self.bot.storage,
            interaction.user.id,
            reading,
            await tracking.member_zone(self.bot.storage, interaction.user.id, interaction.guild_id),
            platform,
        )

        async def apply(press: discord.Interaction[Any]) -> None:
            if remove:
                await self._remove(press, found)
                return
            corrected = await tracking.correct(
                self.bot.storage, found, changes, on_slow=defer_when_slow(press, thinking=False)
            )
            text = (
                corrections.corrected_text(found, corrected)
                if corrected is not None
                else "That reading was removed meanwhile: nothing was changed."
            )
            await update(press, content=text, embed=None, view=None)

        view = ConfirmView(
            interaction.user,
            origin=interaction,
            on_confirm=apply,
            confirm_label="Remove it" if remove else "Save the change",
            cancel_label="Keep it",
            cancelled="Kept as it was: nothing was changed.",
            expired="No answer, so nothing was changed.",
        )
        await interaction.response.send_message(
            embed=corrections.edit_prompt(found, changes, remove=remove), view=view, ephemeral=True
        )

    @edit.autocomplete("reading")
    async def _readings(
        self, interaction: Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        found = await tracking.readings_to_edit(self.bot.storage, interaction.user.id)
        tz = await tracking.member_zone(self.bot.storage, interaction.user.id, interaction.guild_id)
        choices = [(corrections.reading_choice(r, tz), str(r.id)) for r in found]
        wanted = typed.strip().lower()
        return [
            app_commands.Choice(name=label, value=value)
            for label, value in choices
            if wanted in label.lower()
        ][:25]

    # ---- /undo -----------------------------------------------------------------------------

    @app_commands.command(name="undo", description="Remove your latest reading, after showing it")
    @app_commands.guild_only()
    async def undo(self, interaction: Interaction) -> None:
        reading = await tracking.reading_to_undo(self.bot.storage, interaction.user.id)
        if reading is None:
            raise UserError(f"You have no readings to undo. {FIRST_LOG_HINT}")

        async def remove(press: discord.Interaction[Any]) -> None:
            await self._remove(press, reading)

        view = ConfirmView(
            interaction.user,
            origin=interaction,
            on_confirm=remove,
            confirm_label="Remove it",
            cancel_label="Keep it",
            cancelled="Kept: nothing was removed.",
            expired="No answer, so nothing was removed.",
        )
        await interaction.response.send_message(
            embed=corrections.undo_prompt(reading), view=view, ephemeral=True
        )

    async def _remove(self, press: discord.Interaction[Any], reading: Reading) -> None:
        removed = await tracking.undo(
            self.bot.storage, reading, on_slow=defer_when_slow(press, thinking=False)
        )
        text = corrections.removed_text(reading) if removed else "That reading was already removed."
        await update(press, content=text, embed=None, view=None)
