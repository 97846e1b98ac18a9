"""Tracking: log a reading, read a member's history, undo their newest reading."""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError
from bot.domain.goals import PACE_WINDOW, Goal
from bot.domain.metrics import is_implausible_jump
from bot.domain.models import UTC_ZONE, MemberProfile, Period, Platform, Post, Reading, ReadingDraft
from bot.domain.periods import local_midnight, reading_instant, week_start
from bot.domain.purges import Drop, is_drop, purged_readings
from bot.domain.records import record
from bot.domain.rules import Measured, week_to_date
from bot.domain.summaries import history_since
from storage.ports import (
    HandledElsewhere,
    LogRules,
    MembersPort,
    OnSlow,
    Placement,
    ReadingChanges,
    ReadingsPort,
    Stored,
    Surroundings,
)
from storage.ports_scheduled import DigestsPort, SettingsPort

# How far before the pace window readings are read, so the window's first drops have the
# reading before them (members log about weekly; one who went quiet longer is not measured).
PURGE_LOOKBACK = timedelta(weeks=5)
# The same reading logged again within this long is a repeat (a retry after a reply that
# failed, a double tap), answered "already logged" rather than stored twice.
REPEAT_WINDOW = timedelta(minutes=10)


@record
class Logged:
    """A reading stored and committed, with what the reply needs around it."""

    reading: Reading
    previous: Reading | None  # the reading before it by date
    next: Reading | None  # the reading after it by date (it was a backfill)
    week: Measured  # growth this local week so far (bot.domain.rules.week_to_date)
    timezone: ZoneInfo  # the zone the member's weeks are counted in
    # Every reading the reply may draw on, in time order, this one included: before and
    # after it, the last at or before the week's start, the first after it, the latest.
    nearby: list[Reading]
    # Stored for a past day the member named, rather than for now.
    backfilled: bool = False
    # The member's first reading anywhere: they now have settings of their own.
    new_member: bool = False
    # Followers fell 5% or 1,000 since the reading before it (`bot.domain.purges.is_drop`).
    drop: Drop | None = None


@record
class NeedsConfirmation:
    """Nothing was stored: the jump from a neighbouring reading looks like a typo."""

    draft: ReadingDraft
    platform: Platform
    # The neighbour it jumps from: the reading before it by date, or the one after it.
    previous: Reading
    later: bool = False  # `previous` is the reading after it (the new one is a backfill)


@record
class AlreadyLogged:
    """Nothing was stored: the member logged these same counts a moment ago."""

    reading: Reading
    logged_at: datetime


@record
class History:
    """A member's readings on one platform, oldest first; the first may predate the period."""

    profile: MemberProfile
    platform: Platform
    readings: list[Reading]
    taken: list[datetime]  # when each reading on every platform was taken (for the streak)
    posts: list[Post]  # the last posts on `platform`, oldest first (engagement)
    posted: list[datetime]  # when each post on every platform went out (posting)
    goal: Goal | None  # the member's goal on `platform`
    latest: list[Reading] = field(default_factory=list)  # the latest on every platform
    # Readings whose drops were part of a likely platform purge in the server lately: the
    # goal's pace leaves them out.
    purged: frozenset[int] = frozenset()


Refusal = NeedsConfirmation | AlreadyLogged


@record
class _Rules:
    """Where /log's reading goes and whether to store it; storage runs these in its
    transaction, so they stay quick and plain."""

    draft: ReadingDraft
    now: datetime
    confirmed: bool

    def place(self, profile: MemberProfile) -> Placement:
        platform = self.draft.platform or profile.default_platform
        if self.draft.following is None and platform is not Platform.YOUTUBE:
            raise UserError(
                f"`following` is needed on {platform.label}: type the count of accounts you "
                "follow, shown on your profile, like `/log followers 1200 following 300`. Only "
                "YouTube, whose profiles show none, can leave it out. Nothing was stored."
            )
        return place(platform, self.draft.day, self.now, profile)

    def check(self, found: Surroundings) -> Refusal | None:
        placement = found.placement
        # The same: member, platform, followers and following, written in the last ten
        # minutes for about the same instant (so a retried backfill of the same day matches,
        # another day does not). Likes, posts and the note are extras a retry may omit.
        repeat = found.repeat
        if repeat is not None and abs(repeat.taken_at - placement.taken_at) <= REPEAT_WINDOW:
            return AlreadyLogged(repeat, found.repeat_logged_at or repeat.taken_at)
        if self.confirmed:
            return None
        # The typo guard looks both ways by date: a backfill sits between two readings.
        for neighbour in (found.before, found.after):
            if neighbour is not None and _jumps(neighbour, self.draft):
                return NeedsConfirmation(
                    draft=self.draft,
                    platform=placement.platform,
                    previous=neighbour,
                    later=neighbour is found.after,
                )
        return None


def place(platform: Platform, day: date | None, now: datetime, profile: MemberProfile) -> Placement:
    """Where an entry (a reading, a post) goes: now, or local noon of the past day named; the
    member's week; and what counts as the same entry sent twice (`REPEAT_WINDOW`)."""
    return Placement(
        platform=platform,
        taken_at=reading_instant(day, now, profile.timezone),
        week_start=week_start(now, profile.timezone),
        repeat_since=now - REPEAT_WINDOW,
        repeat_within=REPEAT_WINDOW,
    )


def _jumps(neighbour: Reading, draft: ReadingDraft) -> bool:
    if is_implausible_jump(neighbour.followers, draft.followers):
        return True
    if neighbour.following is None or draft.following is None:
        return False
    return is_implausible_jump(neighbour.following, draft.following)


async def log_reading(
    readings: ReadingsPort,
    draft: ReadingDraft,
    *,
    now: datetime,
    confirmed: bool = False,
    on_slow: OnSlow | None = None,
) -> Logged | NeedsConfirmation | AlreadyLogged | HandledElsewhere:
    """Store a reading unless it needs confirming or repeats one just logged; committed
    durably when this returns `Logged` (`HandledElsewhere`: another process received the
    same interaction and stored it). One trip to the database, unless it has to wait
    for the write lock (then `on_slow` runs once, after `storage.ports.SLOW_WRITE`)."""
    rules: LogRules[Refusal] = _Rules(draft=draft, now=now, confirmed=confirmed)
    outcome = await readings.log_reading(draft, now=now, rules=rules, on_slow=on_slow)
    if not isinstance(outcome, Stored):
        return outcome
    found, reading = outcome.found, outcome.reading
    nearby = found.readings(reading)
    return Logged(
        reading=reading,
        previous=found.before,
        next=found.after,
        week=week_to_date(nearby, now, found.profile.timezone),
        timezone=found.profile.timezone,
        nearby=nearby,
        backfilled=found.placement.taken_at != now,
        new_member=not found.profile.known,
        drop=(
            Drop(found.before, reading)
            if found.before is not None and is_drop(found.before.followers, reading.followers)
            else None
        ),
    )


async def history(
    members: MembersPort,
    *,
    user_id: int,
    guild_id: int | None,
    platform: Platform | None,
    period: Period,
    now: datetime,
    digests: DigestsPort | None = None,
) -> History:
    """Readings for /net and /history: the period asked for and the last six weeks. With
    `digests`, and a goal to project, also the server's recent likely purges."""
    found = await members.member_readings(
        user_id=user_id,
        guild_id=guild_id,
        platform=platform,
        since=lambda tz: history_since(period, now, tz),
        now=now,
    )
    purged: frozenset[int] = frozenset()
    if digests is not None and guild_id is not None and found.goal is not None:
        server_tz = found.profile.server_timezone
        # The readings before the window's first week let its first drops be measured.
        since = now - PACE_WINDOW - PURGE_LOOKBACK
        data = await digests.digest_data(guild_id, server_tz, since, now)
        purged = purged_readings(data.readings, server_tz, now - PACE_WINDOW, now)
    return History(
        purged=purged,
        latest=found.latest,
        profile=found.profile,
        platform=found.platform,
        readings=found.readings,
        taken=found.taken,
        posts=found.posts,
        posted=found.posted,
        goal=found.goal,
    )


async def reading_to_undo(readings: ReadingsPort, user_id: int) -> Reading | None:
    """What /undo offers to remove: the member's newest reading by date, on any platform."""
    return await readings.newest_reading(user_id)


async def undo(readings: ReadingsPort, reading: Reading, *, on_slow: OnSlow | None = None) -> bool:
    """Remove the reading /undo showed; False if it was already gone."""
    return await readings.delete_reading(reading.user_id, reading.id, on_slow=on_slow)


# How many of a member's newest readings /edit offers to pick from.
EDIT_CHOICES = 25


async def readings_to_edit(readings: ReadingsPort, user_id: int) -> list[Reading]:
    """What /edit offers: the member's newest readings by date, every platform."""
    return await readings.recent_readings_of(user_id, EDIT_CHOICES)


async def reading_to_edit(
    readings: ReadingsPort,
    user_id: int,
    choice: int | date,
    tz: ZoneInfo,
    platform: Platform | None = None,
) -> Reading:
    """The reading /edit shows before changing it: by id (from the list), or the newest on a
    local day (on `platform`, if named). A UserError if there is none of the member's."""
    if isinstance(choice, date):
        start, end = local_midnight(choice, tz), local_midnight(choice + timedelta(days=1), tz)
        found = [
            r
            for r in await readings.readings_between(user_id, start, end)
            if platform is None or r.platform is platform
        ]
        if not found:
            where = f" {platform.label}" if platform else ""
            raise UserError(
                f"You have no{where} reading on {choice.isoformat()} ({tz.key}). Start typing "
                "in `reading` and pick one from the list."
            )
        return found[-1]
    by_id = await readings.reading_of(user_id, choice)
    if by_id is None:
        raise UserError(
            "That reading isn't one of yours, or it was removed. Start typing in `reading` "
            "and pick one from the list."
        )
    return by_id


async def correct(
    readings: ReadingsPort,
    reading: Reading,
    changes: ReadingChanges,
    *,
    on_slow: OnSlow | None = None,
) -> Reading | None:
    """Correct the reading /edit showed; None if it was removed meanwhile."""
    return await readings.correct_reading(reading.user_id, reading.id, changes, on_slow=on_slow)


async def member_zone(settings: SettingsPort, user_id: int, guild_id: int | None) -> ZoneInfo:
    """The zone a member's days are counted in: their own, else the server's, else UTC."""
    own = (await settings.member_settings(user_id)).timezone
    if own is not None:
        return own
    if guild_id is None:
        return UTC_ZONE
    return (await settings.guild_settings(guild_id)).timezone
