"""Which process looks after which server: Discord's own gateway sharding decides.

A server belongs to shard `(guild_id >> 22) % shard_count` (Discord's formula); a process
runs some of the shards (`SHARD_IDS`, all of them by default) and schedules, posts and
reminds for the servers on those alone. Direct messages with no server behind them (the
reminders of a member who never logged in a server) belong to shard 0, as Discord routes
them.
"""

from __future__ import annotations

from bot.domain.records import record


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a server's events arrive on."""
    return (guild_id >> 22) % shard_count


@record
class Shards:
    """The shards one process runs: `ids` of `count` (None: every one)."""

    count: int = 1
    ids: tuple[int, ...] | None = None

    @property
    def share(self) -> float:
        """This process's part of the bot: its shards over all of them (1 when it runs all).
        Limits that Discord counts per bot, not per process, are divided by it."""
        return 1.0 if self.ids is None else len(self.ids) / self.count

    def hosts(self, guild_id: int | None) -> bool:
        """Whether this process looks after the server (None: a member with no server)."""
        shard = 0 if guild_id is None else shard_of(guild_id, self.count)
        return self.ids is None or shard in self.ids
