"""The benchmarks still run (their figures are read by people, never asserted on)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import discord
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_bench(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_log_reply_benchmark_runs(tmp_path: Path) -> None:
    out = run_bench("log_reply.py", "--iterations", "5", "--dir", str(tmp_path))
    assert "ratio" in out
    assert "NetGain /log" in out


def test_log_load_benchmark_runs(tmp_path: Path) -> None:
    out = run_bench("log_load.py", "--requests", "20", "--members", "4", "--dir", str(tmp_path))
    assert "ratio NetGain / bare" in out
    assert "requests/s" in out


def test_digest_benchmark_runs(tmp_path: Path) -> None:
    out = run_bench(
        "digest.py",
        "--servers",
        "3",
        "--members",
        "5",
        "--weeks",
        "4",
        "--db",
        str(tmp_path / "bench.db"),
    )
    assert "ratio, all digests / aggregate query" in out
    assert "peak memory" in out
    assert "PostgreSQL" in out  # beside SQLite, or a line saying no server answers


def test_charts_benchmark_runs() -> None:
    out = run_bench("charts.py", "--warm", "2", "--starts", "1")
    assert "/history chart, warm" in out
    assert "ratio start-up as shipped / without the chart module" in out


def test_idle_memory_benchmark_runs() -> None:
    out = run_bench("idle_memory.py", "--servers", "5")
    assert "MiB per 1,000 servers" in out
    assert "ratio NetGain / bare" in out


def test_the_load_benchmark_waits_for_work_that_outlasts_a_settle_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Work a load leaves running after its last answer (NetGain's reminders' refresh can be
    slow on a slow machine) is waited for, rather than stopping the benchmark as a bot that
    never settles."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import log_load
    from log_reply import bare_bot

    bot = bare_bot()
    finished: list[int] = []

    def slow_query() -> None:
        # Counts to a million, row by row: a tenth of a second or more, many settle timeouts.
        with closing(sqlite3.connect(":memory:")) as db:
            db.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                " WHERE x < 1000000) SELECT count(*) FROM c"
            ).fetchone()

    async def slow_work(interaction: discord.Interaction) -> None:
        await asyncio.get_running_loop().run_in_executor(None, slow_query)
        finished.append(interaction.id)

    @bot.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        asyncio.get_running_loop().create_task(slow_work(interaction))

    # Settling may take up to 2,000 timeouts of 0.01 s: 20 s in all.
    _, answered = asyncio.run(log_load.load(bot, 2, 1, settle_timeout=0.01, settle_tries=2_000))
    assert len(answered) == 2
    assert len(finished) == 2
