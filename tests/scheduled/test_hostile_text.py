"""Hostile names and notes, in every place NetGain shows one, checked on what it sends Discord.

Members named after every trick a name can play (masked links, user, role and channel
mentions, @everyone, timestamps, custom emoji, headings, code fences, right-to-left
overrides) log with notes that play them too, post, set goals, drop together in a purge,
and stop logging. Then every command that shows a name or a note is run, the digest is
previewed, sent by hand and posted on schedule, and reminders go out. Not one string in any
request the bot sent carries a trick in working form; each name is there, escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from simcord import Env

from bot.format import plain
from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.support.simulated import take_user_errors

DAY = timedelta(days=1)
MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)  # the default digest slot
NAMES = [
    "[Win](https://evil.example)",
    "<@111111111111111111>",
    "<#222222222222222222> <t:1767225600:R>",
    "@everyone",
    "@here <@&333333333333333333>",
    "\u202eevil.exe",
    "<:pog:444444444444444444> # Head",
    "```x``` ||spoiler||",
]
NOTE = "**bold** [a](https://evil.example) @here <@111111111111111111> \u202e# Head " + "z" * 100
# What must never reach Discord in working form.
RAW = [
    "](https://evil",
    "https://evil",
    "<@111111111111111111>",
    "<#222222222222222222>",
    "<t:1767225600:R>",
    "<@&333333333333333333>",
    "<:pog:",
    "@everyone",
    "@here",
    "\u202e",
    "```",
    "||spoiler",
    "**bold**",
]


# Where Discord shows text as it is, rendering neither markdown nor mentions: there a name is
# only cleaned of invisible and control characters, never escaped.
AS_IS = {"author.name", "attachments.description", "choices.name"}


def strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a request body, with the last two keys of its place ("author.name")."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings(item, f"{key.rpartition('.')[2]}.{name}")
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)


def working(raw: str, text: str, key: str) -> bool:
    """Whether `raw` appears in a form Discord would act on: not escaped by a backslash, and
    (for markdown and mentions) in a place where Discord renders them."""
    if key in AS_IS:
        return raw == "\u202e" and raw in text
    return re.search(r"(?<!\\)" + re.escape(raw), text) is not None


async def test_no_name_or_note_can_ping_link_or_format_anywhere(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.admin.slash(server.general, "setup reminders", consistency_days=3)
    hostile = [server.guild.add_member(simcord_env.create_user(name)) for name in NAMES]

    # A week of history: readings with notes, posts, goals reached, then a purge on Saturday.
    for day, followers in ((0, 1_000), (1, 1_200)):
        for n, member in enumerate(hostile):
            await member.slash(
                server.general, "log", followers=followers + n, following=10, note=NOTE
            )
            if day == 0:
                await member.slash(server.general, "goal", followers=1_100 + n)
                await member.slash(
                    server.general, "post", views=1_000, likes=90, comments=5, shares=5
                )
        await clock.advance(DAY)
    await clock.advance(DAY)  # Sunday 4 January
    for n, member in enumerate(hostile):
        await member.slash(server.general, "log", followers=600 + n, following=10, note=NOTE)
        await member.slash(server.general, "log", followers=600 + n, following=10, note=NOTE)

    # Everything that shows a name or a note, to others and to the member themselves.
    victim = hostile[0]
    for looker in (server.bob, victim):
        await looker.slash(server.general, "net", member=victim)
        await looker.slash(server.general, "history", member=victim)
    for by in ("growth%", "growth", "consistency", "engagement"):
        await server.bob.slash(server.general, "leaderboard", by=by, period="all")
    await victim.autocomplete(server.general, "edit", "reading", "")
    await victim.slash(server.general, "edit", reading="2026-01-01", followers=1_001)
    await victim.slash(server.general, "undo")
    await server.admin.slash(server.general, "digest preview")
    await server.admin.slash(server.general, "digest send")
    take_user_errors(simcord_env)
    await clock.advance_to(MONDAY + timedelta(hours=1))  # the scheduled digest
    await clock.advance(9 * DAY)  # mid-week nudges, then reminders to members gone quiet

    sent = [(r.path, key, s) for r in simcord_env.http_requests for key, s in strings(r.json)]
    leaks = [
        (raw, path, key, text[:200])
        for path, key, text in sent
        for raw in RAW
        if working(raw, text, key)
    ]
    assert leaks == []
    dms = {str(c.id) for c in simcord_env.backend.channels.values() if c.guild_id is None}
    assert any(d in path for path, _, _ in sent for d in dms)  # reminders and nudges went out
    assert any(key == "choices.name" for _, key, _ in sent)  # /edit's autocomplete was shown

    # Each name does appear, escaped, and in each kind of place: replies, the digest channel,
    # DMs, and charts' alt text (where markdown does not render, so it is only cleaned).
    every = "\n".join(text for _, _, text in sent)
    for name in NAMES:
        assert plain(name) in every, name
    digest_channel = f"/channels/{server.digest.id}/"
    digest_text = "\n".join(text for path, _, text in sent if path.startswith(digest_channel))
    assert plain(NAMES[0]) in digest_text
    assert "likely purge" in digest_text
    alt_texts = [text for _, key, text in sent if key == "attachments.description"]
    assert any("evil.example" in alt for alt in alt_texts)
    assert plain(NOTE, 80)[:60] in every  # the note, in /history
    assert json.dumps(sent).count("\\\\*\\\\*bold\\\\*\\\\*") >= 3
