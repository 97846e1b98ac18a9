"""`bot.domain.records.record`: records cost what a plain dataclass does to build, compare and
hash by their fields, and stay immutable to the type checker that `.ci/run` runs."""

from __future__ import annotations

from dataclasses import field, replace
from pathlib import Path

import pytest
from mypy import api

from bot.domain.records import record


@record
class Pair:
    first: int
    rest: list[int] = field(default_factory=list)


def test_records_compare_by_their_fields() -> None:
    assert Pair(1) == Pair(1) != Pair(2)
    assert replace(Pair(1, [2]), first=3) == Pair(3, [2])
    assert not hasattr(Pair(1), "__dict__")  # slotted


def test_hashing_follows_the_fields() -> None:
    @record
    class Point:
        x: int
        y: int

    assert {Point(1, 2): "a"}[Point(1, 2)] == "a"
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2


@pytest.mark.slow
def test_the_type_checker_rejects_assigning_a_field(tmp_path: Path) -> None:
    source = tmp_path / "assigns.py"
    source.write_text(
        "from bot.domain.records import record\n\n"
        "@record\n"
        "class Point:\n"
        "    x: int\n\n"
        "Point(1).x = 2\n"
    )
    out, _, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    assert status == 1
    assert 'Property "x" defined in "Point" is read-only' in out
