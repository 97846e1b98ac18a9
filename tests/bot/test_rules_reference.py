"""The product's rules against a small independent reference, over random histories.

The reference below is plain Python over an unsorted list of readings, written from
PRODUCT.md's wording ("Rules that are easy to get wrong") without the domain's helpers: weeks
are found by comparing instants with local Monday midnights, "before" and "inside" by week,
readings by scanning. Histories mix platforms, zones with DST changes (including ones whose
clocks skip or repeat midnight), backfills in any order, and gaps of weeks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.digest import DigestMember, build_report
from bot.domain.models import Platform, Reading, Source
from bot.domain.rules import (
    Change,
    Missing,
    growth_over,
    logging_streak,
    logging_streak_of,
    week_bounds,
    week_of,
    week_to_date,
)
from bot.domain.series import COMMUNITY_WEEKS, CommunityWeek, Trace, community_weeks
from bot.domain.streaks import StreakBase, logging_streak_and_base
from bot.domain.summaries import glance

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "America/Santiago",  # skips Sunday 00:00 in September, repeats Saturday 23:00 in April
    "America/Havana",
    "Asia/Beirut",
    "Atlantic/Azores",
    "Africa/Cairo",
    "Australia/Lord_Howe",  # a half-hour DST change
    "Asia/Kolkata",
]
PLATFORMS = [Platform.TIKTOK, Platform.INSTAGRAM, Platform.YOUTUBE]
ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 60 * 24 * 7 * 52  # histories spread over a year, so every DST change is crossed


# ---- the reference ---------------------------------------------------------------------------


def ref_monday_midnight(monday: date, tz: ZoneInfo) -> datetime:
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz)


def ref_week(moment: datetime, tz: ZoneInfo) -> date:
    """The Monday whose local midnight-to-midnight week holds the instant."""
    local_date = moment.astimezone(tz).date()
    guess = local_date - timedelta(days=local_date.weekday())
    for monday in (guess - timedelta(days=7), guess, guess + timedelta(days=7)):
        start = ref_monday_midnight(monday, tz)
        end = ref_monday_midnight(monday + timedelta(days=7), tz)
        if start <= moment < end:
            return monday
    raise AssertionError("no week holds this instant")


def ref_latest(readings: list[Reading]) -> Reading:
    best = readings[0]
    for r in readings:
        if (r.taken_at, r.id) > (best.taken_at, best.id):
            best = r
    return best


def ref_earliest(readings: list[Reading]) -> Reading:
    best = readings[0]
    for r in readings:
        if (r.taken_at, r.id) < (best.taken_at, best.id):
            best = r
    return best


def ref_growth(
    readings: list[Reading], platform: Platform, week: date, tz: ZoneInfo
) -> tuple[int, int, bool] | Missing:
    """(first id, last id, from first log) of the week's growth, or why there is none."""
    mine = [r for r in readings if r.platform is platform]
    inside = [r for r in mine if ref_week(r.taken_at, tz) == week]
    before = [r for r in mine if ref_week(r.taken_at, tz) < week]
    if not inside:
        return Missing.NO_READING
    last = ref_latest(inside)
    if before:
        return (ref_latest(before).id, last.id, False)
    if len(inside) == 1:
        return Missing.NOT_ENOUGH
    return (ref_earliest(inside).id, last.id, True)


def ref_streak(readings: list[Reading], tz: ZoneInfo, this_week: date) -> int:
    weeks: dict[date, list[Reading]] = {}
    for r in readings:
        weeks.setdefault(ref_week(r.taken_at, tz), []).append(r)
    current = this_week if weeks.get(this_week) else this_week - timedelta(days=7)
    count = 0
    while True:
        if weeks.get(current):
            count += 1
        else:
            following = current + timedelta(days=7)
            next_week = weeks.get(following, []) if following <= this_week else []
            on_monday = [r for r in next_week if r.taken_at.astimezone(tz).date() == following]
            if on_monday and len(next_week) >= 2:
                count += 1
            else:
                return count
        current -= timedelta(days=7)


