"""Outcome instruments as data plus pure scoring functions.

``INSTRUMENTS`` lists every instrument Linkwell scores, by stable code. Each has its items
(answer keys, the CSV column names), a ``score(answers, value_set)`` function returning a
JSON-ready dict (via ``to_json``), the score columns the batch scorer writes, the licence
that governs its wording, and the scores tracked over time with their meaningful-change
thresholds where one is published (cited in the instrument's module).

No Django imports (see ``_common``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import eq5d5l, goals, loneliness, ons4, wellbeing
from ._common import Problem, ScoringError, gettext_noop

__all__ = [
    "INSTRUMENTS",
    "Instrument",
    "Item",
    "Problem",
    "ScoringError",
    "Tracked",
    "get_instrument",
    "score",
    "to_json",
]

OGL = "ogl"
LICENSED_EUROQOL = "euroqol"
LICENSED_WARWICK = "warwick"
NONE = "none"

LICENCE_NOTICES = {
    OGL: gettext_noop(
        "Questions © Crown copyright, Office for National Statistics, published under the "
        "Open Government Licence v3.0."
    ),
    LICENSED_EUROQOL: gettext_noop(
        "EQ-5D™ is a trade mark of the EuroQol Research Foundation. The questionnaire wording "
        "is licensed by EuroQol: use it only under your organisation's licence. Without the "
        "licensed wording loaded, enter answers from the licensed paper form."
    ),
    LICENSED_WARWICK: gettext_noop(
        "Warwick-Edinburgh Mental Wellbeing Scales © University of Warwick and NHS Health "
        "Scotland. The wording is licensed by Warwick Medical School: use it only under your "
        "organisation's registration. Without the licensed wording loaded, enter answers from "
        "the licensed paper form."
    ),
    NONE: "",
}


@dataclass(frozen=True)
class Item:
    key: str  # answer key and CSV column
    label: str  # short label; full wording only where the licence allows (see `question`)
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[object, str], ...] = ()  # (stored value, label) for categorical items
    required: bool = True
    question: str = ""  # full wording that may ship (OGL)


@dataclass(frozen=True)
class Tracked:
    """A score followed over time on the case, with its published meaningful-change threshold."""

    key: str
    label: str
    higher_is_better: bool
    meaningful_change: Decimal | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[Item, ...]
    scorer: Callable[..., dict[str, object]]
    score_columns: tuple[str, ...]
    licence: str
    tracked: tuple[Tracked, ...]
    uses_value_set: bool = False
    intro: str = ""

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items if item.required)

    @property
    def licence_notice(self) -> str:
        return LICENCE_NOTICES[self.licence]

    def score(
        self, answers: Mapping[str, object], value_set: str | None = None
    ) -> dict[str, object]:
        if self.uses_value_set:
            return self.scorer(answers, value_set or eq5d5l.DEFAULT_VALUE_SET)
        return self.scorer(answers)


def _numbered(count: int, lo: int, hi: int, labels: tuple[str, ...] = ()) -> tuple[Item, ...]:
    return tuple(
        Item(f"item{n}", labels[n - 1] if labels else f"Item {n}", lo, hi)
        for n in range(1, count + 1)
    )


_SWEMWBS_LABELS = tuple(
    gettext_noop(s)
    for s in (
        "Optimistic about the future",
        "Useful",
        "Relaxed",
        "Dealing with problems well",
        "Thinking clearly",
        "Close to other people",
        "Able to make up my own mind about things",
    )
)
_WEMWBS_LABELS = tuple(
    gettext_noop(s)
    for s in (
        "Optimistic about the future",
        "Useful",
        "Relaxed",
        "Interested in other people",
        "Energy to spare",
        "Dealing with problems well",
        "Thinking clearly",
        "Feeling good about myself",
        "Feeling close to other people",
        "Confident",
        "Able to make up my own mind about things",
        "Feeling loved",
        "Interested in new things",
        "Cheerful",
    )
)

INSTRUMENTS: dict[str, Instrument] = {
    "ONS4": Instrument(
        code="ONS4",
        name=gettext_noop("ONS4 personal wellbeing"),
        items=tuple(
            Item(key, ons4.SHORT_LABELS[key], 0, 10, question=ons4.QUESTIONS[key])
            for key in ons4.ITEMS
        ),
        scorer=ons4.score,
        score_columns=tuple(f"{key}_band" for key in ons4.ITEMS),
        licence=OGL,
        tracked=tuple(
            Tracked(key, ons4.SHORT_LABELS[key], higher_is_better=key != "anxiety")
            for key in ons4.ITEMS
        ),
        intro=ons4.SCALE_HINT,
    ),
    "SWEMWBS": Instrument(
        code="SWEMWBS",
        name=gettext_noop("Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"),
        items=_numbered(7, 1, 5, _SWEMWBS_LABELS),
        scorer=wellbeing.score_swemwbs,
        score_columns=("raw", "metric"),
        licence=LICENSED_WARWICK,
        tracked=(
            Tracked(
                "metric",
                gettext_noop("SWEMWBS metric score"),
                True,
                wellbeing.SWEMWBS_MEANINGFUL_CHANGE,
            ),
        ),
    ),
    "WEMWBS": Instrument(
        code="WEMWBS",
        name=gettext_noop("Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)"),
        items=_numbered(14, 1, 5, _WEMWBS_LABELS),
        scorer=wellbeing.score_wemwbs,
        score_columns=("total",),
        licence=LICENSED_WARWICK,
        tracked=(Tracked("total", gettext_noop("WEMWBS total"), True),),
    ),
    "EQ5D5L": Instrument(
        code="EQ5D5L",
        name=gettext_noop("EQ-5D-5L"),
        items=tuple(
            Item(dim, eq5d5l.SHORT_LABELS[dim], 1, 5, choices=tuple(eq5d5l.LEVEL_LABELS.items()))
            for dim in eq5d5l.DIMENSIONS
        )
        + (Item("vas", eq5d5l.SHORT_LABELS["vas"], 0, 100, required=False),),
        scorer=eq5d5l.score,
        score_columns=("index", "value_set"),
        licence=LICENSED_EUROQOL,
        tracked=(
            Tracked("index", gettext_noop("EQ-5D-5L index"), True),
            Tracked("vas", gettext_noop("EQ VAS"), True),
        ),
        uses_value_set=True,
    ),
    "UCLA3": Instrument(
        code="UCLA3",
        name=gettext_noop("UCLA 3-item loneliness scale"),
        items=tuple(
            Item(
                key,
                loneliness.UCLA3_QUESTIONS[key],
                1,
                3,
                choices=tuple(loneliness.UCLA3_ANSWERS.items()),
                question=loneliness.UCLA3_QUESTIONS[key],
            )
            for key in loneliness.UCLA3_ITEMS
        ),
        scorer=loneliness.score_ucla3,
        score_columns=("total", "band"),
        licence=NONE,
        tracked=(Tracked("total", gettext_noop("UCLA-3 loneliness score"), False),),
    ),
    "ONS_LONELINESS": Instrument(
        code="ONS_LONELINESS",
        name=gettext_noop("ONS loneliness question"),
        items=(
            Item(
                "response",
                gettext_noop("How often do you feel lonely?"),
                choices=tuple(loneliness.ONS_ANSWERS.items()),
                question=loneliness.ONS_QUESTION,
            ),
        ),
        scorer=loneliness.score_ons_loneliness,
        score_columns=("band",),
        licence=OGL,
        tracked=(),
    ),
    "GOAL_PROGRESS": Instrument(
        code="GOAL_PROGRESS",
        name=gettext_noop("Goal progress"),
        items=(Item("progress", gettext_noop("Progress towards the goal (1-10)"), 1, 10),),
        scorer=goals.score,
        score_columns=("total",),
        licence=NONE,
        tracked=(Tracked("total", gettext_noop("Goal progress"), True),),
    ),
}


def get_instrument(code: str) -> Instrument:
    """The instrument with this code (case-insensitive); ScoringError if there is none."""
    instrument = INSTRUMENTS.get(str(code).strip().upper())
    if instrument is None:
        raise ScoringError(
            [
                Problem(
                    "instrument",
                    gettext_noop("Unknown instrument %(code)s. Choose one of: %(choices)s."),
                    {"code": repr(code), "choices": ", ".join(INSTRUMENTS)},
                )
            ]
        )
    return instrument


def score(code: str, answers: Mapping[str, object], value_set: str | None = None) -> dict:
    """Score answers for an instrument by code."""
    return get_instrument(code).score(answers, value_set)


def to_json(scores: Mapping[str, object]) -> dict[str, object]:
    """Scores as JSON-ready values: Decimals become floats (3 or 2 d.p. survive exactly)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in scores.items()}
