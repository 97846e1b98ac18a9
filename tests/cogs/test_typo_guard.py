"""An implausible jump waits for Confirm; Cancel, a timeout or another member store nothing."""

from __future__ import annotations

from tests.conftest import World


async def jump(world: World):
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    result = await world.alice.slash(world.channel, "log", followers=10_000, following=300)
    assert world.readings() == 1
    return result


def labels(message) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


async def test_a_big_jump_asks_before_storing(world: World) -> None:
    result = await jump(world)
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Check this TikTok reading"
    assert "**1,000 → 10,000** followers (+9,000)" in embed.description
    assert labels(result.response) == ["Confirm", "Cancel"]


async def test_confirm_stores_the_reading(world: World) -> None:
    result = await jump(world)
    await world.alice.click(result.response.message, label="Confirm")

    assert world.readings() == 2
    message = world.channel.last_message
    assert message.embeds[0].title == "TikTok reading logged"
    assert message.components == []


async def test_cancel_stores_nothing(world: World) -> None:
    result = await jump(world)
    await world.alice.click(result.response.message, label="Cancel")

    assert world.readings() == 1
    message = world.channel.last_message
    assert message.content.startswith("Cancelled: nothing was stored.")
    assert message.embeds == []
    assert message.components == []


async def test_no_answer_stores_nothing(world: World) -> None:
    await jump(world)
    await world.env.advance_time(181)

    assert world.readings() == 1
    message = world.channel.last_message
    assert message.content.startswith("No answer, so nothing was stored.")
    assert message.components == []


async def test_another_member_cannot_press_the_buttons(world: World) -> None:
    result = await jump(world)
    pressed = await world.bob.click(result.response.message, label="Confirm")

    assert pressed.ephemeral
    assert "Only <@" in pressed.response.content
    assert world.readings() == 1
    # Alice's buttons still work afterwards.
    await world.alice.click(result.response.message, label="Confirm")
    assert world.readings() == 2


async def test_ordinary_changes_and_small_accounts_are_stored_at_once(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=0, following=10)
    await world.alice.slash(world.channel, "log", followers=90, following=10)  # +90: small
    await world.alice.slash(world.channel, "log", followers=130, following=10)  # +44%
    assert world.readings() == 3
    drop = await world.alice.slash(world.channel, "log", followers=20, following=10)  # -85%, -110
    assert drop.response.embeds[0].title == "Check this TikTok reading"
    assert world.readings() == 3
