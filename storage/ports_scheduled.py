"""The ports of what runs on a schedule: server and member settings, digests, reminders, and
the claims a stopping process hands over."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.domain.models import Post, Reading
from storage.ports import OnSlow

if TYPE_CHECKING:
    from bot.domain.reminders import ReminderCandidate
    from bot.domain.schedule import GuildSettings
    from storage.schedules import (
        ChartWeek,
        DigestData,
        DigestRun,
        KeptStreak,
        MemberSettings,
        OpenClaims,
        RunState,
    )


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
        self,
        guild_id: int,
        tz: ZoneInfo,
        since: datetime,
        until: datetime,
        *,
        full_since: datetime | None = None,
        chart_since: datetime | None = None,
    ) -> DigestData:
        """The server's members and their readings taken in (since, until].

        With `full_since`, readings before it come only where a week's figures reach back to
        them, however long ago: on each platform the last one before it, and each goal's
        first reading that reached it. With `chart_since`, the chart's weeks kept from then
        on come as `DigestData.chart`, and the follower counts as `DigestData.traces`, from
        `DigestData.traces_since` on: where the kept weeks end, or earlier where a kept
        streak base needs its readings from (never before `chart_since`); and those at the
        last instant before the first week not kept, which the chart adds up. The logging
        streak then needs `DigestData.streaks`, or else `streak_instants`."""

    async def streak_instants(
        self, user_ids: Sequence[int], until: datetime
    ) -> dict[int, list[int]]:
        """When each of these members' readings up to `until` was taken, as POSIX seconds."""

    async def keep_streak_bases(self, kept: Sequence[KeptStreak]) -> int:
        """Store these streak bases, each only if the member's readings are still at the
        version it was counted at, and no later base is kept; how many were stored. A
        shortcut: its commit does not wait for the disk (`Jobs._write`'s `durable`)."""

    async def keep_chart_weeks(
        self,
        guild_id: int,
        zone: str,
        weeks: Sequence[ChartWeek],
        *,
        versions: Mapping[int, int],
        since: datetime,
    ) -> int:
        """Keep these chart weeks of the server, counted in `zone`, unless its members or
        their readings changed since `versions` (each member's readings' version,
        `StoredStreak.version`) were read; how many were kept. Those of other zones, and
        those that start before `since`, are dropped. A shortcut, as the bases are."""

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

    async def take_lease(self, name: str, owner: str, *, now: datetime, until: datetime) -> bool:
        """Hold the lease `name` until `until`, if nobody holds it now; False if another
        process does (its lease has not run out)."""

    async def drop_lease(self, name: str, owner: str) -> None:
        """Let go of a lease this process holds, before it runs out."""

    async def prune_interactions(self, before: datetime) -> int:
        """Forget the interactions seen before `before` (`storage.sqlite_interactions`): none
        is delivered again that late. How many."""
