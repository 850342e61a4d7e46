"""ONS4 personal wellbeing: four questions answered 0-10, reported in ONS bands.

Bands come from ``data/ons4_thresholds.csv`` (ONS personal well-being thresholds): for life
satisfaction, worthwhile and happiness higher is better (low 0-4, medium 5-6, high 7-8,
very high 9-10); anxiety is reversed (very low 0-1, low 2-3, medium 4-5, high 6-10).
The four answers are reported separately, never summed (ONS practice).

Meaningful change: ONS publishes no individual-level meaningful-change threshold for ONS4;
none is applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache

from ._common import DATA_DIR, Problem, ScoringError, gettext_noop, read_whole_number

ITEMS: tuple[str, ...] = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
MINIMUM, MAXIMUM = 0, 10

# Crown copyright, published under the Open Government Licence v3.0: may ship in full.
QUESTIONS: dict[str, str] = {
    "life_satisfaction": gettext_noop("Overall, how satisfied are you with your life nowadays?"),
    "worthwhile": gettext_noop(
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?"
    ),
    "happiness": gettext_noop("Overall, how happy did you feel yesterday?"),
    "anxiety": gettext_noop(
        "On a scale where 0 is “not at all anxious” and 10 is “completely "
        "anxious”, overall, how anxious did you feel yesterday?"
    ),
}
SCALE_HINT = gettext_noop(
    "Answer on a scale of 0 to 10, where 0 is “not at all” and 10 is “completely”."
)
SHORT_LABELS: dict[str, str] = {
    "life_satisfaction": gettext_noop("Life satisfaction"),
    "worthwhile": gettext_noop("Worthwhile"),
    "happiness": gettext_noop("Happiness"),
    "anxiety": gettext_noop("Anxiety"),
}
BAND_LABELS: dict[str, str] = {
    "very_low": gettext_noop("Very low"),
    "low": gettext_noop("Low"),
    "medium": gettext_noop("Medium"),
    "high": gettext_noop("High"),
    "very_high": gettext_noop("Very high"),
}


@cache
def thresholds() -> dict[str, dict[int, str]]:
    """measure -> score -> band, read from the ONS thresholds file (every score 0-10)."""
    text = (DATA_DIR / "ons4_thresholds.csv").read_text(encoding="utf-8")
    table: dict[str, dict[int, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        table.setdefault(row["measure"], {})[int(row["score"])] = row["band"]
    for measure in ITEMS:
        if sorted(table.get(measure, {})) != list(range(MINIMUM, MAXIMUM + 1)):
            raise RuntimeError(f"ons4_thresholds.csv does not cover 0-10 for {measure}")
    return table


def band(measure: str, score: int) -> str:
    """The ONS band code for one answer, e.g. band("anxiety", 6) == "high"."""
    if measure not in ITEMS:
        raise ValueError(f"unknown ONS4 measure {measure!r}")
    if isinstance(score, bool) or not isinstance(score, int) or not MINIMUM <= score <= MAXIMUM:
        raise ScoringError(
            [
                Problem(
                    measure,
                    gettext_noop("Enter a whole number from %(minimum)s to %(maximum)s."),
                    {"minimum": MINIMUM, "maximum": MAXIMUM},
                )
            ]
        )
    return thresholds()[measure][score]


def score(answers: Mapping[str, object]) -> dict[str, object]:
    """Score a full ONS4 response: each answer and its band. All four answers are required."""
    problems: list[Problem] = []
    values = {key: read_whole_number(answers, key, MINIMUM, MAXIMUM, problems) for key in ITEMS}
    if problems:
        raise ScoringError(problems)
    result: dict[str, object] = {}
    for key in ITEMS:
        result[key] = values[key]
    for key in ITEMS:
        result[f"{key}_band"] = thresholds()[key][values[key]]  # type: ignore[index]
    return result
