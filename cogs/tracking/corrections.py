"""What asks before a reading changes, and says what was done: /log's typo guard and repeat
check, /undo and /edit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot import format as fmt
from bot.domain.models import Reading
from bot.usecases.tracking import AlreadyLogged, NeedsConfirmation
from cogs.tracking.render import (
    AMBER,
    NOT_SHOWN,
    add_counts,
    extras_text,
    member_embed,
    note_text,
)
from storage.ports import ReadingChanges


def undo_prompt(reading: Reading) -> discord.Embed:
    embed = discord.Embed(title="Remove this reading?", colour=AMBER)
    embed.description = (
        f"{reading.platform.label} reading for {fmt.timestamp(reading.taken_at, 'f')}"
    )
    add_counts(embed, reading)
    extras = extras_text(reading)
    if extras:
        embed.add_field(name="Also logged", value="\n".join(extras), inline=False)
    return embed


def removed_text(reading: Reading) -> str:
    return (
        f"Removed your {reading.platform.label} reading of {fmt.count(reading.followers)} "
        f"followers · {fmt.count_or(reading.following)} following "
        f"from {fmt.timestamp(reading.taken_at, 'f')}."
    )


def reading_choice(reading: Reading, tz: ZoneInfo) -> str:
    """How /edit lists a reading: 'Tue 3 Nov 2026 · TikTok · 1,200 followers · 300 following'."""
    day = fmt.day(reading.taken_at.astimezone(tz).date())
    return (
        f"{day} · {reading.platform.label} · {fmt.count(reading.followers)} followers · "
        f"{fmt.count_or(reading.following)} following"
    )[:100]


def edit_prompt(reading: Reading, changes: ReadingChanges, *, remove: bool) -> discord.Embed:
    """The reading /edit is about to change, and what it becomes."""
    if remove:
        return undo_prompt(reading)
    embed = discord.Embed(title="Correct this reading?", colour=AMBER)
    embed.description = (
        f"{reading.platform.label} reading for {fmt.timestamp(reading.taken_at, 'f')}"
    )
    followers = reading.followers if changes.followers is None else changes.followers
    following = reading.following if changes.following is None else changes.following
    embed.add_field(name="Followers", value=_before_after(reading.followers, followers))
    embed.add_field(name="Following", value=_before_after(reading.following, following))
    net = None if following is None else followers - following
    embed.add_field(name="Net followers", value=_before_after(reading.net, net))
    if changes.note is not None:
        old = note_text(reading.note) if reading.note else "(none)"
        new = note_text(changes.note) if changes.note else "(none)"
        embed.add_field(name="Note", value=f"{old} → {new}", inline=False)
    return embed


def _before_after(before: int | None, after: int | None) -> str:
    if before == after:
        return fmt.count_or(before)
    return f"{fmt.count_or(before)} → **{fmt.count_or(after)}**"


def corrected_text(before: Reading, after: Reading) -> str:
    changed = []
    if before.followers != after.followers:
        changed.append(f"{fmt.count(before.followers)} → {fmt.count(after.followers)} followers")
    if before.following != after.following:
        changed.append(
            f"{fmt.count_or(before.following)} → {fmt.count_or(after.following)} following"
        )
    if before.note != after.note:
        changed.append("the note")
    what = ", ".join(changed) or "nothing needed changing"
    return (
        f"Corrected your {after.platform.label} reading from "
        f"{fmt.timestamp(after.taken_at, 'f')}: {what}. Growth and streaks use it from now on."
    )


def jump_prompt(pending: NeedsConfirmation, member: discord.abc.User) -> discord.Embed:
    previous = pending.previous
    draft = pending.draft
    embed = member_embed(f"Check this {pending.platform.label} reading", member, AMBER)
    # Against the reading after it by date, the change reads from this one to that one.
    first, then = (draft, previous) if pending.later else (previous, draft)
    where = "before" if pending.later else "since"
    changes = [
        f"**{fmt.count(first.followers)} → {fmt.count(then.followers)}** followers "
        f"({fmt.signed(then.followers - first.followers)})"
    ]
    if (
        first.following is not None
        and then.following is not None
        and (first.following != then.following)
    ):
        changes.append(
            f"**{fmt.count(first.following)} → {fmt.count(then.following)}** following "
            f"({fmt.signed(then.following - first.following)})"
        )
    embed.description = (
        f"{' · '.join(changes)} {where} your reading {fmt.timestamp(previous.taken_at, 'R')}. "
        "A jump this big is usually a typo.\n"
        "Press **Confirm** to store it as typed, or **Cancel** and log again."
    )
    embed.add_field(name="Followers", value=fmt.count(draft.followers))
    embed.add_field(name="Following", value=fmt.count_or(draft.following, NOT_SHOWN))
    return embed


def already_logged(outcome: AlreadyLogged) -> str:
    reading = outcome.reading
    return (
        f"Already logged {fmt.timestamp(outcome.logged_at, 'R')}: your {reading.platform.label} "
        f"reading of {fmt.count(reading.followers)} followers · "
        f"{fmt.count_or(reading.following)} following ({fmt.timestamp(reading.taken_at, 'f')}). "
        "It is stored once; `/undo` removes it if it was a mistake."
    )
