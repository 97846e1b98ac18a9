"""DATABASE_URL: which database NetGain keeps its history in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bot.domain.records import record

_SQLITE_PREFIX = "sqlite:///"
EXAMPLES = (
    "sqlite:///data/netgain.db (relative) or sqlite:////var/lib/netgain/netgain.db (absolute),"
    " or postgresql://user:password@host:5432/netgain"
)


@record
class SQLiteTarget:
    path: Path


@record
class PostgresTarget:
    dsn: str  # as asyncpg takes it; it may hold a password, so it is never logged


def parse_database_url(url: str) -> SQLiteTarget | PostgresTarget:
    """Parse a DATABASE_URL; a ValueError's message says what is wrong, for one clear line
    (never the URL itself, which may hold a password)."""
    text = url.strip()
    scheme = text.split(":", 1)[0].lower()
    if scheme in {"postgres", "postgresql"}:
        parts = urlsplit(text)
        if not parts.hostname and "host=" not in parts.query:
            raise ValueError(f"needs a host, like {EXAMPLES}")
        if not parts.path.strip("/"):
            raise ValueError(f"needs a database name after the host, like {EXAMPLES}")
        return PostgresTarget("postgresql" + text[len(scheme) :])
    if not text.startswith(_SQLITE_PREFIX):
        raise ValueError(f"must look like {EXAMPLES}")
    path = text[len(_SQLITE_PREFIX) :]
    if not path or path.endswith("/") or "?" in path:
        raise ValueError(f"needs a file name, like {EXAMPLES}")
    return SQLiteTarget(Path(path))
