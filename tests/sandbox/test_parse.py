"""The sandbox's line parser, against the awkward things people type."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.parse import CHANNEL, USER, ParseError, SlashCall, parse_slash

LOG = {
    "name": "log",
    "options": [
        {"name": "followers", "type": 4, "required": True, "min_value": 0, "max_value": 10**10},
        {"name": "following", "type": 4, "required": True, "min_value": 0, "max_value": 10**10},
        {
            "name": "platform",
            "type": 3,
            "choices": [{"name": "TikTok", "value": "tiktok"}, {"name": "X", "value": "x"}],
        },
        {"name": "note", "type": 3, "max_length": 20},
        {"name": "link", "type": 3},
    ],
}
NET = {"name": "net", "options": [{"name": "member", "type": USER}]}
SETUP = {
    "name": "setup",
    "options": [
        {
            "name": "digest",
            "type": 1,
            "options": [
                {"name": "channel", "type": CHANNEL, "required": True},
                {"name": "enabled", "type": 5},
                {"name": "hour", "type": 10, "min_value": 0, "max_value": 23.5},
            ],
        },
        {"name": "reminders", "type": 1, "options": []},
    ],
}
COMMANDS = [LOG, NET, SETUP]


def resolve(kind: int, text: str) -> Any:
    name = text.lstrip("@#")
    if name == "ghost":
        raise ParseError(f"No member named `{name}` here yet.")
    return ("member" if kind == USER else "channel", name)


def parse(line: str) -> SlashCall:
    return parse_slash(line, COMMANDS, resolve)


@pytest.mark.parametrize(
    "line",
    [
        "/log followers 1200 following 300",
        "/log followers:1200 following:300",
        "/log following 300 followers:1200",
        "/LOG Followers 1,200 FOLLOWING 300",
        "  /log   followers 1_200   following 300  ",
    ],
)
def test_both_ways_of_writing_options(line: str) -> None:
    assert parse(line) == SlashCall("log", {"followers": 1200, "following": 300})


def test_quotes_keep_spaces_and_colons_only_split_known_names() -> None:
    call = parse('/log followers 1 following 2 note "big day: 2 reels" link:https://x.com/a?b=c:d')
    assert call.options["note"] == "big day: 2 reels"
    assert call.options["link"] == "https://x.com/a?b=c:d"
    assert parse("/log followers 1 following 2 note:'a b'").options["note"] == "a b"


def test_a_boolean_option_alone_is_a_flag() -> None:
    assert parse("/setup digest channel #general enabled").options["enabled"] is True
    assert parse("/setup digest enabled channel #general").options["enabled"] is True
    assert parse("/setup digest channel #general enabled no").options["enabled"] is False


def test_choices_match_their_name_or_value_in_any_case() -> None:
    assert parse("/log followers 1 following 2 platform TikTok").options["platform"] == "tiktok"
    assert parse("/log followers 1 following 2 platform:X").options["platform"] == "x"


def test_members_and_channels_are_resolved_by_name() -> None:
    assert parse("/net member:@maya") == SlashCall("net", {"member": ("member", "maya")})
    call = parse("/setup digest channel:#weekly-digest enabled yes hour 9.5")
    assert call == SlashCall(
        "setup digest",
        {"channel": ("channel", "weekly-digest"), "enabled": True, "hour": 9.5},
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/log followers 1200", "`/log` needs `following`. Usage: /log followers:<a whole"),
        ("/log", "`/log` needs `followers` and `following`"),
        ("/log followers abc following 3", "`followers` must be a whole number; got `abc`"),
        ("/log followers -5 following 3", "`followers` must be at least 0; got -5"),
        ("/log followers 1 following 99999999999", "must be at most 10,000,000,000"),
        ("/log followers 1 following 2 platform myspace", "`platform` must be one of TikTok, X"),
        ("/log followers 1 following 2 colour red", "`/log` has no option `colour`"),
        ("/log followers 1 following 2 colour:red", "`/log` has no option `colour`"),
        ("/log followers 1 following", "`following` needs a value after it"),
        ("/log followers 1 followers 2 following 3", "`followers` is given twice"),
        ("/log followers 1 following 2 note 'an unclosed", "check your quotes"),
        ("/log followers 1 following 2 note " + "x" * 21, "at most 20 characters; got 21"),
        ("/lgo followers 1", "There is no command `lgo`. Did you mean `log`?"),
        ("/", "Type a command after the slash"),
        ("/setup", "`/setup` needs one of: digest, reminders"),
        ("/setup digets", "Did you mean `digest`?"),
        ("/setup digest channel #general enabled:maybe", "`enabled` must be true or false"),
        ("/setup digest channel #general enabled maybe", "has no option `maybe`"),
        ("/net member:@ghost", "No member named `ghost`"),
    ],
)
def test_mistakes_say_which_option_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse(line)
    assert message in raised.value.message
