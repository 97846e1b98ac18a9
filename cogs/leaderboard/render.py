"""The leaderboard as one embed: at most ten rows, the caller's own row, and who is not ranked
for lack of data, all as plain names."""

from __future__ import annotations

import discord

from bot import format as fmt
from bot.domain.leaderboard import Entry, Measure
from bot.usecases.leaderboard import Leaderboard
from cogs.digest.render import name
from cogs.tracking.render import BLUE, PERIOD_LABELS

FIELD_LIMIT = 1_024

TITLES = {
    Measure.GROWTH_PCT: "growth %",
    Measure.GROWTH: "growth",
    Measure.CONSISTENCY: "consistency",
    Measure.ENGAGEMENT: "engagement",
}
WHY_UNRANKED = {
    Measure.GROWTH_PCT: "no reading in this period, only a first reading, or a start of 0",
    Measure.GROWTH: "no reading in this period, or only a first reading",
    Measure.CONSISTENCY: "no readings",
    Measure.ENGAGEMENT: "no posts with views logged with `/post`",
}
FOOTNOTES = {
    Measure.GROWTH_PCT: "growth % is of the followers at the start of the period",
    Measure.GROWTH: "growth is followers at the end − at the start of the period",
    Measure.CONSISTENCY: "consistency is the logging streak, in weeks",
    Measure.ENGAGEMENT: "engagement is (likes + comments + shares) / views, last 30 posts",
}


def value_text(entry: Entry, measure: Measure) -> str:
    growth = entry.growth
    if measure is Measure.GROWTH_PCT and growth is not None:
        return f"**{fmt.pct(growth.pct)}** ({fmt.signed(growth.delta)})"
    if measure is Measure.GROWTH and growth is not None:
        return f"**{fmt.signed(growth.delta)}** ({fmt.pct(growth.pct)})"
    if measure is Measure.CONSISTENCY:
        return f"**{fmt.plural(int(entry.value), 'week')}**"
    return f"**{fmt.rate(entry.value)}**"


def row(entry: Entry, measure: Measure, caller_id: int) -> str:
    you = " ← you" if entry.member.user_id == caller_id else ""
    source = " · imported" if entry.imported else ""
    return f"**{entry.rank}.** {name(entry.member)} · {value_text(entry, measure)}{source}{you}"


def _names(members: list[str], limit: int) -> str:
    """Names joined within `limit`, saying how many more were left out."""
    room = limit - len(f" and {len(members)} more")
    shown: list[str] = []
    for member in members:
        if shown and len(", ".join([*shown, member])) > room:
            break
        shown.append(member)
    rest = len(members) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def board(found: Leaderboard, caller_id: int) -> discord.Embed:
    measure = found.board.measure
    where = found.board.platform.label if found.board.platform else "every platform"
    embed = discord.Embed(
        title=f"Leaderboard · {TITLES[measure]} · {PERIOD_LABELS[found.period]}",
        colour=BLUE,
    )
    top, mine = found.board.shown(caller_id)
    lines = [row(entry, measure, caller_id) for entry in top]
    if mine is not None:
        lines += ["…", row(mine, measure, caller_id)]
    ranked_ids = {entry.member.user_id for entry in found.board.ranked}
    unranked_ids = {member.user_id for member in found.board.unranked}
    if found.board.caller_private:
        lines.append(
            "You keep your numbers private, so you are not on it (`/privacy hidden:false` to join)."
        )
    elif caller_id in unranked_ids:
        lines.append(f"You: not ranked yet ({WHY_UNRANKED[measure]}).")
    elif caller_id not in ranked_ids:
        lines.append("You are not on it yet: `/log` here to join.")
    if not top:
        lines.insert(0, "Nobody has the numbers for this ranking yet.")
    embed.description = "\n".join(lines)
    if found.board.unranked:
        names = [name(member) for member in found.board.unranked]
        embed.add_field(
            name=f"Not ranked: {WHY_UNRANKED[measure]} ({len(names)})",
            value=_names(names, FIELD_LIMIT),
            inline=False,
        )
    more = len(found.board.ranked) - len(top)
    count = f"{len(found.board.ranked)} ranked" + (f", top {len(top)} shown" if more > 0 else "")
    embed.set_footer(
        text=f"{count} · {where} · {FOOTNOTES[measure]} · period in {found.timezone.key} time"
    )
    return embed
