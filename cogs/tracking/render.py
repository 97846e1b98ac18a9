"""Embeds for the tracking commands, laid out to read well on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot import format as fmt
from bot.domain.free_text import NOTE_MAX
from bot.domain.models import Period, Platform, Reading, Source
from bot.domain.rules import Change, Measured, Missing
from bot.domain.summaries import NetSummary, WeekGlance
from bot.usecases.tracking import Logged
from cogs.tracking.insights import drop_text, engagement_text, goal_text, posting_text

GREEN = discord.Colour(0x2ECC71)
AMBER = discord.Colour(0xF1C40F)
BLUE = discord.Colour(0x5865F2)
HISTORY_ROWS = 20

PERIOD_LABELS = {
    Period.WEEK: "this week",
    Period.MONTH: "this month",
    Period.QUARTER: "this quarter",
    Period.YEAR: "this year",
    Period.ALL: "all time",
}


def member_embed(title: str, member: discord.abc.User, colour: discord.Colour) -> discord.Embed:
    embed = discord.Embed(title=title, colour=colour)
    embed.set_author(name=fmt.visible_text(member.display_name), icon_url=member.display_avatar.url)
    return embed


def _sources(readings: Sequence[Reading]) -> str:
    labels = sorted({reading.source.label for reading in readings})
    return "Source: " + " and ".join(labels)


# YouTube profiles show no following count, so a YouTube reading may leave it out.
NOT_SHOWN = "not on the profile"
NEEDS_FOLLOWING = "needs the following count (followers − following)"


def add_counts(embed: discord.Embed, reading: Reading) -> None:
    """Followers, following, and net followers with the ratio: the first meaning of 'net'."""
    embed.add_field(name="Followers", value=fmt.count(reading.followers))
    embed.add_field(name="Following", value=fmt.count_or(reading.following, NOT_SHOWN))
    net = reading.net
    embed.add_field(
        name="Net followers",
        value=NEEDS_FOLLOWING
        if net is None
        else f"**{fmt.count(net)}**\nratio {fmt.ratio(reading.ratio)}",
    )


def span_text(span: timedelta) -> str:
    """How far apart two readings are: '3 days', '5 hours', '2 weeks'."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    for unit, size, below in (
        ("minute", 1, 60),
        ("hour", 60, 24 * 60),
        ("day", 24 * 60, 14 * 24 * 60),
        ("week", 7 * 24 * 60, 9 * 7 * 24 * 60),
        ("month", 30 * 24 * 60, None),
    ):
        if below is None or minutes < below:
            amount = minutes // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    raise AssertionError("unreachable")


def change_text(previous: Reading | None, reading: Reading, later: Reading | None = None) -> str:
    """The change from the reading before this one by date, however far back it was logged."""
    if previous is None:
        if later is not None:
            return (
                f"Your earliest {reading.platform.label} reading so far: the next one is "
                f"{span_text(later.taken_at - reading.taken_at)} after it "
                f"({fmt.timestamp(later.taken_at, 'f')})."
            )
        return f"First {reading.platform.label} reading. Log again to see your growth."
    parts = [fmt.signed_plural(reading.followers - previous.followers, "follower")]
    if reading.following is not None and previous.following is not None:
        parts.append(f"{fmt.signed(reading.following - previous.following)} following")
    if reading.net is not None and previous.net is not None:
        parts.append(f"net {fmt.signed(reading.net - previous.net)}")
    return (
        f"{' · '.join(parts)}\n"
        f"previous reading {fmt.timestamp(previous.taken_at, 'f')}, "
        f"{span_text(reading.taken_at - previous.taken_at)} before this one"
    )


def _whose(yours: bool) -> str:
    return "your" if yours else "their"


def measured_text(
    found: Measured, *, yours: bool, missing: str, tz: ZoneInfo, reported: bool = True
) -> str:
    """Net growth over a stretch: '+150 followers (+14.3%)', and what it is measured from.

    A stretch without a reading says `missing`; one with only the very first reading says
    there are not enough readings. Neither is ever shown as zero. With `reported`, the sums
    of gained and lost read off the platform's analytics follow.
    """
    if found is Missing.NO_READING:
        return missing
    if isinstance(found, Missing):
        return (
            f"Not enough readings yet: only {_whose(yours)} first one. "
            f"Growth shows from {_whose(yours)} next log."
        )
    growth = found.growth
    since = ""
    if found.from_first_log:
        since = f" since {_whose(yours)} first log {fmt.timestamp(found.first.taken_at, 'd')}"
    elif found.start is not None:
        since = f" since {fmt.day(found.start.astimezone(tz).date())}"
    text = (
        f"**{fmt.signed(growth.delta)}** {fmt.noun(growth.delta, 'follower')} "
        f"({fmt.pct(growth.pct)}){since}\n"
        f"{fmt.count(growth.start)} → {fmt.count(growth.end)}"
    )
    if found.net_change is not None:
        text += f" · net followers {fmt.signed(found.net_change)}"
    if reported and (found.gained is not None or found.lost is not None):
        parts = []
        if found.gained is not None:
            parts.append(f"+{fmt.count(found.gained)} gained")
        if found.lost is not None:
            parts.append(f"{fmt.MINUS}{fmt.count(found.lost)} lost")
        text += f"\nReported from analytics: {' · '.join(parts)}"
    return text


