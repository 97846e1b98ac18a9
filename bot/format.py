"""How numbers, instants and calendar days read in messages.

Instants (when a reading was made) are Discord timestamps, so every reader sees their own
time. Calendar days, weeks and months are plain text in the zone they are counted in: a
Discord timestamp would shift them into the reader's zone and show the wrong day.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

TimestampStyle = Literal["t", "T", "d", "D", "f", "F", "R"]
MINUS = "\N{MINUS SIGN}"


def count(value: int) -> str:
    """1200 -> '1,200'; a negative count (net followers) with a true minus sign."""
    text = f"{abs(value):,}"
    return f"{MINUS}{text}" if value < 0 else text


def count_or(value: int | None, missing: str = "—") -> str:
    """`count`, or `missing` for a count that was not logged."""
    return missing if value is None else count(value)


def signed(value: int) -> str:
    """A change: '+1,200', '−35', '±0'."""
    if value == 0:
        return "±0"
    return f"{'+' if value > 0 else MINUS}{abs(value):,}"


def noun(value: int, one: str, many: str | None = None) -> str:
    """The word that goes with `value`: 'follower' for ±1, else 'followers'."""
    return one if abs(value) == 1 else (many or f"{one}s")


def plural(value: int, one: str, many: str | None = None) -> str:
    """'1 follower', '2 followers'; the number as `count` writes it."""
    return f"{count(value)} {noun(value, one, many)}"


def signed_plural(value: int, one: str, many: str | None = None) -> str:
    """'+1 follower', '−35 followers', '±0 followers'."""
    return f"{signed(value)} {noun(value, one, many)}"


def pct(value: float | None) -> str:
    """A growth rate: '+14.3%', '−5.2%', '±0%'; 'n/a' when it has no meaning (a start of zero).

    A change too small to show at one decimal gets two, or '<0.01%', never '−0.0%'.
    """
    if value is None:
        return "n/a"
    if value == 0:
        return "±0%"
    sign = "+" if value > 0 else MINUS
    size = abs(value) * 100
    if size >= 0.05:
        return f"{sign}{size:,.1f}%"
    if size >= 0.005:
        return f"{sign}{size:.2f}%"
    return f"{sign}<0.01%"


def rate(value: float | None) -> str:
    """An engagement rate: '6.2%', '0.04%'; 'no rate' when there was nothing to divide by."""
    if value is None:
        return "no rate"
    size = value * 100
    if size == 0 or size >= 0.05:
        return f"{size:,.1f}%"
    if size >= 0.005:
        return f"{size:.2f}%"
    return "<0.01%"


def ratio(value: float | None) -> str:
    """Followers per following: '4.0×'; '—' when following nobody."""
    if value is None:
        return "—"
    return f"{value:,.1f}×"


def timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A Discord timestamp, shown to every reader in their own time zone (instants only)."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def zone_note(tz: ZoneInfo, named: bool) -> str:
    """' (Europe/Berlin)' where the zone may differ from the reader's own; else nothing."""
    return f" ({tz.key})" if named else ""


def day(value: date) -> str:
    """A calendar day as plain text: 'Mon 16 Nov 2026'."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def week(monday: date, *, year: bool = False) -> str:
    """A Monday-to-Sunday week as plain text: '16–22 Nov', '30 Nov – 6 Dec'."""
    sunday = monday + timedelta(days=6)
    tail = f" {sunday.year}" if year else ""
    if monday.month == sunday.month:
        return f"{monday.day}–{sunday.day} {sunday:%b}{tail}"
    if monday.year != sunday.year:
        return f"{monday.day} {monday:%b %Y} – {sunday.day} {sunday:%b %Y}"
    return f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b}{tail}"


# Characters Discord's markdown gives a meaning to anywhere in a line: each is shown as typed
# once a backslash stands before it. `<` starts mentions, channels, roles, timestamps and
# custom emoji; `[`…`](` a masked link.
_MARKDOWN = "\\*_~`|[]()<>"
# Each of them with a backslash before it, and every @ broken up (`plain`), in one pass.
_ESCAPED = str.maketrans({c: "\\" + c for c in _MARKDOWN} | {"@": "@\u200b"})
# What gives a line's start a meaning (a heading, a list, a quote), escaped there.
_LINE_START = re.compile(r"^(#|-|\+)")
_ORDERED = re.compile(r"^(\d+)\.")
_SPACES = re.compile(r"\s+")
NAME_MAX = 64
# Control, format (zero-width, bidirectional overrides), surrogate and private-use characters.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co"})
# Kept: line breaks and tabs (they become spaces) and the joiner inside emoji like 👨‍👩‍👧.
_KEPT = frozenset("\n\r\t\u200d")


def plain(text: str, limit: int = NAME_MAX) -> str:
    """A member's name or note as plain text for a message: nothing in it renders.

    Control and invisible format characters (zero-width, right-to-left overrides) are taken
    out, line breaks become spaces, it is cut to `limit` characters (ending with "…"), and
    then every character markdown, mentions, timestamps, emoji or links could use is escaped,
    and @everyone / @here are broken up. A name can then neither ping, link, impersonate
    another member, nor reorder or break a line.
    """
    # A bare web address becomes a link; a zero-width space inside "://" keeps it text.
    unlinked = visible_text(text, limit).replace("://", ":\u200b//")
    escaped = unlinked.translate(_ESCAPED)
    return _ORDERED.sub(r"\1\\.", _LINE_START.sub(r"\\\1", escaped))


def visible_text(text: str, limit: int = NAME_MAX) -> str:
    """`text` without control or invisible format characters (zero-width, right-to-left
    overrides), on one line, cut to `limit` characters ending with "…": for places where
    markdown does not render (an embed's author, a chart's title, alt text)."""
    if text.isascii() and text.isprintable():
        visible = text  # letters, digits, punctuation and spaces: nothing hidden (most names)
    else:
        visible = "".join(
            " " if unicodedata.category(c) == "Zs" or c in "\n\r\t" else c
            for c in text
            if unicodedata.category(c) not in _HIDDEN or c in _KEPT
        )
    cleaned = _SPACES.sub(" ", visible).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned
