"""A history read from a file for `/import`, before it is stored (always as `imported`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.models import Platform, PostCounts
from bot.domain.records import record


@record
class ImportedReading:
    platform: Platform
    taken_at: datetime
    followers: int
    following: int | None
    note: str | None = None


@record
class ImportedPost:
    platform: Platform
    posted_at: datetime
    counts: PostCounts
    link: str | None = None


@dataclass
class Parsed:
    readings: list[ImportedReading] = field(default_factory=list)
    posts: list[ImportedPost] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.readings) + len(self.posts)