def extras_text(reading: Reading) -> list[str]:
    parts = []
    if reading.profile_likes is not None:
        parts.append(f"likes {fmt.count(reading.profile_likes)}")
    if reading.profile_posts is not None:
        parts.append(f"posts {fmt.count(reading.profile_posts)}")
    if reading.gained is not None:
        parts.append(f"gained +{fmt.count(reading.gained)}")
    if reading.lost is not None:
        parts.append(f"lost {fmt.MINUS}{fmt.count(reading.lost)}")
    lines = [" · ".join(parts)] if parts else []
    if reading.note:
        lines.append(f"Note: {note_text(reading.note, NOTE_MAX)}")
    return lines


HISTORY_NOTE_MAX = 80


def note_text(note: str, limit: int = HISTORY_NOTE_MAX) -> str:
    """A member's note as plain text (no markdown or mention renders), cut with an ellipsis."""
    return fmt.plain(note, limit)


def logged(outcome: Logged, member: discord.abc.User) -> discord.Embed:
    reading = outcome.reading
    embed = member_embed(f"{reading.platform.label} reading logged", member, GREEN)
    if outcome.backfilled:
        day = reading.taken_at.astimezone(outcome.timezone).date()
        embed.description = f"Backfilled for {fmt.day(day)}"
    add_counts(embed, reading)
    embed.add_field(
        name="Change since previous reading",
        value=change_text(outcome.previous, reading, outcome.next),
        inline=False,
    )
    embed.add_field(
        name="This week",
        value=measured_text(
            outcome.week,
            yours=True,
            missing="No reading yet this week.",
            tz=outcome.timezone,
            reported=False,
        ),
        inline=False,
    )
    if outcome.drop is not None:
        embed.add_field(name="⚠️ Drop", value=drop_text(outcome.drop), inline=False)
    extras = extras_text(reading)
    if extras:
        embed.add_field(name="Also logged", value="\n".join(extras), inline=False)
    embed.set_footer(text=f"{_sources([reading])} · /net for growth · /undo to remove it")
    embed.timestamp = reading.taken_at
    return embed


def totals_text(latest: Sequence[Reading]) -> str:
    """Each platform's latest followers and net followers, and the combined total."""
    lines = [
        f"{r.platform.label}: {fmt.count(r.followers)} followers · "
        f"net {fmt.count_or(r.net, 'needs following')}"
        for r in latest
    ]
    followers = sum(r.followers for r in latest)
    known = [r.net for r in latest if r.net is not None]
    combined = f"**Combined: {fmt.count(followers)} followers"
    if known:
        combined += f" · net {fmt.count(sum(known))}"
        if len(known) < len(latest):
            combined += " (platforms with a following count)"
    lines.append(combined + "**")
    return "\n".join(lines)


