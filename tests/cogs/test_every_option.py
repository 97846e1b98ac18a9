"""Every command, every option, thousands of random and adversarial values.

Values go as a client that skips Discord's own option checks would send them (out of range,
outside the choices, hostile text, any file), from an admin and from a plain member. Whatever
arrives, the bot answers: it succeeds, or it refuses with a private message that says what
was wrong, and a refusal leaves the database exactly as it was. Nothing crashes: an
unexpected error (the apology path) fails the test. Options with autocomplete get random
typing too, and must offer at most 25 valid choices.

The number of examples follows the hypothesis profile (tests/conftest.py): a quick run by
default, HYPOTHESIS_PROFILE=thorough for 3,000 per command.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simcord import Env

from bot.errors import APOLOGY, user_message
from tests.bot.test_plain_text import HOSTILE
from tests.scheduled.support import Server
from tests.support.simulated import unchecked_slash

# Every leaf command the bot registers; a test below fails when one is added and not listed.
COMMANDS = [
    "log",
    "net",
    "history",
    "edit",
    "undo",
    "post",
    "goal",
    "leaderboard",
    "me",
    "privacy",
    "export",
    "import",
    "forget",
    "setup digest",
    "setup reminders",
    "digest preview",
    "digest send",
    "help",
]
EXAMPLES = max(10, settings().max_examples // 4)  # 37 by default; 750 when thorough

WORDS = [
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "NaN",
    "today",
    "yesterday",
    "3 days ago",
    "2026-01-01",
    "2025-12-31",
    "2026-02-30",
    "1999-01-01",
    "2100-01-01",
    "01/02/2026",
    "09:00",
    "9am",
    "24:00",
    "23:59",
    "UTC",
    "Europe/Berlin",
    "America/Havana",
    "Asia/Beirut",
    "Mars/Olympus",
    "../../etc/passwd",
    "tiktok",
    "instagram",
    "youtube",
    "x",
    "TikTok",
    "week",
    "month",
    "all",
    "https://www.tiktok.com/@creator/video/1",
    "javascript:alert(1)",
    "'; DROP TABLE readings; --",
    "%s%s%n",
    "\x00",
    *HOSTILE,
]
TEXT = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=80),
    st.dates().map(lambda d: d.isoformat()),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.integers(-(10**12), 10**12).map(str),
    st.just("x" * 6000),  # the longest string option Discord carries
)
# Discord carries integers up to 2**53 either way, whatever the option's own bounds.
WIDE_INT = st.integers(-(2**53), 2**53)
CSV_LINES = st.lists(
    st.tuples(TEXT, WIDE_INT.map(str) | TEXT, WIDE_INT.map(str) | TEXT, TEXT).map(",".join),
    max_size=6,
)
FILES = st.tuples(
    st.sampled_from(["history.csv", "netgain-export.csv", "export.zip", "photo.png", ""]),
    st.one_of(
        st.binary(max_size=200),
        CSV_LINES.map(lambda lines: "\n".join(["date,followers,following,platform", *lines])),
        CSV_LINES.map("\n".join),
    ).map(lambda body: body if isinstance(body, bytes) else body.encode()),
)


def values_for(option: dict[str, Any], server: Server) -> st.SearchStrategy[Any]:
    """What a careless or hostile client might put in this option."""
    kind = option["type"]
    choices = [choice["value"] for choice in option.get("choices") or []]
    if kind == 3:  # string
        return st.sampled_from(choices) | TEXT if choices else TEXT
    if kind == 4:  # integer
        low, high = option.get("min_value", -(2**53)), option.get("max_value", 2**53)
        near = st.sampled_from([low - 1, low, high, high + 1, 0, -1])
        return st.one_of(
            st.sampled_from(choices) if choices else st.integers(low, high), near, WIDE_INT
        )
    if kind == 5:
        return st.booleans()
    if kind == 6:  # user
        return st.sampled_from([server.admin, server.alice, server.bob])
    if kind == 7:  # channel
        return st.sampled_from([server.general, server.digest, server.voice, server.category])
    if kind == 10:  # number
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == 11:
        return FILES
    raise AssertionError(f"no strategy for option type {kind} ({option['name']})")


def leaf(env: Env, guild_id: int, path: str) -> dict[str, Any]:
    name, *subcommands = path.split()
    node = env.backend.find_command(name, guild_id)
    assert node is not None
    for sub in subcommands:
        node = next(o for o in node["options"] if o["name"] == sub)
    return node


def everything(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare before and after a refusal."""
    with closing(sqlite3.connect(db_path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # type: ignore[misc]


class Playground(Server):
    """A server with some history already in it, so reading and editing commands have work."""

    def __init__(self, env: Env) -> None:
        super().__init__(env)
        self.voice = self.guild.create_voice_channel("Voice")
        self.category = self.guild.create_category("Info")
        self.seeded = False

    async def seed(self) -> None:
        if self.seeded:
            return
        self.seeded = True
        for day, followers in (("2025-12-20", 900), ("2025-12-27", 950), ("2026-01-01", 1000)):
            await self.alice.slash(
                self.general, "log", followers=followers, following=300, date=day, note="<@1> hi"
            )
        await self.alice.slash(self.general, "post", views=1000, likes=50, comments=5, shares=1)
        await self.alice.slash(self.general, "goal", followers=5000)
        await self.bob.slash(self.general, "log", followers=400, following=100)
        await self.bob.slash(self.general, "privacy", hidden="true")
        await self.setup_digest()


@pytest.fixture
def playground(simcord_env: Env) -> Playground:
    return Playground(simcord_env)


def test_every_command_is_covered(simcord_env: Env) -> None:
    leaves = []
    for command in simcord_env.bot.tree.get_commands():
        children = getattr(command, "commands", None)
        leaves += [c.qualified_name for c in children] if children else [command.name]
    assert sorted(leaves) == sorted(COMMANDS)


def messages_of(result: Any) -> list[Any]:
    return [m for m in (result.response, *result.followups) if m is not None]


SETTINGS = settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@pytest.mark.parametrize("path", COMMANDS)
@SETTINGS
@given(data=st.data(), admin=st.booleans())
async def test_any_values_succeed_or_are_refused_privately_changing_nothing(
    playground: Playground, db_path: Path, path: str, data: st.DataObject, admin: bool
) -> None:
    env = playground.env
    await playground.seed()
    options = leaf(env, playground.guild.id, path).get("options") or []
    values = {}
    for option in options:
        if option.get("required") or data.draw(st.booleans()):
            values[option["name"]] = data.draw(values_for(option, playground), option["name"])
    actor = playground.admin if admin else playground.alice
    before = everything(db_path)
    cursor = env.error_cursor
    result = await unchecked_slash(actor, playground.general, path, **values)
    errors = env.errors_since(cursor)
    env.errors  # noqa: B018  (acknowledged: each is checked here)
    unexpected = [e for e in errors if user_message(e) is None]
    assert not unexpected, unexpected
    said = messages_of(result)
    assert said, f"/{path} {values} got no answer"
    assert all(APOLOGY not in m.content for m in said)
    if errors:
        assert said[-1].ephemeral, f"/{path} {values}: a refusal must be private"
        assert said[-1].content == user_message(errors[-1])
        assert everything(db_path) == before, f"/{path} {values} was refused yet changed data"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "option"), [("edit", "reading"), ("me", "timezone"), ("setup digest", "timezone")]
)
@SETTINGS
@given(typed=TEXT)
async def test_autocomplete_offers_valid_choices_whatever_is_typed(
    playground: Playground, path: str, option: str, typed: str
) -> None:
    await playground.seed()
    actor = playground.admin if path.startswith("setup") else playground.alice
    choices = await actor.autocomplete(playground.general, path, option, typed)
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100
        assert len(str(choice["value"])) <= 100
    assert playground.env.errors == []
