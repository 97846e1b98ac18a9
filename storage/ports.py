"""The small interfaces the use cases ask of storage, one per concern.

A use case takes only the ports it needs, so a new backend (PostgreSQL) or a new feature adds
or implements a port rather than growing one wide interface. Every method is one
transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.models import MemberProfile, Platform, Reading, ReadingDraft

if TYPE_CHECKING:
    from bot.domain.reminders import ReminderCandidate
    from bot.domain.schedule import GuildSettings
    from storage.schedules import DigestData, DigestRun, MemberSettings

RefusalT = TypeVar("RefusalT")

# A write still waiting for the database after this long (another connection holds the
# write lock) calls its `on_slow`, once, and keeps waiting: a command can then tell Discord
# it will answer late, within its 3-second deadline.
SLOW_WRITE = timedelta(seconds=2)
OnSlow = Callable[[], Awaitable[None]]
RefusalT_co = TypeVar("RefusalT_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a new reading goes: decided by the use case from the member's profile."""

    platform: Platform
    taken_at: datetime
    week_start: datetime  # the member's local week containing `now`
    # A reading with the same counts written (logged_at) at or after this is a repeat.
    repeat_since: datetime


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What storage found around a new reading, on its platform, before writing it.

    "Before" and "after" are by date (taken_at), whatever order the readings were logged in.
    """

    profile: MemberProfile
    placement: Placement
    before: Reading | None  # the last at or before taken_at
    after: Reading | None  # the first after taken_at
    week_before: Reading | None  # the last at or before the week's start
    week_first: Reading | None  # the first after the week's start
    latest: Reading | None  # the last at or before now
    # The reading with the same followers and following written since `repeat_since`
    # whose date is closest to this one's (the use case decides if it is a repeat), and when
    # it was written.
    repeat: Reading | None
    repeat_logged_at: datetime | None

    def readings(self) -> list[Reading]:
        """Every distinct reading found, in time order."""
        found = {
            r.id: r
            for r in (self.before, self.after, self.week_before, self.week_first, self.latest)
            if r is not None
        }
        return sorted(found.values(), key=lambda r: (r.taken_at, r.id))


@dataclass(frozen=True, slots=True)
class Stored:
    reading: Reading
    found: Surroundings


class LogRules(Protocol[RefusalT_co]):
    """The use case's decisions, run by storage inside its write transaction.

    Both are plain, quick functions: storage calls them in its database thread, between
    reading and writing, so the whole read-check-write is one transaction and one trip.
    """

    def place(self, profile: MemberProfile) -> Placement:
        """Where the reading goes; raise `UserError` to store nothing."""
        ...

    def check(self, found: Surroundings) -> RefusalT_co | None:
        """Why not to store it (returned to the caller as is), or None to store it."""
        ...


class ReadingsPort(Protocol):
    async def log_reading(
        self,
        draft: ReadingDraft,
        *,
        now: datetime,
        rules: LogRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> Stored | RefusalT:
        """Read around the new reading, check it, and store it: one transaction, committed
        (durably) when this returns `Stored`; nothing written when `rules` refuse."""
        ...

    async def newest_reading(self, user_id: int) -> Reading | None:
        """The member's newest reading by date (taken_at), on any platform."""
        ...

    async def delete_reading(
        self, user_id: int, reading_id: int, *, on_slow: OnSlow | None = None
    ) -> bool:
        """Remove one of the member's readings; False if it was already gone."""
        ...


@dataclass(frozen=True, slots=True)
class MemberReadings:
    profile: MemberProfile
    platform: Platform
    readings: list[Reading]  # oldest first; the first may be the one just before `since`
    # When each of the member's readings on every platform was taken, oldest first (the
    # logging streak counts them all).
    taken: list[datetime] = field(default_factory=list)


class MembersPort(Protocol):
    async def member_readings(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        platform: Platform | None,
        since: Callable[[ZoneInfo], datetime | None],
    ) -> MemberReadings:
        """The member's profile and their readings on `platform` (None: the platform read
        commands show) from `since(their zone)` on, plus the one just before: one snapshot,
        read without waiting for any writer."""
        ...


# ---- what runs on a schedule: server and member settings, digests, reminders ---------------
# Implemented by `storage.schedules.ScheduleStore` (SQLite: storage/sqlite_settings.py,
# sqlite_digests.py, sqlite_reminders.py).


class SettingsPort(Protocol):
    async def guild_settings(self, guild_id: int) -> GuildSettings: ...

    async def save_guild_settings(
        self, settings: GuildSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None: ...

    async def digest_guilds(self) -> list[GuildSettings]: ...

    async def member_settings(self, user_id: int) -> MemberSettings: ...

    async def save_member_settings(
        self, settings: MemberSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None: ...


class DigestsPort(Protocol):
    async def digest_data(
        self, guild_id: int, tz: ZoneInfo, since: datetime, until: datetime
    ) -> DigestData:
        """The server's members and their readings taken in (since, until]."""
        ...

    async def digest_run(self, guild_id: int, week: date) -> DigestRun | None: ...

    async def stale_digest_claims(self, now: datetime) -> list[tuple[int, date]]: ...

    async def digest_lease_end(self, now: datetime) -> datetime | None: ...


class RemindersPort(Protocol):
    async def reminder_times(self) -> set[tuple[str, str]]: ...

    async def reminder_candidates(
        self, timezone: str, at: str, week: date
    ) -> list[ReminderCandidate]: ...

    async def reminder_candidate(self, user_id: int, week: date) -> ReminderCandidate | None: ...

    async def recent_readings(self, user_id: int, since: datetime) -> list[Reading]: ...

    async def stale_reminders(self, now: datetime) -> list[tuple[int, str, date]]: ...

    async def reminder_lease_end(self, now: datetime) -> datetime | None: ...
