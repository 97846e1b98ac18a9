"""Every REST request the bot makes in a test is checked against Discord's API description.

SimCord accepts some payloads Discord would refuse (or would deliver with side effects, such as
a ping to @everyone), so passing tests alone do not prove the bot talks to Discord correctly.
This module closes that gap. Installed as a pytest plugin (see ``tests/conftest.py``), its
autouse fixture wraps ``simcord.http.router.dispatch``, the single function every request of
discord.py's HTTP client and webhook adapter goes through, and checks each request against:

1. the routes of Discord's OpenAPI description (``SPEC_PATH``): method and path must be a
   documented operation;
2. that operation's JSON request-body schema, read as the spec's README defines it: integer
   fields accept strings of digits, and a ``oneOf`` union means "any one of"; snowflakes
   may also be integers, as discord.py sends some (attachment ids, for one);
3. the limits the OpenAPI description leaves out: message, embed and component limits,
   autocomplete choices, and the naming and size rules for application commands;
4. mentions: every message payload must carry ``allowed_mentions`` that cannot ping
   @everyone, @here or a role.

Requests are never refused: each is recorded and passed on unchanged, so the bot behaves
exactly as without the check. A test that made a non-conforming request fails when its body
returns (or at teardown, for requests made while fixtures shut down), with one line per
broken rule naming the request. A test that provokes a violation on purpose asserts on it
through the ``conformance`` fixture and takes it with :meth:`ConformanceRecorder.take`.
"""

from __future__ import annotations

import functools
import json as jsonlib
import os
import re
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import pytest
import simcord.http.router as router
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

#: Discord's OpenAPI 3.1 description (github.com/discord/discord-api-spec, specs/openapi.json),
#: kept in the repository with its licence and source commit; DISCORD_OPENAPI_SPEC overrides it.
SPEC_PATH = Path(
    os.environ.get(
        "DISCORD_OPENAPI_SPEC",
        Path(__file__).resolve().parents[1] / "data" / "discord-api-spec" / "openapi.json",
    )
)

_SPEC_URI = "urn:discord-api-spec"
#: Most schema errors reported for one request; the first few are enough to find the fault.
_MAX_SCHEMA_ERRORS = 5
#: Most limit rules reported for one request.
_MAX_LIMIT_RULES = 10

# Routes whose JSON body is a message payload (content, embeds, components, allowed_mentions).
_MESSAGE_ROUTES = frozenset(
    {
        ("POST", "/channels/{channel_id}/messages"),
        ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
        ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
        ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
        ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    }
)
# Creating a forum or media post carries its starter message under "message".
_THREAD_ROUTE = ("POST", "/channels/{channel_id}/threads")
_CALLBACK_ROUTE = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
_COMMAND_LIST_ROUTES = frozenset(
    {
        ("PUT", "/applications/{application_id}/commands"),
        ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
    }
)
_COMMAND_CREATE_ROUTES = frozenset(
    {
        ("POST", "/applications/{application_id}/commands"),
        ("POST", "/applications/{application_id}/guilds/{guild_id}/commands"),
    }
)
_COMMAND_EDIT_ROUTES = frozenset(
    {
        ("PATCH", "/applications/{application_id}/commands/{command_id}"),
        ("PATCH", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}"),
    }
)

# Interaction callback types (discord.com/developers/docs/interactions/receiving-and-responding).
_CHANNEL_MESSAGE_WITH_SOURCE = 4
_UPDATE_MESSAGE = 7
_AUTOCOMPLETE_RESULT = 8

# Message flag: the message is laid out with Components V2 (no five-action-row limit).
_IS_COMPONENTS_V2 = 1 << 15

# Component types (discord.com/developers/docs/components/reference).
_ACTION_ROW = 1
_BUTTON = 2
_SELECT_MENUS = frozenset({3, 5, 6, 7, 8})

# Application command and option types.
_CHAT_INPUT = 1
_SUB_COMMAND = 1
_SUB_COMMAND_GROUP = 2
_STRING_OPTION = 3

# Discord documents chat-input command and option names as
# ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ ; Python's \w covers letters, digits and "_",
# and the two script blocks add the Devanagari and Thai combining marks \w leaves out.
_COMMAND_NAME = re.compile(r"^[-_'\w\u0900-\u097f\u0e00-\u0e7f]{1,32}$")


