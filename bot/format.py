"""How numbers and instants read in replies: thousands separators and Discord timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

TimestampStyle = Literal["t", "T", "d", "D", "f", "F", "R"]


def count(value: int) -> str:
    """1200 -> '1,200'."""
    return f"{value:,}"


def signed(value: int) -> str:
    """A change: '+1,200', '-35', '±0'."""
    if value == 0:
        return "±0"
    return f"{value:+,}"


def pct(value: float | None) -> str:
    """A growth rate: '+14.3%'; 'n/a' when it has no meaning (a start of zero)."""
    if value is None:
        return "n/a"
    return f"{value * 100:+,.1f}%"


def ratio(value: float | None) -> str:
    """Followers per following: '4.0×'; '—' when following nobody."""
    if value is None:
        return "—"
    return f"{value:,.1f}×"


def timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A Discord timestamp, shown to every reader in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"
