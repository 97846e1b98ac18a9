"""The insights' words, shared by /net, /post, the digest and the reminders: engagement
beside its rough benchmark, posting against the target, goal progress and its estimate, drop
alerts, and the charts' titles and attachments."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import discord

from bot import format as fmt
from bot.charts import Chart
from bot.domain.engagement import Benchmark, Engagement, has_benchmarks
from bot.domain.goals import NeedsReadings, NotAtPace, Progress, Projection, Reached
from bot.domain.metrics import Growth
from bot.domain.purges import Drop
from bot.domain.summaries import Posting


def benchmark_text(engagement: Engagement) -> str:
    """The rough benchmark for the member's size, labelled as the estimate it is."""
    bench = engagement.benchmark
    if not has_benchmarks(engagement.platform):
        return f"No rough benchmark for {engagement.platform.label} yet."
    if bench is None:
        return "Rough benchmark: log your followers with `/log` to see the one for your size."
    return (
        f"Rough benchmark (estimate) for {engagement.platform.label} creators "
        f"{bench.tier}: {benchmark_span(bench)} by views"
    )


def benchmark_span(bench: Benchmark) -> str:
    """'about 8%+', 'about 5–8%'."""
    low = f"{bench.low * 100:g}"
    if bench.high is None:
        return f"about {low}%+"
    return f"about {low}–{bench.high * 100:g}%"


def engagement_text(engagement: Engagement) -> str:
    """Both engagement rates over the member's last posts, beside the rough benchmark."""
    over = fmt.plural(engagement.posts, "post")
    by_views = fmt.rate(engagement.by_views)
    if engagement.by_views is None:
        by_views += " (no views yet)"
    by_followers = fmt.rate(engagement.by_followers)
    if engagement.by_followers is None:
        by_followers = "needs a `/log` reading from before your posts"
    return (
        f"By views **{by_views}** · by followers **{by_followers}** "
        f"(last {over})\n{benchmark_text(engagement)}"
    )


def posting_text(found: Posting, *, yours: bool) -> str:
    """Posts this week against the target, and the posting streak in weeks."""
    line = f"**{found.this_week} of {found.target}** posts this week"
    if found.streak:
        line += (
            f" · posting streak **{fmt.plural(found.streak, 'week')}** with {found.target}+ posts"
        )
    elif yours:
        line += f" · {found.target} posts in a week start a posting streak"
    return line


BAR_SLOTS = 10


def progress_bar(share: float) -> str:
    """'██████░░░░': how far along, in ten slots (a slot fills only when fully reached)."""
    filled = min(BAR_SLOTS, int(share * BAR_SLOTS))
    return "█" * filled + "░" * (BAR_SLOTS - filled)


def projection_text(found: Projection, tz: ZoneInfo, *, yours: bool) -> str:
    """When the goal may be reached, labelled as the estimate it is; or why there is no date."""
    zone = fmt.zone_note(tz, not yours)
    if isinstance(found, Reached):
        return f"Reached 🎉 with {fmt.count(found.reading.followers)} followers " + (
            f"{fmt.timestamp(found.reading.taken_at, 'R')}."
        )
    if isinstance(found, NeedsReadings):
        needs = []
        if found.readings:
            needs.append(f"{fmt.plural(found.readings, 'more reading')}")
        if found.log_after is not None:
            needs.append(f"a reading on or after {fmt.day(found.log_after)}{zone}")
        return (
            "An estimated date needs 3 readings over at least 7 days within the last 28 days: "
            f"{' and '.join(needs)}."
        )
    if isinstance(found, NotAtPace):
        if found.daily <= 0:
            return (
                "Not at the current pace: followers did not grow over the last 28 days, so "
                "there is no date to estimate."
            )
        return (
            f"Not at the current pace: at {fmt.signed(round(found.daily))} followers a day it "
            "is more than 10 years away."
        )
    label = "estimate"
    if found.latest is None:
        label += f"; from {fmt.day(found.earliest)} at the fastest recent week's pace, later at "
        label += "the slowest"
    elif found.earliest != found.latest:
        label += (
            f"; {fmt.day(found.earliest)} to {fmt.day(found.latest)} at the fastest and slowest "
            "recent weeks' pace"
        )
    return (
        f"**Around {fmt.day(found.day)}**{zone} ({label}), at about "
        f"{fmt.signed(round(found.daily))} followers a day over the last 28 days."
    )


def goal_text(progress: Progress, tz: ZoneInfo, *, yours: bool) -> str:
    goal = progress.goal
    return (
        f"{progress_bar(progress.share)} **{progress.share * 100:.0f}%** · "
        f"{fmt.count(progress.current)} of {fmt.count(goal.followers)} followers\n"
        f"{projection_text(progress.projection, tz, yours=yours)}"
    )


def chart_file(chart: Chart) -> discord.File:
    """The chart as an attachment, its alt text as the attachment's description."""
    return discord.File(
        io.BytesIO(chart.png), filename=chart.filename, description=chart.description
    )


def drop_text(drop: Drop) -> str:
    """The drop alert under /log's reply: how much, and what it may be."""
    pct = Growth(drop.before.followers, drop.after.followers).pct
    return (
        f"Followers fell **{fmt.signed(drop.change)}** ({fmt.pct(pct)}) since your previous "
        "reading. If it's not a typo, platforms sometimes remove inactive accounts from "
        "everyone at once: when several members here drop together, the weekly digest says "
        "so, and it doesn't count against your streak or goal."
    )
