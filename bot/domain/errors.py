"""The one exception type whose message is meant for the member who caused it."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the member can fix.

    The message is shown to them as-is (ephemerally), so it says what was wrong and how to
    fix it. Raising it anywhere on a command's path means nothing is stored.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
