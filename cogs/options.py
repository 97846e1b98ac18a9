"""Slash option types shared by several cogs. Each declares its choices or limits to Discord
and checks the value again on arrival, raising a UserError that says how to fix it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.domain.errors import UserError
from bot.domain.schedule import DAYS, parse_clock_time, parse_timezone, timezone_choices


class Choices(app_commands.Transformer):
    """A string option with fixed choices, arriving as the value each choice stands for."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self.name = name
        self._values = {key.lower(): value for key, value in values.items()}
        self._choices: list[app_commands.Choice[int | float | str]] = [
            app_commands.Choice(name=key, value=key.lower()) for key in values
        ]

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def choices(self) -> list[app_commands.Choice[int | float | str]]:
        return list(self._choices)

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> Any:
        key = str(value).strip().lower()
        if key not in self._values:
            names = ", ".join(str(choice.name) for choice in self._choices)
            raise UserError(f"`{self.name}` must be one of {names}.")
        return self._values[key]


def enum_choices(name: str, members: list[StrEnum], label: Callable[[Any], str]) -> Choices:
    """Choices for an enum's members, shown by `label`, arriving as the member."""
    return Choices(name, {label(member): member for member in members})


class Whole(app_commands.Transformer):
    """A whole number between `low` and `high`, both included."""

    def __init__(self, name: str, low: int, high: int, hint: str = "") -> None:
        self.name = name
        self.low = low
        self.high = high
        self.hint = hint

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return self.low

    @property
    def max_value(self) -> int:
        return self.high

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> int:
        hint = f" {self.hint}" if self.hint else ""
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"`{self.name}` must be a whole number.{hint}")
        if value < self.low:
            if self.low == 0:
                raise UserError(f"`{self.name}` can't be negative (you typed {value:,}).{hint}")
            raise UserError(f"`{self.name}` must be at least {self.low:,}; got {value:,}.")
        if value > self.high:
            raise UserError(
                f"`{self.name}` {value:,} is more than {self.high:,}: check for an extra digit."
            )
        return value


class ClockTimeOption(app_commands.Transformer):
    """A local time of day typed as HH:MM (24-hour)."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return 5

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> time:
        return parse_clock_time(str(value), self.name)


class TimeZoneOption(app_commands.Transformer):
    """An IANA time zone name, offered by autocomplete as the member types."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return 64

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in timezone_choices(value)]

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> ZoneInfo:
        return parse_timezone(str(value))


WEEKDAY = Choices("day", {day: index for index, day in enumerate(DAYS)})
ENGAGEMENT_DAY = Choices("engagement_day", {day: index for index, day in enumerate(DAYS)})
TIMEZONE = TimeZoneOption()
ON_OFF = {"on": True, "off": False}
