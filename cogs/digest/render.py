"""The weekly digest as Discord messages, split into pages within Discord's limits.

Limits: an embed description holds 4,096 characters, a message 10 embeds and 6,000 embed
characters in all, and 2,000 characters of content. A big server's digest becomes several
messages; nothing is cut off. Mentions go in message content, and only for members who allow
them in a server that allows them; everywhere else members are plain names.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import discord

from bot import charts
from bot import format as fmt
from bot.charts import Chart
from bot.domain.digest import DigestMember, DigestReport, MemberWeek
from bot.domain.models import Source
from bot.domain.purges import Purge
from bot.domain.rules import NudgeKind
from bot.domain.schedule import DigestDetail, DueDigest, EmptyWeek, GuildSettings
from cogs.tracking.insights import benchmark_span, chart_file
from storage.schedules import DigestRun

DESCRIPTION_LIMIT = 4_096
MESSAGE_EMBED_CHARS = 6_000
MESSAGE_EMBEDS = 10
CONTENT_LIMIT = 2_000
# Room kept in each embed for its title and footer ("page 12 of 12").
EMBED_MARGIN = 120
# A member row carries at most this many badges; the rest is one `/net member` away.
BADGES = 2
# Rows a digest lists unless the server asks for every member (`/setup digest detail:all`).
TOP_MOVERS = 10
# Names of members who have not logged that a digest lists before saying how many more.
NOT_LOGGED_NAMES = 40
COLOUR = discord.Colour(0x5865F2)
log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@(\d+)>")


@dataclass
class Page:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    chart: Chart | None = None  # attached, and shown in the first embed

    def files(self) -> list[discord.File]:
        return [] if self.chart is None else [chart_file(self.chart)]

    @property
    def mention_ids(self) -> list[int]:
        """The members this page mentions; only the content holds mentions (see _mentions)."""
        return [int(user_id) for user_id in _MENTION.findall(self.content or "")]

    def allowed_mentions(self) -> discord.AllowedMentions:
        users = [discord.Object(user_id) for user_id in self.mention_ids]
        return discord.AllowedMentions(everyone=False, roles=False, users=users or False)


def week_label(report: DigestReport) -> str:
    return week_label_of(report.week, report.timezone)


def week_label_of(first: date, tz: ZoneInfo) -> str:
    """'16–22 Nov 2026 (Europe/Berlin)': the covered week as plain dates, in the server's zone,
    named because readers are everywhere."""
    return f"{fmt.week(first, year=True)}{fmt.zone_note(tz, True)}"


def off_text(settings: GuildSettings) -> str:
    """Why /digest send cannot post: the digest was turned off, or never set up."""
    if settings.digest_from is not None:
        return (
            "The weekly digest is off in this server. Turn it back on with "
            "`/setup digest channel:#weekly-digest`, then send."
        )
    return (
        "There is no digest channel yet. Choose one with "
        "`/setup digest channel:#weekly-digest`, then send."
    )


def already_posted_text(settings: GuildSettings, due: DueDigest, run: DigestRun) -> str:
    """This week's digest is out already: when, where, and what Post again does."""
    channel_id = run.channel_id or settings.digest_channel_id
    where = f"<#{channel_id}>"
    if run.message_ids and channel_id:
        link = f"https://discord.com/channels/{settings.guild_id}/{channel_id}/{run.message_ids[0]}"
        where += f" ({link})"
    when = f" {fmt.timestamp(run.updated_at, 'R')}" if run.updated_at else ""
    return (
        f"The digest for {week_label_of(due.week, settings.timezone)} was already posted{when} "
        f"in {where}. Press **Post again** to post it once more with today's numbers; the one "
        "already posted stays."
    )


def name(member: DigestMember) -> str:
    """A member's name as plain text: no markdown or mention in it ever renders."""
    if not member.name:
        return f"member {member.user_id}"
    return fmt.plain(member.name)


def badges(row: MemberWeek) -> list[str]:
    """What stands out about a row, most important first: a drop (or a likely purge), a goal
    reached, a streak, posts with their engagement, numbers that were imported."""
    found = []
    if row.drop is not None:
        dropped = fmt.signed(row.drop.change)
        found.append(f"likely purge {dropped}" if row.purged else f"⚠️ drop {dropped}")
    if row.goal_reached is not None:
        found.append(f"🎯 reached {fmt.count(row.goal_reached.followers)}")
    if row.streak >= 2:
        found.append(f"🔥 {row.streak}-week streak")
    if row.posts is not None:
        posts = fmt.plural(row.posts, "post")
        if row.engagement is not None and row.engagement.by_views is not None:
            posts += f", eng. {fmt.rate(row.engagement.by_views)}"
        found.append(posts)
    if row.latest.source is not Source.SELF_REPORTED:
        found.append(row.latest.source.label)
    return found


