"""Logging set-up, with a filter that keeps the bot token and interaction tokens out of every
record."""

from __future__ import annotations

import logging
import re

import discord

# An interaction's token, in the addresses discord.py logs at DEBUG (the callback, and the
# follow-up webhook): whoever holds one can answer as the bot for 15 minutes.
_INTERACTION_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)([^/?\s'\"]+)")


class RedactSecrets(logging.Filter):
    """Replaces the bot token, and every interaction token, in a record with [redacted]."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _INTERACTION_TOKEN.sub(r"\1[redacted]", message)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[redacted]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class WithoutVoiceWarnings(logging.Filter):
    """NetGain never joins voice: discord.py's warnings about voice libraries are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def setup_logging(level: str, *secrets: str) -> None:
    discord.utils.setup_logging(level=logging.getLevelName(level), root=True)
    filters = (RedactSecrets(*secrets), WithoutVoiceWarnings())
    for handler in logging.getLogger().handlers:
        for log_filter in filters:
            handler.addFilter(log_filter)
