"""Messages as a terminal shows them: Discord's message JSON turned into readable lines.

Discord timestamps become the sandbox's local time ("3 days ago", "22 November 2026"),
mentions become @names, bold stays bold on a colour terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_UNITS = (
    ("year", 31_536_000),
    ("month", 2_592_000),
    ("day", 86_400),
    ("hour", 3_600),
    ("minute", 60),
    ("second", 1),
)
BAR = "│ "


@dataclass(frozen=True)
class Viewer:
    """What the reader's client knows: the time now, and names for ids."""

    now: datetime
    name_of: Callable[[int], str]
    channel_of: Callable[[int], str]
    colour: bool = False

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.colour else text

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.colour else text


def relative(moment: datetime, now: datetime) -> str:
    """As Discord's `<t:…:R>` reads: 'in 2 hours', '3 days ago', 'just now'."""
    seconds = int((moment - now).total_seconds())
    if abs(seconds) < 45:
        return "just now"
    for unit, size in _UNITS:
        count = round(abs(seconds) / size)
        if count >= 1:
            label = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {label}" if seconds > 0 else f"{label} ago"
    return "just now"


def timestamp(value: int, style: str, now: datetime) -> str:
    moment = datetime.fromtimestamp(value, UTC)
    local = moment.astimezone()
    formats = {
        "t": "%H:%M",
        "T": "%H:%M:%S",
        "d": "%Y-%m-%d",
        "D": "%d %B %Y",
        "f": "%d %B %Y %H:%M",
        "F": "%A, %d %B %Y %H:%M",
    }
    if style == "R":
        return relative(moment, now)
    return local.strftime(formats.get(style, formats["f"]))


def markdown(text: str, viewer: Viewer) -> str:
    text = _TIMESTAMP.sub(lambda m: timestamp(int(m[1]), m[2] or "f", viewer.now), text)
    text = _USER.sub(lambda m: "@" + viewer.name_of(int(m[1])), text)
    text = _ROLE.sub("@role", text)
    text = _CHANNEL.sub(lambda m: "#" + viewer.channel_of(int(m[1])), text)
    return _BOLD.sub(lambda m: viewer.bold(m[1]), text)


def _embed(embed: dict[str, Any], viewer: Viewer) -> list[str]:
    lines = []
    if author := (embed.get("author") or {}).get("name"):
        lines.append(viewer.dim(author))
    if title := embed.get("title"):
        lines.append(viewer.bold(markdown(title, viewer)))
    if description := embed.get("description"):
        lines.extend(markdown(description, viewer).splitlines())
    inline: list[str] = []
    for field in embed.get("fields") or []:
        name, value = markdown(field["name"], viewer), markdown(field["value"], viewer)
        if field.get("inline"):
            inline.append(f"{viewer.bold(name)}: {' · '.join(value.splitlines())}")
            continue
        if inline:
            lines.append("   ".join(inline))
            inline = []
        lines.append(viewer.bold(name))
        lines.extend("  " + line for line in value.splitlines())
    if inline:
        lines.append("   ".join(inline))
    if footer := (embed.get("footer") or {}).get("text"):
        lines.append(viewer.dim(footer))
    return lines


def _buttons(components: list[dict[str, Any]]) -> list[str]:
    rows = []
    for row in components:
        labels = [
            f"[{c.get('label') or c.get('emoji', {}).get('name', '?')}]"
            + (" (disabled)" if c.get("disabled") else "")
            for c in row.get("components", [])
            if c.get("type") == 2
        ]
        if labels:
            rows.append(" ".join(labels))
    return rows


def message_lines(
    message: Any, viewer: Viewer, *, where: str, edited: bool, saved: list[str]
) -> list[str]:
    """One bot message, headed by where it appeared; `saved` are paths of its attachments."""
    notes = []
    if message.flags & 64:
        notes.append("only you can see this")
    if edited:
        notes.append("edited")
    header = f"NetGain in {where}" + (f" ({', '.join(notes)})" if notes else "")
    body: list[str] = []
    if message.content:
        body.extend(markdown(message.content, viewer).splitlines())
    for embed in message.embeds:
        if body:
            body.append("")
        body.extend(_embed(embed, viewer))
    body.extend(_buttons(message.components))
    body.extend(f"attachment saved: {path}" for path in saved)
    return [viewer.dim(header), *(BAR + line for line in body)]
