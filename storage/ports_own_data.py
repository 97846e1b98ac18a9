"""The ports for a member's own data as a whole: what NetGain keeps about them, `/export`,
`/import` and `/forget`, and dropping a server that removed NetGain."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.domain.models import Post, Reading
from bot.domain.records import record
from storage.ports import OnSlow

if TYPE_CHECKING:
    from bot.domain.goals import Goal
    from bot.domain.imports import Parsed


@record
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


@record
class MemberData:
    """Everything a member logged, for `/export`."""

    readings: list[Reading]
    posts: list[Post]
    goals: list[Goal]


@record
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
