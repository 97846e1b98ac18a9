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

from bot.domain.models import MemberProfile, Platform, Post, PostDraft, Reading, ReadingDraft

if TYPE_CHECKING:
    from bot.domain.goals import Goal
    from bot.domain.imports import Parsed
    from bot.domain.reminders import ReminderCandidate
    from bot.domain.schedule import GuildSettings
    from storage.schedules import DigestData, DigestRun, MemberSettings, OpenClaims, RunState

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
    # A reading with the same counts written (logged_at) at or after `repeat_since`, dated
    # within `repeat_within` of `taken_at`, is a repeat.
    repeat_since: datetime
    repeat_within: timedelta


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class ReadingChanges:
    """What `/edit` corrects in a reading; None leaves a field as it is ('' clears the note)."""

    followers: int | None = None
    following: int | None = None
    note: str | None = None


# ---- posts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostSurroundings:
    """What storage found before writing a post: the member, where the post goes, and the same
    post written a moment ago, if there is one (a retry or a double tap)."""

    profile: MemberProfile
    placement: Placement
    repeat: Post | None
    repeat_logged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
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
    ) -> PostStored | RefusalT:
        """Check and store one post: one transaction, committed (durably) when this returns
        `PostStored`; nothing written when `rules` refuse."""
        ...


# ---- goals -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


# ---- a member's own data ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Footprint:
    """What NetGain keeps about one member."""

    readings: int
    posts: int
    goals: int
    servers: int  # servers they logged in
    here: bool  # they logged in the server asked about
    settings: bool = False  # they have settings of their own (a members row)

    @property
    def empty(self) -> bool:
        return not (self.readings or self.posts or self.goals or self.servers or self.settings)


@dataclass(frozen=True, slots=True)
class MemberData:
    """Everything a member logged, for `/export`."""

    readings: list[Reading]
    posts: list[Post]
    goals: list[Goal]


@dataclass(frozen=True, slots=True)
class ImportCounts:
    readings: int  # new readings
    posts: int  # new posts
    skipped: int  # rows already stored (or twice in the file)


class ForgetPort(Protocol):
    async def member_data(self, user_id: int) -> MemberData:
        """Everything the member logged, oldest first per platform (one read snapshot)."""
        ...

    async def footprint(self, user_id: int, guild_id: int | None) -> Footprint:
        """What NetGain keeps about the member (a read)."""
        ...

    async def import_history(
        self,
        user_id: int,
        guild_id: int | None,
        display_name: str | None,
        parsed: Parsed,
        *,
        now: datetime,
        write: bool,
        on_slow: OnSlow | None = None,
    ) -> ImportCounts:
        """What `parsed` would add (`write` False: a read), or add it with source `imported`
        (one transaction, committed when this returns); rows stored already are skipped."""
        ...

    async def forget_guild(self, guild_id: int) -> None:
        """Drop a server's settings and unfinished digest claims (NetGain was removed)."""
        ...

    async def forget(
        self, user_id: int, guild_id: int | None, *, on_slow: OnSlow | None = None
    ) -> Footprint:
        """Delete every row about the member (`guild_id` None), or only their presence in
        that server: one transaction, committed when this returns; what there was."""
        ...


# ---- what runs on a schedule: server and member settings, digests, reminders ---------------


class SettingsPort(Protocol):
    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it has none yet."""

    async def save_guild_settings(
        self, settings: GuildSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        """Committed when this returns; `on_slow` runs if the write waits past 2 s."""

    async def digest_guilds(self) -> list[GuildSettings]:
        """Every server with a digest channel set."""

    async def set_problem(
        self,
        guild_id: int,
        problem: str | None,
        *,
        now: datetime,
        on_slow: OnSlow | None = None,
    ) -> None:
        """Remember (or clear, with None) what last went wrong, for the server's admins."""

    async def member_settings(self, user_id: int) -> MemberSettings: ...

    async def save_member_settings(
        self, settings: MemberSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        """Committed when this returns; `on_slow` runs if the write waits past 2 s."""


class DigestsPort(Protocol):
    async def digest_data(
        self, guild_id: int, tz: ZoneInfo, since: datetime, until: datetime
    ) -> DigestData:
        """The server's members and their readings taken in (since, until]."""

    async def claim_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        now: datetime,
        lease_until: datetime,
        force: bool = False,
    ) -> DigestRun | None:
        """Take the right to post this digest: a new claim, or one whose lease ran out.

        With `force` (an admin's `/digest send`), a finished digest may be claimed again;
        one being posted right now never is. None when the claim is not ours.
        """

    async def digest_claims(self, now: datetime) -> OpenClaims[tuple[int, date]]:
        """(server, week) of digests claimed and not finished: stale ones, and when the
        first still held runs out. One read."""

    async def digest_page_posted(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        message_id: int,
        now: datetime,
        lease_until: datetime,
        channel_id: int | None = None,
    ) -> bool:
        """Record one posted page and extend the lease; False if the claim was lost."""

    async def finish_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        state: RunState,
        now: datetime,
        late: bool = False,
        reason: str | None = None,
    ) -> bool: ...

    async def skip_digest(self, guild_id: int, week: date, *, reason: str, now: datetime) -> bool:
        """Record a digest that will not be posted; False if one was already recorded."""

    async def digest_run(self, guild_id: int, week: date) -> DigestRun | None: ...


class RemindersPort(Protocol):
    async def reminder_times(self) -> set[tuple[str, str]]:
        """Every (time zone, HH:MM) at which some member wants reminders."""

    async def reminder_candidates(
        self, timezone: str, at: str, week: date
    ) -> list[ReminderCandidate]:
        """Members with reminders on whose local reminder time is `at` in `timezone`."""

    async def recent_readings(self, user_id: int, since: datetime) -> list[Reading]:
        """The member's readings on every platform from `since`, plus the one before each."""

    async def recent_posts(self, user_id: int, since: datetime) -> list[Post]:
        """The member's last posts on each platform (as many as the engagement rates are
        over), and every one from `since`; oldest first per platform."""

    async def reminder_candidate(self, user_id: int, week: date) -> ReminderCandidate | None:
        """One member as `reminder_candidates` sees them (None: reminders off, or gone)."""

    async def record_reminder(
        self,
        user_id: int,
        kind: str,
        week: date,
        *,
        owner: str,
        guild_id: int | None,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        """Claim sending this reminder: False if one of this kind was sent (or is being sent)
        this week already. A claim whose sender stopped before finishing can be taken over."""

    async def set_reminder_via(self, user_id: int, kind: str, week: date, via: str) -> None:
        """How a claimed reminder went out ('dm', 'mention', 'none'): the claim is done."""

    async def set_dms_closed(self, user_id: int, closed_at: datetime | None) -> None: ...

    async def reminder_claims(self, now: datetime) -> OpenClaims[tuple[int, str, date]]:
        """(member, kind, week) of reminders claimed and not finished: stale ones, and when
        the first still held runs out. One read."""


class ClaimsPort(Protocol):
    """What a stopping process does with the digests and reminders it has not finished."""

    async def holds_claims(self, owner: str) -> bool:
        """Whether this process holds any unfinished claim (a read: never waits for a lock)."""

    async def release_claims(self, owner: str, *, now: datetime) -> int:
        """Let go of this process's unfinished claims (digests and reminders) so another can
        take them over at once; how many there were."""
