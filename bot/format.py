"""How numbers, instants and calendar days read in messages.

Instants (when a reading was made) are Discord timestamps, so every reader sees their own
time. Calendar days, weeks and months are plain text in the zone they are counted in: a
Discord timestamp would shift them into the reader's zone and show the wrong day.
"""

from __future__ import annotations

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
