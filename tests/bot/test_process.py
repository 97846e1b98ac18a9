"""The process as an operator sees it: one-line errors, and a quick, clean shutdown."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.db import query
from tests.support.process import ROOT, TOKEN, environment, netgain


def test_netgain_run_without_a_token_stops_with_one_line(tmp_path: Path) -> None:
    done = netgain(tmp_path, "run")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("netgain: DISCORD_TOKEN is not set")
    assert done.stderr.count("\n") == 1


def test_a_malformed_setting_stops_start_up_without_printing_the_token(tmp_path: Path) -> None:
    done = netgain(tmp_path, "run", DISCORD_TOKEN=TOKEN, DATABASE_URL="mysql://db/netgain")
    assert done.returncode == 2
    assert done.stderr.startswith("netgain: DATABASE_URL is invalid: must look like sqlite:///")
    assert TOKEN not in done.stdout + done.stderr


def test_the_console_script_is_installed_and_lists_its_commands() -> None:
    script = Path(sys.executable).with_name("netgain")
    done = subprocess.run(
        [script, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert "sync" in done.stdout and "run" in done.stdout


class Served:
    """NetGain serving a simulated Discord in a subprocess (tests/support/serve_simulated.py)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdin and process.stdout and process.stderr
        self.process = process
        self.stdin, self.stdout, self.stderr = process.stdin, process.stdout, process.stderr
        self.logs: list[str] = []

    def send(self, label: str, command: str, **options: object) -> None:
        self.stdin.write(json.dumps([label, command, options]).encode() + b"\n")

    async def event(self) -> dict[str, Any]:
        """The next thing that happened to a command sent (admitted, or answered)."""
        line = await asyncio.wait_for(self.stdout.readline(), 10)
        if not line:
            self.logs.append((await self.stderr.read()).decode())
        assert line, f"the process ended: {''.join(self.logs)}"
        event: dict[str, Any] = json.loads(line)
        return event

    async def logged(self, text: str) -> None:
        """Read the process's log until a line containing `text`."""
        while True:
            line = (await asyncio.wait_for(self.stderr.readline(), 10)).decode()
            assert line, f"no log line with {text!r}: {''.join(self.logs)}"
            self.logs.append(line)
            if text in line:
                return

    async def exited(self, limit: float) -> int:
        await asyncio.wait_for(self.process.wait(), limit)
        self.logs.append((await self.stderr.read()).decode())
        assert self.process.returncode is not None
        return self.process.returncode


@asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[Served]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.serve_simulated",
        cwd=ROOT,
        env=environment(tmp_path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        served = Served(process)
        assert await asyncio.wait_for(served.stdout.readline(), 30) == b"ready\n"
        yield served
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_ends_the_process_within_seconds(tmp_path: Path, signum: int) -> None:
    async with serving(tmp_path) as served:
        served.process.send_signal(signum)
        assert await served.exited(5) == 0, served.logs
    assert "Shutting down" in "".join(served.logs)
    # The database was closed cleanly: SQLite folds the WAL back in and removes it.
    database = tmp_path / "netgain.db"
    assert database.exists()
    assert not Path(f"{database}-wal").exists()


async def logs_behind_a_lock(served: Served, database: Path, count: int) -> sqlite3.Connection:
    """Another process takes the write lock, then `count` /log are sent and admitted: each
    waits for the database. The connection holding the lock is returned."""
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    for n in range(count):
        served.send(f"log{n}", "log", followers=1000 + n, following=100)
    assert [await served.event() for _ in range(count)] == [
        {"admitted": f"log{n}"} for n in range(count)
    ]
    return other


async def test_sigterm_lets_commands_in_flight_finish_and_turns_new_ones_away(
    tmp_path: Path,
) -> None:
    database = tmp_path / "netgain.db"
    async with serving(tmp_path) as served:
        other = await logs_behind_a_lock(served, database, 3)

        loop = asyncio.get_running_loop()
        signalled = loop.time()
        served.process.send_signal(signal.SIGTERM)
        await served.logged("Waiting for 3 interaction(s) in flight")
        served.send("late", "log", followers=2000, following=100)
        assert await served.event() == {
            "reply": "late",
            "content": "NetGain is restarting; try again in a moment.",
            "embeds": [],
            "ephemeral": True,
        }

        other.execute("ROLLBACK")
        other.close()
        replies = {event["reply"]: event for event in [await served.event() for _ in range(3)]}
        assert sorted(replies) == ["log0", "log1", "log2"]
        assert all(r["embeds"] == ["TikTok reading logged"] for r in replies.values()), replies
        assert await served.exited(5) == 0, served.logs
        assert loop.time() - signalled < 5
    logs = "".join(served.logs)
    assert "Session is closed" not in logs and "Traceback" not in logs, logs
    # In that order: the commands, the scheduler, the connection, then the database.
    assert logs.index("Waiting for 3") < logs.index("Scheduler has been shut down")
    assert not Path(f"{database}-wal").exists()
    assert query(database, "SELECT followers FROM readings ORDER BY followers") == [
        (1000,),
        (1001,),
        (1002,),
    ]


@pytest.mark.slow
async def test_sigterm_stops_waiting_for_a_stuck_command_after_five_seconds(
    tmp_path: Path,
) -> None:
    database = tmp_path / "netgain.db"
    async with serving(tmp_path) as served:
        other = await logs_behind_a_lock(served, database, 2)  # held until the process has gone
        loop = asyncio.get_running_loop()
        signalled = loop.time()
        served.process.send_signal(signal.SIGTERM)
        assert await served.exited(10) == 0, served.logs
        stopped_after = loop.time() - signalled
        other.execute("ROLLBACK")
        other.close()
    logs = "".join(served.logs)
    assert "Cancelling 2 interaction(s) still running" in logs
    assert "Traceback" not in logs, logs
    assert 5 <= stopped_after < 7, stopped_after
    assert query(database, "SELECT count(*) FROM readings") == [(0,)]


async def test_a_killed_process_keeps_every_reading_it_acknowledged(tmp_path: Path) -> None:
    """SIGKILL, with no shutdown path at all, while /log commands are still being written:
    every reading already answered is on disk, nothing is half-written, and the next
    process starts on the same file and serves."""
    database = tmp_path / "netgain.db"
    async with serving(tmp_path) as served:
        for n in range(5):
            served.send(f"log{n}", "log", followers=1000 + n, following=100)
        answered: list[str] = []
        while len(answered) < 5:
            event = await served.event()
            if "reply" in event:
                assert event["embeds"] == ["TikTok reading logged"], event
                answered.append(event["reply"])
        # More /log, and the kill as soon as the bot has taken the first of them on: the
        # writes are under way when the process goes.
        for n in range(5, 20):
            served.send(f"log{n}", "log", followers=1000 + n, following=100)
        while "admitted" not in (event := await served.event()):
            answered.append(event["reply"])
        served.process.kill()
        await served.process.wait()
    stored = {followers for (followers,) in query(database, "SELECT followers FROM readings")}
    assert {1000 + int(label.removeprefix("log")) for label in answered} <= stored
    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    assert query(database, "PRAGMA foreign_key_check") == []
    assert query(database, "SELECT count(*) FROM members") == [(1,)]

    async with serving(tmp_path) as served:
        served.send("after", "log", followers=1030, following=100)
        events = [await served.event() for _ in range(2)]
        assert events[-1]["reply"] == "after"
        assert events[-1]["embeds"] == ["TikTok reading logged"], events
        served.process.send_signal(signal.SIGTERM)
        assert await served.exited(5) == 0, served.logs
    assert query(database, "SELECT count(*) FROM readings WHERE followers = 1030") == [(1,)]


def test_an_unusable_database_stops_start_up_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    done = netgain(tmp_path, DISCORD_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{blocker}/netgain.db")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(
        f"netgain: cannot open the database at {blocker}/netgain.db"
    )
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr


def test_python_m_bot_without_a_token_opens_the_sandbox(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=environment(tmp_path),
        input="/log followers 1200 following 300\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("NetGain sandbox:")
    assert "Net followers: 900" in done.stdout
