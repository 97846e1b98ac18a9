"""`netgain` without a token opens the sandbox; `netgain sandbox --script` runs a file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETGAIN = Path(sys.executable).with_name("netgain")


def netgain(
    cwd: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISCORD_TOKEN", "DATABASE_URL", "DEV_GUILD_ID", "LOG_LEVEL"}
    }
    env.update(settings)
    return subprocess.run(
        [NETGAIN, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_a_token_netgain_opens_the_sandbox_and_logs(tmp_path: Path) -> None:
    done = netgain(tmp_path, stdin="/log followers 1200 following 300\n")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("NetGain sandbox: a simulated Discord on this machine")
    assert "To connect to real Discord, set DISCORD_TOKEN" in done.stdout
    assert "Net followers: 900 · ratio 4.0×" in done.stdout
    assert (tmp_path / "data" / "sandbox.db").exists()
    assert done.stderr == ""


def test_the_tour_runs_from_start_to_end(tmp_path: Path) -> None:
    done = netgain(
        tmp_path,
        "sandbox",
        "--fresh",
        "--name",
        "alex",
        "--script",
        str(ROOT / "examples" / "tour.txt"),
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    out = done.stdout
    assert "✗" not in out
    assert "845 = 1,150 − 305 · ratio 3.8×" in out  # /net after three weeks
    assert "Net followers · Instagram" in out  # /net member:@maya
    assert "Cancel" in out and "Cancelled: nothing was stored." in out
    assert "History · TikTok · all time" in out
    assert "NetGain in #weekly-digest" in out  # :advance ran the Monday digests
    assert "NetGain weekly digest ·" in out
    assert out.rstrip().endswith("quarter, year, all")  # /help ends the tour


def test_a_failing_line_stops_the_script_with_its_location(tmp_path: Path) -> None:
    script = tmp_path / "bad.txt"
    script.write_text(
        "/log followers 1200 following 300\n\n/log followers lots following 3\n/net\n"
    )
    done = netgain(tmp_path, "sandbox", "--script", str(script))
    assert done.returncode == 1
    assert "✗ `followers` must be a whole number; got `lots`." in done.stdout
    assert done.stderr.strip() == (
        f"netgain sandbox: {script}:3: this line failed: /log followers lots following 3"
    )
    assert "Net followers (followers − following)" not in done.stdout  # /net never ran


def test_a_missing_script_is_one_line(tmp_path: Path) -> None:
    done = netgain(tmp_path, "sandbox", "--script", "nope.txt")
    assert done.returncode == 2
    assert done.stderr == "netgain: no script at nope.txt\n"


def test_the_sandbox_never_touches_the_configured_database(tmp_path: Path) -> None:
    production = tmp_path / "production.db"
    done = netgain(
        tmp_path,
        stdin="/log followers 10 following 1\n:quit\n",
        DATABASE_URL=f"sqlite:///{production}",
    )
    assert done.returncode == 0, done.stderr
    assert not production.exists()
    assert (tmp_path / "data" / "sandbox.db").exists()


def test_fresh_starts_from_an_empty_database(tmp_path: Path) -> None:
    netgain(tmp_path, stdin="/log followers 10 following 1\n")
    kept = netgain(tmp_path, stdin="/history\n")
    assert "10 · following 1 · net 9" in kept.stdout
    fresh = netgain(tmp_path, "sandbox", "--fresh", stdin="/history\n")
    assert "You have no readings yet" in fresh.stdout


def test_a_resumed_sandbox_runs_its_scheduled_jobs_on_time(tmp_path: Path) -> None:
    # The second run starts with the digest job restored from the database and the sandbox
    # clock a week ahead of the present: its jobs must still run when due, not late.
    lines = "/setup digest channel:#weekly-digest\n/log followers 1200 following 300\n:advance 7d\n"
    script = tmp_path / "week.txt"
    script.write_text(lines)
    runs = [
        netgain(tmp_path, "sandbox", "--name", "alex", "--script", str(script)) for _ in range(2)
    ]
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert "was missed" not in done.stderr
        assert done.stdout.count("NetGain weekly digest ·") == 1
    first, second = (re.search(r"NetGain weekly digest · (.+)", d.stdout) for d in runs)
    assert first is not None and second is not None
    assert first.group(1) != second.group(1)  # a week later, the next week's digest


@pytest.mark.slow
def test_a_second_session_on_the_same_database_stores_what_it_logs(tmp_path: Path) -> None:
    """The simulated Discord numbers interactions from the same start every session: a new
    /log must not be taken for one an earlier session already stored."""
    (tmp_path / "one.txt").write_text("/log followers 1200 following 300\n")
    (tmp_path / "two.txt").write_text("/log followers 1300 following 300\n/net\n")
    assert netgain(tmp_path, "sandbox", "--script", "one.txt").returncode == 0
    done = netgain(tmp_path, "sandbox", "--script", "two.txt")
    assert done.returncode == 0, done.stderr
    assert "+100 followers (+8.3%)" in done.stdout
