"""The process as an operator sees it: one-line errors, and a quick, clean shutdown."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_ends_the_process_within_seconds(tmp_path: Path, signum: int) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.serve_simulated",
        cwd=ROOT,
        env=environment(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
        process.send_signal(signum)
        await asyncio.wait_for(process.wait(), 5)
        logs = (await process.stderr.read()).decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, logs
    assert "Shutting down" in logs
    # The database was closed cleanly: SQLite folds the WAL back in and removes it.
    database = tmp_path / "netgain.db"
    assert database.exists()
    assert not Path(f"{database}-wal").exists()


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
