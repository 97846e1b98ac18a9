"""The sandbox session: the real bot behind the keyboard, in process."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord
import pytest
import simcord
import time_machine

from bot.client import NetGainBot
from bot.sandbox.clock import SimulatedTime
from bot.sandbox.session import Sandbox
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.conftest import SWEEP_IN_TESTS


class Typed:
    """A sandbox session and everything it printed."""

    def __init__(self, sandbox: Sandbox, lines: list[str]) -> None:
        self.sandbox = sandbox
        self.lines = lines

    async def __call__(self, line: str) -> str:
        self.lines.clear()
        self.ok = await self.sandbox.run(line)
        return "\n".join(self.lines)


@pytest.fixture
async def typed(simcord_env: simcord.Env, clock: SimulatedTime, tmp_path: Path) -> Typed:
    lines: list[str] = []
    sandbox = Sandbox(
        simcord_env,
        simcord_env.bot,
        you="alex",
        clock=clock,
        output=tmp_path / "out",
        write=lines.append,
    )
    await sandbox.open()
    return Typed(sandbox, lines)


async def test_log_then_net_reads_net_followers_900(typed: Typed) -> None:
    logged = await typed("/log followers 1200 following 300")
    assert typed.ok
    assert "NetGain in #general" in logged
    assert "Followers: 1,200   Following: 300   Net followers: 900 · ratio 4.0×" in logged
    shown = await typed("/net")
    assert "900 = 1,200 − 300 · ratio 4.0×" in shown


async def test_buttons_are_shown_and_pressed(typed: Typed) -> None:
    await typed("/log followers 1000 following 300")
    prompt = await typed("/log followers:9000 following:300")
    assert "[Confirm] [Cancel]" in prompt
    confirmed = await typed(":press confirm")
    assert "(edited)" in confirmed
    assert "TikTok reading logged" in confirmed
    again = await typed(":press Confirm")
    assert not typed.ok
    assert "No button `Confirm` on the last reply (it has no buttons any more)" in again


async def test_acting_as_another_member_and_pressing_their_buttons(typed: Typed) -> None:
    await typed("/log followers 1000 following 300")
    await typed("/log followers 9000 following 300")
    joined = await typed(":as maya")
    assert joined == "maya joined the sandbox server.\nNow acting as maya."
    refused = await typed(":press Confirm")
    assert "(only you can see this)" in refused
    assert "Only @alex can press these buttons" in refused
    assert await typed(":as me") == "Now acting as alex."


async def test_advancing_time_fires_what_was_waiting(typed: Typed) -> None:
    await typed("/log followers 1000 following 300")
    await typed("/log followers 9000 following 300")
    shown = await typed(":advance 5m")
    assert "⏩ It is" in shown
    assert "No answer, so nothing was stored." in shown


async def test_advancing_time_shows_the_weekly_digest(typed: Typed) -> None:
    shown = await typed("/setup digest channel:#weekly-digest")
    assert "every Monday at 09:00 (UTC)" in shown
    await typed("/log followers 1200 following 300")
    shown = await typed(":advance 7d")
    assert "NetGain in #weekly-digest" in shown
    assert "NetGain weekly digest · 29 Dec 2025 – 4 Jan 2026 (UTC)" in shown
    assert "alex · TikTok 1,200 · first reading" in shown
    off = await typed("/setup digest off")
    assert "The weekly digest is off" in off


async def test_private_replies_are_marked(typed: Typed) -> None:
    shown = await typed("/help")
    assert shown.splitlines()[0] == "NetGain in #general (only you can see this)"


async def test_mistakes_fail_the_line_and_say_why(typed: Typed) -> None:
    for line, message in [
        ("log followers 1", "Type a slash command"),
        ("/log followers abc following 1", "`followers` must be a whole number"),
        (":advance soon", "`:advance` takes a duration like 7d"),
        (":press OK", "There is no button to press yet"),
        (":dance", "No sandbox command `:dance`"),
        ("/net member:@nobody", "No member named `nobody` here yet; `:as nobody` adds them."),
    ]:
        shown = await typed(line)
        assert not typed.ok, line
        assert shown.startswith("✗ ") and message in shown, shown


async def test_a_refusal_by_the_bot_fails_the_line(typed: Typed) -> None:
    shown = await typed("/log followers 1200 following 300 date 2099-01-01")
    assert not typed.ok
    assert "is in the future" in shown
    typed.sandbox.env.errors  # noqa: B018 - acknowledged: the refusal is what is tested


async def test_comments_and_blank_lines_do_nothing(typed: Typed) -> None:
    assert await typed("# a comment") == ""
    assert typed.ok
    assert await typed("   ") == ""


@asynccontextmanager
async def sandbox_session(
    bot_class: type[NetGainBot], db_path: Path, output: Path, wall: time_machine.Traveller
) -> AsyncIterator[tuple[Sandbox, list[str]]]:
    """A whole sandbox session on its own database: what `netgain sandbox` runs."""
    storage = await SQLiteStorage.open(db_path)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db_path}",
        claim_sweep_seconds=SWEEP_IN_TESTS,
        settings_poll_seconds=SWEEP_IN_TESTS,
    )
    printed: list[str] = []
    try:
        bot = bot_class(storage=storage, settings=settings, force_sync=True)
        async with simcord.run(bot) as env:
            sandbox = Sandbox(
                env,
                bot,
                you="alex",
                clock=SimulatedTime(env, wall, lambda: bot.scheduler),
                output=output,
                write=printed.append,
            )
            await sandbox.open()
            yield sandbox, printed
            await sandbox.close()
    finally:
        await storage.close()


async def session(
    db_path: Path, tmp_path: Path, lines: list[str], wall: time_machine.Traveller
) -> list[str]:
    async with sandbox_session(NetGainBot, db_path, tmp_path, wall) as (sandbox, printed):
        for line in lines:
            assert await sandbox.run(line), printed
    return printed


async def test_members_and_history_carry_over_to_the_next_session(
    tmp_path: Path, wall_clock: time_machine.Traveller
) -> None:
    db_path = tmp_path / "sandbox.db"
    await session(
        db_path,
        tmp_path,
        [
            "/log followers 1000 following 300",
            ":as maya",
            "/log followers 5000 following 100 platform instagram",
            ":advance 7d",
        ],
        wall_clock,
    )
    printed = await session(
        db_path,
        tmp_path,
        [
            "/history period:all",
            ":as maya",
            "/net",
            "/net member:@alex period:all",
        ],
        wall_clock,
    )
    text = "\n".join(printed)
    assert "1,000 · following 300 · net 700" in text  # alex's reading, found again
    assert "Net followers · Instagram" in text  # maya is the same member as before
    assert "Latest reading 7 days ago" in text  # the sandbox clock kept its advance


class BotWithChart(NetGainBot):
    async def setup_hook(self) -> None:
        @self.tree.command(name="chart", description="Send a small file")
        async def chart(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "here", file=discord.File(io.BytesIO(b"\x89PNG fake"), filename="chart.png")
            )

        await super().setup_hook()


async def test_attachments_are_saved_and_their_path_printed(
    tmp_path: Path, db_path: Path, wall_clock: time_machine.Traveller
) -> None:
    async with sandbox_session(BotWithChart, db_path, tmp_path / "out", wall_clock) as (
        sandbox,
        printed,
    ):
        assert await sandbox.run("/chart")
    [saved] = list((tmp_path / "out").iterdir())
    assert saved.read_bytes() == b"\x89PNG fake"
    assert f"attachment saved: {saved}" in "\n".join(printed)


class BotWithAdminCommand(NetGainBot):
    async def setup_hook(self) -> None:
        @self.tree.command(name="admin", description="Only for Manage Server")
        @discord.app_commands.default_permissions(manage_guild=True)
        async def admin(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)

        await super().setup_hook()


async def test_a_command_without_permission_is_explained(
    tmp_path: Path, db_path: Path, wall_clock: time_machine.Traveller
) -> None:
    async with sandbox_session(BotWithAdminCommand, db_path, tmp_path, wall_clock) as (
        sandbox,
        printed,
    ):
        assert await sandbox.run("/admin")  # you have Manage Server
        await sandbox.run(":as maya")
        printed.clear()
        assert not await sandbox.run("/admin")
    assert printed == [
        "✗ maya can't use `/admin` here: it needs a permission they don't have "
        "(`:as me` acts as you, with Manage Server)."
    ]
