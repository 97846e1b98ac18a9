"""The one error path for slash commands and buttons.

A mistake the member can fix (`UserError`, or one Discord's checks report) gets an ephemeral
message saying what was wrong; anything else is logged with its context and the member gets
a short apology. Either way the member always hears back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import UserError, quoted
from bot.format import timestamp

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)


def unwrap(error: BaseException) -> BaseException:
    """The error a command raised, out of discord.py's wrappers."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, UserError):
        return error.__cause__
    return error


def _permissions(names: list[str]) -> str:
    return ", ".join(name.replace("_", " ").replace("guild", "server").title() for name in names)


def user_message(error: BaseException) -> str | None:
    """What to tell the member, or None when the error is ours rather than theirs."""
    cause = unwrap(error)
    if isinstance(cause, UserError):
        return cause.message
    if isinstance(cause, app_commands.NoPrivateMessage):
        return "This command works in a server, not in direct messages."
    if isinstance(cause, app_commands.MissingPermissions):
        return f"You need the {_permissions(cause.missing_permissions)} permission for this."
    if isinstance(cause, app_commands.BotMissingPermissions):
        return (
            f"I am missing the {_permissions(cause.missing_permissions)} permission here; "
            "ask a server admin to grant it."
        )
    if isinstance(cause, app_commands.CommandOnCooldown):
        retry = discord.utils.utcnow() + timedelta(seconds=cause.retry_after)
        return f"Slow down a little: try again {timestamp(retry, 'R')}."
    if isinstance(cause, app_commands.TransformerError):
        return (
            f"I could not read {quoted(str(cause.value))} for that option. "
            "Pick a value from the list Discord offers."
        )
    if isinstance(cause, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(cause, (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)):
        return "This command was just updated. Try again in a minute, or restart Discord."
    return None


# Discord's codes for an interaction that was answered already, or that no longer exists: what
# a process sees when another process received the same interaction and answered first.
ALREADY_ANSWERED = 40060
UNKNOWN_INTERACTION = 10062


def answered_elsewhere(error: BaseException) -> bool:
    """Whether `error` only says another process answered this interaction first."""
    cause = unwrap(error)
    return isinstance(cause, discord.HTTPException) and cause.code in (
        ALREADY_ANSWERED,
        UNKNOWN_INTERACTION,
    )


def handled_elsewhere(interaction: discord.Interaction[Any]) -> None:
    """Another process received this interaction too and stored what it asked: it answers
    the member; this one stays quiet."""
    log.info("Left to the process that handled it first: %s", describe(interaction))


def describe(interaction: discord.Interaction[Any]) -> str:
    """The context a log line needs to find what happened: command, options, who and where."""
    if interaction.command is not None:
        what = f"/{interaction.command.qualified_name}"
    else:
        data: dict[str, Any] = dict(interaction.data or {})
        what = f"component {data.get('custom_id', '?')}"
    options = {
        name: getattr(value, "id", value) for name, value in vars(interaction.namespace).items()
    }
    return (
        f"{what} options={options} user={interaction.user.id} guild={interaction.guild_id} "
        f"channel={interaction.channel_id} interaction={interaction.id}"
    )


def defer_when_slow(
    interaction: discord.Interaction[Any], *, thinking: bool = True, ephemeral: bool = False
) -> Callable[[], Awaitable[None]]:
    """What a write calls when it is still waiting for the database after
    `storage.ports.SLOW_WRITE` (2 s): defer, so Discord's 3-second deadline is kept, and
    answer with a follow-up once the write is committed."""

    async def defer() -> None:
        log.info("Deferring %s: its write is waiting for the database", describe(interaction))
        await interaction.response.defer(thinking=thinking, ephemeral=ephemeral)

    return defer


async def reply_ephemeral(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
) -> None:
    """Answer only the member, whether the interaction was answered already or not."""
    kwargs: dict[str, Any] = {"ephemeral": True}
    if embed is not None:
        kwargs["embed"] = embed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content or discord.utils.MISSING, **kwargs)
        else:
            await interaction.response.send_message(content, **kwargs)
    except discord.HTTPException as error:
        if answered_elsewhere(error):
            log.info("Not answered here (%s): %s", error, describe(interaction))
        else:
            log.exception("Could not answer %s", describe(interaction))


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    if answered_elsewhere(error):
        # Not an error of ours: a second process got the same interaction, or it expired.
        log.info("Not answered here (%s): %s", unwrap(error), describe(interaction))
        return
    message = user_message(error)
    if message is None:
        log.error("Unexpected error in %s", describe(interaction), exc_info=unwrap(error))
        message = APOLOGY
    else:
        log.debug("Refused %s: %s", describe(interaction), message)
    await reply_ephemeral(interaction, message)


class NetGainTree(app_commands.CommandTree[Any]):
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # Runs first, in the task that runs the command: while the bot stops, it is refused.
        admitted: bool = await interaction.client.in_flight.admit(interaction)
        return admitted

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
