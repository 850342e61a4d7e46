"""Shared pieces of the pure scoring functions: reading answers, reporting problems, data files.

No Django imports: scoring must work without settings (the CLI, evaluators' notebooks, tests).
Messages are English templates marked for makemessages; callers with Django translate them
with ``problem.text(gettext)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a string for makemessages without touching Django settings."""
    return message


DATA_DIR = files("linkwell.outcomes") / "data"

MISSING = gettext_noop("Answer this question.")
NOT_A_WHOLE_NUMBER = gettext_noop("Enter a whole number from %(minimum)s to %(maximum)s.")
OUT_OF_RANGE = gettext_noop("Enter a whole number from %(minimum)s to %(maximum)s.")
UNKNOWN_CHOICE = gettext_noop("Choose one of the answers given.")
NOT_SCORED_MISSING = gettext_noop(
    "Not scored: %(count)s of %(total)s answers are missing. This scale is only scored when "
    "every question is answered (no prorating)."
)

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Problem:
    """One reason an answer set cannot be scored, attached to an item key (or "__all__")."""

    field: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        template = translate(self.message)
        return template % dict(self.params) if self.params else template


class ScoringError(ValueError):
    """The answers cannot be scored. ``problems`` says why, item by item; nothing is scored."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.text()}" for p in self.problems))

    def as_dict(self, translate: Callable[[str], str] = lambda s: s) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.field, []).append(problem.text(translate))
        return out


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def read_whole_number(
    answers: Mapping[str, object],
    key: str,
    minimum: int,
    maximum: int,
    problems: list[Problem],
    *,
    required: bool = True,
) -> int | None:
    """Read one answer as a whole number in [minimum, maximum]; record a problem otherwise.

    Accepts ints and strings of digits (a CSV cell, a form value). Booleans, fractions and
    "3.0" are refused: an answer that is not exactly one of the response codes is an error.
    """
    value = answers.get(key)
    params = {"minimum": minimum, "maximum": maximum}
    if is_blank(value):
        if required:
            problems.append(Problem(key, MISSING))
        return None
    if isinstance(value, bool):
        problems.append(Problem(key, NOT_A_WHOLE_NUMBER, params))
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        problems.append(Problem(key, NOT_A_WHOLE_NUMBER, params))
        return None
    if not minimum <= number <= maximum:
        problems.append(Problem(key, OUT_OF_RANGE, params))
        return None
    return number


def read_items(
    answers: Mapping[str, object], keys: tuple[str, ...], minimum: int, maximum: int
) -> list[int]:
    """Read every item of a summed scale; refuse to score if any is missing or invalid.

    Summed scales (SWEMWBS, WEMWBS, UCLA-3) are never prorated: a missing item means the
    response is not scored, and the reason says how many were missing.
    """
    problems: list[Problem] = []
    values = [
        read_whole_number(answers, key, minimum, maximum, problems, required=True) for key in keys
    ]
    if problems:
        missing = sum(1 for key in keys if is_blank(answers.get(key)))
        if missing:
            problems.insert(
                0, Problem("__all__", NOT_SCORED_MISSING, {"count": missing, "total": len(keys)})
            )
        raise ScoringError(problems)
    return [v for v in values if v is not None]
