"""Goal progress: how far the person feels they have got towards a goal in their plan, 1-10.

A single rating, not a validated scale: no meaningful-change threshold is published; none
is applied. The trend over time is shown as recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._common import Problem, ScoringError, read_whole_number

MINIMUM, MAXIMUM = 1, 10


def score(answers: Mapping[str, object]) -> dict[str, object]:
    """{"total": 1-10}."""
    problems: list[Problem] = []
    value = read_whole_number(answers, "progress", MINIMUM, MAXIMUM, problems)
    if problems:
        raise ScoringError(problems)
    return {"total": value}
