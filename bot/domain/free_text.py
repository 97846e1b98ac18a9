"""What a member stores in their own words: a reading's note and a post's link.

One rule for each, which /log, /edit, /post and /import all apply, so nothing reaches the
database (and later a message) that the commands themselves would have refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

NOTE_MAX = 200
LINK_MAX = 300
# Characters that would let a link end its own <...> or break out of the line it is shown in.
_NOT_IN_LINKS = set("<>()[]`|\\\"'")


def note_problem(note: str) -> str | None:
    """Why this (stripped) note can't be stored, or None when it can."""
    if len(note) > NOTE_MAX:
        return f"`note` is {len(note)} characters; keep it to {NOTE_MAX}"
    return None


def link_problem(link: str) -> str | None:
    """Why this (stripped) link can't be stored, or None when it is a plain web address."""
    parts = urlsplit(link)
    plain = not any(c.isspace() or c in _NOT_IN_LINKS for c in link)
    if plain and len(link) <= LINK_MAX and parts.scheme in ("http", "https") and parts.netloc:
        return None
    return (
        "`link` must be the post's web address, like `https://www.tiktok.com/@you/video/123`, "
        f"up to {LINK_MAX} characters"
    )
