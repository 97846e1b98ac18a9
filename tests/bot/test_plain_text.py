"""Names and notes as plain text (bot.format.plain): nothing in them can ping, link,
impersonate another member, or reorder or break a line, whatever a member types."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import QUOTE_MAX, quoted
from bot.format import NAME_MAX, plain, visible_text

HOSTILE = [
    "[Win](https://example.com)",
    "<@123456789012345678>",
    "<@&42>",
    "<#42>",
    "<t:1767225600:R>",
    "<:pog:123>",
    "@everyone",
    "@here",
    "# Heading",
    "- list",
    "> quote",
    "1. first",
    "```code```",
    "**bold** __under__ ~~strike~~ ||spoiler||",
    "evil\u202eexe.txt",
    "zero\u200bwidth",
    "line\nbreak",
    "https://example.com",
]
PIECES = st.sampled_from([*HOSTILE, "a", " ", "\\", "*", "_", "<", ">", "[", "]", "(", ")", "@"])


def unescaped(text: str, char: str) -> bool:
    """Whether `char` appears without a backslash before it."""
    return re.search(rf"(?<!\\){re.escape(char)}", text) is not None


@given(st.lists(PIECES | st.text(max_size=10), max_size=12).map("".join))
def test_nothing_a_member_types_renders(typed: str) -> None:
    shown = plain(typed)
    for char in "<>[]()*_~`|":
        assert not unescaped(shown, char), (typed, shown)
    assert "@everyone" not in shown and "@here" not in shown
    assert "://" not in shown  # no bare link
    assert "\n" not in shown and "\r" not in shown
    assert not any(
        unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200b\u200d" for c in shown
    )
    assert len(visible_text(typed)) <= NAME_MAX


def test_the_known_tricks_read_as_typed() -> None:
    assert plain("[Win](https://example.com)") == "\\[Win\\]\\(https:\u200b//example.com\\)"
    assert plain("<@123>") == "\\<@\u200b123\\>"
    assert plain("evil\u202eexe.txt") == "evilexe.txt"
    assert plain("# Heading") == "\\# Heading"
    assert plain("1. first") == "1\\. first"
    assert plain("Anna-Lena") == "Anna-Lena"  # ordinary names are left alone
    assert plain("x" * 100, 10) == "x" * 9 + "…"


@given(st.lists(PIECES | st.text(max_size=10), max_size=12).map("".join) | st.text(min_size=100))
def test_what_a_member_typed_is_shown_back_as_short_code(typed: str) -> None:
    shown = quoted(typed)
    assert shown == "nothing" or (shown[0] == shown[-1] == "`" and "`" not in shown[1:-1])
    assert len(shown) <= QUOTE_MAX + 2
    assert "\n" not in shown


def _visible_the_long_way(text: str) -> str:
    """What `visible_text` keeps of each character, looked up one by one (its general case)."""
    kept = "".join(
        " " if unicodedata.category(c) == "Zs" or c in "\n\r\t" else c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co") or c in "\n\r\t\u200d"
    )
    cleaned = re.sub(r"\s+", " ", kept).strip()
    return cleaned if len(cleaned) <= NAME_MAX else cleaned[: NAME_MAX - 1].rstrip() + "…"


@given(st.text(st.characters(max_codepoint=0x7F)) | st.text())
def test_plain_ascii_names_read_as_every_other_name_does(typed: str) -> None:
    assert visible_text(typed) == _visible_the_long_way(typed)
