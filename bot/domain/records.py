"""`record`: how the project declares its records, immutable and compared by their fields.

A frozen dataclass sets each field through `object.__setattr__` when it is made, about eight
times the cost of a plain one's `__init__`; a weekly digest makes hundreds of thousands of
these records (a reading per row, a week per member). So immutability is checked where it
costs nothing: mypy (strict, in `.ci/run`) treats a `@record` class as frozen and rejects any
assignment to its fields, while at run time it is a plain slotted dataclass, hashed by its
fields as a frozen one is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True, slots=True)` to the type checker; without the run-time
    guard that makes each record several times slower to build."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
