"""The one storage interface the cogs see.

Each public method is one short transaction. The use-case steps live here once, written
against a few primitives that each backend implements in its own SQL, so another backend
(PostgreSQL) only has to supply those primitives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.metrics import is_implausible_jump
from bot.domain.models import MemberProfile, Period, Platform, Reading, ReadingDraft
from bot.domain.periods import reading_instant, week_start
from bot.domain.rules import Measured, week_to_date
from bot.domain.summaries import history_since, reading_at
from storage.schedules import ScheduleStore

TxT = TypeVar("TxT")


@dataclass(frozen=True, slots=True)
class Logged:
    """A reading stored and committed, with what the reply needs around it."""

    reading: Reading
    previous: Reading | None
    week: Measured  # growth this local week so far (bot.domain.rules.week_to_date)
    timezone: ZoneInfo  # the zone the member's weeks are counted in
    # Stored for a past day the member named, rather than for now.
    backfilled: bool = False
    # The member's first reading anywhere: they now have settings of their own.
    new_member: bool = False


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    """Nothing was stored: the jump from the previous reading looks like a typo."""

    draft: ReadingDraft
    platform: Platform
    previous: Reading


@dataclass(frozen=True, slots=True)
class History:
    """A member's readings on one platform, oldest first; the first may predate the period."""

    profile: MemberProfile
    platform: Platform
    readings: list[Reading]


class Storage(ScheduleStore, ABC, Generic[TxT]):
    """Everything the cogs may ask of a database; each public method is one transaction."""

    # ---- use cases -------------------------------------------------------------------------

    async def log_reading(
        self, draft: ReadingDraft, *, now: datetime, confirmed: bool = False
    ) -> Logged | NeedsConfirmation:
        """Store a reading unless it needs confirming; committed when this returns `Logged`."""
        async with self._transaction(write=True) as tx:
            profile = await self._profile(tx, draft.user_id, draft.guild_id)
            platform = draft.platform or profile.default_platform
            taken_at = reading_instant(draft.day, now, profile.timezone)
            this_week = week_start(now, profile.timezone)
            nearby = await self._nearby(tx, draft.user_id, platform, taken_at, this_week)
            previous = reading_at(nearby, taken_at)
            if (
                not confirmed
                and previous is not None
                and is_implausible_jump(previous.followers, draft.followers)
            ):
                return NeedsConfirmation(draft=draft, platform=platform, previous=previous)
            if not profile.known:
                await self._create_member(tx, draft.user_id, now)
            renamed = draft.display_name is not None and draft.display_name != profile.display_name
            if draft.guild_id is not None and (not profile.logged_here or renamed):
                await self._join_guild(tx, draft.guild_id, draft.user_id, draft.display_name, now)
            reading = await self._insert_reading(tx, draft, platform, taken_at, now)
        around = sorted([*nearby, reading], key=lambda r: (r.taken_at, r.id))
        return Logged(
            reading=reading,
            previous=previous,
            week=week_to_date(around, now, profile.timezone),
            timezone=profile.timezone,
            backfilled=taken_at != now,
            new_member=not profile.known,
        )

    async def history(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        platform: Platform | None,
        period: Period,
        now: datetime,
    ) -> History:
        """Readings for /net and /history: the period asked for and the last six weeks."""
        async with self._transaction(write=False) as tx:
            profile = await self._profile(tx, user_id, guild_id, platform_to_show=platform is None)
            shown = profile.platform_to_show(platform)
            since = history_since(period, now, profile.timezone)
            readings = await self._readings_since(tx, user_id, shown, since)
        return History(profile=profile, platform=shown, readings=readings)

    @abstractmethod
    async def latest_entry(self, user_id: int) -> Reading | None:
        """The reading the member logged most recently (what /undo offers to remove)."""

    @abstractmethod
    async def delete_reading(self, user_id: int, reading_id: int) -> bool:
        """Remove one of the member's readings; False if it was already gone."""

    @abstractmethod
    async def get_state(self, key: str) -> str | None: ...

    @abstractmethod
    async def set_state(self, key: str, value: str) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    # ---- primitives each backend supplies ---------------------------------------------------

    @abstractmethod
    def _transaction(self, *, write: bool) -> AbstractAsyncContextManager[TxT]:
        """One transaction, committed on a clean exit and rolled back on an exception."""

    @abstractmethod
    async def _profile(
        self, tx: TxT, user_id: int, guild_id: int | None, *, platform_to_show: bool = False
    ) -> MemberProfile:
        """The member's settings and standing in this server; with `platform_to_show`, also
        the platform read commands show when none is named (see MemberProfile)."""

    @abstractmethod
    async def _nearby(
        self, tx: TxT, user_id: int, platform: Platform, taken_at: datetime, week: datetime
    ) -> list[Reading]:
        """In time order: the last reading at or before `taken_at`, the last at or before
        `week`, the first after `week`, and the latest (each if it exists)."""

    @abstractmethod
    async def _create_member(self, tx: TxT, user_id: int, now: datetime) -> None: ...

    @abstractmethod
    async def _join_guild(
        self, tx: TxT, guild_id: int, user_id: int, display_name: str | None, now: datetime
    ) -> None:
        """Note that the member logs in this server, under this name."""

    @abstractmethod
    async def _insert_reading(
        self, tx: TxT, draft: ReadingDraft, platform: Platform, taken_at: datetime, now: datetime
    ) -> Reading: ...

    @abstractmethod
    async def _readings_since(
        self, tx: TxT, user_id: int, platform: Platform, since: datetime | None
    ) -> list[Reading]:
        """Readings from `since` on (all when None), oldest first, plus the one just before."""