def net(
    summary: NetSummary,
    member: discord.abc.User,
    *,
    yours: bool,
    latest_everywhere: Sequence[Reading] = (),
) -> discord.Embed:
    """`latest_everywhere`: the latest reading on each platform, when no platform was named."""
    latest = summary.latest
    embed = member_embed(f"Net followers · {latest.platform.label}", member, BLUE)
    embed.description = f"Latest reading {fmt.timestamp(latest.taken_at, 'R')}"
    net = latest.net
    embed.add_field(
        name="Net followers (followers − following)",
        value=(
            f"{fmt.count(latest.followers)} followers; net followers {NEEDS_FOLLOWING}: "
            f"log it with `/log followers {latest.followers} following …` if you know it."
            if net is None or latest.following is None
            else f"**{fmt.count(net)}** = {fmt.count(latest.followers)} − "
            f"{fmt.count(latest.following)} · ratio {fmt.ratio(latest.ratio)}"
        ),
        inline=False,
    )
    label = PERIOD_LABELS[summary.period]
    embed.add_field(
        name=f"Net growth {label}",
        value=measured_text(
            summary.growth,
            yours=yours,
            missing=f"No reading {label}: not enough readings.",
            tz=summary.timezone,
        ),
        inline=False,
    )
    embed.add_field(
        name="Last weeks at a glance",
        value=f"{glance_text(summary.weeks)}\n{zone_line(summary.timezone)}",
        inline=False,
    )
    if len(latest_everywhere) >= 2:
        embed.add_field(
            name=f"All {_whose(yours)} platforms",
            value=totals_text(latest_everywhere),
            inline=False,
        )
    embed.add_field(name="Logging streak", value=streak_text(summary.streak, yours), inline=False)
    if summary.posting is not None:
        embed.add_field(
            name="Posting", value=posting_text(summary.posting, yours=yours), inline=False
        )
    if summary.goal is not None:
        target = fmt.count(summary.goal.goal.followers)
        embed.add_field(
            name=f"Goal · {target} {latest.platform.label} followers",
            value=goal_text(summary.goal, summary.timezone, yours=yours),
            inline=False,
        )
    if summary.engagement is not None:
        embed.add_field(
            name=f"Engagement · {latest.platform.label}",
            value=engagement_text(summary.engagement),
            inline=False,
        )
    readings = [w.growth.last for w in summary.weeks if isinstance(w.growth, Change)] or [latest]
    embed.set_footer(text=f"{_sources(readings)} · growth % is of the followers at the start")
    return embed


def streak_text(streak: int, yours: bool) -> str:
    """A logging streak in weeks (`bot.domain.rules.logging_streak`)."""
    if streak == 0:
        return "None running. A reading this week starts one." if yours else "None running."
    return f"**{fmt.plural(streak, 'week')}** in a row with a reading."


def zone_line(tz: ZoneInfo) -> str:
    """Names the zone calendar weeks are counted in, which may not be the reader's."""
    return f"_Weeks run Monday to Sunday, {tz.key} time._"


def glance_text(weeks: Sequence[WeekGlance]) -> str:
    """One line per week, newest first (weeks as plain dates in the zone they are counted in)."""
    lines = []
    for week in weeks:
        label = fmt.week(week.monday)
        if week.current:
            label += " (so far)"
        found = week.growth
        if found is Missing.NO_READING:
            lines.append(f"{label}: no reading")
        elif isinstance(found, Missing):
            lines.append(f"{label}: first reading")
        else:
            growth = found.growth
            lines.append(f"{label}: **{fmt.signed(growth.delta)}** ({fmt.pct(growth.pct)})")
    return "\n".join(lines)


def history(
    readings: Sequence[Reading],
    *,
    member: discord.abc.User,
    platform: Platform,
    period: Period,
    start: datetime | None,
    found: Measured,
    yours: bool,
    tz: ZoneInfo,
) -> discord.Embed:
    """The readings in the period, newest first, each with its change from the one before."""
    embed = member_embed(f"History · {platform.label} · {PERIOD_LABELS[period]}", member, BLUE)
    first_shown = next(
        (i for i, r in enumerate(readings) if start is None or r.taken_at >= start), len(readings)
    )
    shown = readings[first_shown:]
    rows = []
    for index in range(len(readings) - 1, max(first_shown, len(readings) - HISTORY_ROWS) - 1, -1):
        reading = readings[index]
        before = readings[index - 1] if index else None
        change = f" ({fmt.signed(reading.followers - before.followers)})" if before else ""
        row = (
            f"{fmt.timestamp(reading.taken_at, 'd')} **{fmt.count(reading.followers)}**{change}"
            f" · following {fmt.count_or(reading.following)} · net {fmt.count_or(reading.net)}"
        )
        if reading.source is not Source.SELF_REPORTED:
            row += f" · {reading.source.label}"
        if reading.note:
            row += f"\n  ↳ {note_text(reading.note)}"
        rows.append(row)
    embed.description = "\n".join(rows) or "No readings in this period."
    embed.add_field(
        name="Net growth",
        value=measured_text(
            found,
            yours=yours,
            missing="No reading in this period: not enough readings.",
            tz=tz,
        ),
        inline=False,
    )
    footer = _sources(shown or readings[-1:])
    if len(shown) > HISTORY_ROWS:
        footer += f" · showing the latest {HISTORY_ROWS} of {len(shown)} readings"
    embed.set_footer(text=footer)
    return embed


CHART_NAME_MAX = 40


def chart_title(platform: Platform, member: discord.abc.User, period: Period) -> str:
    """'TikTok · alex · this month', with the name's control characters left out, cut to fit."""
    shown = fmt.visible_text(member.display_name, CHART_NAME_MAX)
    return f"{platform.label} · {shown} · {PERIOD_LABELS[period]}"
