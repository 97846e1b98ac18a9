"""The benchmarks still run (their figures are read by people, never asserted on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