@dataclass(frozen=True)
class Violation:
    """One rule one request broke."""

    method: str
    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.rule}"


# --- The OpenAPI description ------------------------------------------------------------------

# Marks the branch added beside every integer schema, so error reports can skip over it.
_DIGITS_KEY = "x-netgain-digit-string"
_DIGIT_STRING: dict[str, Any] = {"type": "string", "pattern": "^-?[0-9]+$", _DIGITS_KEY: True}
_SNOWFLAKE_INTEGER: dict[str, Any] = {"type": "integer", "minimum": 0}


def _accepts_integers(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def _widen(node: Any) -> Any:
    """Copy ``node`` with the spec's unions read as its README defines them.

    - Every free integer schema also accepts a string of digits. The README: "Our API accepts
      strings for int fields if they are parseable as ints", which discord.py relies on
      (permissions, for one, are sent as strings). Integers restricted by ``enum`` or ``const``
      are discriminators such as a component's ``type`` and stay strict.
    - ``oneOf`` becomes ``anyOf``. The README: "Even though we define anyOf and oneOf unions,
      they all mean that only one type from the list can be used as a data format"; a value
      matching two branches (a nonce of digits is both an integer and a string) is valid.
    """
    if isinstance(node, list):
        return [_widen(item) for item in node]
    if not isinstance(node, dict):
        return node
    widened = {"anyOf" if key == "oneOf" else key: _widen(value) for key, value in node.items()}
    if _accepts_integers(widened) and "enum" not in widened and "const" not in widened:
        return {"anyOf": [widened, _DIGIT_STRING]}
    return widened


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _is_placeholder(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class Spec:
    """Routes and compiled request-body validators of one OpenAPI description."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._routes: dict[int, list[tuple[list[str], str]]] = {}
        self.methods: dict[str, frozenset[str]] = {}
        bodies: dict[str, Any] = {}
        self._body_keys: dict[tuple[str, str], str] = {}
        for template, operations in document["paths"].items():
            segments = _segments(template)
            self._routes.setdefault(len(segments), []).append((segments, template))
            methods = set()
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                methods.add(method.upper())
                content = (operation.get("requestBody") or {}).get("content") or {}
                if "application/json" in content:
                    key = str(len(bodies))
                    bodies[key] = content["application/json"]["schema"]
                    self._body_keys[(method.upper(), template)] = key
                elif content:
                    # Multipart-only operations (sticker and attachment uploads): their
                    # schemas describe the file parts, which are not in the JSON body.
                    self._body_keys[(method.upper(), template)] = ""
            self.methods[template] = frozenset(methods)
        schemas = _widen(document["components"]["schemas"])
        schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], _SNOWFLAKE_INTEGER]}
        root = {"components": {"schemas": schemas}, "requests": _widen(bodies)}
        self._registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, DRAFT202012.create_resource(root)
        )
        self._validators: dict[str, Draft202012Validator] = {}

    def match(self, method: str, path: str) -> str | None:
        """The documented template for ``method path``, preferring the most literal one."""
        segments = _segments(path)
        best: tuple[int, str] | None = None
        for template_segments, template in self._routes.get(len(segments), ()):
            if method not in self.methods[template]:
                continue
            literals = 0
            for expected, actual in zip(template_segments, segments, strict=True):
                if _is_placeholder(expected):
                    if not actual:
                        break
                elif expected == actual:
                    literals += 1
                else:
                    break
            else:
                if best is None or literals > best[0]:
                    best = (literals, template)
        return None if best is None else best[1]

    def templates_for(self, path: str) -> list[str]:
        """Templates matching ``path`` for any method (to explain a wrong method)."""
        segments = _segments(path)
        return [
            template
            for template_segments, template in self._routes.get(len(segments), ())
            if all(
                _is_placeholder(expected) or expected == actual
                for expected, actual in zip(template_segments, segments, strict=True)
            )
        ]

    def has_body(self, method: str, template: str) -> bool:
        return (method, template) in self._body_keys

    def validator(self, method: str, template: str) -> Draft202012Validator | None:
        key = self._body_keys.get((method, template))
        if not key:
            return None
        if key not in self._validators:
            self._validators[key] = Draft202012Validator(
                {"$ref": f"{_SPEC_URI}#/requests/{key}"}, registry=self._registry
            )
        return self._validators[key]


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """Read and prepare the OpenAPI description once per test session."""
    if not path.is_file():
        raise FileNotFoundError(
            f"Discord's OpenAPI description is not at {path}; "
            "set DISCORD_OPENAPI_SPEC to the path of specs/openapi.json"
        )
    return Spec(jsonlib.loads(path.read_text(encoding="utf-8")))


# --- Schema errors, reported readably ---------------------------------------------------------


def _json_path(error: ValidationError) -> str:
    where = "body" if error.absolute_path and isinstance(error.absolute_path[0], int) else ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "body"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _rules_out(error: ValidationError) -> bool:
    """Whether a branch error shows the instance was never meant to be that branch."""
    relative = list(error.relative_path)
    if error.validator == "type" and not relative:
        return True  # a null branch, or a branch for another JSON type
    if error.validator in ("enum", "const") and relative == ["type"]:
        return True  # the discriminator names another kind of object
    return error.validator == "pattern" and bool(error.schema.get(_DIGITS_KEY))


def _is_value_error(error: ValidationError) -> bool:
    return error.validator in ("enum", "const")


def _is_discriminator_error(error: ValidationError) -> bool:
    return _is_value_error(error) and list(error.relative_path) == ["type"]


def _is_root_value_error(error: ValidationError) -> bool:
    return _is_value_error(error) and not error.relative_path


def _no_branch_takes_the_value(branches: Iterable[list[ValidationError]]) -> bool:
    """Every branch names another discriminator, or every branch is another constant."""
    branches = list(branches)
    return all(any(map(_is_discriminator_error, errors)) for errors in branches) or all(
        all(map(_is_root_value_error, errors)) for errors in branches
    )


def _leaves(error: ValidationError) -> list[ValidationError]:
    """Descend into an anyOf/oneOf failure to the branch the instance was meant to be."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    if _no_branch_takes_the_value(branches.values()):
        return [error]  # reported as the values allowed
    viable = [errors for errors in branches.values() if not any(map(_rules_out, errors))]
    if not viable:
        # Every branch is another JSON type: report the type mismatch of the first real one.
        viable = [
            errors
            for index, errors in branches.items()
            if not error.validator_value[index].get(_DIGITS_KEY)
            and error.validator_value[index].get("type") != "null"
        ][:1]
        if not viable:
            return [error]
    if len(viable) == 1:
        return [leaf for sub in viable[0] for leaf in _leaves(sub)]
    return _leaves(best_match(sub for errors in viable for sub in errors))


def _describe_union(error: ValidationError) -> str:
    """An anyOf/oneOf no branch of which accepts the value."""
    values = [sub for sub in error.context if _is_discriminator_error(sub)] or [
        sub for sub in error.context if _is_root_value_error(sub)
    ]
    if not values:
        count = len(error.validator_value)
        return f"{_json_path(error)} matches none of the {count} shapes the spec allows"
    first = values[0]
    allowed: set[Any] = set()
    for sub in values:
        if list(sub.absolute_path) == list(first.absolute_path):
            limit = sub.validator_value
            allowed.update(limit if sub.validator == "enum" else [limit])
    listed = ", ".join(map(repr, sorted(allowed, key=lambda value: (str(type(value)), value))))
    return f"{_json_path(first)} is {_short(first.instance)}; the spec allows one of {listed}"


def _describe(error: ValidationError) -> str:
    where, value, limit = _json_path(error), error.instance, error.validator_value
    match error.validator:
        case "maxLength":
            return f"{where} is {len(value)} characters; the spec allows at most {limit:,}"
        case "minLength":
            return f"{where} is {len(value)} characters; the spec requires at least {limit:,}"
        case "maxItems":
            return f"{where} has {len(value)} items; the spec allows at most {limit:,}"
        case "minItems":
            return f"{where} has {len(value)} items; the spec requires at least {limit:,}"
        case "maximum":
            return f"{where} is {value}; the spec allows at most {limit}"
        case "minimum":
            return f"{where} is {value}; the spec requires at least {limit}"
        case "type":
            expected = " or ".join(limit) if isinstance(limit, list) else limit
            return f"{where} is {_kind(value)}; the spec expects {expected}"
        case "enum":
            return f"{where} is {_short(value)}; the spec allows one of {limit}"
        case "pattern":
            return f"{where} {_short(value)} does not match the spec's pattern {limit}"
        case "required":
            missing = [name for name in limit if name not in value]
            return f"{where} lacks the required field(s) {', '.join(missing)}"
        case "uniqueItems":
            return f"{where} has duplicate items; the spec requires unique ones"
        case "const":
            return f"{where} is {_short(value)}; the spec expects {limit!r}"
        case "anyOf" | "oneOf" if error.context:
            return _describe_union(error)
        case _:
            return f"{where}: {_short(error.message, 200)}"


def schema_rules(validator: Draft202012Validator, body: Any) -> list[str]:
    rules: list[str] = []
    for error in validator.iter_errors(body):
        for leaf in _leaves(error):
            rule = f"body does not match the spec: {_describe(leaf)}"
            if rule not in rules:
                rules.append(rule)
    return rules[:_MAX_SCHEMA_ERRORS]


# --- Limits the OpenAPI description leaves out ------------------------------------------------


def _too_long(text: object, limit: int) -> TypeGuard[str]:
    return isinstance(text, str) and len(text) > limit


def _length_rule(what: str, text: str, limit: int) -> str:
    return f"{what} is {len(text):,} characters; Discord allows {limit:,}"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else []


def embed_rules(embeds: Any) -> list[str]:
    """Per-embed limits and the 6,000-character total across a message's embeds."""
    embeds = _sequence(embeds)
    rules = []
    if len(embeds) > 10:
        rules.append(f"{len(embeds)} embeds; Discord allows 10 per message")
    total = 0
    for index, embed in enumerate(embeds):
        embed = _mapping(embed)
        fields = [_mapping(item) for item in _sequence(embed.get("fields"))]
        if len(fields) > 25:
            rules.append(f"embed {index} has {len(fields)} fields; Discord allows 25")
        texts = [
            (f"embed {index} title", embed.get("title"), 256),
            (f"embed {index} description", embed.get("description"), 4096),
            (f"embed {index} footer text", _mapping(embed.get("footer")).get("text"), 2048),
            (f"embed {index} author name", _mapping(embed.get("author")).get("name"), 256),
        ]
        for number, item in enumerate(fields):
            texts.append((f"embed {index} field {number} name", item.get("name"), 256))
            texts.append((f"embed {index} field {number} value", item.get("value"), 1024))
        for what, text, limit in texts:
            if isinstance(text, str):
                total += len(text)
                if len(text) > limit:
                    rules.append(_length_rule(what, text, limit))
    if total > 6000:
        rules.append(
            f"the embeds hold {total:,} characters in all; Discord allows 6,000 per message"
        )
    return rules


def _children(component: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    children = [
        (f"components[{index}]", _mapping(child))
        for index, child in enumerate(_sequence(component.get("components")))
    ]
    if isinstance(component.get("accessory"), Mapping):
        children.append(("accessory", component["accessory"]))
    return children


def component_rules(components: Any, flags: Any = 0) -> list[str]:
    """Action rows, buttons and custom ids, through Components V2 containers too."""
    top = _sequence(components)
    rules = []
    v2 = isinstance(flags, int) and bool(flags & _IS_COMPONENTS_V2)
    if not v2 and len(top) > 5:
        rules.append(f"{len(top)} action rows; Discord allows 5 per message")
    custom_ids: set[str] = set()
    pending = [(f"components[{index}]", _mapping(item)) for index, item in enumerate(top)]
    while pending:
        where, component = pending.pop(0)
        kind = component.get("type")
        children = _children(component)
        if kind == _ACTION_ROW:
            buttons = sum(1 for _, child in children if child.get("type") == _BUTTON)
            if buttons > 5:
                rules.append(f"{where} holds {buttons} buttons; Discord allows 5 per row")
            if len(children) > 1 and any(c.get("type") in _SELECT_MENUS for _, c in children):
                rules.append(f"{where} holds a select menu beside other components")
        label = component.get("label")
        if kind == _BUTTON and _too_long(label, 80):
            rules.append(_length_rule(f"{where}.label", label, 80))
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if len(custom_id) > 100:
                rules.append(_length_rule(f"{where}.custom_id", custom_id, 100))
            if custom_id in custom_ids:
                rules.append(f"{where}.custom_id {_short(custom_id)} is used twice in one message")
            custom_ids.add(custom_id)
        pending.extend((f"{where}.{name}", child) for name, child in children)
    return rules


def mention_rules(message: Mapping[str, Any]) -> list[str]:
    """The message must not be able to ping @everyone, @here or a role."""
    if "allowed_mentions" not in message or message["allowed_mentions"] is None:
        return [
            "allowed_mentions is missing, so Discord would parse @everyone, @here and role "
            'mentions in content; send e.g. {"parse": []}'
        ]
    mentions = message["allowed_mentions"]
    if not isinstance(mentions, Mapping):
        return [f"allowed_mentions is {_kind(mentions)}, not an object"]
    rules = []
    parse = _sequence(mentions.get("parse"))
    for kind, whom in (("everyone", "@everyone and @here"), ("roles", "a role")):
        if kind in parse:
            rules.append(f'allowed_mentions.parse contains "{kind}", so it could ping {whom}')
    if _sequence(mentions.get("roles")):
        rules.append("allowed_mentions.roles is not empty, so the message could ping a role")
    return rules


def message_rules(message: Any) -> list[str]:
    """Every rule for a message payload: content, embeds, components and mentions."""
    if not isinstance(message, Mapping):
        return []
    rules = []
    content = message.get("content")
    if _too_long(content, 2000):
        rules.append(_length_rule("content", content, 2000))
    rules += embed_rules(message.get("embeds"))
    rules += component_rules(message.get("components"), message.get("flags") or 0)
    rules += mention_rules(message)
    return rules


def _longest(item: Mapping[str, Any], key: str) -> int:
    """A field's size for the 4,000-character total: its longest localization counts."""
    texts = [item.get(key), *_mapping(item.get(f"{key}_localizations")).values()]
    return max((len(text) for text in texts if isinstance(text, str)), default=0)


def _command_size(item: Mapping[str, Any]) -> int:
    size = _longest(item, "name") + _longest(item, "description")
    for option in _sequence(item.get("options")):
        option = _mapping(option)
        size += _command_size(option)
        for choice in _sequence(option.get("choices")):
            choice = _mapping(choice)
            size += _longest(choice, "name") + len(str(choice.get("value", "")))
    return size


def _name_rules(what: str, name: Any) -> list[str]:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        size = len(name) if isinstance(name, str) else 0
        return [f"{what} name is {size} characters; Discord requires 1–32"]
    if not _COMMAND_NAME.match(name):
        return [f"{what} name {name!r} may hold only letters, digits, -, _ and ' (no spaces)"]
    if name != name.lower():
        return [f"{what} name {name!r} must be lowercase"]
    return []


def _description_rules(what: str, description: Any) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        size = len(description) if isinstance(description, str) else 0
        return [f"{what} description is {size} characters; Discord requires 1–100"]
    return []


def _option_rules(owner: str, options: Any) -> list[str]:
    options = [_mapping(option) for option in _sequence(options)]
    rules = []
    if len(options) > 25:
        rules.append(f"{owner} has {len(options)} options; Discord allows 25")
    seen: set[str] = set()
    optional: str | None = None
    for option in options:
        name = option.get("name")
        what = f"{owner} option {name!r}"
        rules += _name_rules(what, name)
        rules += _description_rules(what, option.get("description"))
        if name in seen:
            rules.append(f"{owner} has two options named {name!r}")
        seen.add(str(name))
        kind = option.get("type")
        if kind in (_SUB_COMMAND, _SUB_COMMAND_GROUP):
            rules += _option_rules(what, option.get("options"))
            continue
        if option.get("required"):
            if optional is not None:
                rules.append(
                    f"{what} is required but comes after optional option {optional!r}; "
                    "Discord requires required options first"
                )
        elif optional is None:
            optional = str(name)
        choices = [_mapping(choice) for choice in _sequence(option.get("choices"))]
        if len(choices) > 25:
            rules.append(f"{what} has {len(choices)} choices; Discord allows 25")
        for choice in choices:
            choice_name = choice.get("name")
            if not isinstance(choice_name, str) or not 1 <= len(choice_name) <= 100:
                size = len(choice_name) if isinstance(choice_name, str) else 0
                rules.append(f"{what} choice name is {size} characters; Discord requires 1–100")
            value = choice.get("value")
            if kind == _STRING_OPTION and _too_long(value, 100):
                rules.append(_length_rule(f"{what} choice value", value, 100))
    return rules


def command_rules(command: Any, *, partial: bool = False) -> list[str]:
    """Naming and size rules for one application command (``partial`` for an edit)."""
    if not isinstance(command, Mapping):
        return []
    name = command.get("name")
    what = f"command {name!r}"
    rules = []
    chat_input = command.get("type", _CHAT_INPUT) in (_CHAT_INPUT, None)
    if not partial or "name" in command:
        if chat_input:
            rules += _name_rules("command", name)
        elif not isinstance(name, str) or not 1 <= len(name) <= 32:
            size = len(name) if isinstance(name, str) else 0
            rules.append(f"command name is {size} characters; Discord requires 1–32")
    if chat_input and (not partial or "description" in command):
        rules += _description_rules(what, command.get("description"))
    rules += _option_rules(what, command.get("options"))
    size = _command_size(command)
    if size > 4000:
        rules.append(
            f"{what} holds {size:,} characters in names, descriptions and choices; "
            "Discord allows 4,000"
        )
    return rules


def command_list_rules(commands: Any) -> list[str]:
    """Rules for a bulk overwrite: every command, plus the per-scope counts."""
    commands = [_mapping(command) for command in _sequence(commands)]
    rules = [rule for command in commands for rule in command_rules(command)]
    chat_input = [c for c in commands if c.get("type", _CHAT_INPUT) in (_CHAT_INPUT, None)]
    if len(chat_input) > 100:
        rules.append(f"{len(chat_input)} chat-input commands; Discord allows 100 per scope")
    seen: set[tuple[Any, Any]] = set()
    for command in commands:
        key = (command.get("type", _CHAT_INPUT) or _CHAT_INPUT, command.get("name"))
        if key in seen:
            rules.append(f"two commands of one type are named {key[1]!r}")
        seen.add(key)
    return rules


def callback_rules(body: Any) -> list[str]:
    body = _mapping(body)
    kind, data = body.get("type"), body.get("data")
    if kind in (_CHANNEL_MESSAGE_WITH_SOURCE, _UPDATE_MESSAGE) and isinstance(data, Mapping):
        return message_rules(data)
    if kind == _AUTOCOMPLETE_RESULT:
        choices = _sequence(_mapping(data).get("choices"))
        if len(choices) > 25:
            return [f"{len(choices)} autocomplete choices; Discord allows 25"]
    return []


def limit_rules(method: str, template: str, body: Any) -> list[str]:
    """The documented limits for the operation ``method template``."""
    route = (method, template)
    if route in _MESSAGE_ROUTES:
        return message_rules(body)
    if route == _CALLBACK_ROUTE:
        return callback_rules(body)
    if route == _THREAD_ROUTE and isinstance(body, Mapping) and "message" in body:
        return message_rules(body["message"])
    if route in _COMMAND_LIST_ROUTES:
        return command_list_rules(body)
    if route in _COMMAND_CREATE_ROUTES:
        return command_rules(body)
    if route in _COMMAND_EDIT_ROUTES:
        return command_rules(body, partial=True)
    return []


# --- Checking requests ------------------------------------------------------------------------


def check_request(method: str, path: str, json: Any = None) -> list[Violation]:
    """Every rule ``method path`` with JSON body ``json`` breaks; empty if it conforms.

    ``path`` is the API path without the ``/api/v10`` prefix or query string, as SimCord
    routes it, e.g. ``/interactions/123/token/callback``.
    """
    spec = load_spec()
    method = method.upper()
    template = spec.match(method, path)
    if template is None:
        documented = spec.templates_for(path)
        if documented:
            allowed = sorted({m for t in documented for m in spec.methods[t]})
            rule = f"{documented[0]} documents no {method}, only {', '.join(allowed)}"
        else:
            rule = "no such route in Discord's API description"
        return [Violation(method, path, rule)]
    if json is None:
        return []
    if not spec.has_body(method, template):
        return [Violation(method, path, f"sends a JSON body, but {template} documents none")]
    return [Violation(method, path, rule) for rule in body_rules(method, template, json)]


# A bot sends the same bodies again and again (every start syncs the same commands), and
# validating a body against the schema is by far the costliest step, so results are kept.
_KNOWN_BODIES: dict[tuple[str, str, str], list[str]] = {}
_MAX_KNOWN_BODIES = 2048


def body_rules(method: str, template: str, body: Any) -> list[str]:
    """The schema and limit rules ``body`` breaks as the body of ``method template``."""
    key = (method, template, jsonlib.dumps(body, sort_keys=True, default=repr))
    rules = _KNOWN_BODIES.get(key)
    if rules is None:
        rules = limit_rules(method, template, body)
        if len(rules) > _MAX_LIMIT_RULES:
            more = len(rules) - _MAX_LIMIT_RULES
            rules = [*rules[:_MAX_LIMIT_RULES], f"and {more} more broken limit(s) in this body"]
        validator = load_spec().validator(method, template)
        if validator is not None:
            rules += schema_rules(validator, body)
        if len(_KNOWN_BODIES) >= _MAX_KNOWN_BODIES:
            _KNOWN_BODIES.clear()
        _KNOWN_BODIES[key] = rules
    return list(rules)


@dataclass
class ConformanceRecorder:
    """The violations of the requests made during one test."""

    violations: list[Violation] = field(default_factory=list)
    #: How many requests were checked.
    checked: int = 0

    def record(self, method: str, path: str, json: Any = None) -> None:
        """Check one request; a fault in the checker itself is recorded, never raised."""
        self.checked += 1
        try:
            self.violations.extend(check_request(method, path, json))
        except Exception as error:  # the bot's request must go on regardless
            rule = f"the conformance check itself failed: {error!r}"
            self.violations.append(Violation(method, path, rule))

    def take(self) -> list[Violation]:
        """The violations recorded so far, which no longer fail the test."""
        taken, self.violations = self.violations, []
        return taken

    def report(self) -> str:
        lines = [str(violation) for violation in self.violations]
        return "\n".join([f"{len(lines)} request rule(s) broken against Discord's API:", *lines])


_RECORDER = pytest.StashKey[ConformanceRecorder]()


@contextmanager
def checking_requests(recorder: ConformanceRecorder) -> Iterator[None]:
    """Route every SimCord request through ``recorder`` while the block runs."""
    original = router.dispatch

    @functools.wraps(original)
    def checked_dispatch(backend: Any, method: str, path: str, **kwargs: Any) -> Any:
        recorder.record(method, path, kwargs.get("json"))
        return original(backend, method, path, **kwargs)

    router.dispatch = checked_dispatch
    try:
        yield
    finally:
        router.dispatch = original


@pytest.fixture(autouse=True)
def discord_conformance(request: pytest.FixtureRequest) -> Iterator[ConformanceRecorder]:
    """Check every request of every test; fail the test if one broke a rule."""
    load_spec()
    recorder = ConformanceRecorder()
    request.node.stash[_RECORDER] = recorder
    with checking_requests(recorder):
        yield recorder
    if recorder.violations:
        pytest.fail(recorder.report(), pytrace=False)


@pytest.fixture
def conformance(discord_conformance: ConformanceRecorder) -> ConformanceRecorder:
    """The recorder of this test, to assert on (and take) violations a test provokes."""
    return discord_conformance


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test itself, not only its teardown, for requests made until it returns."""
    result = yield
    recorder = item.stash.get(_RECORDER, None)
    if recorder is not None and recorder.violations:
        report = recorder.report()
        recorder.take()
        pytest.fail(report, pytrace=False)
    return result
