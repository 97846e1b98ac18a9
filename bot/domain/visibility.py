"""Who a server may see: the one rule every feature asks before showing a member's numbers.

A member's numbers are theirs, not a server's: others in a server see them (in `/net member`,
`/history member`, the digest, the leaderboard) only when the member logged in that server at
least once, and does not keep them private (`/privacy hidden:true`). The member always sees
their own. A private member is still counted, anonymously, in a server's totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


def may_see(
    *, viewer_id: int | None, member_id: int, logged_here: bool, hidden: bool = False
) -> bool:
    """Whether a member's numbers may be shown in a server: to themselves always, to anyone
    else (`viewer_id` None: everyone, as in the digest) only if they logged there and do not
    keep their numbers private."""
    return member_id == viewer_id or (logged_here and not hidden)


class Present(Protocol):
    """A member as a server's lists know them."""

    @property
    def user_id(self) -> int: ...

    @property
    def logged_here(self) -> bool: ...

    @property
    def hidden(self) -> bool: ...


MemberT = TypeVar("MemberT", bound=Present)


def visible(members: Iterable[MemberT], viewer_id: int | None) -> list[MemberT]:
    """The members whose numbers `viewer_id` (None: everyone) may see in this server."""
    return [
        m
        for m in members
        if may_see(
            viewer_id=viewer_id, member_id=m.user_id, logged_here=m.logged_here, hidden=m.hidden
        )
    ]
