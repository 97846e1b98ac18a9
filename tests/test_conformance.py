"""The Discord conformance check: it flags what Discord would refuse, and nothing else."""

from __future__ import annotations

import inspect
from typing import Any

import discord
import pytest
import simcord
import simcord.http.router as router
from discord import app_commands
from simcord import Env

from tests.support.conformance import (
    ConformanceRecorder,
    Violation,
    check_request,
    load_spec,
)

CALLBACK = "/interactions/1456074443980800012/token/callback"
NO_PINGS: dict[str, list[str]] = {"parse": []}
NO_PINGS_BODY = {"content": "Weekly report", "allowed_mentions": NO_PINGS}


def reply(**data: Any) -> dict[str, Any]:
    """An interaction callback answering with a message; pings nobody unless told to."""
    return {"type": 4, "data": {"allowed_mentions": NO_PINGS, **data}}


def rules(method: str, path: str, json: Any = None) -> list[str]:
    return [violation.rule for violation in check_request(method, path, json)]


def command(name: str = "log", **fields: Any) -> dict[str, Any]:
    return {"name": name, "description": "Log your counts", "type": 1, **fields}


def option(name: str, *, required: bool = False, **fields: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": f"The {name}", "required": required, **fields}


class TinyBot(discord.Client):
    """A bot with one command tree, synced at start-up as NetGain does."""

    def __init__(self, *, allowed_mentions: discord.AllowedMentions | None) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=allowed_mentions)
        # SimCord finds a bot's commands at `bot.tree`.
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def run_command(bot: TinyBot, name: str) -> None:
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        member = guild.add_member(env.create_user("alice"))
        await member.slash(channel, name)


# --- The check is active -----------------------------------------------------------------------


def test_every_test_runs_with_requests_checked() -> None:
    # This test asks for no fixture: the check is installed for every test regardless.
    assert inspect.unwrap(router.dispatch) is not router.dispatch


async def test_the_real_bot_is_checked_and_conforms(
    simcord_env: Env, conformance: ConformanceRecorder
) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    await member.slash(channel, "help")
    # At least the start-up sync and the answer to /help went through the check.
    assert conformance.checked >= 2
    assert conformance.violations == []


# --- Through a bot -----------------------------------------------------------------------------


