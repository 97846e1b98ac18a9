"""The storage modules' SQL, as PostgreSQL takes it.

The SQL in `storage` is written once, in the subset SQLite and PostgreSQL share, with SQLite's
parameter styles (`?` and `:name`). This turns a statement and its parameters into
PostgreSQL's form for asyncpg: numbered parameters (`$1`), each cast to the type of the
value bound to it (PostgreSQL cannot always infer one, as in `$1 - $2`), and the few
spellings the two disagree on:

- `x IS ?` (SQLite's null-safe comparison) becomes `x IS NOT DISTINCT FROM $1`;
- `group_concat(x)` becomes `string_agg(x, ',')`;
- `json_insert(column, '$[#]', ?)` (append to a JSON array kept as text) becomes the jsonb
  concatenation that does the same.

Statements are translated once per shape and cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

# A string literal, a named parameter, or a positional one; literals are kept as they are.
_TOKENS = re.compile(r"'(?:[^']|'')*'|(?<![:\w]):([A-Za-z_]\w*)|\?")
_NULL_SAFE = re.compile(r"\bIS\s+(?=\$\d+)", re.IGNORECASE)
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(([^()]*)\)", re.IGNORECASE)
_JSON_APPEND = re.compile(r"json_insert\((\w+),\s*'\$\[#\]',\s*(\$\d+(?:::\w+)?)\)")

_CASTS: dict[type, str] = {
    bool: "::bigint",
    int: "::bigint",
    str: "::text",
    float: "::float8",
    bytes: "::bytea",
}


def _cast(value: Any) -> str:
    return "" if value is None else _CASTS.get(type(value), "")


def _value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


@functools.lru_cache(maxsize=1024)
def _translate(sql: str, casts: tuple[tuple[str | int, str], ...]) -> tuple[str, tuple[Any, ...]]:
    """`sql` with numbered parameters; the order in which named/positional values are bound."""
    cast_of = dict(casts)
    order: list[str | int] = []
    numbers: dict[str | int, int] = {}
    position = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        text = match.group(0)
        if text.startswith("'"):
            return text
        key: str | int
        if text == "?":
            key = position
            position += 1
        else:
            key = match.group(1)
        if key not in numbers:
            order.append(key)
            numbers[key] = len(order)
        return f"${numbers[key]}{cast_of.get(key, '')}"

    translated = _TOKENS.sub(replace, sql)
    translated = _NULL_SAFE.sub("IS NOT DISTINCT FROM ", translated)
    translated = _GROUP_CONCAT.sub(r"string_agg(\1, ',')", translated)
    translated = _JSON_APPEND.sub(r"((\1::jsonb || to_jsonb(\2))::text)", translated)
    return translated, tuple(order)


def translate(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[str, list[Any]]:
    """The statement and its arguments, ready for asyncpg."""
    if isinstance(params, Mapping):
        casts = tuple(sorted((key, _cast(value)) for key, value in params.items()))
        text, order = _translate(sql, casts)
        return text, [_value(params[str(key)]) for key in order]
    values = list(params)
    text, order = _translate(sql, tuple((i, _cast(v)) for i, v in enumerate(values)))
    return text, [_value(values[int(key)]) for key in order]
