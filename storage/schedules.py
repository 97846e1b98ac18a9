"""The storage interface for what runs on a schedule: server settings, digests, reminders."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember
from bot.domain.models import Platform, Reading
from bot.domain.reminders import ReminderCandidate
from bot.domain.schedule import GuildSettings
from storage.ports import OnSlow


class RunState(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class DigestRun:
    """The durable record of one server's digest for one covered week."""

    state: RunState
    pages_posted: int = 0
    message_ids: list[int] = field(default_factory=list)
    late: bool = False
    reason: str | None = None
    attempts: int = 0
    updated_at: datetime | None = None
    channel_id: int | None = None  # where its pages went
    generation: int = 0  # times an admin had it posted again (its pages' nonces change)


@dataclass(frozen=True, slots=True)
class DigestData:
    members: list[DigestMember]
    readings: list[Reading]  # oldest first per member and platform


@dataclass(frozen=True, slots=True)
class MemberSettings:
    user_id: int
    timezone: ZoneInfo | None = None
    default_platform: Platform = Platform.TIKTOK
    reminders: bool = True
    reminder_time: time | None = None
    mentions: bool = False


class ScheduleStore(ABC):
    # ---- server settings -------------------------------------------------------------------

    @abstractmethod
    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it has none yet."""

    @abstractmethod
    async def save_guild_settings(
        self, settings: GuildSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        """Committed when this returns; `on_slow` runs if the write waits past 2 s."""

    @abstractmethod
    async def digest_guilds(self) -> list[GuildSettings]:
        """Every server with a digest channel set."""

    @abstractmethod
    async def set_problem(
        self,
        guild_id: int,
        problem: str | None,
        *,
        now: datetime,
        on_slow: OnSlow | None = None,
    ) -> None:
        """Remember (or clear, with None) what last went wrong, for the server's admins."""

    # ---- member settings -------------------------------------------------------------------

    @abstractmethod
    async def member_settings(self, user_id: int) -> MemberSettings: ...

    @abstractmethod
    async def save_member_settings(
        self, settings: MemberSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        """Committed when this returns; `on_slow` runs if the write waits past 2 s."""

    # ---- digests ---------------------------------------------------------------------------

    @abstractmethod
    async def digest_data(
        self, guild_id: int, tz: ZoneInfo, since: datetime, until: datetime
    ) -> DigestData:
        """The server's members and their readings taken in (since, until]."""

    @abstractmethod
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

    @abstractmethod
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

    @abstractmethod
    async def stale_digest_claims(self, now: datetime) -> list[tuple[int, date]]:
        """(server, week) of every digest claimed by a process whose lease ran out."""

    @abstractmethod
    async def digest_lease_end(self, now: datetime) -> datetime | None:
        """When the first digest claim held now runs out, if any is held."""

    @abstractmethod
    async def reminder_lease_end(self, now: datetime) -> datetime | None:
        """When the first reminder claim held now runs out, if any is held."""

    @abstractmethod
    async def holds_claims(self, owner: str) -> bool:
        """Whether this process holds any unfinished claim (a read: never waits for a lock)."""

    @abstractmethod
    async def release_claims(self, owner: str, *, now: datetime) -> int:
        """Let go of this process's unfinished claims (digests and reminders) so another can
        take them over at once; how many there were."""

    @abstractmethod
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

    @abstractmethod
    async def skip_digest(self, guild_id: int, week: date, *, reason: str, now: datetime) -> bool:
        """Record a digest that will not be posted; False if one was already recorded."""

    @abstractmethod
    async def digest_run(self, guild_id: int, week: date) -> DigestRun | None: ...

    # ---- reminders -------------------------------------------------------------------------

    @abstractmethod
    async def reminder_times(self) -> set[tuple[str, str]]:
        """Every (time zone, HH:MM) at which some member wants reminders."""

    @abstractmethod
    async def reminder_candidates(
        self, timezone: str, at: str, week: date
    ) -> list[ReminderCandidate]:
        """Members with reminders on whose local reminder time is `at` in `timezone`."""

    @abstractmethod
    async def recent_readings(self, user_id: int, since: datetime) -> list[Reading]:
        """The member's readings on every platform from `since`, plus the one before each."""

    @abstractmethod
    async def reminder_candidate(self, user_id: int, week: date) -> ReminderCandidate | None:
        """One member as `reminder_candidates` sees them (None: reminders off, or gone)."""

    @abstractmethod
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

    @abstractmethod
    async def set_reminder_via(self, user_id: int, kind: str, week: date, via: str) -> None:
        """How a claimed reminder went out ('dm', 'mention', 'none'): the claim is done."""

    @abstractmethod
    async def stale_reminders(self, now: datetime) -> list[tuple[int, str, date]]:
        """(member, kind, week) of every reminder whose sender stopped before finishing."""

    @abstractmethod
    async def set_dms_closed(self, user_id: int, closed_at: datetime | None) -> None: ...
