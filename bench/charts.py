"""How long a chart takes to draw, and what charts cost the bot's start-up.

Draws /history's chart (a year of readings every few days, with a gap of weeks) and the
digest's community chart: the first of each in a fresh process (matplotlib's import included)
and warm (median of --warm draws in a process that already drew one). Start-up is the time a
fresh interpreter takes to import the bot and every extension, measured --starts times each
way, alternating: as shipped (matplotlib is imported only when the first chart is drawn), and
with the chart module's matplotlib imported up front, the baseline charts would cost if they
were not lazy. Targets: a warm chart under 150 ms; start-up unchanged within noise.

    .venv/bin/python bench/charts.py [--warm 20] [--starts 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import charts
from bot.domain.models import Platform, Reading, Source
from bot.domain.series import Trace, community_weeks, history_series

TZ = ZoneInfo("Europe/Berlin")
# The bot and every extension, as `netgain` loads them.
IMPORT_BOT = (
    "import importlib\n"
    "from bot.client import EXTENSIONS\n"
    "for name in EXTENSIONS:\n"
    "    importlib.import_module(name)\n"
)
EAGER = "import matplotlib.figure, matplotlib.dates, matplotlib.ticker\n"
# The bot without the chart module: `bot.charts` replaced by an empty stand-in.
WITHOUT = (
    "import sys, types\n"
    "class Stub(types.ModuleType):\n"
    "    def __getattr__(self, name): return object\n"
    "sys.modules['bot.charts'] = Stub('bot.charts')\n"
)


FIRST = (
    "import time; started = time.perf_counter()\n"
    "import bench.charts as b; b.draw_both()\n"
    "print(time.perf_counter() - started)\n"
)


def readings() -> list[Reading]:
    """A year of readings every three days, with four weeks missing in the middle."""
    start = datetime(2025, 11, 24, 12, tzinfo=UTC)
    found = []
    for index in range(120):
        day = 3 * index + (28 if index >= 60 else 0)
        moment = start + timedelta(days=day)
        followers = 2_000 + 45 * index + (index % 7) * 12
        found.append(
            Reading(index, 1, Platform.TIKTOK, moment, followers, 300 + index, Source.SELF_REPORTED)
        )
    return found


def draw_both() -> None:
    found = readings()
    charts.history_chart(history_series(found, Platform.TIKTOK, TZ), "TikTok · alex · this year")
    weeks = community_weeks([Trace.of(found)], date(2026, 11, 16), TZ)
    charts.community_chart(weeks, "Community · last 8 weeks", TZ)


def timed(action: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times


def fresh(code: str) -> float:
    """Seconds a fresh interpreter takes to run `code` (start-up and exit included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=20, help="warm draws (median)")
    parser.add_argument("--starts", type=int, default=9, help="start-ups each way (median)")
    args = parser.parse_args()

    first_run = subprocess.run(
        [sys.executable, "-c", FIRST], check=True, capture_output=True, text=True
    )
    first = float(first_run.stdout.strip())
    found = readings()
    series = history_series(found, Platform.TIKTOK, TZ)
    weeks = community_weeks([Trace.of(found)], date(2026, 11, 16), TZ)
    charts.history_chart(series, "warm-up")
    history = timed(lambda: charts.history_chart(series, "TikTok · alex · this year"), args.warm)
    community = timed(
        lambda: charts.community_chart(weeks, "Community · last 8 weeks", TZ), args.warm
    )

    without, lazy, eager = [], [], []
    for _ in range(args.starts):  # interleaved, so drift on the machine hits all three alike
        without.append(fresh(WITHOUT + IMPORT_BOT))
        lazy.append(fresh(IMPORT_BOT))
        eager.append(fresh(EAGER + IMPORT_BOT))

    ms = 1000
    base_ms, lazy_ms, eager_ms = (statistics.median(x) * ms for x in (without, lazy, eager))
    rows = [
        ("first charts in a fresh process (both, matplotlib's import included)", first * ms, ""),
        (
            f"/history chart, warm (median of {args.warm})",
            statistics.median(history) * ms,
            "target < 150 ms",
        ),
        (
            f"community chart, warm (median of {args.warm})",
            statistics.median(community) * ms,
            "target < 150 ms",
        ),
        (f"start-up without the chart module (median of {args.starts})", base_ms, "baseline"),
        (f"start-up with it, as shipped (median of {args.starts})", lazy_ms, ""),
        (f"start-up if it imported matplotlib up front (median of {args.starts})", eager_ms, ""),
    ]
    for label, value, note in rows:
        print(f"{label:<72} {value:8.1f} ms  {note}")
    print(f"ratio start-up as shipped / without the chart module: {lazy_ms / base_ms:.2f}×")
    print(f"ratio start-up with matplotlib up front / without: {eager_ms / base_ms:.2f}×")


if __name__ == "__main__":
    main()
