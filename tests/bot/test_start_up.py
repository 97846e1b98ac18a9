"""Start-up refuses a database it must not use: one line saying what to do, file untouched;
and keeps what it made out of the collector's passes."""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from bot.client import NetGainBot
from bot.runner import YOUNG_PASS_AFTER, run
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.support.process import TOKEN, netgain

PAGE = 4096


def assert_refused(done: subprocess.CompletedProcess[str], *, database: Path, says: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"netgain: cannot use the database at {database}: {says}")


def sandbox(tmp_path: Path, database: Path) -> subprocess.CompletedProcess[str]:
    """The same start-up as `netgain run`, without going near the network."""
    script = tmp_path / "script.txt"
    script.write_text("/help\n")
    return netgain(tmp_path, "sandbox", "--database", str(database), "--script", str(script))


def test_a_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    done = netgain(tmp_path, "run", DISCORD_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{folder}")
    assert_refused(
        done,
        database=folder,
        says=f"it is a folder; DATABASE_URL must name a file in it, like sqlite:///{folder}/netgain.db",
    )
    assert list(folder.iterdir()) == []


def test_another_programs_database_is_refused_unchanged(tmp_path: Path) -> None:
    theirs = tmp_path / "notes.db"
    with closing(sqlite3.connect(theirs)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('keep me')")
        db.commit()
    before = theirs.read_bytes()
    done = sandbox(tmp_path, theirs)
    assert_refused(
        done,
        database=theirs,
        says="it holds another program's tables (notes), not NetGain's; "
        "point DATABASE_URL at a new file",
    )
    assert theirs.read_bytes() == before  # still in its own journal mode, not WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "script.txt"]


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path) -> None:
    text = tmp_path / "readme.db"
    text.write_text("not a database, but long enough to have a header " * 4)
    before = text.read_bytes()
    assert_refused(sandbox(tmp_path, text), database=text, says="it is not a SQLite database")
    assert text.read_bytes() == before


async def test_a_damaged_database_stops_start_up_with_what_to_do(tmp_path: Path) -> None:
    damaged = tmp_path / "netgain.db"
    storage = await SQLiteStorage.open(damaged)
    await storage.close()
    with closing(sqlite3.connect(damaged)) as db:
        db.execute(
            "INSERT INTO members (user_id, default_platform, created_at)"
            " VALUES (1, 'tiktok', '2026-01-01T00:00:00+00:00')"
        )
        db.executemany(
            "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
            " logged_at) VALUES (1, 'tiktok', ?, ?, 1, 'self_reported', ?)",
            [(f"2026-01-{1 + i // 100:02d}T00:00:{i % 60:02d}", i, "2026") for i in range(2000)],
        )
        db.commit()
    # A page of readings overwritten, as a bad disk or a copy made mid-write would leave it.
    data = bytearray(damaged.read_bytes())
    data[-3 * PAGE : -2 * PAGE] = os.urandom(PAGE)
    damaged.write_bytes(bytes(data))

    done = sandbox(tmp_path, damaged)
    assert_refused(done, database=damaged, says="the file is damaged (SQLite's check says: ")
    assert (
        f'restore a backup, or rescue what is readable with `sqlite3 {damaged} ".recover"'
        in done.stderr
    )
    assert damaged.read_bytes() == bytes(data)


def test_start_up_does_not_import_matplotlib() -> None:
    """Charts import matplotlib when the first one is drawn, not when the bot starts."""
    import sys

    from bot.client import EXTENSIONS

    code = (
        "import importlib, sys\n"
        f"for name in ['bot.client', *{list(EXTENSIONS)!r}]:\n"
        "    importlib.import_module(name)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


async def test_what_start_up_made_is_kept_out_of_the_collectors_passes(settings: Settings) -> None:
    """Modules, the bot and its storage live as long as the process: a full collection
    would walk them again and again for nothing. Nor does a young pass walk a digest's
    objects while they are still in use."""
    frozen: list[int] = []
    thresholds: list[tuple[int, int, int]] = []

    async def connect(bot: NetGainBot) -> None:
        frozen.append(gc.get_freeze_count())
        thresholds.append(gc.get_threshold())

    before = gc.get_threshold()
    gc.unfreeze()
    try:
        await run(settings, connect, stop_on_signals=False)
    finally:
        gc.unfreeze()  # the rest of the suite collects as it did
        gc.set_threshold(*before)
    assert frozen and frozen[0] > 0
    # A digest's few thousand short-lived objects are freed before a young pass walks them.
    assert thresholds[0] == (YOUNG_PASS_AFTER, *before[1:])
