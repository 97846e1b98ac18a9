"""Slots that a DST change skips or repeats happen exactly once, in every kind of zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule import GuildSettings, daily_from, local_instant, slot_from

# Zones whose clocks skip local midnight (TESTING.md), and two that change at night.
MIDNIGHT_JUMPS = [
    ("America/Havana", date(2026, 3, 8)),
    ("America/Santiago", date(2026, 9, 6)),
    ("Asia/Beirut", date(2026, 3, 29)),
    ("Atlantic/Azores", date(2026, 3, 29)),
    ("Africa/Cairo", date(2026, 4, 24)),
]
ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "America/Havana",
    "America/Santiago",
    "Asia/Beirut",
    "Atlantic/Azores",
    "Africa/Cairo",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
]


@pytest.mark.parametrize(("zone", "day"), MIDNIGHT_JUMPS)
def test_a_skipped_slot_happens_at_the_jump(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    at = local_instant(day, time(0, 30), tz)
    # 00:30 never happens that night: the first instant after it is 01:00 local.
    assert at.astimezone(tz).replace(tzinfo=None) == datetime.combine(day, time(1, 0))
    assert (at - timedelta(seconds=1)).astimezone(tz).date() == day - timedelta(days=1)


@pytest.mark.parametrize(("zone", "day"), MIDNIGHT_JUMPS)
def test_the_weekly_slot_on_a_skipped_night_fires_once(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    settings = GuildSettings(1, timezone=tz, digest_day=day.weekday(), digest_time=time(0, 30))
    week_before = datetime.combine(day - timedelta(days=3), time(12), tzinfo=tz)
    slot = slot_from(settings, week_before)
    assert slot == local_instant(day, time(0, 30), tz)
    assert slot_from(settings, slot) == slot
    after = slot_from(settings, slot + timedelta(seconds=1))
    assert after.astimezone(tz).date() == day + timedelta(weeks=1)


def test_a_repeated_time_is_its_first_occurrence() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    at = local_instant(date(2026, 10, 25), time(2, 30), berlin)
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@given(
    st.sampled_from(ZONES),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.times(),
)
def test_every_local_time_is_one_instant_at_or_after_it(zone: str, day: date, at: time) -> None:
    tz = ZoneInfo(zone)
    at = at.replace(microsecond=0)
    moment = local_instant(day, at, tz)
    naive = datetime.combine(day, at)
    local = moment.astimezone(tz).replace(tzinfo=None)
    assert local >= naive
    if local != naive:  # skipped: nothing earlier reaches it
        before = (moment - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None)
        assert before < naive
        assert local - naive <= timedelta(hours=2)


@given(
    st.sampled_from(ZONES),
    st.integers(0, 6),
    st.times(),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)),
)
def test_every_local_week_has_exactly_one_digest_slot(
    zone: str, weekday: int, at: time, start: datetime
) -> None:
    tz = ZoneInfo(zone)
    settings = GuildSettings(
        1, timezone=tz, digest_day=weekday, digest_time=at.replace(microsecond=0)
    )
    moment = start.replace(tzinfo=UTC)
    slots = []
    for _ in range(60):  # more than a year of weeks
        slot = slot_from(settings, moment)
        assert slot >= moment
        slots.append(slot)
        moment = slot + timedelta(microseconds=1)
    weeks = [s.astimezone(tz).date().isocalendar()[:2] for s in slots]
    assert len(set(weeks)) == len(weeks)  # never two in one week
    for earlier, later in pairwise(slots):
        assert timedelta(days=6) < later - earlier < timedelta(days=8)  # never a week missed


@given(
    st.sampled_from(ZONES),
    st.times(),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)),
)
def test_a_daily_reminder_time_happens_every_day(zone: str, at: time, start: datetime) -> None:
    tz = ZoneInfo(zone)
    at = at.replace(second=0, microsecond=0)
    moment = start.replace(tzinfo=UTC)
    days = []
    for _ in range(40):
        fire = daily_from(at, tz, moment)
        days.append(fire.astimezone(tz).date())
        moment = fire + timedelta(microseconds=1)
    for earlier, later in pairwise(days):
        assert later - earlier == timedelta(days=1)
