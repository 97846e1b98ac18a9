"""The /post reply, laid out to read well on a phone."""

from __future__ import annotations

import discord

from bot import format as fmt
from bot.usecases.posting import AlreadyPosted, PostLogged
from cogs.tracking.insights import engagement_text, posting_text
from cogs.tracking.render import GREEN, member_embed


def logged(outcome: PostLogged, member: discord.abc.User) -> discord.Embed:
    post = outcome.post
    counts = post.counts
    embed = member_embed(f"{post.platform.label} post logged", member, GREEN)
    if outcome.backfilled:
        day = post.posted_at.astimezone(outcome.timezone).date()
        embed.description = f"Backfilled for {fmt.day(day)}"
    embed.add_field(name="Views", value=fmt.count(counts.views))
    embed.add_field(name="Likes", value=fmt.count(counts.likes))
    embed.add_field(name="Comments", value=fmt.count(counts.comments))
    embed.add_field(name="Shares", value=fmt.count(counts.shares))
    this_post = fmt.rate(counts.interactions / counts.views if counts.views else None)
    embed.add_field(name="This post, by views", value=this_post)
    embed.add_field(
        name=f"Engagement · {post.platform.label}",
        value=engagement_text(outcome.engagement),
        inline=False,
    )
    embed.add_field(name="Posting", value=posting_text(outcome.posting, yours=True), inline=False)
    if post.link:
        embed.add_field(name="Link", value=f"<{post.link}>", inline=False)
    embed.set_footer(text="Source: self-reported · rates are (likes + comments + shares) / views")
    embed.timestamp = post.posted_at
    return embed


def already_posted(outcome: AlreadyPosted) -> str:
    post = outcome.post
    return (
        f"Already logged {fmt.timestamp(outcome.logged_at, 'R')}: your {post.platform.label} "
        f"post with {fmt.plural(post.counts.views, 'view')} "
        f"({fmt.timestamp(post.posted_at, 'f')}). It is stored once."
    )
