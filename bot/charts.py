"""PNG charts: a member's history and the community's last weeks, drawn with matplotlib.

matplotlib is imported only when the first chart is drawn (start-up stays fast), uses the Agg
backend through `Figure` objects of its own (no pyplot state shared between threads), and every
chart is drawn in a worker thread (`draw`), so the event loop keeps answering commands.

Charts are made to be read on a phone in Discord's dark and light themes: a light card with
dark text, large type, thick lines, labelled axes with thousands separators, dates in the
zone the figures are counted in, and gaps (never lines) across weeks without a reading.
Every chart comes with alt text (the attachment's description) that states its key numbers.
"""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from bot import format as fmt
from bot.domain.periods import local_day
from bot.domain.records import record
from bot.domain.series import CommunityWeek, HistorySeries

if TYPE_CHECKING:
    from matplotlib.axes import Axes

T = TypeVar("T")

# 1200 x 675 pixels: 16:9, which Discord shows full width on a phone.
SIZE = (8.0, 4.5)
DPI = 150
BACKGROUND = "#FFFFFF"
TEXT = "#1E1F22"
GRID = "#D9DCE1"
FOLLOWERS = "#5865F2"
NET = "#2E9E5B"
FOLLOWING = "#E67E22"
DESCRIPTION_LIMIT = 1_024  # Discord's limit for an attachment's description


@record
class Chart:
    png: bytes
    description: str  # alt text: the key numbers, for screen readers and slow connections
    filename: str


async def draw(render: Callable[..., T], *args: Any) -> T:
    """Run a chart's rendering in a worker thread: the event loop never waits for it."""
    return await asyncio.to_thread(render, *args)


def _figure(rows: int = 1) -> tuple[Any, list[Axes]]:
    from matplotlib.figure import Figure  # lazy: the first chart pays for the import

    # Fixed margins, room for labels like "10,000,000": a layout engine costs half the time.
    figure = Figure(figsize=SIZE, dpi=DPI, facecolor=BACKGROUND)
    figure.subplots_adjust(left=0.14, right=0.98, top=0.91, bottom=0.13, hspace=0.14)
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for ax in axes:
        ax.set_facecolor(BACKGROUND)
        ax.grid(True, color=GRID, linewidth=0.8)
        ax.tick_params(colors=TEXT, labelsize=10)
        for spine in ax.spines.values():
            spine.set_color(GRID)
        ax.yaxis.set_major_formatter(_thousands())
    return figure, list(axes)


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: fmt.count(round(value)))


def _value(count: int | None) -> float:
    """A count to plot; one not logged is a gap (NaN), never zero."""
    return math.nan if count is None else float(count)


def _literal(text: str) -> str:
    """Text matplotlib shows as typed: `$…$` would otherwise be drawn as mathematics."""
    return text.replace("$", r"\$")


def _title(figure: Any, title: str) -> None:
    """The title at the top left, placed once (an axes title is re-placed on every draw)."""
    figure.text(0.14, 0.955, _literal(title), color=TEXT, fontsize=13, va="center")


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    # Light compression: a chart is sent once, and the time is better spent elsewhere.
    figure.savefig(buffer, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _fit(text: str) -> str:
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def _dates(ax: Axes, tz: Any) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(tz=tz, minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))  # type: ignore[no-untyped-call]


def history_chart(series: HistorySeries, title: str) -> Chart:
    """Followers and net followers above, following below (their scales differ), one line per
    run of weeks with readings; a gap wherever a week has none."""
    from matplotlib.dates import date2num

    figure, (top, bottom) = _figure(rows=2)
    tz = series.timezone
    for index, run in enumerate(series.runs):
        times = [date2num(point.at) for point in run]  # type: ignore[no-untyped-call]
        marker = "o" if len(run) < 30 else None
        top.plot(
            times,
            [p.followers for p in run],
            color=FOLLOWERS,
            linewidth=2.5,
            marker=marker,
            label="Followers" if index == 0 else None,
        )
        top.plot(
            times,
            [_value(p.net) for p in run],
            color=NET,
            linewidth=2.5,
            linestyle="--",
            marker=marker,
            label="Net followers" if index == 0 else None,
        )
        bottom.plot(
            times,
            [_value(p.following) for p in run],
            color=FOLLOWING,
            linewidth=2.5,
            marker=marker,
            label="Following" if index == 0 else None,
        )
    _title(figure, title)
    top.set_ylabel("Followers", color=TEXT, fontsize=11)
    bottom.set_ylabel("Following", color=TEXT, fontsize=11)
    bottom.set_xlabel(f"Date ({tz.key})", color=TEXT, fontsize=11)
    top.legend(loc="upper left", fontsize=10, frameon=False, labelcolor=TEXT)
    _dates(bottom, tz)
    return Chart(_png(figure), _fit(history_description(series, title)), "history.png")


