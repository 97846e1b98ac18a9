"""The words of reminder DMs and mid-week nudges, from the figures the domain decided on."""

from __future__ import annotations

from datetime import datetime

from bot import format as fmt
from bot.domain.reminders import MidWeek, ReminderCandidate
from bot.domain.rules import Change, Missing, NudgeKind
from cogs.tracking.insights import benchmark_span

STOP_HINT = "(`/me reminders:off` stops these reminders.)"


def consistency_text(candidate: ReminderCandidate, now: datetime) -> str:
    assert candidate.last_reading is not None
    days = (now - candidate.last_reading).days
    return (
        f"You haven't logged your counts for {fmt.plural(days, 'day')} (last: "
        f"{fmt.timestamp(candidate.last_reading, 'R')}). Read them off your profile and run "
        "`/log followers … following …` so your streak and the weekly digest keep counting. "
        + ("This is the last reminder until you log again. " if candidate.last_consistency else "")
        + STOP_HINT
    )


_ADVICE = {
    NudgeKind.NO_POSTS: (
        "No new post this week yet: put your next two posts in your calendar now, on your "
        "best days."
    ),
    NudgeKind.STALLED: (
        "Growth is flat this week: plan a collaboration with another creator (a duet, a "
        "stitch or a shared live)."
    ),
    NudgeKind.MOMENTUM: "You're growing: post again at the times that worked this week.",
}


def engagement_text(found: MidWeek | None) -> str | None:
    """The mid-week nudge: the week so far (the same figure as /log and /net) and advice that
    follows from the figures shown, never against them."""
    if found is None:
        return None
    lines = [f"Your week so far on {found.platform.label}: {_week_so_far(found)}"]
    if found.posts is not None:
        lines.append(f"Posts this week so far: {found.posts} of your {found.target}.")
    engagement = found.engagement
    if (
        found.nudge is NudgeKind.LOW_ENGAGEMENT
        and engagement is not None
        and engagement.benchmark is not None
    ):
        lines.append(
            f"Your engagement over your last {fmt.plural(engagement.posts, 'post')} is "
            f"{fmt.rate(engagement.by_views)} by views, under the rough benchmark (estimate) "
            f"of {benchmark_span(engagement.benchmark)} for {found.platform.label} creators "
            f"{engagement.benchmark.tier}: reply to every comment in the first hour after you "
            "post."
        )
    elif found.nudge is not None:
        lines.append(_ADVICE[found.nudge])
    elif found.growth is Missing.NO_READING:
        lines.append("Log today's numbers with `/log followers … following …` to see it.")
    lines.append(STOP_HINT)
    return "\n".join(lines)


def _week_so_far(found: MidWeek) -> str:
    growth = found.growth
    if growth is Missing.NO_READING:
        return "no reading yet this week."
    if not isinstance(growth, Change):
        return "not enough readings yet (only your first one)."
    text = f"{fmt.signed_plural(growth.growth.delta, 'follower')} ({fmt.pct(growth.growth.pct)})"
    if growth.net_change is not None:
        text += f", net followers {fmt.signed(growth.net_change)}"
    return text + "."
