"""Reading a slash command typed the way members write them in Discord.

Both `/log followers 1200 following 300` and `/log followers:1200 following:300` work, and so
does any mix. Options are checked against the command definitions Discord holds, the way the
Discord client checks them before sending: required options, types, choices, min and max.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)
_TYPE_WORDS = {
    STRING: "text",
    INTEGER: "a whole number",
    BOOLEAN: "true or false",
    USER: "a member, like @maya",
    CHANNEL: "a channel, like #general",
    ROLE: "a role",
    MENTIONABLE: "a member or role",
    NUMBER: "a number",
    ATTACHMENT: "a file path",
}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class ParseError(Exception):
    """A line that cannot be sent; the message says what is wrong and how to write it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Turns a typed member or channel name into whatever the sandbox sends as that option.
Resolve = Callable[[int, str], Any]


@dataclass(frozen=True)
class SlashCall:
    command: str  # "log", or "setup digest" for a subcommand
    options: dict[str, Any] = field(default_factory=dict)


def _usage(path: str, options: list[dict[str, Any]]) -> str:
    parts = [f"/{path}"]
    for option in options:
        example = f"{option['name']}:<{_TYPE_WORDS.get(option['type'], 'value')}>"
        parts.append(example if option.get("required") else f"[{example}]")
    return " ".join(parts)


def _find(name: str, candidates: dict[str, Any], what: str) -> Any:
    if name in candidates:
        return candidates[name]
    close = difflib.get_close_matches(name, list(candidates), n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    raise ParseError(f"There is no {what} `{name}`.{hint}")


def parse_slash(line: str, commands: list[dict[str, Any]], resolve: Resolve) -> SlashCall:
    """Turn `/name [sub] option value ...` into the command path and checked option values."""
    try:
        words = shlex.split(line.strip().removeprefix("/"))
    except ValueError as error:
        raise ParseError(f"Could not read that line: {error} (check your quotes).") from None
    if not words:
        raise ParseError(
            "Type a command after the slash, like `/log followers 1200 following 300`."
        )
    node = _find(words[0].lower(), {c["name"]: c for c in commands}, "command")
    path = [node["name"]]
    rest = words[1:]
    while any(o["type"] in (SUBCOMMAND, GROUP) for o in node.get("options", [])):
        choices = {o["name"]: o for o in node["options"]}
        if not rest:
            raise ParseError(f"`/{' '.join(path)}` needs one of: {', '.join(choices)}.")
        node = _find(rest[0].lower(), choices, f"subcommand of /{' '.join(path)}:")
        path.append(node["name"])
        rest = rest[1:]
    declared = {o["name"]: o for o in node.get("options", [])}
    command = " ".join(path)
    usage = _usage(command, list(declared.values()))
    given = _pair_up(rest, declared, command, usage)
    options = {name: _convert(declared[name], text, command, resolve) for name, text in given}
    missing = [name for name, o in declared.items() if o.get("required") and name not in options]
    if missing:
        names = " and ".join(f"`{name}`" for name in missing)
        raise ParseError(f"`/{command}` needs {names}. Usage: {usage}")
    return SlashCall(command, options)


def _pair_up(
    words: list[str], declared: dict[str, Any], command: str, usage: str
) -> list[tuple[str, str]]:
    """Match each option name with its value, in `name value` or `name:value` form."""
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        head, colon, tail = word.partition(":")
        if colon and head.lower() in declared:
            name, value = head.lower(), tail
            index += 1
        elif word.lower() in declared:
            name = word.lower()
            following = words[index + 1] if index + 1 < len(words) else None
            if declared[name]["type"] == BOOLEAN and (
                following is None or following.lower() not in _TRUE | _FALSE
            ):
                value, index = "true", index + 1  # a flag: `/setup digest off`
            elif following is None:
                raise ParseError(f"`{name}` needs a value after it. Usage: {usage}")
            else:
                value, index = following, index + 2
        else:
            known = ", ".join(declared) or "none"
            raise ParseError(
                f"`/{command}` has no option `{head if colon else word}` (its options: {known})."
            )
        if any(name == seen for seen, _ in pairs):
            raise ParseError(f"`{name}` is given twice.")
        pairs.append((name, value))
    return pairs


def _convert(option: dict[str, Any], text: str, command: str, resolve: Resolve) -> Any:
    name, kind = option["name"], option["type"]
    if option.get("choices"):
        return _choice(option, text)
    if kind == STRING:
        return _check_length(option, text)
    if kind in (INTEGER, NUMBER):
        return _check_range(option, _number(option, text))
    if kind == BOOLEAN:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ParseError(f"`{name}` must be true or false; got `{text}`.")
    if kind in (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT):
        return resolve(kind, text)
    raise ParseError(f"`/{command}` option `{name}` has a type the sandbox cannot send.")


def _choice(option: dict[str, Any], text: str) -> Any:
    for choice in option["choices"]:
        if text.lower() in (str(choice["name"]).lower(), str(choice["value"]).lower()):
            return choice["value"]
    names = ", ".join(str(choice["name"]) for choice in option["choices"])
    raise ParseError(f"`{option['name']}` must be one of {names}; got `{text}`.")


def _number(option: dict[str, Any], text: str) -> int | float:
    cleaned = text.replace(",", "").replace("_", "")
    try:
        return int(cleaned) if option["type"] == INTEGER else float(cleaned)
    except ValueError:
        raise ParseError(
            f"`{option['name']}` must be {_TYPE_WORDS[option['type']]}; got `{text}`."
        ) from None


def _check_range(option: dict[str, Any], value: int | float) -> int | float:
    low, high = option.get("min_value"), option.get("max_value")
    if low is not None and value < low:
        raise ParseError(f"`{option['name']}` must be at least {low:,}; got {value:,}.")
    if high is not None and value > high:
        raise ParseError(f"`{option['name']}` must be at most {high:,}; got {value:,}.")
    return value


def _check_length(option: dict[str, Any], text: str) -> str:
    low, high = option.get("min_length"), option.get("max_length")
    if low is not None and len(text) < low:
        raise ParseError(f"`{option['name']}` must be at least {low} characters.")
    if high is not None and len(text) > high:
        raise ParseError(f"`{option['name']}` can be at most {high} characters; got {len(text)}.")
    return text