def ref_community_weeks(
    readings: list[Reading], last_week: date, tz: ZoneInfo, weeks: int
) -> list[tuple[date, int, int | None]]:
    """(Monday, members who logged that week, everyone's latest follower count on each
    platform by the week's end, or None when nobody logged) for the last `weeks` weeks."""
    found = []
    for back in range(weeks - 1, -1, -1):
        monday = last_week - timedelta(weeks=back)
        logged = {r.user_id for r in readings if ref_week(r.taken_at, tz) == monday}
        total = 0
        for key in {(r.user_id, r.platform) for r in readings}:
            mine = [r for r in readings if (r.user_id, r.platform) == key]
            until = [r for r in mine if ref_week(r.taken_at, tz) <= monday]
            if until:
                total += ref_latest(until).followers
        found.append((monday, len(logged), total if logged else None))
    return found


def as_tuple(found: Change | Missing) -> tuple[int, int, bool] | Missing:
    if isinstance(found, Missing):
        return found
    return (found.first.id, found.last.id, found.from_first_log)


# ---- random histories --------------------------------------------------------------------------


@dataclass
class History:
    zone: ZoneInfo
    readings: list[Reading]  # in the order they were logged (ids ascend), dates in any order
    now: datetime

    def stored(self, platform: Platform | None = None) -> list[Reading]:
        """As storage returns them: in time order, ties by id."""
        chosen = [r for r in self.readings if platform is None or r.platform is platform]
        return sorted(chosen, key=lambda r: (r.taken_at, r.id))


@st.composite
def histories(draw: st.DrawFn, user_id: int = 1) -> History:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    # Clusters of readings with gaps between them: some weeks busy, some empty.
    clusters = draw(st.lists(st.integers(0, SPAN_MINUTES), min_size=1, max_size=4))
    count = draw(st.integers(0, 14))
    readings = []
    for index in range(count):
        centre = draw(st.sampled_from(clusters))
        minute = centre + draw(st.integers(-60 * 24 * 10, 60 * 24 * 10))
        # Backfills land at local noon of a day, and midnights and Mondays are favoured.
        style = draw(st.sampled_from(["any", "noon", "midnight"]))
        moment = ORIGIN + timedelta(minutes=minute)
        if style != "any":
            local = moment.astimezone(zone).date()
            at = time(12) if style == "noon" else time(0, draw(st.sampled_from([0, 1, 30, 59])))
            moment = datetime.combine(local, at, tzinfo=zone).astimezone(UTC)
        readings.append(
            Reading(
                id=index + 1,
                user_id=user_id,
                platform=draw(st.sampled_from(PLATFORMS)),
                taken_at=moment.replace(second=0, microsecond=0),
                followers=draw(st.integers(0, 5_000)),
                following=draw(st.integers(0, 500)),
                source=Source.SELF_REPORTED,
            )
        )
    latest = max((r.taken_at for r in readings), default=ORIGIN)
    now = latest + timedelta(minutes=draw(st.integers(0, 60 * 24 * 21)))
    return History(zone, readings, now)


# ---- the properties ----------------------------------------------------------------------------


def _base_at(
    seconds: Sequence[float], zone: ZoneInfo, horizon: date, base: StreakBase | None = None
) -> StreakBase:
    """What the readings before `horizon`'s week add up to (on top of `base`)."""
    return logging_streak_and_base(seconds, zone, horizon, (), base)[1]


@given(histories())
def test_streaks_match_the_reference(history: History) -> None:
    this_week = ref_week(history.now, history.zone)
    assert week_of(history.now, history.zone) == this_week
    taken = [r.taken_at for r in history.readings]
    expected = ref_streak(history.readings, history.zone, this_week)
    assert logging_streak(taken, history.zone, this_week) == expected
    # As the digest counts it: instants as POSIX seconds, straight from storage.
    seconds = [int(moment.timestamp()) for moment in taken]
    assert logging_streak_of(seconds, history.zone, this_week) == expected


