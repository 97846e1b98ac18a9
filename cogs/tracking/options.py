"""Slash option types that declare their limits to Discord and check them again on arrival.

The Discord client enforces choices and min/max as the member types, but the bot must not
trust that: every transformer re-checks its value and raises a `UserError` that says how to
fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import UserError
from bot.domain.metrics import MAX_COUNT
from bot.domain.models import Period, Platform
from bot.domain.periods import parse_day

NOTE_MAX = 200


class Count(app_commands.Transformer):
    """A count typed off a profile: a whole number from 0 to ten billion."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 0

    @property
    def max_value(self) -> int:
        return MAX_COUNT

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"`{self.name}` must be a whole number, like `1200`.")
        if value < 0:
            raise UserError(
                f"`{self.name}` can't be negative (you typed {value:,}). "
                "Type the count shown on your profile, like `1200`."
            )
        if value > MAX_COUNT:
            raise UserError(
                f"`{self.name}` {value:,} is more than {MAX_COUNT:,}: check for an extra digit."
            )
        return value


class EnumChoice(app_commands.Transformer):
    """A string option whose choices are an enum's members, arriving as that member."""

    def __init__(self, name: str, members: list[StrEnum], label: Callable[[Any], str]) -> None:
        self.name = name
        self._members = {member.value: member for member in members}
        self._choices: list[app_commands.Choice[int | float | str]] = [
            app_commands.Choice(name=label(member), value=member.value) for member in members
        ]

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def choices(self) -> list[app_commands.Choice[int | float | str]]:
        return list(self._choices)

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> Any:
        member = self._members.get(str(value).strip().lower())
        if member is None:
            names = ", ".join(choice.name for choice in self._choices)
            raise UserError(f"`{self.name}` must be one of {names}.")
        return member


class DayOption(app_commands.Transformer):
    """A past day to backfill, typed as YYYY-MM-DD (the future is checked in the member's zone)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return 32

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> date:
        return parse_day(str(value))


class NoteOption(app_commands.Transformer):
    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return NOTE_MAX

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> str | None:
        note = str(value).strip()
        if len(note) > NOTE_MAX:
            raise UserError(f"`note` is {len(note)} characters; keep it to {NOTE_MAX}.")
        return note or None


FOLLOWERS = Count("followers")
FOLLOWING = Count("following")
LIKES = Count("likes")
POSTS = Count("posts")
GAINED = Count("gained")
LOST = Count("lost")
PLATFORM = EnumChoice("platform", list(Platform), lambda platform: platform.label)
PERIOD = EnumChoice("period", list(Period), lambda period: period.value)
DAY = DayOption()
NOTE = NoteOption()
