"""Loneliness: the UCLA 3-item scale and the ONS direct question (``data/ucla3_loneliness.json``).

UCLA-3 (Hughes ME et al. Res Aging 2004;26(6):655-72, as used by ONS): three items coded
1 (hardly ever or never), 2 (some of the time), 3 (often); total 3-9, higher = more lonely.
The 6+ "lonely" cut-off is a research convention, not an ONS-defined threshold; it is
labelled as such wherever it is shown.

ONS direct question "How often do you feel lonely?" (Crown copyright, OGL v3.0): five
ordered answers; ONS reports "often/always" as chronic loneliness.

Meaningful change: no published individual-level threshold for either; none is applied.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._common import UNKNOWN_CHOICE, Problem, ScoringError, gettext_noop, is_blank, read_items

UCLA3_ITEMS: tuple[str, ...] = ("item1", "item2", "item3")
UCLA3_ITEM_MIN, UCLA3_ITEM_MAX = 1, 3
UCLA3_LONELY_FROM = 6  # convention (see module doc)
UCLA3_QUESTIONS: dict[str, str] = {
    "item1": gettext_noop("How often do you feel that you lack companionship?"),
    "item2": gettext_noop("How often do you feel left out?"),
    "item3": gettext_noop("How often do you feel isolated from others?"),
}
UCLA3_ANSWERS: dict[int, str] = {
    1: gettext_noop("Hardly ever or never"),
    2: gettext_noop("Some of the time"),
    3: gettext_noop("Often"),
}
UCLA3_BAND_LABELS = {
    "lonely": gettext_noop("Lonely (score 6 or more, a research convention)"),
    "not_lonely": gettext_noop("Not lonely (score 3 to 5, a research convention)"),
}

ONS_QUESTION = gettext_noop("How often do you feel lonely?")
ONS_ANSWERS: dict[str, str] = {
    "often_always": gettext_noop("Often/always"),
    "some_of_the_time": gettext_noop("Some of the time"),
    "occasionally": gettext_noop("Occasionally"),
    "hardly_ever": gettext_noop("Hardly ever"),
    "never": gettext_noop("Never"),
}


def ucla3_band(total: int) -> str:
    """ "lonely" for totals 6-9, "not_lonely" for 3-5 (a research convention)."""
    if isinstance(total, bool) or not isinstance(total, int) or not 3 <= total <= 9:
        raise ValueError(f"UCLA-3 total must be a whole number from 3 to 9, not {total!r}")
    return "lonely" if total >= UCLA3_LONELY_FROM else "not_lonely"


def score_ucla3(answers: Mapping[str, object]) -> dict[str, object]:
    """{"total": 3-9, "band": "lonely" | "not_lonely"}; no prorating."""
    total = sum(read_items(answers, UCLA3_ITEMS, UCLA3_ITEM_MIN, UCLA3_ITEM_MAX))
    return {"total": total, "band": ucla3_band(total)}


def _ons_code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in ONS_ANSWERS:
        return text
    for code, label in ONS_ANSWERS.items():
        if text == label.lower():
            return code
    return None


def score_ons_loneliness(answers: Mapping[str, object]) -> dict[str, object]:
    """{"response": code, "band": "chronic" | "not_chronic"} for the ONS direct question.

    Accepts the answer code (``often_always``) or the English answer (``Often/always``).
    """
    value = answers.get("response")
    if is_blank(value):
        raise ScoringError([Problem("response", gettext_noop("Answer this question."))])
    code = _ons_code(value)
    if code is None:
        raise ScoringError([Problem("response", UNKNOWN_CHOICE)])
    return {"response": code, "band": "chronic" if code == "often_always" else "not_chronic"}
