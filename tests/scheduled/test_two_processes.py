"""Two real NetGain processes on one database file: each week's digest is posted once.

Each process is a sandbox (the real bot, scheduler and storage, with its own simulated
Discord); they share the SQLite file, so the durable claim is all that stands between them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.db import query

NETGAIN = Path(sys.executable).with_name("netgain")
RACE = """\
/setup digest channel:#weekly-digest
/log followers 1000 following 100
:advance 4d
/log followers 1100 following 100
:advance 4d
/log followers 1200 following 100
:advance 8d
"""


def test_two_processes_on_one_database_post_each_digest_once(tmp_path: Path) -> None:
    script = tmp_path / "race.txt"
    script.write_text(RACE)
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    command = [
        NETGAIN,
        "sandbox",
        "--script",
        str(script),
        "--database",
        str(tmp_path / "shared.db"),
        "--name",
        "alex",
    ]
    processes = [
        subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    # A digest's title, or a quiet week's one line ("NetGain weekly digest, <week>:** ...").
    shown = "\n".join(out for out, _ in outputs)
    posted = re.findall(r"NetGain weekly digest(?: ·|,) ([^:*\n]+)", shown)
    assert len(posted) >= 2
    assert len(posted) == len(set(posted)), posted  # no week posted twice
    runs = query(tmp_path / "shared.db", "SELECT state, attempts FROM digest_runs")
    assert len(runs) == len(posted)
    assert all(state == "posted" for state, _ in runs)
