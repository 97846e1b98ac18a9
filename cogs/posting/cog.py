"""/post: one published post's views, likes, comments and shares."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot.domain.errors import UserError
from bot.domain.free_text import LINK_MAX, link_problem
from bot.domain.models import Platform, PostCounts, PostDraft
from bot.errors import defer_when_slow, handled_elsewhere
from bot.usecases import posting
from bot.usecases.posting import PostLogged
from cogs.posting import render
from cogs.tracking.cog import answer
from cogs.tracking.options import DAY, PLATFORM, count_option
from storage.ports import HandledElsewhere

if TYPE_CHECKING:
    from bot.client import NetGainBot

# A post's own numbers, each a whole number like the counts /log takes.
VIEWS = count_option("views")
LIKES = count_option("likes")
COMMENTS = count_option("comments")
SHARES = count_option("shares")


class LinkOption(app_commands.Transformer):
    """A link to the post: a web address starting with https:// (or http://)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return LINK_MAX

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> str | None:
        link = str(value).strip()
        if not link:
            return None
        if why := link_problem(link):
            raise UserError(f"{why}. Nothing was stored.")
        return link


LINK = LinkOption()


class Posting(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="post", description="Log one published post's own numbers")
    @app_commands.guild_only()
    @app_commands.describe(
        views="Views shown under the post",
        likes="Likes on this post",
        comments="Comments on this post",
        shares="Shares of this post",
        platform="Where it was posted (default: your default platform)",
        link="The post's web address, like https://www.tiktok.com/@you/video/123",
        date="The day it went out, as YYYY-MM-DD (default: today)",
    )
    async def post(
        self,
        interaction: discord.Interaction[NetGainBot],
        views: Transform[int, VIEWS],
        likes: Transform[int, LIKES],
        comments: Transform[int, COMMENTS],
        shares: Transform[int, SHARES],
        platform: Transform[Platform, PLATFORM] | None = None,
        link: Transform[str | None, LINK] = None,
        date: Transform[dt.date, DAY] | None = None,
    ) -> None:
        draft = PostDraft(
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            platform=platform,
            counts=PostCounts(views=views, likes=likes, comments=comments, shares=shares),
            link=link,
            day=date,
            display_name=interaction.user.display_name,
            interaction_id=interaction.id,
        )
        outcome = await posting.log_post(
            self.bot.storage, draft, now=self.bot.now(), on_slow=defer_when_slow(interaction)
        )
        if isinstance(outcome, PostLogged):
            await answer(interaction, embed=render.logged(outcome, interaction.user))
            if outcome.new_member:
                self.bot.dispatch("netgain_member_joined", interaction.user.id)
        elif isinstance(outcome, HandledElsewhere):
            handled_elsewhere(interaction)
        else:
            await answer(interaction, content=render.already_posted(outcome), ephemeral=True)
