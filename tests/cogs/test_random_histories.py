"""A handful of random histories driven end to end: /log with backfills in any order, then
/net's week-by-week figures and streak checked against the reference in
tests/bot/test_rules_reference.py (the property tests there cover thousands more cases on
the domain functions alone)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import format as fmt
from bot.domain.models import Platform, Reading, Source
from bot.domain.rules import Missing
from tests.bot.test_rules_reference import ref_growth, ref_streak, ref_week
from tests.conftest import World
from tests.support.db import query

DAY = 86_400
# Around the March and April DST changes of New York, Havana, Berlin, Beirut, Santiago, Cairo.
ZONES = ["America/New_York", "America/Havana", "Europe/Berlin", "Asia/Beirut", "America/Santiago"]


def expected_line(readings: list[Reading], monday: date, zone: ZoneInfo, current: bool) -> str:
    label = fmt.week(monday) + (" (so far)" if current else "")
    found = ref_growth(readings, Platform.TIKTOK, monday, zone)
    if found is Missing.NO_READING:
        return f"{label}: no reading"
    if isinstance(found, Missing):
        return f"{label}: first reading"
    by_id = {r.id: r for r in readings}
    first, last = by_id[found[0]].followers, by_id[found[1]].followers
    delta = last - first
    pct = fmt.pct(delta / first if first else None)
    return f"{label}: **{fmt.signed(delta)}** ({pct})"


@pytest.mark.parametrize("seed", range(5))
async def test_net_agrees_with_the_reference_on_a_random_history(world: World, seed: int) -> None:
    rng = random.Random(seed)
    zone_name = rng.choice(ZONES)
    zone = ZoneInfo(zone_name)
    await world.alice.slash(world.channel, "me", timezone=zone_name)
    await world.env.advance_time(118 * DAY + rng.randrange(DAY))  # late April 2026
    today = world.env.now().astimezone(zone).date()
    days = sorted(rng.sample(range(1, 60), rng.randrange(3, 9)))
    skipped = {rng.choice(days)}  # a gap, filled in later by a backfill (or not)
    followers = 1000
    plan = []
    for back in reversed(days):
        followers += rng.randrange(-20, 40)
        plan.append((today - timedelta(days=back), followers))
    # Backfills arrive in any order.
    rng.shuffle(plan)
    for day, count in plan:
        if day in skipped and rng.random() < 0.5:
            continue
        result = await world.alice.slash(
            world.channel, "log", followers=count, following=100, date=day.isoformat()
        )
        assert not result.ephemeral, result.response.content
    if rng.random() < 0.7:  # sometimes a reading this week too
        await world.alice.slash(world.channel, "log", followers=followers + 5, following=100)

    rows = query(world.db_path, "SELECT id, taken_at, followers FROM readings ORDER BY id")
    readings = [
        Reading(
            id_, 1, Platform.TIKTOK, datetime.fromtimestamp(at, UTC), n, 100, Source.SELF_REPORTED
        )
        for id_, at, n in rows
    ]
    shown = await world.alice.slash(world.channel, "net")
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    *lines, zone_line = fields["Last weeks at a glance"].splitlines()
    assert zone_line == f"_Weeks run Monday to Sunday, {zone_name} time._"

    now = world.env.now()
    this_week = ref_week(now, zone)
    first_week = ref_week(min(r.taken_at for r in readings), zone)
    mondays = [this_week - timedelta(weeks=back) for back in range(6)]
    expected = [
        expected_line(readings, monday, zone, monday == this_week)
        for monday in mondays
        if monday >= first_week
    ]
    assert lines == expected
    streak = ref_streak(readings, zone, this_week)
    if streak:
        assert fields["Logging streak"].startswith(f"**{fmt.plural(streak, 'week')}**")
    else:
        assert fields["Logging streak"].startswith("None running")
