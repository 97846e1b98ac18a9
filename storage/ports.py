"""The small interfaces the use cases ask of storage, one per concern.

A use case takes only the ports it needs, so a new backend (PostgreSQL) or a new feature adds
or implements a port rather than growing one wide interface. Every method is one
transaction. This module holds the commands' ports (readings, posts, goals, a member's
history); `storage.ports_own_data` the member's data as a whole (export, import, forget),
`storage.ports_scheduled` what runs on a schedule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.models import MemberProfile, Platform, Post, PostDraft, Reading, ReadingDraft
from bot.domain.records import record

if TYPE_CHECKING:
    from bot.domain.goals import Goal

RefusalT = TypeVar("RefusalT")

# A write still waiting for the database after this long (another connection holds the
# write lock) calls its `on_slow`, once, and keeps waiting: a command can then tell Discord
# it will answer late, within its 3-second deadline.
SLOW_WRITE = timedelta(seconds=2)
OnSlow = Callable[[], Awaitable[None]]
RefusalT_co = TypeVar("RefusalT_co", covariant=True)


@record
class Placement:
    """Where a new reading goes: decided by the use case from the member's profile."""

    platform: Platform
    taken_at: datetime
    week_start: datetime  # the member's local week containing `now`
    # A reading with the same counts written (logged_at) at or after `repeat_since`, dated
    # within `repeat_within` of `taken_at`, is a repeat.
    repeat_since: datetime
    repeat_within: timedelta


@record
class Surroundings:
    """What storage found around a new reading, on its platform, before writing it.

    "Before" and "after" are by date (taken_at), whatever order the readings were logged in.
    """

    profile: MemberProfile
    placement: Placement
    before: Reading | None  # the last at or before taken_at
    after: Reading | None  # the first after taken_at
    week_before: Reading | None  # the last before the week began (weeks are [start, end))
    week_first: Reading | None  # the first at or after the week's start
    latest: Reading | None  # the last at or before now
    # The reading with the same followers and following written since `repeat_since`, dated
    # within `repeat_within` of this one, whose date is closest to this one's, and when it
    # was written.
    repeat: Reading | None
    repeat_logged_at: datetime | None

    def readings(self, *also: Reading) -> list[Reading]:
        """Every distinct reading found, and `also`, in time order."""
        found = {
            r.id: r
            for r in (
                self.before,
                self.after,
                self.week_before,
                self.week_first,
                self.latest,
                *also,
            )
            if r is not None
        }
        return sorted(found.values(), key=lambda r: (r.taken_at, r.id))


@record
class Stored:
    reading: Reading
    found: Surroundings


@record
class HandledElsewhere:
    """The interaction that asked for this write was stored already, by another process that
    received it too (`storage.sqlite_interactions`): nothing was written, and that process
    answers the member."""

    interaction_id: int


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
    ) -> Stored | RefusalT | HandledElsewhere:
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

    async def recent_readings_of(self, user_id: int, limit: int) -> list[Reading]:
        """The member's newest readings by date, every platform, newest first."""
        ...

    async def readings_between(self, user_id: int, start: datetime, end: datetime) -> list[Reading]:
        """The member's readings taken in [start, end), every platform, oldest first."""
        ...

    async def reading_of(self, user_id: int, reading_id: int) -> Reading | None:
        """One of the member's readings; None if it is not theirs or is gone."""
        ...

    async def correct_reading(
        self,
        user_id: int,
        reading_id: int,
        changes: ReadingChanges,
        *,
        on_slow: OnSlow | None = None,
    ) -> Reading | None:
        """Apply `changes` to one of the member's readings, committed when this returns; the
        reading as it now is, or None if it was gone."""
        ...


@record
class ReadingChanges:
    """What `/edit` corrects in a reading; None leaves a field as it is ('' clears the note)."""

    followers: int | None = None
    following: int | None = None
    note: str | None = None


# ---- posts -----------------------------------------------------------------------------------


@record
class PostSurroundings:
    """What storage found before writing a post: the member, where the post goes, and the same
    post written a moment ago, if there is one (a retry or a double tap)."""

    profile: MemberProfile
    placement: Placement
    repeat: Post | None
    repeat_logged_at: datetime | None = None


@record
class PostStored:
    """A post committed, with what the reply needs around it."""

    post: Post
    found: PostSurroundings
    recent: list[Post]  # the member's last `WINDOW` posts on its platform, oldest first
    posted: list[datetime]  # when each of their posts went out, every platform, oldest first
    followers: int | None  # their latest follower count on the platform, if they logged one


class PostRules(Protocol[RefusalT_co]):
    """The use case's decisions about a post, run by storage inside its write transaction."""

    def place(self, profile: MemberProfile) -> Placement:
        """Where the post goes; raise `UserError` to store nothing."""
        ...

    def check(self, found: PostSurroundings) -> RefusalT_co | None:
        """Why not to store it (returned to the caller as is), or None to store it."""
        ...


class PostsPort(Protocol):
    async def log_post(
        self,
        draft: PostDraft,
        *,
        now: datetime,
        rules: PostRules[RefusalT],
        on_slow: OnSlow | None = None,
    ) -> PostStored | RefusalT | HandledElsewhere:
        """Check and store one post: one transaction, committed (durably) when this returns
        `PostStored`; nothing written when `rules` refuse."""
        ...


# ---- goals -------------------------------------------------------------------------------------


@record
class GoalSet:
    goal: Goal
    latest: Reading | None  # the member's latest reading on the goal's platform


class GoalRules(Protocol):
    """The use case's decisions about a goal, run by storage inside its write transaction."""

    def platform(self, profile: MemberProfile) -> Platform:
        """Which platform the goal is for."""
        ...

    def check(self, platform: Platform, latest: Reading | None) -> None:
        """Raise `UserError` to store nothing."""
        ...


class GoalsPort(Protocol):
    async def set_goal(
        self,
        user_id: int,
        guild_id: int | None,
        followers: int,
        *,
        now: datetime,
        rules: GoalRules,
        on_slow: OnSlow | None = None,
    ) -> GoalSet:
        """Set (or replace) the member's goal on one platform: one transaction, committed when
        this returns."""
        ...

    async def clear_goals(
        self, user_id: int, platform: Platform | None, *, on_slow: OnSlow | None = None
    ) -> list[Goal]:
        """Remove the member's goal on `platform` (None: every goal); what was removed."""
        ...

    async def goals(self, user_id: int) -> list[Goal]:
        """The member's goals, one per platform at most."""
        ...


@record
class MemberReadings:
    profile: MemberProfile
    platform: Platform
    readings: list[Reading]  # oldest first; the first may be the one just before `since`
    # When each of the member's readings on every platform was taken, oldest first (the
    # logging streak counts them all).
    taken: list[datetime] = field(default_factory=list)
    # Their last `WINDOW` posts on `platform` up to now, oldest first (engagement), and when
    # each of their posts on every platform went out (posts this week, the posting streak).
    posts: list[Post] = field(default_factory=list)
    posted: list[datetime] = field(default_factory=list)
    goal: Goal | None = None  # their goal on `platform`
    # With no platform asked for: their latest reading on each platform, for the totals.
    latest: list[Reading] = field(default_factory=list)


class MembersPort(Protocol):
    async def member_readings(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        platform: Platform | None,
        since: Callable[[ZoneInfo], datetime | None],
        now: datetime,
    ) -> MemberReadings:
        """The member's profile and their readings on `platform` (None: the platform read
        commands show, plus the latest reading on every platform) from `since(their zone)`
        on, plus the one just before: one snapshot, read without waiting for any writer."""
        ...
