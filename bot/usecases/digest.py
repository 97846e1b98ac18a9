"""Build a server's weekly digest: its members' numbers for one week, from storage.

Posting it exactly once (the claim, the pages, the takeover) is the digest cog's poster, which
calls this for what to post.

Storage sends whole readings only for the week and what its figures reach back to, the
chart's weeks kept by earlier digests, follower counts as traces from where those end (or
from where a streak base needs them), and each member's kept streak base. A member without a
base that reaches the week has their readings' instants read, and a base counted from them is
kept for the next digest; a base that lags is moved on from the instants the traces hold, and
the chart's new weeks are kept with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestReport, build_report
from bot.domain.narrowed import Narrowed
from bot.domain.periods import weeks_of
from bot.domain.rules import week_bounds
from bot.domain.schedule import GuildSettings
from bot.domain.series import COMMUNITY_WEEKS
from bot.domain.streaks import StreakBase
from storage.ports_scheduled import DigestsPort
from storage.schedules import ChartWeek, DigestData, KeptStreak

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
    traced = data.traces_since or start
    last = weeks_of(end - timedelta(seconds=1))
    bases: dict[int, StreakBase] = {}
    # A base is kept at this week for each member who had none that reaches it, and moved on
    # where it lags: counted beside their streak.
    move: set[int] = set()
    # For a base of a zone and a horizon: where it needs readings from when it is used (None
    # when not), and whether it is moved on. Members mostly share a zone and a horizon: each
    # is worked out once. The streaks need the traces from the earliest used need on.
    decided: dict[tuple[ZoneInfo, date], tuple[datetime | None, bool]] = {}
    for member in data.members:
        stored = data.streaks.get(member.user_id)
        if stored is None:
            continue
        base = stored.base
        if base is None:
            move.add(member.user_id)
            continue
        key = (member.timezone, base.horizon)
        verdict = decided.get(key)
        if verdict is None:
            this_week = last(member.timezone)
            need = base.needs_from(member.timezone) if base.reaches(this_week) else None
            if need is not None and need < traced:
                need = None  # it needs readings from before the traces: not used
            lags = this_week - base.horizon >= MOVE_BASE_AFTER
            verdict = decided[key] = (need, need is None or lags)
        need, moved = verdict
        if need is not None:
            bases[member.user_id] = base
        if moved:
            move.add(member.user_id)
    cold = [member.user_id for member in data.members if member.user_id not in bases]
    taken = await digests.streak_instants(cold, until) if cold else {}
    kept = [one.week for one in data.chart]
    narrowed = Narrowed.of(data.traces or [], bases, taken, kept, move)
    report = build_report(
        data.members, data.readings, week, start, end, tz, data.posts, data.goals, narrowed
    )
    keeping = []
    if report.moved_bases:
        keeping.append(_keep_bases(digests, data, report.moved_bases))
    # The weeks the chart worked out are kept when bases are written anyway, or when the
    # chart alone made the traces reach back further than the streaks needed: either way
    # the next digests read fewer readings.
    needed = min((need for need, _ in decided.values() if need is not None), default=start)
    if report.moved_bases or traced < needed:
        keeping.append(_keep_chart(digests, settings, data, report, until))
    # Asked together: SQLite's writer commits them in one transaction.
    await asyncio.gather(*keeping)
    return report


async def _keep_bases(
    digests: DigestsPort, data: DigestData, moved: Mapping[int, StreakBase]
) -> None:
    """Keep the bases the report counted at this week. Only a shortcut for the next digest:
    a failure is logged, never raised."""
    # Where each base splits the history (`KeptStreak.settled_before`): worked out once per
    # zone and horizon.
    splits: dict[tuple[ZoneInfo, date], datetime] = {}
    kept: list[KeptStreak] = []
    for member in data.members:
        new = moved.get(member.user_id)
        if new is None:
            continue
        key = (member.timezone, new.horizon)
        settled_before = splits.get(key)
        if settled_before is None:
            settled_before = splits[key] = new.needs_from(member.timezone)
        stored = data.streaks[member.user_id]
        kept.append(KeptStreak(member.user_id, stored.zone, new, settled_before, stored.version))
    try:
        await digests.keep_streak_bases(kept)
    except Exception:
        log.exception("Keeping %d streak bases failed; the next digest counts again", len(kept))


async def _keep_chart(
    digests: DigestsPort,
    settings: GuildSettings,
    data: DigestData,
    report: DigestReport,
    until: datetime,
) -> None:
    """Keep the chart's weeks this digest worked out and that had ended by `until`. Only a
    shortcut for the next digest: a failure is logged, never raised."""
    tz = settings.timezone
    known = {one.week.monday for one in data.chart}
    weeks = [
        ChartWeek(week, *bounds)
        for week in report.weeks
        if week.monday not in known and (bounds := week_bounds(week.monday, tz))[1] <= until
    ]
    if not weeks:
        return
    versions = {user_id: stored.version for user_id, stored in data.streaks.items()}
    try:
        await digests.keep_chart_weeks(
            settings.guild_id,
            tz.key,
            weeks,
            versions=versions,
            since=week_bounds(report.weeks[0].monday, tz)[0],
        )
    except Exception:
        log.exception("Keeping the chart's weeks of server %d failed", settings.guild_id)