def engagement_line(row: MemberWeek) -> str | None:
    """Both rates of a member who logs posts, beside the rough benchmark for their size."""
    found = row.engagement
    if found is None:
        return None
    line = (
        f"{name(row.member)} · {row.platform.label}: by views {fmt.rate(found.by_views)} · "
        f"by followers {fmt.rate(found.by_followers)}"
    )
    if found.benchmark is not None:
        line += f" · rough benchmark {benchmark_span(found.benchmark)}"
        if found.low:
            line += " (under it)"
    return line


def member_line(rank: int, row: MemberWeek) -> str:
    """One row that reads at a glance on a phone: name, followers with the change and %, and
    at most two badges; the rest is one `/net member` away."""
    latest = row.latest
    change = row.change
    if change is None:
        head = (
            f"**{name(row.member)}** · {row.platform.label} {fmt.count(latest.followers)} "
            "· first reading"
        )
    else:
        growth = change.growth
        since = ", since first log" if change.from_first_log else ""
        head = (
            f"**{rank}. {name(row.member)}** · {row.platform.label} "
            f"{fmt.count(growth.end)} **{fmt.pct(growth.pct)}** ({fmt.signed(growth.delta)}{since})"
        )
    return " · ".join([head, *badges(row)[:BADGES]])


def headline(report: DigestReport, late: bool) -> str:
    community = report.community
    growth = (
        f"{fmt.signed_plural(community.delta, 'follower')} ({fmt.pct(community.pct)})"
        if community is not None
        else "not enough readings yet (first readings only)"
    )
    lines = [
        f"**Community net growth:** {growth}",
        f"**Members who logged:** {len(report.logged)} of {report.members}",
    ]
    if report.posts is not None:
        lines.append(f"**Posts logged:** {fmt.count(report.posts)}")
    reached = [row for row in report.rows if row.goal_reached is not None]
    if reached:
        names = ", ".join(
            f"{name(row.member)} ({fmt.count(row.goal_reached.followers)} on {row.platform.label})"
            for row in reached
            if row.goal_reached is not None
        )
        lines.append(f"**Goals reached 🎯:** {names}")
    for purge in report.purges:
        lines.append(purge_text(purge, report.timezone))
    if late:
        lines.append("_Posted late: NetGain was offline at the scheduled time._")
    return "\n".join(lines)


def purge_text(purge: Purge, tz: ZoneInfo) -> str:
    """'Looks like a platform-wide purge on TikTok: …', in plain words and local days."""
    first, last = purge.first.astimezone(tz), purge.last.astimezone(tz)
    days = f"{first:%a}" if first.date() == last.date() else f"{first:%a} to {last:%a}"
    return (
        f"**Looks like a platform-wide purge on {purge.platform.label}:** "
        f"{len(purge.members)} of the {purge.logged} members who logged this week lost "
        f"followers within 48 hours ({days}). Those drops don't break streaks or count "
        "against goals."
    )


def nudge_text(report: DigestReport) -> str | None:
    """The nudge's words, built only from figures the digest shows."""
    kind = report.nudge
    if kind is NudgeKind.NO_POSTS:
        return (
            "Nobody who logs posts published one this week. Put three posting slots in "
            "your calendar for next week (say Tuesday, Thursday and Saturday at your best "
            "hour) and log each with `/post` as you go."
        )
    if kind is NudgeKind.LOW_ENGAGEMENT and report.under_benchmark is not None:
        under, judged = report.under_benchmark
        return (
            f"Engagement is low: {under} of {judged} members with posts logged "
            f"{'is' if under == 1 else 'are'} under the rough benchmark for their size (by "
            "views, over their last posts). Reply to every comment in the first hour after "
            "posting: early replies lift a post's reach."
        )
    if kind is NudgeKind.STALLED:
        return (
            "Growth stalled this week. Pair up for a collaboration: a duet, a stitch or a "
            "shared live with another member here puts you both in front of new followers."
        )
    best = report.fastest
    if kind is NudgeKind.MOMENTUM and best is not None and best.change is not None:
        return (
            f"{name(best.member)} grew fastest "
            f"({fmt.signed(best.change.growth.delta)} on {best.platform.label}). "
            "Ask them what they posted and try the same format this week."
        )
    return None


def _chunks(items: list[str], limit: int, separator: str = "\n") -> list[str]:
    """Join items into blocks no longer than `limit`, never splitting an item."""
    blocks: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{separator}{item}" if current else item
        if len(candidate) > limit and current:
            blocks.append(current)
            candidate = item
        current = candidate
    if current:
        blocks.append(current)
    return blocks


