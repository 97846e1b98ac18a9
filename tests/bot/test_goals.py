"""Goals and projections (bot/domain/goals.py) against hand-worked cases and a reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.goals import (
    Estimate,
    Goal,
    NeedsReadings,
    NotAtPace,
    Reached,
    first_reached,
    progress,
    project,
)
from bot.domain.models import Platform, Reading, Source

UTC_ZONE = ZoneInfo("UTC")
# Monday 2 Nov 2026, 12:00 UTC.
MONDAY = datetime(2026, 11, 2, 12, tzinfo=UTC)
SET = MONDAY - timedelta(days=60)
GOAL = Goal(1, Platform.TIKTOK, 1_500, SET)


def at(day: float, followers: int, reading_id: int | None = None) -> Reading:
    moment = MONDAY + timedelta(days=day)
    return Reading(
        reading_id if reading_id is not None else int(day * 100) + 10_000,
        1,
        Platform.TIKTOK,
        moment,
        followers,
        100,
        Source.SELF_REPORTED,
    )


def test_steady_growth_gives_a_date_and_a_range_from_the_weeks() -> None:
    # +10 a day for two weeks, then +20 a day for the third: average over 21 days.
    readings = [at(0, 1_000), at(7, 1_070), at(14, 1_140), at(21, 1_280)]
    now = MONDAY + timedelta(days=21, hours=1)
    found = project(GOAL, readings, now, UTC_ZONE)
    assert isinstance(found, Estimate)
    assert found.daily == 280 / 21
    # 220 to go at 280/21 a day = 16.5 days after the latest reading (Mon 23 Nov 12:00).
    assert found.day == date(2026, 12, 10)
    # The fastest week ran at 20 a day (11 days), the slowest at 10 a day (22 days).
    assert found.earliest == date(2026, 12, 4)
    assert found.latest == date(2026, 12, 15)
    assert found.earliest <= found.day <= found.latest


def test_a_member_who_only_lost_followers_is_not_at_the_current_pace() -> None:
    readings = [at(0, 1_200), at(4, 1_150), at(9, 1_100)]
    found = project(GOAL, readings, MONDAY + timedelta(days=10), UTC_ZONE)
    assert isinstance(found, NotAtPace)
    assert found.daily < 0
    flat = [at(0, 1_200), at(4, 1_200), at(9, 1_200)]
    assert isinstance(project(GOAL, flat, MONDAY + timedelta(days=10), UTC_ZONE), NotAtPace)


def test_a_slowest_week_that_lost_followers_leaves_the_range_open() -> None:
    # The week of 2 Nov grew (+300); the week of 9 Nov lost (1,300 -> 1,240).
    readings = [at(0, 1_000), at(3, 1_300), at(8, 1_250), at(10, 1_240)]
    found = project(GOAL, readings, MONDAY + timedelta(days=10, hours=1), UTC_ZONE)
    assert isinstance(found, Estimate)
    assert found.latest is None  # the latest week lost followers: no "slowest" date


def test_too_few_readings_says_how_many_more_and_until_when() -> None:
    now = MONDAY + timedelta(days=2)
    assert project(GOAL, [at(0, 1_000)], now, UTC_ZONE) == NeedsReadings(2, date(2026, 11, 9))
    assert project(GOAL, [at(0, 1_000), at(1, 1_010)], now, UTC_ZONE) == NeedsReadings(
        1, date(2026, 11, 9)
    )
    # Three readings, but over two days: one more, a week after the first.
    three = [at(0, 1_000), at(1, 1_010), at(2, 1_020)]
    assert project(GOAL, three, now, UTC_ZONE) == NeedsReadings(0, date(2026, 11, 9))
    # Enough readings over enough days, but older than 28 days, do not count.
    old = [at(-40, 900), at(-35, 950), at(-30, 990), at(0, 1_000)]
    assert project(GOAL, old, now, UTC_ZONE) == NeedsReadings(2, date(2026, 11, 9))


def test_a_reading_that_reaches_the_goal_reaches_it_and_a_drop_below_undoes_that() -> None:
    readings = [at(0, 1_400), at(3, 1_510)]
    found = project(GOAL, readings, MONDAY + timedelta(days=4), UTC_ZONE)
    assert isinstance(found, Reached) and found.reading.followers == 1_510
    later = [*readings, at(5, 1_490)]
    assert not isinstance(project(GOAL, later, MONDAY + timedelta(days=6), UTC_ZONE), Reached)
    # The moment it counts as reached (for the digest) stays the first time.
    reached = first_reached(GOAL, later)
    assert reached is not None and reached.followers == 1_510
    # A reading from before the goal was set does not reach it.
    assert first_reached(Goal(1, Platform.TIKTOK, 1_500, MONDAY + timedelta(days=4)), later) is None


def test_a_purge_drop_does_not_count_against_the_pace() -> None:
    drop = at(8, 1_030, reading_id=77)
    readings = [at(0, 1_000), at(7, 1_070), drop, at(14, 1_100)]
    now = MONDAY + timedelta(days=14, hours=1)
    plain = project(GOAL, readings, now, UTC_ZONE)
    excused = project(GOAL, readings, now, UTC_ZONE, excused={77})
    assert isinstance(plain, Estimate) and isinstance(excused, Estimate)
    assert plain.daily == 100 / 14
    assert excused.daily == 140 / 14  # the 40 lost in the purge are added back
    assert excused.day < plain.day


def test_progress_is_the_latest_count_over_the_target() -> None:
    found = progress(GOAL, [at(0, 600), at(8, 750)], MONDAY + timedelta(days=9), UTC_ZONE)
    assert found is not None and found.current == 750 and found.share == 0.5
    assert progress(GOAL, [], MONDAY, UTC_ZONE) is None


# ---- a reference over random histories ---------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.integers(0, 60 * 24 * 40), st.integers(0, 3_000)), min_size=1, max_size=12
    ),
    st.integers(1, 4_000),
    st.integers(0, 60 * 24 * 5),
)
def test_projection_matches_the_reference(
    points: list[tuple[int, int]], target: int, after: int
) -> None:
    readings = sorted(
        (
            Reading(i, 1, Platform.TIKTOK, SET + timedelta(minutes=m), f, 0, Source.SELF_REPORTED)
            for i, (m, f) in enumerate(points)
        ),
        key=lambda r: (r.taken_at, r.id),
    )
    now = readings[-1].taken_at + timedelta(minutes=after)
    goal = Goal(1, Platform.TIKTOK, target, SET)
    found = project(goal, readings, now, UTC_ZONE)
    latest = readings[-1]
    if latest.followers >= target:
        assert isinstance(found, Reached)
        return
    window = [r for r in readings if now - r.taken_at <= timedelta(days=28)]
    if len(window) < 3 or window[-1].taken_at - window[0].taken_at < timedelta(days=7):
        assert isinstance(found, NeedsReadings)
        assert found.readings == max(0, 3 - len(window))
        return
    days = (window[-1].taken_at - window[0].taken_at).total_seconds() / 86_400
    daily = (window[-1].followers - window[0].followers) / days
    if daily <= 0 or (target - latest.followers) / daily > 3650:
        assert isinstance(found, NotAtPace)
        return
    assert isinstance(found, Estimate)
    assert abs(found.daily - daily) < 1e-9
    expected = (latest.taken_at + timedelta(days=(target - latest.followers) / daily)).date()
    assert found.day == expected
    assert found.earliest <= found.day
    assert found.latest is None or found.day <= found.latest