@given(histories(), st.integers(0, 60), st.sets(st.integers(0, 4), max_size=3))
def test_a_kept_streak_base_gives_the_same_streak(
    history: History, back: int, excused_back: set[int]
) -> None:
    """What storage keeps of a member's older weeks (`StreakBase`), with only the readings
    from the week before its horizon on, gives the streak counted from every reading."""
    zone = history.zone
    this_week = ref_week(history.now, zone)
    horizon = this_week - timedelta(weeks=back)
    excused = {this_week - timedelta(weeks=k) for k in excused_back}
    excused = {week for week in excused if week > horizon - timedelta(weeks=2)}
    seconds = [r.taken_at.timestamp() for r in history.readings]
    expected = logging_streak_of(seconds, zone, this_week, excused)
    base = _base_at(seconds, zone, horizon)
    assert base.reaches(this_week, excused)
    since = base.needs_from(zone).timestamp()
    recent = [at for at in seconds if at >= since]
    assert logging_streak_of(recent, zone, this_week, excused, base) == expected
    assert logging_streak_of(seconds, zone, this_week, excused, base) == expected
    # Readings after the horizon's week started never change what it sums up.
    settled = [at for at in seconds if at < week_bounds(horizon, zone)[0].timestamp()]
    assert _base_at(settled, zone, horizon) == base
    # Moved on to a later horizon, from the readings it does not sum up, it is the base
    # counted at that horizon from every reading.
    for later in (horizon + timedelta(weeks=1), horizon + timedelta(weeks=3), this_week):
        if later >= horizon:
            assert _base_at(recent, zone, later, base) == _base_at(seconds, zone, later)
    # Counted with the streak, as the digest moves a base on: the same streak and base.
    moved = _base_at(seconds, zone, this_week)
    assert logging_streak_and_base(recent, zone, this_week, excused, base) == (expected, moved)
    assert logging_streak_and_base(seconds, zone, this_week, excused) == (expected, moved)


@given(
    st.lists(histories(), min_size=1, max_size=4),
    st.sampled_from(ZONES),
    st.integers(0, 51),
    st.integers(0, COMMUNITY_WEEKS),
)
def test_the_community_chart_matches_the_reference(
    members_history: Sequence[History], server_zone: str, week_index: int, kept_count: int
) -> None:
    """Each of the chart's weeks, from every reading; and the same from the weeks kept before
    with only the readings from the first week not kept on (and those at the last instant
    before it), as a digest reads them."""
    server = ZoneInfo(server_zone)
    last_week = date(2025, 12, 29) + timedelta(weeks=week_index)
    readings = [
        dataclasses.replace(r, user_id=user_id, id=user_id * 100 + r.id)
        for user_id, history in enumerate(members_history, start=1)
        for r in history.readings
    ]
    expected = ref_community_weeks(readings, last_week, server, COMMUNITY_WEEKS)

    def traces(since: datetime | None) -> list[Trace]:
        found = []
        for key in sorted({(r.user_id, r.platform) for r in readings}):
            mine = sorted(
                (r for r in readings if (r.user_id, r.platform) == key),
                key=lambda r: (r.taken_at, r.id),
            )
            if since is not None:
                before = [r.taken_at for r in mine if r.taken_at < since]
                mine = [r for r in mine if r.taken_at >= (max(before) if before else since)]
            if mine:
                found.append(Trace.of(mine))
        return found

    def plain(weeks: list[CommunityWeek]) -> list[tuple[date, int, int | None]]:
        return [(week.monday, week.logged, week.followers) for week in weeks]

    whole = community_weeks(traces(None), last_week, server)
    assert plain(whole) == expected
    kept = whole[:kept_count]
    first_not_kept = last_week - timedelta(weeks=COMMUNITY_WEEKS - 1 - kept_count)
    since = ref_monday_midnight(first_not_kept, server).astimezone(UTC)
    assert plain(community_weeks(traces(since), last_week, server, kept=kept)) == expected


@given(histories())
def test_week_to_date_and_the_glance_match_the_reference(history: History) -> None:
    zone, now = history.zone, history.now
    this_week = ref_week(now, zone)
    for platform in PLATFORMS:
        stored = history.stored(platform)
        expected = ref_growth(history.readings, platform, this_week, zone)
        assert as_tuple(week_to_date(stored, now, zone)) == expected
        for week in glance(stored, now, zone):
            assert as_tuple(week.growth) == ref_growth(
                history.readings, platform, week.monday, zone
            )


