"""The one exception type whose message is meant for the member who caused it."""

from __future__ import annotations

from bot.format import visible_text


class UserError(Exception):
    """A mistake the member can fix.

    The message is shown to them as-is (ephemerally), so it says what was wrong and how to
    fix it. Raising it anywhere on a command's path means nothing is stored.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


QUOTE_MAX = 40


def quoted(text: str, limit: int = QUOTE_MAX) -> str:
    """What the member typed, shown back in an error message: as code, on one line, cut to
    `limit` characters, with no backtick that could end the code span, so nothing in it can
    ping, link or format, and no paste can make the message too long to send."""
    shown = visible_text(str(text), limit).replace("`", "\u02cb")
    return f"`{shown}`" if shown else "nothing"
