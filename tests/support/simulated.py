"""Helpers over SimCord for what its public verbs do not cover."""

from __future__ import annotations

from typing import Any

from simcord import Env, InteractionResult, interactions
from simcord.actors import _dispatch_actor_interaction
from simcord.backend.models import Interaction
from simcord.enums import InteractionType
from simcord.interactions import base_payload

from bot.errors import user_message

_OPTION_TYPES = {bool: 5, int: 4, float: 10, str: 3}


def _slash_data(
    env: Env, actor: Any, channel: Any, path: str, options: dict[str, Any]
) -> dict[str, Any]:
    """The interaction data a client sends for `/path` with these values, unchecked.

    Scalars go as given; a member or channel is resolved as Discord resolves it, and a
    `(filename, bytes)` pair is uploaded as an attachment.
    """
    name, *subcommands = path.split()
    root = env.backend.find_command(name, actor.guild.id)
    assert root is not None, f"/{name} was never synced"
    leaf, nesting = interactions.walk_to_subcommand(root, subcommands)
    declared = {option["name"]: option for option in leaf.get("options") or []}
    resolved: dict[str, Any] = {}
    built = []
    for key, value in options.items():
        kind = declared[key]["type"] if key in declared else _OPTION_TYPES[type(value)]
        if isinstance(value, tuple):
            filename, data = value
            value = interactions.store_interaction_attachment(
                env.backend, channel.id, filename, data, resolved
            )
        elif hasattr(value, "id"):
            interactions.resolve_handle(actor, value, resolved, channel_id=channel.id)
            value = str(value.id)
        built.append({"name": key, "type": kind, "value": value})
    data: dict[str, Any] = {
        "id": root["id"],
        "name": name,
        "type": 1,
        "options": interactions.nest_options(root, nesting, built),
    }
    if resolved:
        data["resolved"] = resolved
    return data


async def unchecked_slash(
    actor: Any, channel: Any, path: str, /, **options: Any
) -> InteractionResult:
    """Invoke a slash command the way a client that skips Discord's option checks would.

    The Discord client enforces min/max and choices before sending, but the bot must not
    trust that; this sends the values as given so the bot's own checks can be seen working.
    `path` may name a subcommand: "setup digest".
    """
    env: Env = actor._env
    data = _slash_data(env, actor, channel, path, options)
    env._begin_operation("slash")
    try:
        return await _dispatch_actor_interaction(
            actor, InteractionType.APPLICATION_COMMAND, channel, data
        )
    finally:
        env._end_operation()


def send_slash(actor: Any, channel: Any, name: str, /, **options: Any) -> Interaction:
    """Send a slash command and return at once, without waiting for the bot to answer.

    SimCord's own verbs wait until the bot is idle; a command the test keeps in flight (say,
    behind a database lock another process holds) would never let them return. The record
    SimCord keeps fills in as the bot answers.
    """
    return _deliver(actor, channel, name, options, times=1)


def send_slash_twice(actor: Any, channel: Any, name: str, /, **options: Any) -> Interaction:
    """Deliver one slash command twice, as Discord does to two processes started on the same
    shards by mistake (both see the same interaction: same id, same token)."""
    return _deliver(actor, channel, name, options, times=2)


def _deliver(
    actor: Any, channel: Any, name: str, options: dict[str, Any], *, times: int
) -> Interaction:
    env: Env = actor._env
    record, payload = base_payload(
        env.backend,
        type=InteractionType.APPLICATION_COMMAND,
        channel_id=channel.id,
        guild_id=actor.guild.id,
        user_id=actor.id,
        data=_slash_data(env, actor, channel, name, options),
    )
    for _ in range(times):
        env.backend.emit("INTERACTION_CREATE", payload)
    return record


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