@given(histories())
def test_every_reading_belongs_to_exactly_one_week(history: History) -> None:
    zone = history.zone
    for reading in history.readings:
        monday = week_of(reading.taken_at, zone)
        assert monday.weekday() == 0
        assert monday == ref_week(reading.taken_at, zone)


@given(
    st.lists(histories(), min_size=1, max_size=4),
    st.sampled_from(ZONES),
    st.integers(0, 51),
    st.lists(st.booleans(), max_size=4),
)
def test_digest_figures_match_the_reference(
    members_history: Sequence[History], server_zone: str, week_index: int, joined_late: list[bool]
) -> None:
    server = ZoneInfo(server_zone)
    week = date(2025, 12, 29) + timedelta(weeks=week_index)
    start, end = ref_monday_midnight(week, server), ref_monday_midnight(week + timedelta(7), server)
    members, readings = [], []
    for user_id, history in enumerate(members_history, start=1):
        late = joined_late[user_id - 1] if user_id <= len(joined_late) else False
        since = end + timedelta(days=1) if late else start - timedelta(days=400)
        members.append(DigestMember(user_id, f"m{user_id}", history.zone, since=since))
        readings += [
            Reading(
                id=user_id * 100 + r.id,
                user_id=user_id,
                platform=r.platform,
                taken_at=r.taken_at,
                followers=r.followers,
                following=r.following,
                source=r.source,
            )
            for r in history.readings
        ]
    stored = sorted(readings, key=lambda r: (r.user_id, r.platform, r.taken_at, r.id))
    report = build_report(members, stored, week, start, end, server)

    expected_rows = {}
    community_start = community_end = 0
    any_change = False
    for member in members:
        mine = [r for r in readings if r.user_id == member.user_id and r.taken_at < end]
        streak = ref_streak(
            mine, member.timezone, ref_week(end - timedelta(seconds=1), member.timezone)
        )
        for platform in PLATFORMS:
            found = ref_growth(mine, platform, week, server)
            if found is Missing.NO_READING:
                continue
            expected_rows[(member.user_id, platform)] = (found, streak)
            if not isinstance(found, Missing):
                first = next(r for r in readings if r.id == found[0])
                last = next(r for r in readings if r.id == found[1])
                community_start += first.followers
                community_end += last.followers
                any_change = True
    got_rows = {
        (row.member.user_id, row.platform): (as_tuple(row.growth), row.streak)
        for row in report.rows
    }
    assert got_rows == expected_rows
    if any_change:
        assert report.community is not None
        assert (report.community.start, report.community.end) == (community_start, community_end)
    else:
        assert report.community is None
    logged = {user_id for user_id, _ in expected_rows}
    expected_missing = {
        m.user_id
        for m in members
        if m.user_id not in logged and m.since is not None and m.since < end
    }
    assert {m.user_id for m in report.not_logged} == expected_missing


def test_a_reference_reading_in_a_repeated_hour_belongs_to_the_new_week() -> None:
    # The reference's own check: Santiago repeats Saturday 23:00 in April, not a Monday, so
    # its weeks follow the calendar; a reading at Monday 00:00 opens the new week.
    zone = ZoneInfo("America/Santiago")
    monday = date(2026, 4, 6)
    assert ref_week(ref_monday_midnight(monday, zone), zone) == monday
    assert ref_week(
        ref_monday_midnight(monday, zone) - timedelta(seconds=1), zone
    ) == monday - timedelta(7)


def test_the_reference_agrees_on_growth_over_a_plain_week() -> None:
    zone = ZoneInfo("UTC")
    week = date(2026, 11, 16)
    readings = [
        Reading(
            1, 1, Platform.TIKTOK, datetime(2026, 11, 10, tzinfo=UTC), 100, 1, Source.SELF_REPORTED
        ),
        Reading(
            2, 1, Platform.TIKTOK, datetime(2026, 11, 18, tzinfo=UTC), 150, 1, Source.SELF_REPORTED
        ),
    ]
    start = ref_monday_midnight(week, zone)
    assert as_tuple(growth_over(readings, start, start + timedelta(7))) == (1, 2, False)
    assert ref_growth(readings, Platform.TIKTOK, week, zone) == (1, 2, False)
