"""Build a server's weekly digest: its members' numbers for one week, from storage.

Posting it exactly once (the claim, the pages, the takeover) is the digest cog's poster, which
calls this for what to post.

Storage sends whole readings only for the week and what its figures reach back to, the
chart's follower counts as traces, and each member's kept streak base. A member without a
base that reaches the week has their readings' instants read, and a base counted from them is
kept for the next digest; a base that lags is moved on from the instants the traces hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestReport, Narrowed, build_report
from bot.domain.periods import weeks_of
from bot.domain.rules import week_bounds
from bot.domain.schedule import GuildSettings
from bot.domain.series import COMMUNITY_WEEKS
from bot.domain.streaks import StreakBase, streak_base
from storage.ports_scheduled import DigestsPort
from storage.schedules import DigestData, KeptStreak

log = logging.getLogger(__name__)

# Posts are read this far back, beside each member's last ones (`DigestsPort.digest_data`).
HISTORY = timedelta(weeks=53)
# A kept streak base this many weeks behind the digest's week is moved on, so that it always
# needs only readings the chart's traces hold.
MOVE_BASE_AFTER = timedelta(weeks=3)


async def build_digest(
    digests: DigestsPort, settings: GuildSettings, week: date, now: datetime
) -> DigestReport:
    """The digest of the server's local week starting `week`, with what is known at `now`."""
    tz = settings.timezone
    start, end = week_bounds(week, tz)
    chart_start, _ = week_bounds(week - timedelta(weeks=COMMUNITY_WEEKS - 1), tz)
    until = min(now, end)
    data = await digests.digest_data(
        settings.guild_id, tz, start - HISTORY, until, full_since=start, chart_since=chart_start
    )
    last = weeks_of(end - timedelta(seconds=1))
    bases: dict[int, StreakBase] = {}
    for member in data.members:
        stored = data.streaks.get(member.user_id)
        base = None if stored is None else stored.base
        if (
            base is not None
            and base.reaches(last(member.timezone))
            and base.needs_from(member.timezone) > chart_start
        ):
            bases[member.user_id] = base
    cold = [member.user_id for member in data.members if member.user_id not in bases]
    taken = await digests.streak_instants(cold, until) if cold else {}
    narrowed = Narrowed.of(data.traces or [], bases, taken)
    report = build_report(
        data.members, data.readings, week, start, end, tz, data.posts, data.goals, narrowed
    )
    await _keep_bases(digests, data, narrowed, last)
    return report


async def _keep_bases(
    digests: DigestsPort, data: DigestData, narrowed: Narrowed, last: Callable[[ZoneInfo], date]
) -> None:
    """Keep a base at this week for each member who had none that reached it, and move on
    those that lag. Only a shortcut for the next digest: a failure is logged, never raised."""
    kept: list[KeptStreak] = []
    for member in data.members:
        stored = data.streaks.get(member.user_id)
        if stored is None:
            continue
        horizon = last(member.timezone)
        old = narrowed.bases.get(member.user_id)
        if old is not None and horizon - old.horizon < MOVE_BASE_AFTER:
            continue
        new = streak_base(narrowed.instants.get(member.user_id, ()), member.timezone, horizon, old)
        settled_before = week_bounds(horizon, member.timezone)[0]
        kept.append(KeptStreak(member.user_id, stored.zone, new, settled_before, stored.version))
    if not kept:
        return
    try:
        await digests.keep_streak_bases(kept)
    except Exception:
        log.exception("Keeping %d streak bases failed; the next digest counts again", len(kept))
