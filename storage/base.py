"""The storage object the bot holds: every port one backend implements.

The use cases (`bot.usecases`) each take only the ports they need; this is what a backend
implements in full, and what `bot.storage` is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from storage.ports import GoalsPort, MembersPort, PostsPort, ReadingsPort
from storage.ports_own_data import ForgetPort
from storage.ports_scheduled import ClaimsPort, DigestsPort, RemindersPort, SettingsPort

# The backend's connection type; kept so `Storage[Any]` reads as it always has.
TxT = TypeVar("TxT")


class Storage(
    ReadingsPort,
    PostsPort,
    GoalsPort,
    ForgetPort,
    MembersPort,
    SettingsPort,
    DigestsPort,
    RemindersPort,
    ClaimsPort,
    ABC,
    Generic[TxT],
):
    """Everything NetGain keeps; each public method is one transaction."""

    @abstractmethod
    async def get_state(self, key: str) -> str | None: ...

    @abstractmethod
    async def set_state(self, key: str, value: str) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...
