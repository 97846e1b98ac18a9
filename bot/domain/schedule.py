"""When each server's digest is due, and which week it covers. Pure functions of a clock.

A server's digest slot is a local weekday and time in its IANA zone. The digest posted at a
slot covers the Monday-to-Sunday week before the week the slot falls in. A local time that a
DST change skips resolves to the first instant after it (the moment the clocks jump), and
one it repeats resolves to its first occurrence, so every slot happens exactly once. The
scheduler's triggers (`bot.jobs`) are computed from these same functions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import UserError, quoted
from bot.domain.periods import local_day, monday_of
from bot.domain.records import record

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_DIGEST_TIME = time(9, 0)
DEFAULT_REMINDER_TIME = time(18, 0)
DEFAULT_GRACE = timedelta(hours=48)
# Posted more than this after its slot, a digest says it is late.
LATE_AFTER = timedelta(minutes=10)
UTC_ZONE = ZoneInfo("UTC")
_CLOCK_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class EmptyWeek(StrEnum):
    LINE = "line"  # a quiet week gets one short line
    QUIET = "quiet"  # a quiet week posts nothing


class DigestDetail(StrEnum):
    TOP = "top"  # the top movers, and how many more logged
    ALL = "all"  # every member who logged, on as many pages as it takes


@record
class GuildSettings:
    guild_id: int
    timezone: ZoneInfo = UTC_ZONE
    digest_channel_id: int | None = None
    # When the digest was turned on: a slot before it is not caught up later.
    digest_from: datetime | None = None
    digest_day: int = 0  # Monday
    digest_time: time = DEFAULT_DIGEST_TIME
    empty_week: EmptyWeek = EmptyWeek.LINE
    grace: timedelta = DEFAULT_GRACE
    consistency_days: int = 7
    engagement_day: int = 2  # Wednesday
    mentions: bool = False
    dms: bool = True  # may NetGain DM this server's members reminders
    digest_detail: DigestDetail = DigestDetail.TOP
    problem: str | None = None
    problem_at: datetime | None = None

    @property
    def digest_on(self) -> bool:
        return self.digest_channel_id is not None

    def with_changes(self, **changes: object) -> GuildSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_clock_time(text: str, option: str = "time") -> time:
    """`HH:MM`, 24-hour."""
    match = _CLOCK_TIME.fullmatch(text.strip())
    if match is None:
        raise UserError(
            f"`{option}` must be a 24-hour time like `09:00` or `18:30`; got {quoted(text)}."
        )
    return time(int(match[1]), int(match[2]))


def parse_timezone(name: str) -> ZoneInfo:
    cleaned = name.strip()
    try:
        if cleaned not in _zone_names():
            raise ZoneInfoNotFoundError(cleaned)
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"{quoted(cleaned, 60)} is not a time zone I know. Pick one from the list as you type, "
            "written like `Europe/Berlin` or `America/New_York`."
        ) from None


@functools.cache
def _zone_names() -> frozenset[str]:
    """Every IANA name tzdata knows (read once: the database does not change at run time)."""
    return frozenset(available_timezones())


def timezone_choices(typed: str, limit: int = 25) -> list[str]:
    """Time zone names matching what has been typed so far, best first (for autocomplete)."""
    needle = typed.strip().lower().replace(" ", "_")
    names = sorted(_zone_names())
    if not needle:
        popular = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "Asia/Tokyo",
            "Australia/Sydney",
        ]
        return popular[:limit]
    starts = [n for n in names if n.lower().startswith(needle)]
    parts = [
        n
        for n in names
        if n not in starts and any(p.startswith(needle) for p in n.lower().split("/"))
    ]
    inside = [n for n in names if n not in starts and n not in parts and needle in n.lower()]
    return (starts + parts + inside)[:limit]


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant a local day and clock time happen in `tz`, exactly once.

    A time that happens twice (clocks going back) is its first occurrence; a time that never
    happens (clocks jumping forward over it) is the first instant after it: the jump itself.
    """
    naive = datetime.combine(day, at.replace(fold=0, tzinfo=None))
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # Skipped: the answer lies between the readings with the offsets before and after.
    other = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = int(min(first, other).timestamp()), int(max(first, other).timestamp())
    while low < high:  # the first whole second whose local time is at or after `naive`
        middle = (low + high) // 2
        local = datetime.fromtimestamp(middle, UTC).astimezone(tz).replace(tzinfo=None)
        if local >= naive:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def slot_in_week(monday: date, settings: GuildSettings) -> datetime:
    """The UTC instant of the server's digest slot in the local week starting `monday`."""
    day = monday + timedelta(days=settings.digest_day)
    return local_instant(day, settings.digest_time, settings.timezone)


def latest_slot(settings: GuildSettings, now: datetime) -> datetime:
    """The most recent slot at or before `now`."""
    monday = monday_of(local_day(now, settings.timezone))
    slot = slot_in_week(monday, settings)
    return slot if slot <= now else slot_in_week(monday - timedelta(weeks=1), settings)


def next_slot(settings: GuildSettings, now: datetime) -> datetime:
    """The first slot after `now`."""
    return slot_from(settings, now + timedelta(microseconds=1))


def slot_from(settings: GuildSettings, moment: datetime) -> datetime:
    """The first slot at or after `moment` (what the digest job's trigger fires at)."""
    monday = monday_of(local_day(moment, settings.timezone)) - timedelta(weeks=1)
    while (slot := slot_in_week(monday, settings)) < moment:
        monday += timedelta(weeks=1)
    return slot


def daily_from(at: time, tz: ZoneInfo, moment: datetime) -> datetime:
    """The first instant at or after `moment` when it is `at` in `tz` (reminder times)."""
    day = local_day(moment, tz) - timedelta(days=1)
    while (instant := local_instant(day, at, tz)) < moment:
        day += timedelta(days=1)
    return instant


def covered_week(slot: datetime, tz: ZoneInfo) -> date:
    """The local Monday of the week a digest posted at `slot` covers: the week before."""
    return monday_of(local_day(slot, tz)) - timedelta(weeks=1)


@record
class DueDigest:
    week: date  # local Monday of the covered week
    slot: datetime
    late: bool  # posting now is noticeably after the slot
    expired: bool  # past the grace period: skip it

    @property
    def key(self) -> str:
        return self.week.isoformat()


def due_digest(settings: GuildSettings, now: datetime) -> DueDigest | None:
    """The digest the latest slot asks for, and whether posting it now is late or too late.

    None when that slot came before the server turned its digest on.
    """
    slot = latest_slot(settings, now)
    if settings.digest_from is not None and slot < settings.digest_from:
        return None
    return claimed_digest(settings, covered_week(slot, settings.timezone), now)


def claimed_digest(settings: GuildSettings, week: date, now: datetime) -> DueDigest:
    """The digest of the week starting `week` (posted at the next week's slot), and whether
    posting it now is late or too late."""
    slot = slot_in_week(week + timedelta(weeks=1), settings)
    behind = now - slot
    return DueDigest(
        week=week, slot=slot, late=behind > LATE_AFTER, expired=behind > settings.grace
    )


def this_weeks_digest(settings: GuildSettings, now: datetime) -> DueDigest:
    """What `/digest send` posts: the digest of the week that ended last (never expired)."""
    monday = monday_of(local_day(now, settings.timezone))
    week = monday - timedelta(weeks=1)
    return DueDigest(week=week, slot=slot_in_week(monday, settings), late=False, expired=False)
