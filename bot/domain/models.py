"""The small typed values NetGain works with. No Discord, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.metrics import follow_ratio, net_followers


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


@dataclass(frozen=True, slots=True)
class Reading:
    """One stored reading of a member's counts on one platform, at an aware UTC instant."""

    id: int
    user_id: int
    platform: Platform
    taken_at: datetime
    followers: int
    following: int
    source: Source
    likes: int | None = None
    posts: int | None = None
    gained: int | None = None
    lost: int | None = None
    note: str | None = None
    guild_id: int | None = None

    @property
    def net(self) -> int:
        return net_followers(self.followers, self.following)

    @property
    def ratio(self) -> float | None:
        return follow_ratio(self.followers, self.following)


@dataclass(frozen=True, slots=True)
class ReadingDraft:
    """What a member asked to store, before it has an id and an instant."""

    user_id: int
    guild_id: int | None
    platform: Platform | None
    followers: int
    following: int
    source: Source = Source.SELF_REPORTED
    likes: int | None = None
    posts: int | None = None
    gained: int | None = None
    lost: int | None = None
    day: date | None = None
    note: str | None = None
    display_name: str | None = None  # how the member appears in this server, for the digest


@dataclass(frozen=True, slots=True)
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

    def platform_to_show(self, requested: Platform | None) -> Platform:
        """The platform a read command shows when the member did not name one.

        Their default platform if they have logged it, else the one they logged last.
        """
        if requested is not None:
            return requested
        return self.last_platform or self.default_platform
