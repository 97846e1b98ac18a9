"""The leaderboard reads what its measures need, on both backends: the consistency board's
streaks are the ones /net shows, however long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.leaderboard import Measure
from bot.domain.models import Period, ReadingDraft
from bot.usecases import tracking
from bot.usecases.leaderboard import leaderboard

GUILD, ALEX, SAM = 9001, 301, 302
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday


async def test_a_streak_longer_than_a_year_is_ranked_whole(storage: Any) -> None:
    for back in range(70):  # seventy weeks in a row, this one included
        draft = ReadingDraft(ALEX, GUILD, None, 1_000 + back, 10)
        await tracking.log_reading(storage, draft, now=NOW - timedelta(weeks=back), confirmed=True)
    for back in range(3):
        draft = ReadingDraft(SAM, GUILD, None, 500 + back, 10)
        await tracking.log_reading(storage, draft, now=NOW - timedelta(weeks=back), confirmed=True)
    found = await leaderboard(
        storage,
        guild_id=GUILD,
        viewer_id=SAM,
        measure=Measure.CONSISTENCY,
        platform=None,
        period=Period.WEEK,
        now=NOW,
    )
    assert [(entry.member.user_id, entry.value) for entry in found.board.ranked] == [
        (ALEX, 70),
        (SAM, 3),
    ]
