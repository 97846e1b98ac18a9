"""Build a server's weekly digest: its members' numbers for one week, from storage.

Posting it exactly once (the claim, the pages, the takeover) is the digest cog's poster, which
calls this for what to post.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain.digest import DigestReport, build_report
from bot.domain.rules import week_bounds
from bot.domain.schedule import GuildSettings
from bot.domain.series import COMMUNITY_WEEKS
from storage.ports_scheduled import DigestsPort

# Readings this far back come along, so a streak can be counted for up to a year: as whole
# readings only from the week's start (and the few its figures reach back to), as follower
# counts over the chart's weeks, and as instants for the rest.
HISTORY = timedelta(weeks=53)


async def build_digest(
    digests: DigestsPort, settings: GuildSettings, week: date, now: datetime
) -> DigestReport:
    """The digest of the server's local week starting `week`, with what is known at `now`."""
    tz = settings.timezone
    start, end = week_bounds(week, tz)
    chart_start, _ = week_bounds(week - timedelta(weeks=COMMUNITY_WEEKS - 1), tz)
    data = await digests.digest_data(
        settings.guild_id,
        tz,
        start - HISTORY,
        min(now, end),
        full_since=start,
        chart_since=chart_start,
    )
    return build_report(
        data.members,
        data.readings,
        week,
        start,
        end,
        tz,
        data.posts,
        data.goals,
        data.taken,
        data.traces,
    )
