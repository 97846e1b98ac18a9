"""`/import`: bring a history in from a CSV, after showing what will be added.

Two shapes are read: NetGain's own export (`bot.usecases.export`, readings and posts), and a
plain sheet `date,followers,following[,platform]` such as people keep in spreadsheets (a
header row is optional; a day is stored at local noon in the member's zone, as a backfill).
Everything is stored with source `imported`. Nothing is stored before the member confirms.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime

from bot import format as fmt
from bot.domain.engagement import above_views
from bot.domain.errors import UserError, quoted
from bot.domain.free_text import link_problem, note_problem
from bot.domain.imports import ImportedPost, ImportedReading, Parsed
from bot.domain.metrics import MAX_COUNT
from bot.domain.models import DEFAULT_PLATFORM, Platform, PostCounts
from bot.domain.periods import BACKFILL_TIME, EARLIEST_DAY
from bot.usecases.export import COLUMNS
from storage.ports_own_data import ImportCounts

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
_PLATFORMS = {p.value: p for p in Platform} | {p.label.lower(): p for p in Platform}


def _bad(line: int, why: str) -> UserError:
    return UserError(
        f"Line {line} of the file can't be read: {why}. Fix it (or remove it) and import "
        "again. Nothing was stored."
    )


def _count(text: str, line: int, name: str, *, optional: bool = False) -> int | None:
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        if optional:
            return None
        raise _bad(line, f"`{name}` is empty")
    if not cleaned.isdigit() or int(cleaned) > MAX_COUNT:
        raise _bad(
            line, f"`{name}` must be a whole number from 0 to {MAX_COUNT:,}, not {quoted(text)}"
        )
    return int(cleaned)


def _platform(text: str, line: int) -> Platform:
    found = _PLATFORMS.get(text.strip().lower() or DEFAULT_PLATFORM.value)
    if found is None:
        names = ", ".join(p.label for p in Platform)
        raise _bad(line, f"unknown platform {quoted(text)} (one of {names})")
    return found


def _day(text: str, line: int, tz: object, now: datetime) -> datetime:
    try:
        day = date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise _bad(
            line, f"the date {quoted(text)} is not written year-month-day, like 2026-11-01"
        ) from None
    if day < EARLIEST_DAY or day > now.date():
        raise _bad(line, f"the date {day.isoformat()} is before 2004 or in the future")
    return datetime.combine(day, BACKFILL_TIME, tzinfo=tz).astimezone(UTC)  # type: ignore[arg-type]


def _instant(text: str, line: int, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _bad(line, f"the time {quoted(text)} is not an ISO 8601 instant") from None
    if moment.tzinfo is None or moment > now:
        raise _bad(line, f"the time {quoted(text)} has no zone, or is in the future")
    return moment.astimezone(UTC)


def _free(text: str, line: int, problem: Callable[[str], str | None]) -> str | None:
    """A note or link as /log and /post would take it, or the reason they would not."""
    cleaned = text.strip()
    if cleaned and (why := problem(cleaned)):
        raise _bad(line, why)
    return cleaned or None


def read_text(data: bytes, filename: str) -> str:
    """The CSV's text: from the file, or from the one CSV inside a zip (NetGain's large export)."""
    if filename.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(names) != 1:
                    raise UserError("The zip must hold exactly one .csv file. Nothing was stored.")
                info = archive.getinfo(names[0])
                if info.file_size > 8 * MAX_BYTES:
                    raise UserError("The CSV inside the zip is too large. Nothing was stored.")
                data = archive.read(names[0])
        except zipfile.BadZipFile:
            raise UserError("That zip file is damaged. Nothing was stored.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            "The file is not UTF-8 text: save it as CSV (UTF-8) and import again. "
            "Nothing was stored."
        ) from None


def parse(text: str, tz: object, now: datetime) -> Parsed:
    """Every row of the file, or a UserError naming the first line that can't be read."""
    reader = csv.reader(io.StringIO(text))
    try:
        lines = list(reader)
    except csv.Error:
        raise _bad(reader.line_num, "a quote or a line break is out of place") from None
    if len(lines) > MAX_ROWS + 1:
        raise UserError(
            f"The file has {len(lines) - 1:,} rows; NetGain imports up to {MAX_ROWS:,} at a "
            "time. Split it and import each part. Nothing was stored."
        )
    found = Parsed()
    if not lines:
        raise UserError("The file is empty. Nothing was stored.")
    header = [cell.strip().lower() for cell in lines[0]]
    if header[: len(COLUMNS)] == list(COLUMNS):
        for number, cells in enumerate(lines[1:], start=2):
            row = dict(zip(COLUMNS, cells, strict=False))
            kind = row.get("kind", "")
            if kind == "reading":
                found.readings.append(
                    ImportedReading(
                        _platform(row.get("platform", ""), number),
                        _instant(row.get("time_utc", ""), number, now),
                        _count(row.get("followers", ""), number, "followers") or 0,
                        _count(row.get("following", ""), number, "following", optional=True),
                        _free(row.get("note", ""), number, note_problem),
                    )
                )
            elif kind == "post":
                counts = PostCounts(
                    *(
                        _count(row.get(name, ""), number, name) or 0
                        for name in ("views", "likes", "comments", "shares")
                    )
                )
                if above_views(counts):
                    raise _bad(number, "likes, comments or shares are more than the views")
                found.posts.append(
                    ImportedPost(
                        _platform(row.get("platform", ""), number),
                        _instant(row.get("time_utc", ""), number, now),
                        counts,
                        _free(row.get("link", ""), number, link_problem),
                    )
                )
            elif kind not in ("goal", "setting") and any(cells):
                raise _bad(number, f"unknown kind {quoted(kind)}")
        return found
    start = 2 if header and header[0] == "date" else 1
    for number, cells in enumerate(lines[start - 1 :], start=start):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < 3:
            raise _bad(number, "it needs date,followers,following[,platform]")
        platform = _platform(cells[3] if len(cells) > 3 else "", number)
        following = _count(cells[2], number, "following", optional=platform is Platform.YOUTUBE)
        found.readings.append(
            ImportedReading(
                platform,
                _day(cells[0], number, tz, now),
                _count(cells[1], number, "followers") or 0,
                following,
            )
        )
    if not found.rows:
        raise UserError("The file has no rows to import. Nothing was stored.")
    return found


def preview(parsed: Parsed, counts: ImportCounts) -> str:
    """What the import adds, before the member confirms."""
    moments = [r.taken_at for r in parsed.readings] + [p.posted_at for p in parsed.posts]
    platforms = sorted(
        {r.platform.label for r in parsed.readings} | {p.platform.label for p in parsed.posts}
    )
    first, last = min(moments).date(), max(moments).date()
    skipped = f"; {counts.skipped:,} already stored, skipped" if counts.skipped else ""
    return (
        f"Import {fmt.plural(counts.readings, 'reading')} and "
        f"{fmt.plural(counts.posts, 'post')}, from "
        f"{first.isoformat()} to {last.isoformat()} (UTC), on {', '.join(platforms)}"
        f"{skipped}. They are stored marked as imported. Press **Confirm** to import them."
    )
