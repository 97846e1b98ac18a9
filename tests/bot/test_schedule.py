"""Digest slots, covered weeks and grace, as plain functions of a clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import UserError
from bot.domain.periods import week_bounds
from bot.domain.schedule import (
    GuildSettings,
    covered_week,
    due_digest,
    latest_slot,
    next_slot,
    parse_clock_time,
    parse_timezone,
    this_weeks_digest,
    timezone_choices,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_default_slot_is_monday_nine_utc_covering_the_week_before() -> None:
    settings = GuildSettings(1)
    due = due_digest(settings, utc("2026-11-23T09:00:00"))
    assert due is not None
    assert due.slot == utc("2026-11-23T09:00:00")
    assert due.week == date(2026, 11, 16)
    assert not due.late and not due.expired
    assert week_bounds(due.week, ZoneInfo("UTC")) == (
        utc("2026-11-16T00:00:00"),
        utc("2026-11-23T00:00:00"),
    )


def test_before_this_weeks_slot_the_latest_slot_is_last_weeks() -> None:
    settings = GuildSettings(1, timezone=BERLIN, digest_day=4, digest_time=time(18, 0))
    now = utc("2026-11-19T12:00:00")  # Thursday
    assert latest_slot(settings, now) == utc("2026-11-13T17:00:00")
    assert next_slot(settings, now) == utc("2026-11-20T17:00:00")
    due = due_digest(settings, now)
    assert due is not None and due.expired  # six days late: past the 48-hour grace


@pytest.mark.parametrize(
    ("behind", "late", "expired"),
    [
        (timedelta(minutes=5), False, False),
        (timedelta(hours=3), True, False),
        (timedelta(hours=47), True, False),
        (timedelta(hours=49), True, True),
    ],
)
def test_lateness_and_grace(behind: timedelta, late: bool, expired: bool) -> None:
    due = due_digest(GuildSettings(1), utc("2026-11-23T09:00:00") + behind)
    assert due is not None
    assert (due.late, due.expired) == (late, expired)
    assert due.week == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("zone", "day", "clock", "slot_utc", "covers"),
    [
        # Repeated hour: 01:30 happens twice on 2026-11-01 in New York; the first counts.
        ("America/New_York", 6, time(1, 30), "2026-11-01T05:30:00", date(2026, 10, 19)),
        # Repeated hour in Berlin on 2026-10-25.
        ("Europe/Berlin", 6, time(2, 30), "2026-10-25T00:30:00", date(2026, 10, 12)),
        # Skipped hour: 02:30 never happens on 2026-03-08 in New York; it resolves to the jump,
        # 03:00 EDT, the first instant after it.
        ("America/New_York", 6, time(2, 30), "2026-03-08T07:00:00", date(2026, 2, 23)),
    ],
)
def test_dst_days_give_exactly_one_slot(
    zone: str, day: int, clock: time, slot_utc: str, covers: date
) -> None:
    settings = GuildSettings(1, timezone=ZoneInfo(zone), digest_day=day, digest_time=clock)
    slot = utc(slot_utc)
    assert latest_slot(settings, slot) == slot
    assert latest_slot(settings, slot + timedelta(hours=1, minutes=30)) == slot
    before = latest_slot(settings, slot - timedelta(seconds=1))
    assert timedelta(days=6) < slot - before < timedelta(days=8)  # last week's
    assert covered_week(slot, ZoneInfo(zone)) == covers


def test_digest_send_counts_as_the_digest_due_this_week() -> None:
    settings = GuildSettings(1, digest_day=4)  # Fridays
    wednesday = utc("2026-11-18T12:00:00")
    sent = this_weeks_digest(settings, wednesday)
    assert sent.week == date(2026, 11, 9)
    due = due_digest(settings, utc("2026-11-20T09:05:00"))
    assert due is not None and due.week == sent.week


def test_a_slot_before_the_digest_was_turned_on_is_not_due() -> None:
    settings = GuildSettings(1, digest_channel_id=5, digest_from=utc("2026-11-23T10:00:00"))
    assert due_digest(settings, utc("2026-11-23T11:00:00")) is None
    due = due_digest(settings, utc("2026-11-30T09:01:00"))
    assert due is not None and due.week == date(2026, 11, 23)


def test_clock_times_and_zones_are_checked() -> None:
    assert parse_clock_time("9:05") == time(9, 5)
    assert parse_clock_time("23:59") == time(23, 59)
    for bad in ("24:00", "9am", "18.30", ""):
        with pytest.raises(UserError, match="24-hour time"):
            parse_clock_time(bad)
    assert parse_timezone(" Europe/Berlin ") == BERLIN
    for bad in ("Mars/Olympus", "CEST", "../etc/passwd", ""):
        with pytest.raises(UserError, match="not a time zone I know"):
            parse_timezone(bad)


def test_timezone_autocomplete_offers_at_most_25_best_first() -> None:
    assert timezone_choices("berl") == ["Europe/Berlin"]
    assert timezone_choices("new_y")[0] == "America/New_York"
    assert timezone_choices("America/") == timezone_choices("america/")
    assert len(timezone_choices("a")) == 25
    assert "UTC" in timezone_choices("")
