"""Engagement: how much an audience interacts with a creator's posts (PRODUCT.md, "Formulas").

A post's own numbers (views, likes, comments, shares of one published post) are kept apart
from the profile totals `/log` takes (total likes on the profile, number of posts).

Both rates are taken over the member's last `WINDOW` posts as one ratio of sums: every
interaction over every view (or every follower count at the time of each post). So a post
with no views adds nothing rather than making the rate undefined, and a viral post counts in
proportion to its reach, as it did for the audience. A rate with nothing to divide by is
None ("no rate"), never zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.models import Platform, Post, PostCounts
from bot.domain.records import record

# "Engagement rate ... over the last 30 posts" (PRODUCT.md, "Formulas").
WINDOW = 30


def above_views(post: PostCounts) -> list[str]:
    """The counts that exceed the post's views, by name: each is a typing mistake, since every
    like, comment and share comes from someone who saw the post. Empty when the post is fine."""
    counts = (("likes", post.likes), ("comments", post.comments), ("shares", post.shares))
    return [name for name, value in counts if value > post.views]


def _rate(pairs: Sequence[tuple[PostCounts, int]]) -> float | None:
    """All the interactions over all the denominators; None when these add up to zero."""
    below = sum(denominator for _, denominator in pairs)
    if below == 0:
        return None
    return sum(post.interactions for post, _ in pairs) / below


def rate_by_views(posts: Sequence[PostCounts]) -> float | None:
    """Engagement rate by views = (likes + comments + shares) / views (PRODUCT.md), over the
    last `WINDOW` of `posts` (oldest first); None when those posts have no views at all."""
    return _rate([(post, post.views) for post in posts[-WINDOW:]])


def rate_by_followers(posts: Sequence[tuple[PostCounts, int | None]]) -> float | None:
    """Engagement rate by followers = (likes + comments + shares) / followers (PRODUCT.md),
    the followers being the member's count when each post went out; over the last `WINDOW`
    posts (oldest first). Posts with no follower count known are left out; None when no post
    is left or the followers add up to zero."""
    return _rate(
        [(post, followers) for post, followers in posts[-WINDOW:] if followers is not None]
    )


@record
class Benchmark:
    """A rough engagement rate (by views) for creators of a size on a platform: an estimate to
    read a member's rate against, labelled as rough wherever it is shown."""

    low: float
    high: float | None  # None: "and above"
    tier: str


# TikTok rough benchmarks by size (PRODUCT.md, "Formulas"): under 10K about 8%+, 10K-100K
# 5-8%, over 100K 4-6%. PRODUCT.md gives no figures for the other platforms, and none are
# invented here: they get no benchmark.
_TIKTOK_TIERS = (
    (10_000, Benchmark(0.08, None, "under 10K followers")),
    (100_000, Benchmark(0.05, 0.08, "10K–100K followers")),
    (None, Benchmark(0.04, 0.06, "over 100K followers")),
)


def has_benchmarks(platform: Platform) -> bool:
    """Whether PRODUCT.md gives rough benchmarks for this platform at all."""
    return platform is Platform.TIKTOK


def benchmark(platform: Platform, followers: int) -> Benchmark | None:
    """The rough benchmark for a creator with `followers` on `platform`, or None if there is
    none for that platform. A tier's upper bound belongs to the next tier: 10,000 followers is
    "10K-100K"."""
    if not has_benchmarks(platform):
        return None
    for below, found in _TIKTOK_TIERS:
        if below is None or followers < below:
            return found
    raise AssertionError("unreachable: the last tier has no upper bound")


@record
class Engagement:
    """A member's engagement on one platform over their last `WINDOW` posts, beside the rough
    benchmark for their size there."""

    platform: Platform
    posts: int  # how many posts the rates are over (at most WINDOW)
    by_views: float | None  # None: "no rate" (none of those posts had a view)
    by_followers: float | None  # None: no follower count known at the time of any of them
    benchmark: Benchmark | None  # None: no benchmark for the platform, or size unknown
    followers: int | None  # the follower count the benchmark's size tier is read from

    @property
    def low(self) -> bool | None:
        """Whether the rate by views is under the rough benchmark's low end for the member's
        size; None when there is no rate or no benchmark to read it against."""
        if self.by_views is None or self.benchmark is None:
            return None
        return self.by_views < self.benchmark.low


def engagement_of(posts: Sequence[Post], followers: int | None) -> Engagement | None:
    """Engagement over a member's posts on one platform (oldest first; only the last `WINDOW`
    count), with the benchmark for `followers` (their latest count there; when unknown, the
    count at the time of their newest post). None when they logged no post there."""
    if not posts:
        return None
    recent = posts[-WINDOW:]
    size = followers if followers is not None else recent[-1].followers_then
    platform = recent[-1].platform
    return Engagement(
        platform=platform,
        posts=len(recent),
        by_views=rate_by_views([post.counts for post in recent]),
        by_followers=rate_by_followers([(post.counts, post.followers_then) for post in recent]),
        benchmark=None if size is None else benchmark(platform, size),
        followers=size,
    )
