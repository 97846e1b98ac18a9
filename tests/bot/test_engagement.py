"""Engagement rates and benchmarks (bot/domain/engagement.py) against PRODUCT.md's formulas,
and against a plain reference over random runs of posts."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.engagement import (
    WINDOW,
    Benchmark,
    above_views,
    benchmark,
    rate_by_followers,
    rate_by_views,
)
from bot.domain.models import Platform, PostCounts


def post(views: int, likes: int = 0, comments: int = 0, shares: int = 0) -> PostCounts:
    return PostCounts(views=views, likes=likes, comments=comments, shares=shares)


# ---- examples ------------------------------------------------------------------------------


def test_rate_by_views_is_interactions_over_views() -> None:
    # 80 likes + 15 comments + 5 shares on 1,000 views: 10%.
    assert rate_by_views([post(1_000, 80, 15, 5)]) == pytest.approx(0.10)


def test_rate_by_views_sums_the_posts_before_dividing() -> None:
    # 100 interactions over 1,000 views and 10 over 9,000: 110 / 10,000, not the mean of 10%
    # and 0.11%.
    assert rate_by_views([post(1_000, 100), post(9_000, 10)]) == pytest.approx(0.011)


def test_zero_views_is_no_rate_not_a_division_error() -> None:
    assert rate_by_views([post(0)]) is None
    assert rate_by_views([]) is None
    # A post without views among others adds nothing.
    assert rate_by_views([post(0), post(200, 20)]) == pytest.approx(0.10)


def test_only_the_last_thirty_posts_count() -> None:
    old = [post(100, 100)] * 5  # 100% each: would lift the rate if counted
    recent = [post(1_000, 20)] * WINDOW  # 2% each
    assert rate_by_views(old + recent) == pytest.approx(0.02)


def test_rate_by_followers_uses_the_count_at_each_post() -> None:
    # 50 interactions with 1,000 followers, 150 with 3,000: 200 / 4,000 = 5%.
    posts = [(post(5_000, 50), 1_000), (post(9_000, 150), 3_000)]
    assert rate_by_followers(posts) == pytest.approx(0.05)


def test_rate_by_followers_leaves_out_posts_without_a_follower_count() -> None:
    assert rate_by_followers([(post(500, 40), None), (post(500, 30), 1_000)]) == pytest.approx(0.03)
    assert rate_by_followers([(post(500, 40), None)]) is None
    assert rate_by_followers([(post(500, 40), 0)]) is None


def test_counts_above_views_are_named() -> None:
    assert above_views(post(100, 80, 15, 5)) == []
    assert above_views(post(100, 100, 100, 100)) == []  # equal is possible
    assert above_views(post(100, 101, 5, 500)) == ["likes", "shares"]
    assert above_views(post(0, 0, 1, 0)) == ["comments"]


@pytest.mark.parametrize(
    ("followers", "low", "high"),
    [
        (0, 0.08, None),
        (9_999, 0.08, None),
        (10_000, 0.05, 0.08),  # a tier's upper bound belongs to the next tier
        (99_999, 0.05, 0.08),
        (100_000, 0.04, 0.06),
        (5_000_000, 0.04, 0.06),
    ],
)
def test_tiktok_benchmarks_by_size(followers: int, low: float, high: float | None) -> None:
    found = benchmark(Platform.TIKTOK, followers)
    assert isinstance(found, Benchmark)
    assert (found.low, found.high) == (low, high)


def test_no_benchmark_is_made_up_for_other_platforms() -> None:
    for platform in Platform:
        if platform is not Platform.TIKTOK:
            assert benchmark(platform, 5_000) is None


# ---- against a reference -------------------------------------------------------------------


def ref_rate(pairs: list[tuple[int, int]]) -> Fraction | None:
    """Exact (interactions, denominator) sums over the last thirty pairs."""
    recent = pairs[len(pairs) - 30 :] if len(pairs) > 30 else pairs
    below = sum(d for _, d in recent)
    if below == 0:
        return None
    return Fraction(sum(n for n, _ in recent), below)


counts = st.integers(min_value=0, max_value=10**7)
posts = st.builds(post, counts, counts, counts, counts)


@given(st.lists(posts, max_size=70))
def test_rate_by_views_matches_the_reference(found: list[PostCounts]) -> None:
    expected = ref_rate([(p.likes + p.comments + p.shares, p.views) for p in found])
    got = rate_by_views(found)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(float(expected))


@given(st.lists(st.tuples(posts, st.none() | counts), max_size=70))
def test_rate_by_followers_matches_the_reference(
    found: list[tuple[PostCounts, int | None]],
) -> None:
    window = found[len(found) - 30 :] if len(found) > 30 else found
    expected = ref_rate([(p.likes + p.comments + p.shares, f) for p, f in window if f is not None])
    got = rate_by_followers(found)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(float(expected))
