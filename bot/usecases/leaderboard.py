"""The leaderboard: a server's members ranked over a calendar period in the server's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.leaderboard import Board, Measure, build_board
from bot.domain.models import Period, Platform
from bot.domain.periods import period_bounds
from bot.domain.records import record
from bot.usecases.digest import HISTORY
from storage.ports_scheduled import DigestsPort, SettingsPort

# The first instant any history is read from for "all time".
BEGINNING = datetime(2004, 1, 1, tzinfo=ZoneInfo("UTC"))


@record
class Leaderboard:
    board: Board
    period: Period
    start: datetime | None
    timezone: ZoneInfo  # the server's: the period is counted in it


class Ports(DigestsPort, SettingsPort, Protocol):
    """What the leaderboard reads."""


async def leaderboard(
    storage: Ports,
    *,
    guild_id: int,
    viewer_id: int,
    measure: Measure,
    platform: Platform | None,
    period: Period,
    now: datetime,
) -> Leaderboard:
    tz = (await storage.guild_settings(guild_id)).timezone
    start, end = period_bounds(period, now, tz)
    until = now if end is None else min(now, end)
    # Readings before the period give its starting point. The streak needs every reading, as
    # /net counts it: a year of them would cut a longer one short.
    if start is None or measure is Measure.CONSISTENCY:
        since = BEGINNING
    else:
        since = min(start, now - HISTORY)
    data = await storage.digest_data(guild_id, tz, since, until)
    board = build_board(
        data.members,
        data.readings,
        data.posts,
        measure=measure,
        platform=platform,
        start=start,
        end=until + timedelta(seconds=1),
        now=now,
        viewer_id=viewer_id,
    )
    return Leaderboard(board, period, start, tz)
