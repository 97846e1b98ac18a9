"""DATABASE_URL: which database NetGain keeps its history in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_SQLITE_PREFIX = "sqlite:///"
EXAMPLES = (
    "sqlite:///data/netgain.db (relative) or sqlite:////var/lib/netgain/netgain.db (absolute)"
)


@dataclass(frozen=True, slots=True)
class SQLiteTarget:
    path: Path


def parse_database_url(url: str) -> SQLiteTarget:
    """Parse a DATABASE_URL; a ValueError's message says what is wrong, for one clear line."""
    text = url.strip()
    scheme = text.split(":", 1)[0].lower()
    if scheme in {"postgres", "postgresql"}:
        raise ValueError(f"PostgreSQL is not supported by this version yet; use {EXAMPLES}")
    if not text.startswith(_SQLITE_PREFIX):
        raise ValueError(f"must look like {EXAMPLES}")
    path = text[len(_SQLITE_PREFIX) :]
    if not path or path.endswith("/") or "?" in path:
        raise ValueError(f"needs a file name, like {EXAMPLES}")
    return SQLiteTarget(Path(path))
