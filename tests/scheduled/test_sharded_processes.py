"""Two NetGain processes on *different* shards of one bot, sharing one database, each with a
simulated Discord of its own that holds only its shard's server.

Both servers are set up, through each process's own commands, before either digest is due, so
each process finds the other's server in the database. Then one process runs past the digest
slot while the other, up and connected, waits: the first to reach the slot is the one that
could take the other's digest. Each digest must be posted once, by the process that runs its
server's shard, with no claim taken and nothing marked failed by the other one: a process
that claimed a server it does not host would mark that week FAILED ("NetGain is no longer in
this server") and lose it. Each backend runs it with the other shard first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from storage import open_storage
from tests.support.db import rows
from tests.support.postgres import POSTGRES_URL, postgres_schema
from tests.support.process import ROOT

pytestmark = pytest.mark.slow


@asynccontextmanager
async def database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fleet.db'}"
        return
    async with postgres_schema() as schema:
        yield f"{POSTGRES_URL}?search_path={schema}"


def start(name: str, shard: int, url: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DEV_GUILD_ID"}}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=url,
        SHARD_COUNT="2",
        SHARD_IDS=str(shard),
        # Simulated time stops at each of these; hourly keeps a simulated week quick.
        SETTINGS_POLL_SECONDS="3600",
        CLAIM_SWEEP_SECONDS="3600",
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.shard_process", name],
        cwd=tmp_path,  # an empty folder: no developer's .env is read
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(("kind", "first"), [("sqlite", 0), ("postgresql", 1)])
async def test_each_server_is_posted_once_by_the_process_running_its_shard(
    kind: str, first: int, tmp_path: Path
) -> None:
    async with database(kind, tmp_path) as url:
        fleet = [start("Alpha", 0, url, tmp_path), start("Beta", 1, url, tmp_path)]
        try:
            for process in fleet:
                assert process.stdout is not None
                line = process.stdout.readline()  # blocks until its server is stored
                assert line.strip() == "ready", process.communicate(timeout=30)[1]
            outcomes: dict[int, dict[str, Any]] = {}
            for shard in (first, 1 - first):  # one past the slot, then the other
                process = fleet[shard]
                out, err = process.communicate("go\n", timeout=180)
                assert process.returncode == 0, err
                assert "Traceback" not in err, err
                outcomes[shard] = json.loads(out.strip().splitlines()[-1])
        finally:
            for process in fleet:
                process.kill() if process.poll() is None else None
        alpha, beta = outcomes[0], outcomes[1]
        assert alpha["guild"] != beta["guild"]
        assert len(alpha["digests"]) == 1 and len(beta["digests"]) == 1
        storage = await open_storage(url)
        try:
            runs = await rows(
                storage,
                "SELECT guild_id, state, attempts, message_ids FROM digest_runs ORDER BY guild_id",
            )
        finally:
            await storage.close()
        # Each week's digest was claimed once, by its own process: the message it posted.
        expected = sorted(
            (o["guild"], "posted", 1, [str(m) for m in o["digests"]]) for o in (alpha, beta)
        )
        assert [
            (guild, state, attempts, [str(m) for m in json.loads(ids)])
            for guild, state, attempts, ids in runs
        ] == expected
