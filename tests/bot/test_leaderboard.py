"""The leaderboard's order, ties, members with too little data, and the caller's own row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.digest import DigestMember
from bot.domain.leaderboard import Measure, build_board, ranked
from bot.domain.models import Platform, Post, PostCounts, Reading, Source

UTC_ZONE = ZoneInfo("UTC")
START = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday
END = datetime(2026, 11, 23, tzinfo=UTC)
_ids = iter(range(1, 100_000))


def member(user: int, name: str, logged_here: bool = True) -> DigestMember:
    return DigestMember(user, name, UTC_ZONE, logged_here=logged_here)


def reading(user: int, day: float, followers: int, platform: Platform = Platform.TIKTOK) -> Reading:
    return Reading(
        next(_ids), user, platform, START + timedelta(days=day), followers, 0, Source.SELF_REPORTED
    )


def post(user: int, day: float, views: int, likes: int) -> Post:
    return Post(
        next(_ids),
        user,
        Platform.TIKTOK,
        START + timedelta(days=day),
        PostCounts(views, likes, 0, 0),
        Source.SELF_REPORTED,
    )


def board(measure: Measure, readings: list[Reading], posts: list[Post] = (), **kw):  # type: ignore[no-untyped-def, assignment]
    members = [member(1, "ana"), member(2, "ben"), member(3, "cat"), member(4, "dev")]
    ordered = sorted(readings, key=lambda r: (r.user_id, r.platform, r.taken_at, r.id))
    return build_board(
        kw.pop("members", members),
        ordered,
        posts,
        measure=measure,
        platform=kw.pop("platform", None),
        start=START,
        end=END,
        now=END - timedelta(hours=1),
        viewer_id=kw.pop("viewer", 1),
    )


def test_growth_percent_lets_a_small_creator_win_and_growth_lets_the_big_one() -> None:
    readings = [
        reading(1, -1, 100_000),
        reading(1, 3, 102_000),  # +2,000, +2%
        reading(2, -1, 200),
        reading(2, 4, 260),  # +60, +30%
        reading(3, 2, 5_000),  # only a first reading: too little data
    ]
    pct = board(Measure.GROWTH_PCT, readings)
    assert [(e.member.name, e.rank) for e in pct.ranked] == [("ben", 1), ("ana", 2)]
    assert [m.name for m in pct.unranked] == ["cat", "dev"]  # not ranked as zero
    grown = board(Measure.GROWTH, readings)
    assert [e.member.name for e in grown.ranked] == ["ana", "ben"]


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    readings = [
        reading(1, -1, 100),
        reading(1, 2, 110),
        reading(2, -1, 200),
        reading(2, 2, 220),
        reading(3, -1, 100),
        reading(3, 2, 105),
    ]
    found = board(Measure.GROWTH_PCT, readings)
    assert [(e.member.name, e.rank) for e in found.ranked] == [("ana", 1), ("ben", 1), ("cat", 3)]


def test_platforms_add_up_unless_one_is_named() -> None:
    readings = [
        reading(1, -1, 1_000),
        reading(1, 2, 1_100),
        reading(1, -1, 9_000, Platform.INSTAGRAM),
        reading(1, 2, 9_000, Platform.INSTAGRAM),
    ]
    combined = board(Measure.GROWTH_PCT, readings).ranked[0]
    assert combined.growth is not None and (combined.growth.start, combined.growth.end) == (
        10_000,
        10_100,
    )
    alone = board(Measure.GROWTH_PCT, readings, platform=Platform.INSTAGRAM).ranked[0]
    assert alone.value == 0.0  # a real ±0, ranked


def test_engagement_needs_posts_with_views() -> None:
    posts = [post(1, 1, 1_000, 80), post(2, 1, 1_000, 30), post(3, 1, 0, 0)]
    found = board(Measure.ENGAGEMENT, [], posts)
    assert [(e.member.name, e.value) for e in found.ranked] == [("ana", 0.08), ("ben", 0.03)]
    assert [m.name for m in found.unranked] == ["cat", "dev"]


def test_consistency_is_the_logging_streak() -> None:
    readings = [reading(1, d, 100) for d in (-14, -7, 0)] + [reading(2, 0, 50)]
    found = board(Measure.CONSISTENCY, readings)
    assert [(e.member.name, e.value) for e in found.ranked] == [("ana", 3), ("ben", 1)]


def test_only_members_who_logged_here_are_listed_and_the_caller_always_sees_their_row() -> None:
    members = [member(i, f"m{i:02d}") for i in range(1, 15)] + [member(99, "elsewhere", False)]
    readings = [
        r for i in range(1, 15) for r in (reading(i, -1, 1_000), reading(i, 2, 1_000 + 15 * i))
    ] + [reading(99, -1, 10), reading(99, 2, 1_000)]
    found = board(Measure.GROWTH_PCT, readings, members=members, viewer=2)
    assert 99 not in {e.member.user_id for e in found.ranked}
    top, mine = found.shown(caller_id=2)
    assert len(top) == 10
    assert mine is not None and mine.member.user_id == 2 and mine.rank == 13
    assert found.shown(caller_id=14)[1] is None  # already in the top ten


@given(st.lists(st.integers(-5, 5), max_size=30))
def test_ranks_are_competition_ranks(values: list[int]) -> None:
    entries = ranked((member(i, f"m{i}"), float(v), None, False) for i, v in enumerate(values))
    for entry in entries:
        assert entry.rank == 1 + sum(1 for v in values if v > entry.value)


def test_an_entry_worked_out_from_imported_numbers_says_so() -> None:
    imported = Reading(
        next(_ids), 1, Platform.TIKTOK, START + timedelta(days=1), 150, 0, Source.IMPORTED
    )
    found = board(
        Measure.GROWTH_PCT, [reading(1, -1, 100), imported, reading(2, -1, 10), reading(2, 2, 12)]
    )
    assert {e.member.name: e.imported for e in found.ranked} == {"ana": True, "ben": False}
