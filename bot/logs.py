"""Logging set-up: whatever a handler writes (message, traceback, stack) passes through a
redactor that takes out the bot token and every interaction token."""

from __future__ import annotations

import logging
import re

import discord

# An interaction's token, in the addresses discord.py logs at DEBUG (the callback, and the
# follow-up webhook): whoever holds one can answer as the bot for 15 minutes.
_INTERACTION_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)([^/?\s'\"]+)")


class Redactor:
    """Replaces the bot token, and every interaction token, in a text with [redacted]."""

    def __init__(self, *secrets: str) -> None:
        self._secrets = [secret for secret in secrets if secret]

    def __call__(self, text: str) -> str:
        redacted = _INTERACTION_TOKEN.sub(r"\1[redacted]", text)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[redacted]")
        return redacted


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter and redacts what it writes.

    Redacting the written text, rather than the record, also covers the traceback: an error
    from an HTTP library may quote the address it called, token and all, and a formatter
    draws the traceback from the exception itself (discord.py's coloured one always does).
    """

    def __init__(self, inner: logging.Formatter | None, redact: Redactor) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(self._inner.format(record))


class WithoutVoiceWarnings(logging.Filter):
    """NetGain never joins voice: discord.py's warnings about voice libraries are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def redact_handler(handler: logging.Handler, *secrets: str) -> None:
    """Make `handler` write nothing secret, and none of discord.py's voice warnings."""
    handler.setFormatter(RedactingFormatter(handler.formatter, Redactor(*secrets)))
    handler.addFilter(WithoutVoiceWarnings())


def setup_logging(level: str, *secrets: str) -> list[logging.Handler]:
    """discord.py's logging set-up on the root logger, with its handler redacting; returns
    the handlers it added."""
    root = logging.getLogger()
    before = list(root.handlers)
    discord.utils.setup_logging(level=logging.getLevelName(level), root=True)
    added = [handler for handler in root.handlers if handler not in before]
    for handler in added:
        redact_handler(handler, *secrets)
    return added
