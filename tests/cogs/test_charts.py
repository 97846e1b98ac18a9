"""Charts: /history's PNG, its alt text, gaps for missing weeks, and drawing off the event
loop. Every message with a file goes through the suite's request conformance check."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import charts
from bot.domain.models import Platform, Reading, Source
from bot.domain.series import Trace, community_weeks, history_series
from tests.conftest import World
from tests.support.simulated import send_slash

DAY = 86_400


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking it is one that opens."""
    from matplotlib.image import imread

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = imread(io.BytesIO(data), format="png")
    return image.shape[1], image.shape[0]


async def test_history_attaches_a_chart_with_alt_text_naming_the_latest_figures(
    world: World,
) -> None:
    for followers, following in ((1_000, 300), (1_200, 310), (1_450, 320)):
        await world.alice.slash(world.channel, "log", followers=followers, following=following)
        await world.env.advance_time(DAY)
    result = await world.alice.slash(world.channel, "history")
    message = result.response
    [attachment] = message.attachments
    assert attachment.filename == "history.png"
    assert message.embeds[0].image.url.endswith("history.png")
    description = attachment.description or ""
    assert "followers 1,000 to 1,450 (+450)" in description
    assert "following 300 to 320" in description
    assert "net followers 700 to 1,130" in description
    assert png_size(await attachment.read()) == (1200, 675)
    # The request that carried it went through the suite's conformance check with its
    # attachment described as Discord's API describes it.
    [sent] = [
        r for r in world.env.http_requests if isinstance(r.json, dict) and r.json.get("attachments")
    ]
    assert sent.json["attachments"][0]["description"] == description
    assert sent.json["allowed_mentions"]["parse"] == []


async def test_a_chart_renders_off_the_event_loop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    started, release, drawn = threading.Event(), threading.Event(), threading.Event()
    real = charts.history_chart

    def slow_chart(*args: object) -> charts.Chart:
        started.set()
        # Holds its thread until the test has seen /log answered; bounded, so a chart drawn
        # on the event loop fails the test below rather than hanging it.
        release.wait(timeout=10)
        chart = real(*args)  # type: ignore[arg-type]
        drawn.set()
        return chart

    monkeypatch.setattr(charts, "history_chart", slow_chart)
    answered_while_drawing: list[bool] = []

    def log_done(interaction: object, command: object) -> bool:
        if getattr(command, "name", None) != "log":
            return False
        answered_while_drawing.append(not drawn.is_set())
        return True

    log_answered = world.env.bot.wait_for("app_command_completion", check=log_done)
    history = send_slash(world.alice, world.channel, "history")
    assert await asyncio.to_thread(started.wait, 10)
    send_slash(world.bob, world.channel, "log", followers=50, following=5)
    await log_answered
    assert answered_while_drawing == [True]  # /log was answered while the chart was drawn
    release.set()
    await world.env.settle()
    assert history.responded


def reading(day: int, followers: int) -> Reading:
    moment = datetime(2026, 10, 5, 12, tzinfo=UTC) + timedelta(days=day)
    return Reading(day, 1, Platform.TIKTOK, moment, followers, 10, Source.SELF_REPORTED)


def test_missing_weeks_are_gaps_not_lines() -> None:
    tz = ZoneInfo("Europe/Berlin")
    # Two readings a week apart, then nothing for two whole weeks, then one more.
    series = history_series(
        [reading(0, 100), reading(7, 120), reading(28, 150)], Platform.TIKTOK, tz
    )
    assert [[p.followers for p in run] for run in series.runs] == [[100, 120], [150]]
    assert series.missing_weeks == 2
    chart = charts.history_chart(series, "TikTok · alex · all time")
    assert "2 weeks without a reading shown as gaps" in chart.description
    assert png_size(chart.png) == (1200, 675)


def test_the_community_chart_leaves_weeks_nobody_logged_empty() -> None:
    tz = ZoneInfo("UTC")
    readings = [reading(0, 100), reading(14, 130)]  # the weeks of 5 and 19 Oct
    weeks = community_weeks([Trace.of(readings)], datetime(2026, 10, 26).date(), tz, weeks=4)
    assert [(w.logged, w.followers) for w in weeks] == [(1, 100), (0, None), (1, 130), (0, None)]
    chart = charts.community_chart(weeks, "Creators · last 4 weeks", tz)
    assert "Members logging per week: 1, 0, 1, 0." in chart.description
    assert "2 weeks nobody logged in shown as gaps" in chart.description
    assert png_size(chart.png) == (1200, 675)


def test_a_name_with_dollar_signs_is_drawn_as_typed() -> None:
    tz = ZoneInfo("UTC")
    series = history_series([reading(0, 100)], Platform.TIKTOK, tz)
    chart = charts.history_chart(series, r"TikTok · $\frac{1}{0}$ · all time")
    assert chart.description.startswith(r"TikTok · $\frac{1}{0}$ · all time")


async def test_history_shows_each_readings_note_as_plain_text(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=300, note="collab")
    await world.env.advance_time(DAY)
    await world.alice.slash(
        world.channel, "log", followers=1_100, following=300, note="**big** @everyone " + "x" * 90
    )
    description = (await world.alice.slash(world.channel, "history")).response.embeds[0].description
    assert "↳ collab" in description
    assert "↳ \\*\\*big\\*\\* @\u200beveryone" in description  # no bold, no ping
    assert "x…" in description  # long notes are cut, and say so