async def test_an_over_long_embed_from_a_bot_is_caught(conformance: ConformanceRecorder) -> None:
    bot = TinyBot(allowed_mentions=discord.AllowedMentions.none())

    @bot.tree.command(name="report", description="The weekly report")
    async def report(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Report", description="x" * 5000)
        try:
            await interaction.response.send_message(embed=embed)
        except discord.HTTPException:
            # SimCord, like Discord, may refuse the embed; the check flags it regardless.
            await interaction.response.send_message("The report is too long to show.")

    await run_command(bot, "report")

    taken = conformance.take()
    over_long = [v for v in taken if "embed 0 description" in v.rule]
    assert len(over_long) == 1
    violation = over_long[0]
    assert violation.method == "POST"
    assert violation.path.startswith("/interactions/")
    assert violation.path.endswith("/callback")
    assert violation.rule == "embed 0 description is 5,000 characters; Discord allows 4,096"
    assert str(violation).startswith("POST /interactions/")
    assert conformance.violations == []


async def test_a_bot_answer_that_can_ping_everyone_is_caught(
    conformance: ConformanceRecorder,
) -> None:
    bot = TinyBot(allowed_mentions=None)

    @bot.tree.command(name="announce", description="Announce the weekly report")
    async def announce(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("@everyone the weekly report is out")

    await run_command(bot, "announce")

    taken = conformance.take()
    assert [v.method for v in taken] == ["POST"]
    assert taken[0].path.endswith("/callback")
    assert taken[0].rule.startswith("allowed_mentions is missing")


async def test_a_bot_syncing_a_capitalised_command_name_is_caught(
    conformance: ConformanceRecorder,
) -> None:
    bot = TinyBot(allowed_mentions=discord.AllowedMentions.none())

    @bot.tree.command(name="log", description="Log your counts")
    async def log(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Logged.")

    # Past discord.py's own check, as a hand-built command payload would be.
    log.name = "Log"
    async with simcord.run(bot):
        pass

    app = bot.application_id
    assert conformance.take() == [
        Violation("PUT", f"/applications/{app}/commands", "command name 'Log' must be lowercase")
    ]


# --- Routes ------------------------------------------------------------------------------------


def test_an_unknown_route_is_a_violation() -> None:
    assert rules("GET", "/channels/1/nowhere") == ["no such route in Discord's API description"]


def test_a_method_the_route_does_not_document_is_a_violation() -> None:
    assert rules("DELETE", "/applications/1/commands") == [
        "/applications/{application_id}/commands documents no DELETE, only GET, POST, PUT"
    ]


def test_the_most_literal_route_wins() -> None:
    spec = load_spec()
    assert (
        spec.match("PATCH", "/webhooks/1/token/messages/@original")
        == "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    )
    assert (
        spec.match("PATCH", "/webhooks/1/token/messages/2")
        == "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
    )


def test_a_body_on_a_route_that_takes_none_is_a_violation() -> None:
    assert rules("POST", "/channels/1/typing", {}) == [
        "sends a JSON body, but /channels/{channel_id}/typing documents none"
    ]


# --- The request-body schema -------------------------------------------------------------------


def test_a_valid_answer_has_no_violation() -> None:
    embed = {
        "title": "TikTok reading logged",
        "description": "Net followers **900**",
        "color": 3066993,
        "fields": [{"name": "Followers", "value": "1,200", "inline": True}],
        "footer": {"text": "Source: self-reported"},
        "author": {"name": "alice"},
    }
    assert check_request("POST", CALLBACK, reply(embeds=[embed], flags=64)) == []


def test_snowflakes_may_be_integers_and_integers_strings() -> None:
    assert rules("POST", "/channels/1/messages", {**NO_PINGS_BODY, "sticker_ids": [123]}) == []
    assert rules("POST", "/guilds/1/roles", {"name": "Creators", "permissions": "8"}) == []


def test_a_negative_embed_colour_is_a_violation() -> None:
    assert rules("POST", CALLBACK, reply(embeds=[{"color": -1}])) == [
        "body does not match the spec: data.embeds[0].color is -1; the spec requires at least 0"
    ]


def test_a_field_of_the_wrong_type_is_a_violation() -> None:
    assert rules("POST", CALLBACK, reply(embeds=[{"color": "red"}])) == [
        "body does not match the spec: data.embeds[0].color is a string; "
        "the spec expects integer or null"
    ]
    assert rules("POST", CALLBACK, reply(content=5)) == [
        "body does not match the spec: data.content is a number; the spec expects string or null"
    ]


def test_an_unknown_callback_type_is_a_violation() -> None:
    assert rules("POST", CALLBACK, {"type": 99}) == [
        "body does not match the spec: type is 99; "
        "the spec allows one of 1, 4, 5, 6, 7, 8, 9, 12, 13"
    ]


def test_a_missing_required_field_is_a_violation() -> None:
    assert rules("POST", CALLBACK, reply(embeds=[{"fields": [{"name": "Followers"}]}])) == [
        "body does not match the spec: data.embeds[0].fields[0] lacks the required field(s) value"
    ]


# --- Message limits ----------------------------------------------------------------------------


def test_an_over_long_embed_description_is_a_violation() -> None:
    assert rules("POST", CALLBACK, reply(embeds=[{"description": "x" * 5000}])) == [
        "embed 0 description is 5,000 characters; Discord allows 4,096",
        "body does not match the spec: data.embeds[0].description is 5000 characters; "
        "the spec allows at most 4,096",
    ]


def test_embeds_over_6000_characters_in_all_are_a_violation() -> None:
    embeds = [{"title": "Week", "description": "x" * 3000} for _ in range(2)]
    assert rules("POST", CALLBACK, reply(embeds=embeds)) == [
        "the embeds hold 6,008 characters in all; Discord allows 6,000 per message"
    ]


@pytest.mark.parametrize(
    ("embed", "rule"),
    [
        ({"title": "t" * 257}, "embed 0 title is 257 characters; Discord allows 256"),
        (
            {"fields": [{"name": "n", "value": "v" * 1025}]},
            "embed 0 field 0 value is 1,025 characters; Discord allows 1,024",
        ),
        (
            {"fields": [{"name": "n" * 257, "value": "v"}]},
            "embed 0 field 0 name is 257 characters; Discord allows 256",
        ),
        (
            {"footer": {"text": "f" * 2049}},
            "embed 0 footer text is 2,049 characters; Discord allows 2,048",
        ),
        (
            {"author": {"name": "a" * 257}},
            "embed 0 author name is 257 characters; Discord allows 256",
        ),
        (
            {"fields": [{"name": "n", "value": "v"}] * 26},
            "embed 0 has 26 fields; Discord allows 25",
        ),
    ],
)
def test_each_embed_limit(embed: dict[str, Any], rule: str) -> None:
    assert rule in rules("POST", CALLBACK, reply(embeds=[embed]))


def test_content_over_2000_characters_is_a_violation() -> None:
    body = {"content": "x" * 2001, "allowed_mentions": NO_PINGS}
    assert "content is 2,001 characters; Discord allows 2,000" in rules(
        "PATCH", "/webhooks/1/token/messages/@original", body
    )


def test_more_than_ten_embeds_is_a_violation() -> None:
    assert "11 embeds; Discord allows 10 per message" in rules(
        "POST", "/channels/1/messages", {**NO_PINGS_BODY, "embeds": [{"title": "t"}] * 11}
    )


def button(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "Go", "custom_id": f"go-{index}", **fields}


def test_component_limits() -> None:
    six_rows = [{"type": 1, "components": [button(row)]} for row in range(6)]
    assert rules("POST", CALLBACK, reply(components=six_rows)) == [
        "6 action rows; Discord allows 5 per message"
    ]
    crowded = [{"type": 1, "components": [button(index) for index in range(6)]}]
    assert "components[0] holds 6 buttons; Discord allows 5 per row" in rules(
        "POST", CALLBACK, reply(components=crowded)
    )
    long_label = [{"type": 1, "components": [button(0, label="l" * 81)]}]
    assert "components[0].components[0].label is 81 characters; Discord allows 80" in rules(
        "POST", CALLBACK, reply(components=long_label)
    )
    long_id = [{"type": 1, "components": [button(0, custom_id="c" * 101)]}]
    assert "components[0].components[0].custom_id is 101 characters; Discord allows 100" in rules(
        "POST", CALLBACK, reply(components=long_id)
    )


def test_more_than_25_autocomplete_choices_is_a_violation() -> None:
    choices = [{"name": f"choice {index}", "value": str(index)} for index in range(26)]
    assert "26 autocomplete choices; Discord allows 25" in rules(
        "POST", CALLBACK, {"type": 8, "data": {"choices": choices}}
    )


# --- Mentions ----------------------------------------------------------------------------------


def test_a_message_without_allowed_mentions_is_a_violation() -> None:
    body = {"type": 4, "data": {"content": "Weekly report"}}
    assert rules("POST", CALLBACK, body) == [
        "allowed_mentions is missing, so Discord would parse @everyone, @here and role mentions "
        'in content; send e.g. {"parse": []}'
    ]


@pytest.mark.parametrize(
    ("mentions", "rule"),
    [
        (
            {"parse": ["everyone"]},
            'allowed_mentions.parse contains "everyone", so it could ping @everyone and @here',
        ),
        (
            {"parse": ["users", "roles"]},
            'allowed_mentions.parse contains "roles", so it could ping a role',
        ),
        (
            {"parse": [], "roles": ["42"]},
            "allowed_mentions.roles is not empty, so the message could ping a role",
        ),
    ],
)
def test_permissive_allowed_mentions_are_a_violation(mentions: dict[str, Any], rule: str) -> None:
    body = {"content": "Weekly report", "allowed_mentions": mentions}
    assert rules("POST", "/channels/1/messages", body) == [rule]


def test_pinging_one_member_is_allowed() -> None:
    mentions = {"parse": [], "users": ["42"], "replied_user": True}
    body = {"content": "<@42> your report", "allowed_mentions": mentions}
    assert rules("POST", "/webhooks/1/token", body) == []


# --- Application commands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Log", "command name 'Log' must be lowercase"),
        (
            "log reading",
            "command name 'log reading' may hold only letters, digits, -, _ and ' (no spaces)",
        ),
        ("x" * 33, "command name is 33 characters; Discord requires 1–32"),
    ],
)
def test_a_bad_command_name_is_a_violation(name: str, rule: str) -> None:
    assert rules("PUT", "/applications/1/commands", [command(name)])[0] == rule


def test_context_menu_names_may_have_capitals_and_spaces() -> None:
    menus = [{"name": "Show History", "type": 2}, {"name": "Log This", "type": 3}]
    assert rules("PUT", "/applications/1/guilds/2/commands", menus) == []


def test_a_required_option_after_an_optional_one_is_a_violation() -> None:
    options = [option("platform"), option("followers", required=True)]
    assert rules("PUT", "/applications/1/commands", [command(options=options)]) == [
        "command 'log' option 'followers' is required but comes after optional option "
        "'platform'; Discord requires required options first"
    ]


def test_subcommands_are_checked_too() -> None:
    nested = {"type": 1, "name": "add", "description": "Add", "options": [option("Count")]}
    assert rules("POST", "/applications/1/commands", command(options=[nested])) == [
        "command 'log' option 'add' option 'Count' name 'Count' must be lowercase"
    ]


def test_option_and_choice_limits() -> None:
    choices = [{"name": f"choice {index}", "value": str(index)} for index in range(26)]
    many = [option(f"option{index}") for index in range(26)]
    assert "command 'log' option 'platform' has 26 choices; Discord allows 25" in rules(
        "PUT", "/applications/1/commands", [command(options=[option("platform", choices=choices)])]
    )
    assert "command 'log' has 26 options; Discord allows 25" in rules(
        "PUT", "/applications/1/commands", [command(options=many)]
    )
    assert "command 'log' description is 0 characters; Discord requires 1–100" in rules(
        "PUT", "/applications/1/commands", [command(description="")]
    )


def test_more_than_100_chat_input_commands_is_a_violation() -> None:
    commands = [command(f"command{index}") for index in range(101)]
    assert "101 chat-input commands; Discord allows 100 per scope" in rules(
        "PUT", "/applications/1/commands", commands
    )


def test_a_command_over_4000_characters_is_a_violation() -> None:
    choices = [{"name": "n" * 80, "value": "v" * 80} for _ in range(25)]
    options = [option(f"option{index}", choices=choices) for index in range(2)]
    assert rules("PUT", "/applications/1/commands", [command(options=options)]) == [
        "command 'log' holds 8,054 characters in names, descriptions and choices; "
        "Discord allows 4,000"
    ]


# --- Failing the test --------------------------------------------------------------------------

INNER_TESTS = """
import pytest
import simcord.http.router as router


def request(method, path, json=None):
    try:
        router.dispatch(None, method, path, json=json)
    except AttributeError:
        pass  # no SimCord backend here; the check runs before the request is routed


@pytest.fixture
def closes_with_a_bad_request():
    yield
    request("DELETE", "/applications/1/commands")


def test_conforming():
    request("GET", "/oauth2/applications/@me")


def test_pinging_everyone():
    request("POST", "/interactions/1/token/callback", {"type": 4, "data": {"content": "hi"}})


def test_teardown_request(closes_with_a_bad_request):
    pass
"""


def test_a_non_conforming_request_fails_its_test(
    pytester: pytest.Pytester, conformance: ConformanceRecorder
) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest_inprocess("-p", "tests.support.conformance")

    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_teardown_request*",
            "DELETE /applications/1/commands: *documents no DELETE*",
            "*test_pinging_everyone*",
            "POST /interactions/1/token/callback: allowed_mentions is missing*",
            "FAILED test_inner.py::test_pinging_everyone*",
        ]
    )
    # The inner session's requests passed through this test's own check as well.
    assert [violation.method for violation in conformance.take()] == ["POST", "DELETE"]
