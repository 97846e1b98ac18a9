"""Logging set-up, with a filter that keeps the bot token out of every record."""

from __future__ import annotations

import logging

import discord


class RedactSecrets(logging.Filter):
    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
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
