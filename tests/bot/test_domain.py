"""The formulas of PRODUCT.md and the calendar arithmetic, on plain values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import format as fmt
from bot.domain.errors import UserError
from bot.domain.metrics import Growth, follow_ratio, is_implausible_jump, net_followers
from bot.domain.models import Period, Platform, Reading, Source
from bot.domain.periods import (
    local_midnight,
    parse_day,
    period_start,
    reading_instant,
    week_start,
    week_starts,
)
from bot.domain.rules import Change, Missing, growth_over
from bot.domain.summaries import glance, reading_at, summarize

UTC_ZONE = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def reading(when: str, followers: int, following: int = 100, **extra: object) -> Reading:
    return Reading(
        id=int(at(when).timestamp()),
        user_id=1,
        platform=Platform.TIKTOK,
        taken_at=at(when),
        followers=followers,
        following=following,
        source=Source.SELF_REPORTED,
        **extra,  # type: ignore[arg-type]
    )


def test_net_followers_and_ratio_match_the_product_example() -> None:
    assert net_followers(1200, 300) == 900
    assert follow_ratio(1200, 300) == 4.0
    assert follow_ratio(1200, 0) is None
    assert fmt.ratio(follow_ratio(1200, 300)) == "4.0×"
    assert fmt.ratio(None) == "—"


def test_growth_is_end_minus_start_over_start() -> None:
    growth = Growth(start=1000, end=1150)
    assert growth.delta == 150
    assert growth.pct == pytest.approx(0.15)
    assert Growth(start=0, end=50).pct is None
    assert Growth(start=1000, end=900).delta == -100


@pytest.mark.parametrize(
    ("previous", "new", "implausible"),
    [
        (1000, 1400, False),  # +40%: a good week
        (1000, 1501, True),  # +50.1% and +501
        (1000, 499, True),  # -50.1%: a dropped digit
        (100, 190, False),  # +90% but only 90 followers
        (100, 201, True),  # +101% and +101
        (0, 100, False),
        (0, 101, True),
        (1_000_000, 1_400_000, False),
    ],
)
def test_typo_guard_needs_both_half_and_a_hundred(
    previous: int, new: int, implausible: bool
) -> None:
    assert is_implausible_jump(previous, new) is implausible


def test_numbers_read_with_thousands_separators() -> None:
    assert fmt.count(1200) == "1,200"
    assert fmt.count(10_000_000_000) == "10,000,000,000"
    assert fmt.signed(1500) == "+1,500"
    assert fmt.signed(-35) == "−35"  # a minus sign, not a hyphen
    assert fmt.signed(0) == "±0"
    assert fmt.count(-1200) == "−1,200"
    assert fmt.pct(0.1434) == "+14.3%"
    assert fmt.pct(-0.05) == "−5.0%"
    assert fmt.pct(None) == "n/a"
    assert fmt.pct(0) == "±0%"
    # Never "−0.0%": a small change keeps its sign with the precision it needs.
    assert fmt.pct(-0.0002) == "−0.02%"
    assert fmt.pct(-0.00001) == "−<0.01%"
    assert fmt.signed_plural(1, "follower") == "+1 follower"
    assert fmt.signed_plural(-2, "follower") == "−2 followers"
    assert fmt.plural(1, "week") == "1 week"
    assert fmt.timestamp(at("2026-11-22T10:00:00"), "R") == "<t:1795341600:R>"


def test_week_starts_on_local_monday_midnight() -> None:
    # Sunday 2026-11-22 23:30 in New York is already Monday in UTC.
    moment = at("2026-11-23T04:30:00")
    assert week_start(moment, NEW_YORK) == at("2026-11-16T05:00:00")
    assert week_start(moment, UTC_ZONE) == at("2026-11-23T00:00:00")


def test_weeks_across_dst_changes_are_calendar_weeks() -> None:
    # Europe/Berlin leaves summer time on 2026-10-25; the week before is 169 hours long.
    starts = week_starts(at("2026-10-28T12:00:00"), BERLIN, 2)
    assert starts == [at("2026-10-18T22:00:00"), at("2026-10-25T23:00:00")]
    assert starts[1] - starts[0] == timedelta(hours=169)


@pytest.mark.parametrize(
    ("period", "start"),
    [
        (Period.WEEK, "2026-11-16T00:00:00"),
        (Period.MONTH, "2026-11-01T00:00:00"),
        (Period.QUARTER, "2026-10-01T00:00:00"),
        (Period.YEAR, "2026-01-01T00:00:00"),
    ],
)
def test_period_start_is_the_local_calendar_start(period: Period, start: str) -> None:
    assert period_start(period, at("2026-11-22T10:00:00"), UTC_ZONE) == at(start)


def test_all_time_has_no_start() -> None:
    assert period_start(Period.ALL, at("2026-11-22T10:00:00"), UTC_ZONE) is None


def test_local_midnight_in_a_zone_that_skips_it() -> None:
    # America/Santiago skipped 2026-09-06 00:00 (clocks went to 01:00).
    santiago = ZoneInfo("America/Santiago")
    start = local_midnight(date(2026, 9, 6), santiago)
    assert start.astimezone(santiago).date() == date(2026, 9, 6)


def test_parse_day_accepts_only_iso_days_from_2004() -> None:
    assert parse_day(" 2026-11-01 ") == date(2026, 11, 1)
    for bad in ("01/11/2026", "2026-13-01", "2026-1-5", "yesterday", ""):
        with pytest.raises(UserError, match="year-month-day"):
            parse_day(bad)
    with pytest.raises(UserError, match="too early"):
        parse_day("2003-12-31")


def test_reading_instant_is_now_today_and_local_noon_for_a_past_day() -> None:
    now = at("2026-11-22T03:00:00")  # still 2026-11-21 evening in New York
    assert reading_instant(None, now, UTC_ZONE) == now
    assert reading_instant(date(2026, 11, 21), now, NEW_YORK) == now
    assert reading_instant(date(2026, 11, 20), now, NEW_YORK) == at("2026-11-20T17:00:00")
    with pytest.raises(UserError, match="in the future"):
        reading_instant(date(2026, 11, 22), now, NEW_YORK)


def test_reading_at_picks_the_last_at_or_before() -> None:
    readings = [reading("2026-11-01T10:00:00", 100), reading("2026-11-05T10:00:00", 120)]
    assert reading_at(readings, at("2026-11-01T09:59:59")) is None
    assert reading_at(readings, at("2026-11-01T10:00:00")) is readings[0]
    assert reading_at(readings, at("2026-11-30T00:00:00")) is readings[1]


def test_growth_is_measured_from_the_reading_before_the_start() -> None:
    readings = [
        reading("2026-11-08T10:00:00", 1000, following=300),
        reading("2026-11-17T10:00:00", 1100, following=310, gained=130, lost=30),
        reading("2026-11-20T10:00:00", 1150, following=320, gained=60),
    ]
    found = growth_over(readings, at("2026-11-16T00:00:00"), at("2026-11-23T00:00:00"))
    assert isinstance(found, Change)
    assert not found.from_first_log
    assert (found.growth.delta, found.growth.pct) == (150, 0.15)
    assert found.net_change == (1150 - 320) - (1000 - 300)
    assert (found.gained, found.lost) == (190, 30)


def test_without_an_earlier_reading_growth_starts_at_the_first_log() -> None:
    readings = [reading("2026-11-17T10:00:00", 500), reading("2026-11-19T10:00:00", 560)]
    found = growth_over(readings, at("2026-11-16T00:00:00"), at("2026-11-23T00:00:00"))
    assert isinstance(found, Change)
    assert found.from_first_log
    assert found.growth.delta == 60


def test_missing_readings_are_never_flat_growth() -> None:
    readings = [reading("2026-11-03T10:00:00", 500), reading("2026-11-19T10:00:00", 560)]
    # A week with no reading inside it has no growth, even though readings surround it.
    empty_week = growth_over(readings, at("2026-11-09T00:00:00"), at("2026-11-16T00:00:00"))
    assert empty_week is Missing.NO_READING
    # The member's very first reading alone: nothing to compare it with.
    first = growth_over(readings, at("2026-11-02T00:00:00"), at("2026-11-09T00:00:00"))
    assert first is Missing.NOT_ENOUGH
    assert growth_over([], None, None) is Missing.NO_READING
    assert growth_over(readings[:1], None, None) is Missing.NOT_ENOUGH


def test_glance_reports_each_local_week_newest_first() -> None:
    readings = [
        reading("2026-11-01T10:00:00", 900),  # Sunday: the first reading, week of Oct 26
        reading("2026-11-08T10:00:00", 1000),
        reading("2026-11-15T10:00:00", 1000),
        reading("2026-11-20T10:00:00", 1100),
    ]
    weeks = glance(readings, at("2026-11-22T12:00:00"), UTC_ZONE, weeks=6)
    # Weeks before the first reading are left out.
    assert [w.monday for w in weeks] == [
        date(2026, 11, 16),
        date(2026, 11, 9),
        date(2026, 11, 2),
        date(2026, 10, 26),
    ]
    assert weeks[0].current
    figures = [w.growth.growth.delta if isinstance(w.growth, Change) else w.growth for w in weeks]
    assert figures == [100, 0, 100, Missing.NOT_ENOUGH]


def test_a_week_without_a_reading_shows_no_reading() -> None:
    readings = [reading("2026-11-01T10:00:00", 900), reading("2026-11-20T10:00:00", 1100)]
    weeks = glance(readings, at("2026-11-22T12:00:00"), UTC_ZONE, weeks=4)
    assert [w.growth for w in weeks[1:3]] == [Missing.NO_READING, Missing.NO_READING]


def test_summarize_combines_latest_period_and_weeks() -> None:
    readings = [reading("2026-11-03T10:00:00", 1000), reading("2026-11-20T10:00:00", 1200)]
    summary = summarize(readings, Period.MONTH, at("2026-11-22T12:00:00"), UTC_ZONE)
    assert summary is not None
    assert summary.latest is readings[-1]
    assert isinstance(summary.growth, Change)
    assert summary.growth.growth.delta == 200
    assert summarize([], Period.MONTH, at("2026-11-22T12:00:00"), UTC_ZONE) is None


def test_a_reading_exactly_at_a_boundary_opens_the_new_week() -> None:
    # Weeks are [start, end): a reading at Monday 00:00 belongs to the new week only.
    readings = [reading("2026-11-12T10:00:00", 1000), reading("2026-11-16T00:00:00", 1100)]
    last_week = growth_over(readings, at("2026-11-09T00:00:00"), at("2026-11-16T00:00:00"))
    this_week = growth_over(readings, at("2026-11-16T00:00:00"), at("2026-11-23T00:00:00"))
    assert last_week is Missing.NOT_ENOUGH
    assert isinstance(this_week, Change)
    assert this_week.growth.delta == 100
    assert not this_week.from_first_log
