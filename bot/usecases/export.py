"""`/export`: everything a member logged, and their settings, as one CSV.

UTF-8 with a byte-order mark (so spreadsheet programs read it as UTF-8), one header row,
instants in ISO 8601 UTC, and a `source` column on every row. The file is written in a
worker thread into a temporary file that spills to disk when large, and zipped when it would
pass Discord's 10 MiB attachment limit.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Protocol

from bot.domain.records import record
from storage.ports_own_data import ForgetPort, MemberData
from storage.schedules import MemberSettings

# Discord's attachment limit for a bot without boosts.
ATTACHMENT_LIMIT = 10 * 1024 * 1024
COLUMNS = (
    "kind",
    "platform",
    "time_utc",
    "followers",
    "following",
    "profile_likes",
    "profile_posts",
    "gained",
    "lost",
    "views",
    "likes",
    "comments",
    "shares",
    "link",
    "goal_followers",
    "note",
    "source",
    "server_id",
    "setting",
    "value",
)


@record
class Export:
    file: IO[bytes]  # positioned at its start
    filename: str
    rows: int
    zipped: bool


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rows(data: MemberData, settings: MemberSettings) -> Iterator[dict[str, object]]:
    """The export's rows: readings, posts, goals, then settings."""
    for r in data.readings:
        yield {
            "kind": "reading",
            "platform": r.platform.value,
            "time_utc": _iso(r.taken_at),
            "followers": r.followers,
            "following": r.following,
            "profile_likes": r.profile_likes,
            "profile_posts": r.profile_posts,
            "gained": r.gained,
            "lost": r.lost,
            "note": r.note,
            "source": r.source.value,
            "server_id": r.guild_id,
        }
    for p in data.posts:
        yield {
            "kind": "post",
            "platform": p.platform.value,
            "time_utc": _iso(p.posted_at),
            "views": p.counts.views,
            "likes": p.counts.likes,
            "comments": p.counts.comments,
            "shares": p.counts.shares,
            "link": p.link,
            "source": p.source.value,
            "server_id": p.guild_id,
        }
    for g in data.goals:
        yield {
            "kind": "goal",
            "platform": g.platform.value,
            "time_utc": _iso(g.set_at),
            "goal_followers": g.followers,
            "source": "self_reported",
        }
    values = {
        "timezone": settings.timezone.key if settings.timezone else "",
        "default_platform": settings.default_platform.value,
        "reminders": "on" if settings.reminders else "off",
        "reminder_time": settings.reminder_time.strftime("%H:%M") if settings.reminder_time else "",
        "mentions": "on" if settings.mentions else "off",
        "posts_per_week": settings.posts_per_week,
        "hidden": "true" if settings.hidden else "false",
    }
    for name, value in values.items():
        yield {"kind": "setting", "setting": name, "value": value, "source": "self_reported"}


def write(data: MemberData, settings: MemberSettings, limit: int = ATTACHMENT_LIMIT) -> Export:
    """The CSV (zipped if it would pass `limit`), in a temporary file; runs in a thread."""
    spool = tempfile.SpooledTemporaryFile(max_size=limit)  # noqa: SIM115 (handed to the caller)
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows(data, settings):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
        count += 1
    text.flush()
    text.detach()
    name = f"netgain-export-{settings.user_id}.csv"
    if spool.tell() <= limit:
        spool.seek(0)
        return Export(spool, name, count, zipped=False)
    zipped = tempfile.SpooledTemporaryFile(max_size=limit)  # noqa: SIM115
    spool.seek(0)
    with (
        zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as entry,
    ):
        while chunk := spool.read(1 << 20):
            entry.write(chunk)
    spool.close()
    zipped.seek(0)
    return Export(zipped, f"{name}.zip", count, zipped=True)


class Ports(ForgetPort, Protocol):
    async def member_settings(self, user_id: int) -> MemberSettings: ...


async def export(storage: Ports, user_id: int) -> Export:
    """The member's data as a file, written off the event loop."""
    data = await storage.member_data(user_id)
    settings = await storage.member_settings(user_id)
    return await asyncio.to_thread(write, data, settings)
