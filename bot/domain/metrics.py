"""The formulas of ../PRODUCT.md ("Two meanings of net followers", "Formulas").

Pure functions over plain numbers, so every other layer computes them the same way.
"""

from __future__ import annotations

from bot.domain.records import record

# Bounds for a count a member types. Above ten billion is a typo on every platform there is.
MAX_COUNT = 10_000_000_000

# Typo guard (PRODUCT.md, /log): a jump of more than half the previous count *and* more than
# this many followers is more often a typo than a viral day, so it is confirmed first.
JUMP_RATIO = 0.5
JUMP_MIN_FOLLOWERS = 100


def net_followers(followers: int, following: int | None) -> int | None:
    """Net followers = followers - following (PRODUCT.md: 1,200 - 300 = 900); None when the
    following count is not known (YouTube profiles do not show one)."""
    if following is None:
        return None
    return followers - following


def follow_ratio(followers: int, following: int | None) -> float | None:
    """Followers per account followed (PRODUCT.md: 1,200 / 300 = 4.0x); None when following 0
    or not known."""
    if not following:
        return None
    return followers / following


@record
class Growth:
    """Net growth over a period = followers at the end - followers at the start."""

    start: int
    end: int

    @property
    def delta(self) -> int:
        return self.end - self.start

    @property
    def pct(self) -> float | None:
        """Growth % = delta followers / followers at the start of the period (PRODUCT.md)."""
        if self.start == 0:
            return None
        return self.delta / self.start


def is_implausible_jump(previous_followers: int, followers: int) -> bool:
    """True when the change is both over 50% of the previous count and over 100 followers."""
    change = abs(followers - previous_followers)
    return change > JUMP_MIN_FOLLOWERS and change > previous_followers * JUMP_RATIO
