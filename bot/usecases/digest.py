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

# Readings this far back come along, so a streak can be counted for up to a year...
HISTORY = timedelta(weeks=53)
# ...but as whole readings only from here on: the week, the chart's last weeks before it
# (`bot.domain.series.COMMUNITY_WEEKS`), and one more; older ones as instants, for streaks.
FULL_READINGS = timedelta(weeks=COMMUNITY_WEEKS + 1)


async def build_digest(
    digests: DigestsPort, settings: GuildSettings, week: date, now: datetime
) -> DigestReport:
    """The digest of the server's local week starting `week`, with what is known at `now`."""
    start, end = week_bounds(week, settings.timezone)
    data = await digests.digest_data(
        settings.guild_id,
        settings.timezone,
        start - HISTORY,
        min(now, end),
        full_since=start - FULL_READINGS,
    )
    return build_report(
        data.members,
        data.readings,
        week,
        start,
        end,
        settings.timezone,
        data.posts,
        data.goals,
        data.taken,
    )
