"""Drop alerts and likely purges at their thresholds: 29%/30% of members, 2/3 members,
47/49 hours, one platform at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember, build_report
from bot.domain.models import Platform, Reading, Source
from bot.domain.purges import by_member_platform, is_drop, purged_readings
from bot.domain.purges import likely_purges as purges_of

START = datetime(2026, 11, 16, tzinfo=UTC)  # Monday
END = START + timedelta(days=7)
_ids = iter(range(1, 100_000))


def likely_purges(readings: list[Reading], start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return purges_of(by_member_platform(readings), start, end)


def reading(
    user: int, at: datetime, followers: int, platform: Platform = Platform.TIKTOK
) -> Reading:
    return Reading(next(_ids), user, platform, at, followers, 0, Source.SELF_REPORTED)


def server(logged: int, dropped: int, spread: timedelta, platform: Platform = Platform.TIKTOK):  # type: ignore[no-untyped-def]
    """`logged` members with a reading last week and one this week; the first `dropped` of
    them drop 10% this week, spread evenly over `spread`."""
    found = []
    for user in range(1, logged + 1):
        found.append(reading(user, START - timedelta(days=2), 1_000, platform))
        if user <= dropped:
            offset = spread * (user - 1) / max(dropped - 1, 1)
            found.append(reading(user, START + timedelta(days=1) + offset, 900, platform))
        else:
            found.append(reading(user, START + timedelta(days=1), 1_010, platform))
    return found


def test_drop_alert_is_five_percent_or_a_thousand() -> None:
    assert is_drop(1_000, 950)
    assert not is_drop(1_000, 951)
    assert is_drop(500_000, 499_000)
    assert not is_drop(500_000, 499_001)
    assert not is_drop(100, 120)


def test_thirty_percent_of_those_who_logged_is_a_purge_twenty_nine_is_not() -> None:
    assert likely_purges(server(10, 3, timedelta(hours=1)), START, END)  # 30%
    assert not likely_purges(server(14, 4, timedelta(hours=1)), START, END)  # 28.6%
    [purge] = likely_purges(server(13, 4, timedelta(hours=1)), START, END)  # 30.8%
    assert purge.members == frozenset({1, 2, 3, 4})
    assert purge.logged == 13


def test_three_members_at_least_however_small_the_server() -> None:
    assert not likely_purges(server(3, 2, timedelta(hours=1)), START, END)  # 67%, but 2
    assert likely_purges(server(3, 3, timedelta(hours=1)), START, END)


def test_within_forty_eight_hours() -> None:
    assert likely_purges(server(5, 3, timedelta(hours=47)), START, END)
    assert likely_purges(server(5, 3, timedelta(hours=48)), START, END)
    assert not likely_purges(server(5, 3, timedelta(hours=49)), START, END)


def test_one_platform_at_a_time_and_one_member_counts_once() -> None:
    mixed = [
        *server(6, 2, timedelta(hours=1)),
        reading(9, START - timedelta(days=2), 5000, Platform.INSTAGRAM),
        reading(9, START + timedelta(days=1), 4000, Platform.INSTAGRAM),
    ]
    assert not likely_purges(mixed, START, END)  # 2 on TikTok + 1 on Instagram
    twice = [*server(10, 2, timedelta(hours=1)), reading(1, START + timedelta(days=2), 800)]
    assert not likely_purges(twice, START, END)  # member 1 dropping again is still one


def test_the_digest_says_so_and_keeps_streaks() -> None:
    members = [DigestMember(u, f"m{u}", ZoneInfo("UTC")) for u in range(1, 6)]
    readings = server(5, 3, timedelta(hours=20))
    stored = sorted(readings, key=lambda r: (r.user_id, r.platform, r.taken_at, r.id))
    report = build_report(members, stored, START.date(), START, END, ZoneInfo("UTC"))
    [purge] = report.purges
    assert purge.members == frozenset({1, 2, 3})
    purged_rows = {row.member.user_id for row in report.rows if row.purged}
    assert purged_rows == {1, 2, 3}
    assert all(row.streak == 2 for row in report.rows)  # last week and this week


def test_purged_readings_cover_every_week_of_the_window() -> None:
    readings = server(5, 3, timedelta(hours=2))
    ids = purged_readings(readings, ZoneInfo("UTC"), START - timedelta(days=20), END)
    dropped = {r.id for r in readings if r.followers == 900}
    assert ids == dropped
    assert not purged_readings(readings, ZoneInfo("UTC"), END, END + timedelta(days=7))
