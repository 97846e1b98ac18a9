"""Posts: log one published post's own numbers, for engagement and posting consistency."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import format as fmt
from bot.domain.engagement import Engagement, above_views, engagement_of
from bot.domain.errors import UserError
from bot.domain.models import MemberProfile, Post, PostDraft
from bot.domain.records import record
from bot.domain.summaries import Posting, posting
from bot.usecases.tracking import place
from storage.ports import (
    HandledElsewhere,
    OnSlow,
    Placement,
    PostRules,
    PostsPort,
    PostStored,
    PostSurroundings,
)


@record
class PostLogged:
    """A post stored and committed, with the figures the reply shows."""

    post: Post
    engagement: Engagement  # over the member's last posts on its platform, this one included
    posting: Posting  # this week's posts against their target, and the posting streak
    timezone: ZoneInfo  # the zone the member's weeks are counted in
    backfilled: bool = False  # stored for a past day the member named
    new_member: bool = False  # the member's first entry anywhere


@record
class AlreadyPosted:
    """Nothing was stored: the member logged this same post a moment ago."""

    post: Post
    logged_at: datetime


@record
class _Rules:
    draft: PostDraft
    now: datetime

    def place(self, profile: MemberProfile) -> Placement:
        return place(
            self.draft.platform or profile.default_platform, self.draft.day, self.now, profile
        )

    def check(self, found: PostSurroundings) -> AlreadyPosted | None:
        if found.repeat is None:
            return None
        return AlreadyPosted(found.repeat, found.repeat_logged_at or found.repeat.posted_at)


def check_counts(draft: PostDraft) -> None:
    """A UserError (nothing stored) when likes, comments or shares exceed the views."""
    wrong = above_views(draft.counts)
    if wrong:
        views = draft.counts.views
        names = " and ".join(
            f"`{name}` ({fmt.count(getattr(draft.counts, name))})" for name in wrong
        )
        raise UserError(
            f"{names} can't be more than `views` ({fmt.count(views)}): everyone who likes, "
            "comments or shares has seen the post. Check the numbers under the post and "
            "log it again. Nothing was stored."
        )


async def log_post(
    posts: PostsPort, draft: PostDraft, *, now: datetime, on_slow: OnSlow | None = None
) -> PostLogged | AlreadyPosted | HandledElsewhere:
    """Store a post unless its counts are impossible (a UserError) or it repeats one just
    logged; committed durably when this returns `PostLogged`. One trip to the database.
    `HandledElsewhere`: another process received the same interaction and stored it."""
    check_counts(draft)
    rules: PostRules[AlreadyPosted] = _Rules(draft=draft, now=now)
    outcome = await posts.log_post(draft, now=now, rules=rules, on_slow=on_slow)
    if not isinstance(outcome, PostStored):
        return outcome
    found = outcome.found
    member = found.profile
    summary = posting(outcome.posted, now, member.timezone, member.posts_per_week)
    engagement = engagement_of(outcome.recent or [outcome.post], outcome.followers)
    # The post just stored is in both.
    assert summary is not None
    assert engagement is not None
    return PostLogged(
        post=outcome.post,
        engagement=engagement,
        posting=summary,
        timezone=member.timezone,
        backfilled=found.placement.taken_at != now,
        new_member=not member.known,
    )
