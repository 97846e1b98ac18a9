"""Helpers over SimCord for what its public verbs do not cover."""

from __future__ import annotations

from typing import Any

from simcord import Env, InteractionResult
from simcord.actors import _dispatch_actor_interaction
from simcord.enums import InteractionType

from bot.errors import user_message

_OPTION_TYPES = {bool: 5, int: 4, float: 10, str: 3}


async def unchecked_slash(actor: Any, channel: Any, name: str, **options: Any) -> InteractionResult:
    """Invoke a slash command the way a client that skips Discord's option checks would.

    The Discord client enforces min/max and choices before sending, but the bot must not
    trust that; this sends the values as given so the bot's own checks can be seen working.
    """
    env: Env = actor._env
    root = env.backend.find_command(name, actor.guild.id)
    assert root is not None, f"/{name} was never synced"
    data = {
        "id": root["id"],
        "name": name,
        "type": 1,
        "options": [
            {"name": key, "type": _OPTION_TYPES[type(value)], "value": value}
            for key, value in options.items()
        ],
    }
    env._begin_operation("slash")
    try:
        return await _dispatch_actor_interaction(
            actor, InteractionType.APPLICATION_COMMAND, channel, data
        )
    finally:
        env._end_operation()


def take_user_errors(env: Env) -> list[str]:
    """The messages of the errors the bot answered as user mistakes (and acknowledge them).

    Fails if any captured error was unexpected: those must not pass as a member's mistake.
    """
    messages = []
    for error in env.errors:
        message = user_message(error)
        assert message is not None, f"unexpected error: {error!r}"
        messages.append(message)
    return messages
