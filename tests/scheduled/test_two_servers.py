"""Two servers, one NetGain: each sees only the members who logged there, in every feature.

Sam is a member of both servers but logs, posts and sets a goal only in Alpha. Nothing Beta
can ask for or is shown (lookups, leaderboards, the digest preview, a digest sent by hand and
the scheduled one, its chart's alt text, the community totals) carries Sam's name, numbers or
note; Alpha's own digest shows them, which proves the markers would be seen.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.support.simulated import take_user_errors

DAY = timedelta(days=1)
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)  # SimCord's first Monday, the default slot
# What only Alpha may see: Sam's name, counts, note, post and goal.
SAM = "sam-alpha-only"
MARKERS = (SAM, "777,", "777777", "alpha-only-note", "31,337", "999,999")


def sent_text(request: object) -> str:
    body = getattr(request, "json", None)
    return f"{getattr(request, 'path', '')} {json.dumps(body, ensure_ascii=False)}"


async def test_each_server_sees_only_the_members_who_logged_there(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    alpha, beta = Server(simcord_env, "Alpha"), Server(simcord_env, "Beta")
    await alpha.setup_digest()
    await beta.setup_digest()
    sam = simcord_env.create_user(SAM)
    sam_in_alpha, sam_in_beta = alpha.guild.add_member(sam), beta.guild.add_member(sam)

    for followers, note in ((777_000, "first"), (777_777, "alpha-only-note")):
        await sam_in_alpha.slash(
            alpha.general, "log", followers=followers, following=100, note=note
        )
        await alpha.alice.slash(alpha.general, "log", followers=5_000, following=100)
        await beta.alice.slash(beta.general, "log", followers=1_000, following=100)
        await clock.advance(DAY)
    await sam_in_alpha.slash(alpha.general, "post", views=31_337, likes=1, comments=0, shares=0)
    await sam_in_alpha.slash(alpha.general, "goal", followers=999_999)
    await beta.alice.slash(beta.general, "log", followers=1_100, following=100)
    await beta.bob.slash(beta.general, "log", followers=400, following=50)

    beta_from = len(simcord_env.http_requests)
    for looker in (beta.bob, beta.admin):
        for command in ("net", "history"):
            refused = await looker.slash(beta.general, command, member=sam_in_beta)
            assert refused.ephemeral
            assert "has no readings in this server yet" in refused.response.content
    assert len(take_user_errors(simcord_env)) == 4
    for by in ("growth%", "growth", "consistency", "engagement"):
        for period in ("week", "all"):
            board = await beta.bob.slash(beta.general, "leaderboard", by=by, period=period)
            assert board.response is not None
    take_user_errors(simcord_env)  # a measure without enough data is refused, and that is fine
    preview = await beta.admin.slash(beta.general, "digest preview")
    assert preview.response is not None
    await beta.admin.slash(beta.general, "digest send")
    await clock.advance_to(SLOT + timedelta(hours=1))  # both scheduled digests post

    alpha_channels = {str(alpha.general.id), str(alpha.digest.id)}
    seen_by_beta = [
        sent_text(r)
        for r in simcord_env.http_requests[beta_from:]
        if not any(f"/channels/{c}/" in r.path for c in alpha_channels)
        and not r.path.startswith("/users/@me/channels")
    ]
    beta_digest = [t for t in seen_by_beta if f"/channels/{beta.digest.id}/" in t]
    assert len(beta_digest) >= 2  # sent by hand, then the scheduled one
    dms = {str(c.id) for c in simcord_env.backend.channels.values() if c.guild_id is None}
    seen_by_beta = [t for t in seen_by_beta if not any(f"/channels/{d}/" in t for d in dms)]
    leaks = [(m, t[:300]) for t in seen_by_beta for m in MARKERS if m in t]
    assert leaks == []
    # Beta's community: its two members who logged there, not Sam.
    assert "**Members who logged:** 2 of 2" in beta.text()
    assert "**Community net growth:** +100 followers (+10.0%)" in beta.text()

    # Alpha's own digest does show Sam, so the markers above are the ones that would leak.
    assert SAM in alpha.text() and "777,777" in alpha.text()
