"""/import: a sheet or NetGain's own export, shown before it is stored, stored as imported."""

from __future__ import annotations

from bot.usecases.export import COLUMNS
from tests.conftest import World
from tests.support.db import query
from tests.support.simulated import take_user_errors

SHEET = b"date,followers,following,platform\n2025-12-01,900,100,TikTok\n2025-12-08,950,101,\n"
DAY = 86_400


async def test_a_sheet_is_previewed_then_stored_as_imported(world: World) -> None:
    asked = await world.alice.slash(world.channel, "import", file=("growth.csv", SHEET))
    assert asked.ephemeral
    content = asked.response.content
    assert "Import 2 readings and 0 posts, from 2025-12-01 to 2025-12-08 (UTC), on TikTok" in (
        content
    )
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(0,)]  # not yet
    done = await world.alice.click(asked.response.message, label="Confirm")
    assert "Imported 2 readings and 0 posts" in done.response.content
    assert query(
        world.db_path, "SELECT followers, following, source FROM readings ORDER BY taken_at"
    ) == [(900, 100, "imported"), (950, 101, "imported")]
    history = await world.alice.slash(world.channel, "history", period="all")
    assert "· imported" in history.response.embeds[0].description
    again = await world.alice.slash(world.channel, "import", file=("growth.csv", SHEET))
    assert "Nothing new: all 2 rows are stored already." in again.response.content


async def test_export_forget_import_gives_the_same_history(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=1_000, following=100, note="start")
    await world.env.advance_time(DAY)
    await world.alice.slash(world.channel, "log", followers=1_080, following=99)
    await world.alice.slash(world.channel, "post", views=900, likes=70, comments=5, shares=2)
    columns = "platform, taken_at, followers, following, note"
    before = query(world.db_path, f"SELECT {columns} FROM readings ORDER BY taken_at")
    posts = query(world.db_path, "SELECT platform, posted_at, views, likes FROM posts")
    exported = await world.alice.slash(world.channel, "export")
    [attachment] = exported.response.attachments
    data = await attachment.read()
    asked = await world.alice.slash(world.channel, "forget")
    await world.alice.click(asked.response.message, label="Forget everything")
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(0,)]

    asked = await world.alice.slash(world.channel, "import", file=(attachment.filename, data))
    assert "Import 2 readings and 1 post" in asked.response.content
    await world.alice.click(asked.response.message, label="Confirm")
    assert query(world.db_path, f"SELECT {columns} FROM readings ORDER BY taken_at") == before
    assert query(world.db_path, "SELECT platform, posted_at, views, likes FROM posts") == posts


async def test_a_bad_line_is_named_and_nothing_is_stored(world: World) -> None:
    sheet = b"date,followers,following\n2025-12-01,900,100\n01/12/2025,950,100\n"
    refused = await world.alice.slash(world.channel, "import", file=("growth.csv", sheet))
    assert refused.ephemeral
    assert refused.response.content.startswith("Line 3 of the file can't be read:")
    future = b"2099-01-01,900,100\n"
    later = await world.alice.slash(world.channel, "import", file=("g.csv", future))
    assert "Line 1 of the file can't be read: the date 2099-01-01" in later.response.content
    too_many = b"date,followers,following\n" + b"2025-12-01,1,1\n" * 50_001
    big = await world.alice.slash(world.channel, "import", file=("big.csv", too_many))
    assert "NetGain imports up to 50,000 at a time" in big.response.content
    assert len(take_user_errors(world.env)) == 3
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(0,)]
    assert query(world.db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_a_broken_or_hostile_file_is_refused_in_a_short_plain_message(world: World) -> None:
    def exported(**row: str) -> str:
        return ",".join(COLUMNS) + "\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\n"

    at = "2025-12-01T12:00:00+00:00"
    for body, expected in (
        # A quote left open: the CSV reader itself can't go on.
        ('date,followers,following\n2025-12-01,900,100\n"2025-12-02,950\r100\n', "Line 3"),
        # A pasted essay where the platform goes: named, cut, and shown as code.
        ("2025-12-01,900,100," + "x" * 6000 + "\n", "unknown platform `xxxx"),
        ("2025-12-01,900,100,`@everyone` [Win](https://example.com)\n", "`ˋ@everyoneˋ [Win]"),
        # An edited export: a note /log would refuse, and a link that would break out of <...>.
        (
            exported(kind="reading", platform="tiktok", time_utc=at, followers="9", note="n" * 201),
            "`note` is 201 characters",
        ),
        (
            exported(
                kind="post",
                platform="tiktok",
                time_utc=at,
                views="9",
                likes="1",
                comments="0",
                shares="0",
                link="https://x.com/a>b",
            ),
            "`link` must be the post's web address",
        ),
    ):
        refused = await world.alice.slash(world.channel, "import", file=("a.csv", body.encode()))
        assert refused.ephemeral
        assert expected in refused.response.content
        assert len(refused.response.content) < 400
    assert len(take_user_errors(world.env)) == 5
    assert query(world.db_path, "SELECT count(*) FROM readings") == [(0,)]