def _embeds(
    report: DigestReport, late: bool, title: str, detail: DigestDetail
) -> list[discord.Embed]:
    """The digest's embeds; a quiet week has only the list of who has not logged."""
    embeds = []
    if not report.empty:
        first = discord.Embed(title=title, description=headline(report, late), colour=COLOUR)
        if (nudge := nudge_text(report)) is not None:
            first.add_field(name="This week's nudge", value=nudge, inline=False)
        embeds.append(first)
    everyone = detail is DigestDetail.ALL
    rows = report.rows if everyone else report.rows[:TOP_MOVERS]
    member_lines = [member_line(rank, row) for rank, row in enumerate(rows, start=1)]
    listed = {row.member.user_id for row in rows}
    more = len([m for m in report.logged if m.user_id not in listed])
    if more:
        member_lines.append(
            f"…and {fmt.plural(more, 'more member')} logged this week: `/leaderboard` ranks "
            "everyone, and an admin can list them all here with `/setup digest detail:all`."
        )
    if member_lines:
        member_lines.append("_Anyone's full numbers: `/net member:@name`._")
    heading = "Members, by growth %" if everyone or not more else "Top movers, by growth %"
    for block in _chunks(member_lines, DESCRIPTION_LIMIT - EMBED_MARGIN):
        embeds.append(discord.Embed(title=heading, description=block, colour=COLOUR))
    engaged = [line for row in rows if (line := engagement_line(row)) is not None]
    for block in _chunks(engaged, DESCRIPTION_LIMIT - EMBED_MARGIN):
        embeds.append(
            discord.Embed(
                title="Engagement, last 30 posts (rough benchmarks are estimates)",
                description=block,
                colour=COLOUR,
            )
        )
    names = [name(member) for member in report.not_logged]
    shown = names if everyone else names[:NOT_LOGGED_NAMES]
    if len(shown) < len(names):
        shown = [*shown, f"and {len(names) - len(shown)} more"]
    for block in _chunks(shown, DESCRIPTION_LIMIT - EMBED_MARGIN, ", "):
        embeds.append(
            discord.Embed(
                title=f"Not logged this week ({len(names)})", description=block, colour=COLOUR
            )
        )
    return embeds


def _mentions(report: DigestReport, settings: GuildSettings) -> list[str]:
    """Content blocks that mention the members who have not logged, allow a mention, and
    logged within the last four weeks (`bot.domain.digest.MENTION_WITHIN`)."""
    ids = (
        [
            m.user_id
            for m in report.not_logged
            if m.allows_mentions and m.user_id in report.lapsed_recently
        ]
        if settings.mentions
        else []
    )
    if not ids:
        return []
    words = ["A nudge to log this week:", *(f"<@{user_id}>" for user_id in ids)]
    return _chunks(words, CONTENT_LIMIT, " ")


def pages(report: DigestReport, settings: GuildSettings, *, late: bool = False) -> list[Page]:
    """The digest as messages to post in order: an empty week is one short line, or nothing
    at all for a server that chose to stay quiet."""
    if report.empty and settings.empty_week is EmptyWeek.QUIET:
        return []
    label = week_label(report)
    contents = _mentions(report, settings)
    result = _paged(report, label, late, settings.digest_detail)
    if report.empty:
        # A quiet week is one short line, with the same plain list of names as other weeks.
        result[0].content = (
            f"**NetGain weekly digest, {label}:** a quiet week, nobody logged. "
            "`/log followers … following …` gets next week going."
        )
    if contents:
        last = result[-1]
        joined = f"{last.content}\n{contents[0]}" if last.content else contents[0]
        if len(joined) <= CONTENT_LIMIT:
            last.content = joined
        else:
            result.append(Page(content=contents[0]))
        result.extend(Page(content=content) for content in contents[1:])
    return result


def _paged(report: DigestReport, label: str, late: bool, detail: DigestDetail) -> list[Page]:
    grouped: list[list[discord.Embed]] = [[]]
    for embed in _embeds(report, late, f"NetGain weekly digest · {label}", detail):
        current = grouped[-1]
        total = sum(len(e) for e in current) + len(embed) + EMBED_MARGIN
        if current and (len(current) >= MESSAGE_EMBEDS or total > MESSAGE_EMBED_CHARS):
            grouped.append([embed])
        else:
            current.append(embed)
    result = [Page(embeds=group) for group in grouped]
    for number, page in enumerate(result, start=1):
        if not page.embeds:
            continue  # a quiet week in a server where nobody is left to list
        page.embeds[-1].set_footer(
            text=f"NetGain · week of {label} · page {number} of {len(result)}"
        )
    return result


async def attach_chart(report: DigestReport, pages: list[Page]) -> None:
    """Draw the community's last weeks (in a worker thread) onto the digest's first page."""
    if report.empty or not pages or not pages[0].embeds or not report.weeks:
        return
    title = f"Community · last {len(report.weeks)} weeks"
    try:
        chart = await charts.draw(charts.community_chart, report.weeks, title, report.timezone)
    except Exception:  # the digest goes out without its chart rather than not at all
        log.exception("Could not draw the community chart for the digest of %s", report.week)
        return
    first = pages[0]
    first.chart = chart
    first.embeds[0].set_image(url=f"attachment://{chart.filename}")
