"""Slash option types that declare their limits to Discord and check them again on arrival.

The Discord client enforces choices and min/max as the member types, but the bot must not
trust that: every transformer re-checks its value and raises a `UserError` that says how to
fix it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import UserError
from bot.domain.free_text import NOTE_MAX, note_problem
from bot.domain.metrics import MAX_COUNT
from bot.domain.models import Period, Platform
from bot.domain.periods import parse_day
from cogs.options import Whole, enum_choices


def count_option(name: str) -> Whole:
    """A count typed off a profile: a whole number from 0 to ten billion."""
    return Whole(name, 0, MAX_COUNT, "Type the count shown on your profile, like `1200`.")


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
        if why := note_problem(note):
            raise UserError(f"{why}.")
        return note or None


class ReadingOption(app_commands.Transformer):
    """One of the member's readings: picked by autocomplete (it arrives as the reading's id;
    whose it is, is checked when it is looked up), or typed as its day, YYYY-MM-DD."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return 20

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> int | date:
        text = str(value).strip()
        if "-" in text:
            return parse_day(text)
        if not text.isdigit() or len(text) > 19:
            raise UserError(
                "Pick the reading from the list (start typing a date or a count in `reading`), "
                "or type its day, like `2026-11-01`."
            )
        return int(text)


FOLLOWERS = count_option("followers")
FOLLOWING = count_option("following")
LIKES = count_option("likes")
POSTS = count_option("posts")
GAINED = count_option("gained")
LOST = count_option("lost")
PLATFORM = enum_choices("platform", list(Platform), lambda platform: platform.label)
PERIOD = enum_choices("period", list(Period), lambda period: period.value)
DAY = DayOption()
READING = ReadingOption()
NOTE = NoteOption()
