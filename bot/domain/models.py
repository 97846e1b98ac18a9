"""The small typed values NetGain works with. No Discord, no SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from zoneinfo import ZoneInfo

from bot.domain.metrics import follow_ratio, net_followers
from bot.domain.records import record


class Platform(StrEnum):
    TIKTOK = "tiktok"
    INSTAGRAM = "instagram"
    YOUTUBE = "youtube"
    X = "x"
    TWITCH = "twitch"

    @property
    def label(self) -> str:
        return _PLATFORM_LABELS[self]


_PLATFORM_LABELS = {
    Platform.TIKTOK: "TikTok",
    Platform.INSTAGRAM: "Instagram",
    Platform.YOUTUBE: "YouTube",
    Platform.X: "X",
    Platform.TWITCH: "Twitch",
}

DEFAULT_PLATFORM = Platform.TIKTOK


class Source(StrEnum):
    """Where a stored number came from. An estimate is never stored, so it has no member here."""

    SELF_REPORTED = "self_reported"
    IMPORTED = "imported"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-")


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"


@record
class Reading:
    """One stored reading of a member's counts on one platform, at an aware UTC instant."""

    id: int
    user_id: int
    platform: Platform
    taken_at: datetime
    followers: int
    following: int | None  # None: not shown on the profile (YouTube), so not logged
    source: Source
    # Profile totals as the profile shows them (total likes, number of posts): not one
    # post's own numbers, which `/post` logs (`bot.domain.models.Post`).
    profile_likes: int | None = None
    profile_posts: int | None = None
    gained: int | None = None
    lost: int | None = None
    note: str | None = None
    guild_id: int | None = None

    @property
    def net(self) -> int | None:
        return net_followers(self.followers, self.following)

    @property
    def ratio(self) -> float | None:
        return follow_ratio(self.followers, self.following)


# A reading's instant: the key lists of readings in time order are bisected by.
taken_at_of: Callable[[Reading], datetime] = attrgetter("taken_at")


@record
class ReadingDraft:
    """What a member asked to store, before it has an id and an instant."""

    user_id: int
    guild_id: int | None
    platform: Platform | None
    followers: int
    following: int | None  # None only on YouTube, whose profiles show no following count
    source: Source = Source.SELF_REPORTED
    # Profile totals as the profile shows them (total likes, number of posts): not one
    # post's own numbers, which `/post` logs (`bot.domain.models.Post`).
    profile_likes: int | None = None
    profile_posts: int | None = None
    gained: int | None = None
    lost: int | None = None
    day: date | None = None
    note: str | None = None
    display_name: str | None = None  # how the member appears in this server, for the digest
    # The interaction that asked for it: stored once however many processes receive it.
    interaction_id: int | None = None


@record
class PostCounts:
    """One published post's own numbers, as the platform shows them under the post."""

    views: int
    likes: int
    comments: int
    shares: int

    @property
    def interactions(self) -> int:
        """Likes + comments + shares: the numerator of both engagement rates (PRODUCT.md)."""
        return self.likes + self.comments + self.shares


@record
class Post:
    """One published post a member logged with `/post`, at an aware UTC instant."""

    id: int
    user_id: int
    platform: Platform
    posted_at: datetime
    counts: PostCounts
    source: Source
    link: str | None = None
    guild_id: int | None = None
    # The member's followers on that platform at the time of the post (their last reading at
    # or before it), for the engagement rate by followers; None when no reading was that early.
    followers_then: int | None = None


@record
class PostDraft:
    """What a member asked to store with `/post`, before it has an id and an instant."""

    user_id: int
    guild_id: int | None
    platform: Platform | None
    counts: PostCounts
    link: str | None = None
    day: date | None = None
    source: Source = Source.SELF_REPORTED
    display_name: str | None = None
    interaction_id: int | None = None  # as `ReadingDraft.interaction_id`


UTC_ZONE = ZoneInfo("UTC")

# How many posts a week a member aims for until they set their own (`/me posts_per_week`).
DEFAULT_POSTS_PER_WEEK = 3
MAX_POSTS_PER_WEEK = 50


@record
class MemberProfile:
    """A member's settings as stored, and what is known of them in one server.

    `timezone` is the member's own, else the server's, else UTC.
    """

    user_id: int
    default_platform: Platform
    timezone: ZoneInfo
    known: bool
    logged_here: bool
    last_platform: Platform | None = None
    display_name: str | None = None  # as last stored for this server
    posts_per_week: int = DEFAULT_POSTS_PER_WEEK  # their posting target
    server_timezone: ZoneInfo = UTC_ZONE  # the server's own zone (its digest's weeks)
    hidden: bool = False  # keeps their numbers private from others (/privacy)

    def platform_to_show(self, requested: Platform | None) -> Platform:
        """The platform a read command shows when the member did not name one.

        Their default platform if they have logged it, else the one they logged last.
        """
        if requested is not None:
            return requested
        return self.last_platform or self.default_platform