def history_description(series: HistorySeries, title: str) -> str:
    points = series.points
    if not points:
        return f"{title}: no readings in this period."
    first, last = points[0], points[-1]
    tz = series.timezone
    text = (
        f"{title}. From {fmt.day(local_day(first.at, tz))} to {fmt.day(local_day(last.at, tz))}"
        f" ({tz.key}): followers {fmt.count(first.followers)} to {fmt.count(last.followers)}"
        f" ({fmt.signed(last.followers - first.followers)})"
    )
    if first.following is not None and last.following is not None:
        text += f", following {fmt.count(first.following)} to {fmt.count(last.following)}"
    if first.net is not None and last.net is not None:
        text += f", net followers {fmt.count(first.net)} to {fmt.count(last.net)}"
    text += f"; {fmt.plural(len(points), 'reading')}."
    if series.missing_weeks:
        text += f" {fmt.plural(series.missing_weeks, 'week')} without a reading shown as gaps."
    return text


def community_chart(weeks: Sequence[CommunityWeek], title: str, tz: Any) -> Chart:
    """Total followers (a line, broken where nobody logged) over members logging (bars)."""
    figure, (top, bottom) = _figure(rows=2)
    labels = [fmt.week(week.monday) for week in weeks]
    xs = list(range(len(weeks)))
    run: list[tuple[int, int]] = []
    runs = [run]
    for x, week in zip(xs, weeks, strict=True):
        if week.followers is None:
            run = []
            runs.append(run)
        else:
            run.append((x, week.followers))
    for index, found in enumerate(r for r in runs if r):
        top.plot(
            [x for x, _ in found],
            [y for _, y in found],
            color=FOLLOWERS,
            linewidth=2.5,
            marker="o",
            label="Total followers" if index == 0 else None,
        )
    bottom.bar(xs, [week.logged for week in weeks], color=NET, label="Members logging")
    _title(figure, title)
    top.set_ylabel("Total followers", color=TEXT, fontsize=11)
    bottom.set_ylabel("Members logging", color=TEXT, fontsize=11)
    bottom.set_xlabel(f"Week (Monday to Sunday, {tz.key})", color=TEXT, fontsize=11)
    bottom.set_xticks(xs, labels, rotation=0, fontsize=8)
    from matplotlib.ticker import MaxNLocator

    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart(_png(figure), _fit(community_description(weeks, title, tz)), "community.png")


def community_description(weeks: Sequence[CommunityWeek], title: str, tz: Any) -> str:
    known = [week for week in weeks if week.followers is not None]
    first, last = weeks[0].monday, weeks[-1].monday
    text = f"{title}: the {len(weeks)} weeks from {fmt.week(first)} to {fmt.week(last)} ({tz.key})."
    if len(known) == 1:
        only = known[0]
        assert only.followers is not None
        text += f" Total followers {fmt.count(only.followers)} ({fmt.week(only.monday)})."
    elif known:
        start, end = known[0], known[-1]
        assert start.followers is not None
        assert end.followers is not None
        text += (
            f" Total followers {fmt.count(start.followers)} ({fmt.week(start.monday)}) to"
            f" {fmt.count(end.followers)} ({fmt.week(end.monday)}),"
            f" {fmt.signed(end.followers - start.followers)}."
        )
    text += " Members logging per week: " + ", ".join(str(week.logged) for week in weeks) + "."
    empty = len(weeks) - len(known)
    if empty:
        text += f" {fmt.plural(empty, 'week')} nobody logged in shown as gaps."
    return text
