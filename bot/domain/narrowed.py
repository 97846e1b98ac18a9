"""What a digest is given in place of a year of readings (`Narrowed`): the chart's traces, the
streak bases kept for members, the instants their streaks are counted from, the chart's kept
weeks, and whose base is moved on. `bot.domain.digest.build_report` counts from it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.domain.records import record
from bot.domain.series import CommunityWeek, Trace
from bot.domain.streaks import StreakBase


@record
class Narrowed:
    """What stands in for a year of readings, when a digest is given only the readings the
    week's own figures reach back to (`build_report`)."""

    # Follower counts, one trace per member and platform: every reading from the first of
    # the chart's weeks not in `weeks` on, or from earlier where a base needs them, and those
    # at the last instant before that first week (what the chart adds up as of then).
    traces: Sequence[Trace]
    # Streak bases kept for members (each reaching the week, and needing no reading older
    # than the traces hold), counted on top of the instants the traces hold.
    bases: Mapping[int, StreakBase]
    # What each member's streak is counted from (POSIX seconds), beside their base if any.
    instants: Mapping[int, Sequence[float]]
    # The chart's weeks worked out before from every reading, and kept.
    weeks: Sequence[CommunityWeek] = ()
    # The members whose base is moved on to this week: it is counted beside their streak.
    move: Collection[int] = ()

    @staticmethod
    def of(
        traces: Sequence[Trace],
        bases: Mapping[int, StreakBase],
        taken: Mapping[int, Sequence[float]],
        weeks: Sequence[CommunityWeek] = (),
        move: Collection[int] = (),
    ) -> Narrowed:
        """`taken`: when each reading of the members without a base was taken."""
        # A member with a base counts only what the traces hold, whatever `taken` says.
        instants = {user_id: at for user_id, at in taken.items() if user_id not in bases}
        for trace in traces:
            user_id = trace.user_id
            if user_id in bases:
                # Most members log on one platform: their trace's own instants, not a copy.
                found = instants.get(user_id)
                instants[user_id] = trace.at if found is None else [*found, *trace.at]
        return Narrowed(traces, bases, instants, weeks, move)
