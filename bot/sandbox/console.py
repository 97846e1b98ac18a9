"""Typing into the sandbox: an interactive prompt, or the lines of a script.

Ctrl-C, Ctrl-D, SIGTERM and `:quit` all leave cleanly. A signal that arrives while a command
runs is honoured once that command has finished, so the database is never left mid-write.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from bot.sandbox.session import Quit, Sandbox

SANDBOX_WORDS = (":as", ":press", ":advance", ":now", ":help", ":quit")


class _Stop:
    """Signal handling: interrupt a prompt at once, but let a running command finish."""

    def __init__(self) -> None:
        self.requested = False
        self.waiting_for_input = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if self.waiting_for_input:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _signals(stop: _Stop) -> Iterator[None]:
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _completer(sandbox: Sandbox) -> Any:
    import readline

    def complete(text: str, state: int) -> str | None:
        words = readline.get_line_buffer().lstrip().split()
        if len(words) <= 1 and not readline.get_line_buffer().endswith(" "):
            names = [f"/{c['name']} " for c in sandbox.commands()]
            names += [f"{word} " for word in SANDBOX_WORDS]
        else:
            command = next((c for c in sandbox.commands() if f"/{c['name']}" == words[0]), None)
            options = command.get("options", []) if command else []
            names = [f"{o['name']}:" for o in options if o["type"] not in (1, 2)]
            names += [f"{o['name']} " for o in options if o["type"] in (1, 2)]
        matches = [name for name in names if name.startswith(text)]
        return matches[state] if state < len(matches) else None

    return complete


def _setup_readline(sandbox: Sandbox, history: Path) -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return
    history.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)
    readline.set_completer_delims(" ")
    readline.set_completer(_completer(sandbox))
    readline.parse_and_bind("tab: complete")


def _save_history(history: Path) -> None:
    try:
        import readline
    except ImportError:
        return
    with contextlib.suppress(OSError):
        readline.write_history_file(history)


async def interactive(sandbox: Sandbox, history: Path) -> int:
    _setup_readline(sandbox, history)
    stop = _Stop()
    with _signals(stop):
        try:
            while not stop.requested:
                stop.waiting_for_input = True
                try:
                    # Blocking on purpose: sandbox time moves only when told, so nothing can
                    # fall due while the person types; the session catches up afterwards.
                    line = input(f"{sandbox.actor_name} ▸ ")  # noqa: ASYNC250
                    if not sys.stdin.isatty():
                        print(line)  # piped input: keep the transcript readable
                except (EOFError, KeyboardInterrupt):
                    print()
                    break
                finally:
                    stop.waiting_for_input = False
                try:
                    await sandbox.run(line)
                except Quit:
                    break
        finally:
            _save_history(history)
    return 0


async def scripted(sandbox: Sandbox, script: Path) -> int:
    """Run a script's lines, echoing each; stop with exit status 1 at the first that fails."""
    stop = _Stop()
    with _signals(stop):
        lines = script.read_text(encoding="utf-8").splitlines()  # noqa: ASYNC240 - small, once
        for number, line in enumerate(lines, start=1):
            if stop.requested:
                return 130
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            sandbox.write(f"{sandbox.actor_name} ▸ {line.strip()}")
            try:
                ok = await sandbox.run(line)
            except Quit:
                return 0
            if not ok:
                print(
                    f"netgain sandbox: {script}:{number}: this line failed: {line.strip()}",
                    file=sys.stderr,
                )
                return 1
    return 0
