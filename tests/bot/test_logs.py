"""The token never reaches a log line."""

from __future__ import annotations

import logging

import pytest

from bot.logs import redact_handler

TOKEN = "MTA0NTY3ODkwMTIzNDU2Nzg5.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_a_token_in_a_log_record_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("netgain.test")
    redact_handler(caplog.handler, TOKEN)
    with caplog.at_level(logging.INFO, logger="netgain.test"):
        logger.info("connecting with %s", TOKEN)
        logger.info("nothing secret here: %d readings", 3)
    assert "connecting with [redacted]" in caplog.text
    assert "nothing secret here: 3 readings" in caplog.text
    assert TOKEN not in caplog.text
