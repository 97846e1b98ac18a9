"""Goals: set, clear and show a member's follower targets."""

from __future__ import annotations

from datetime import datetime

from bot import format as fmt
from bot.domain.errors import UserError
from bot.domain.goals import Goal
from bot.domain.models import MemberProfile, Platform, Reading
from bot.domain.records import record
from storage.ports import GoalRules, GoalSet, GoalsPort, OnSlow


@record
class _Rules:
    requested: Platform | None
    followers: int

    def platform(self, profile: MemberProfile) -> Platform:
        return self.requested or profile.default_platform

    def check(self, platform: Platform, latest: Reading | None) -> None:
        if latest is not None and latest.followers >= self.followers:
            raise UserError(
                f"You already have {fmt.count(latest.followers)} {platform.label} followers, "
                f"so {fmt.count(self.followers)} is reached. Pick a goal above that, like "
                f"`/goal followers:{_next_round(latest.followers)}`. Nothing was changed."
            )


def _next_round(followers: int) -> int:
    """A round goal above `followers`: the next multiple of a power of ten a step below it."""
    step = int(10 ** max(len(str(max(followers, 1))) - 1, 1))
    return (followers // step + 1) * step


async def set_goal(
    goals: GoalsPort,
    *,
    user_id: int,
    guild_id: int | None,
    platform: Platform | None,
    followers: int,
    now: datetime,
    on_slow: OnSlow | None = None,
) -> GoalSet:
    """Set the member's goal on `platform` (default: their default platform), replacing the one
    there; a UserError (nothing stored) when their latest reading already reaches it."""
    rules: GoalRules = _Rules(platform, followers)
    return await goals.set_goal(user_id, guild_id, followers, now=now, rules=rules, on_slow=on_slow)


async def clear_goals(
    goals: GoalsPort, user_id: int, platform: Platform | None, *, on_slow: OnSlow | None = None
) -> list[Goal]:
    """Remove the goal on `platform`, or all of them; what was removed."""
    return await goals.clear_goals(user_id, platform, on_slow=on_slow)


async def my_goals(goals: GoalsPort, user_id: int) -> list[Goal]:
    return await goals.goals(user_id)
