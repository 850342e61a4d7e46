"""EQ-5D-5L: a five-digit health profile (levels 1-5 per dimension), the VAS (0-100), and the
index value of the profile under a chosen value set.

Wording is licensed by the EuroQol Group; only short dimension labels ship here.

Value sets (``data/eq5d_value_sets.json``, ``data/eq5d5l_crosswalk_uk_vanhout2012.csv``; see
``data/ATTRIBUTION.md``):

- ``england-devlin-2018``: Devlin NJ et al., Health Econ 2018;27(1):7-22. Additive, no constant:
  index = 1 + sum of the decrement for each dimension's level (level 1 = 0).
- ``uk-rowen-2026``: Rowen D et al., A United Kingdom value set for the EQ-5D-5L,
  Value Health 2026. Same additive form, no constant.
- ``uk-crosswalk-vanhout-2012``: van Hout B et al., Value Health 2012;15(5):708-15, mapping the
  5L profile onto the UK 3L (Dolan 1997) value set. Looked up in the published table of all
  3,125 profiles, never recomputed: recomputing from the Dolan coefficients and the
  crosswalk probabilities differs at rounding boundaries.

Indexes are computed in Decimal so that, for example, 1 - 0.058 - 0.05 is exactly 0.892 and
matches published tables to the last digit.

Meaningful change: no single published minimally important difference applies to all three
value sets (estimates are value-set specific), so none is applied to the index.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ._common import DATA_DIR, Problem, ScoringError, gettext_noop, is_blank, read_whole_number

DIMENSIONS: tuple[str, ...] = (
    "mobility",
    "self_care",
    "usual_activities",
    "pain_discomfort",
    "anxiety_depression",
)
_PREFIX = {"mobility": "MO", "self_care": "SC", "usual_activities": "UA",
           "pain_discomfort": "PD", "anxiety_depression": "AD"}  # fmt: skip
SHORT_LABELS: dict[str, str] = {
    "mobility": gettext_noop("Mobility"),
    "self_care": gettext_noop("Self-care"),
    "usual_activities": gettext_noop("Usual activities"),
    "pain_discomfort": gettext_noop("Pain / discomfort"),
    "anxiety_depression": gettext_noop("Anxiety / depression"),
    "vas": gettext_noop("Health today (VAS, 0-100)"),
}
LEVEL_LABELS: dict[int, str] = {
    1: gettext_noop("Level 1 (no problems)"),
    2: gettext_noop("Level 2 (slight problems)"),
    3: gettext_noop("Level 3 (moderate problems)"),
    4: gettext_noop("Level 4 (severe problems)"),
    5: gettext_noop("Level 5 (unable to / extreme problems)"),
}
LEVEL_MIN, LEVEL_MAX = 1, 5
VAS_MIN, VAS_MAX = 0, 100

ENGLAND_DEVLIN_2018 = "england-devlin-2018"
UK_CROSSWALK_VANHOUT_2012 = "uk-crosswalk-vanhout-2012"
UK_ROWEN_2026 = "uk-rowen-2026"

# Default: NICE's reference case values EQ-5D with the UK 3L value set. Its position
# statement on the EQ-5D-5L value set for England (2019) does not recommend the Devlin 2018
# set and recommends mapping 5L responses with van Hout et al. (2012); the issue names that
# crosswalk as NICE's. (NICE's 2022 methods manual refers to the NICE DSU mapping of
# Hernandez Alava et al., which is not in our reference data.) NICE's position on the 2026
# UK 5L set is not stated in our sources, so it is not the default.
# Deployments choose with LINKWELL_EQ5D_VALUE_SET (docs: README "Scoring outcome measures").
DEFAULT_VALUE_SET = UK_CROSSWALK_VANHOUT_2012

UNKNOWN_VALUE_SET = gettext_noop("Unknown value set %(value_set)s. Choose one of: %(choices)s.")
BAD_PROFILE = gettext_noop(
    "Enter the profile as five digits from 1 to 5, one per dimension, for example 11213."
)

_PROFILE_RE = re.compile(r"[1-5]{5}")


@dataclass(frozen=True)
class ValueSet:
    code: str
    name: str
    kind: str  # "additive" (coefficients) or "table" (published lookup)
    data_key: str
    citation: str


VALUE_SETS: dict[str, ValueSet] = {
    ENGLAND_DEVLIN_2018: ValueSet(
        ENGLAND_DEVLIN_2018,
        gettext_noop("England 5L value set (Devlin et al. 2018)"),
        "additive",
        "england_devlin2018_5L",
        "Devlin NJ et al. Health Econ 2018;27(1):7-22 doi:10.1002/hec.3564",
    ),
    UK_CROSSWALK_VANHOUT_2012: ValueSet(
        UK_CROSSWALK_VANHOUT_2012,
        gettext_noop("UK 3L value set via the 5L crosswalk (van Hout et al. 2012)"),
        "table",
        "uk_crosswalk_vanhout2012",
        "van Hout B et al. Value Health 2012;15(5):708-15 doi:10.1016/j.jval.2012.02.008",
    ),
    UK_ROWEN_2026: ValueSet(
        UK_ROWEN_2026,
        gettext_noop("UK 5L value set (Rowen et al. 2026)"),
        "additive",
        "uk_rowen2026_5L",
        "Rowen D et al. Value Health 2026 doi:10.1016/j.jval.2026.03.008",
    ),
}


@cache
def _value_set_file() -> dict:
    return json.loads(
        (DATA_DIR / "eq5d_value_sets.json").read_text(encoding="utf-8"), parse_float=Decimal
    )


@cache
def additive_coefficients(code: str) -> tuple[Decimal, dict[str, dict[int, Decimal]]]:
    """(start value, dimension -> level -> decrement) for an additive value set.

    Checks the file says the set is additive with no constant, so a set with an intercept
    or an N3-style term is never silently scored with the wrong formula.
    """
    entry = _value_set_file()[VALUE_SETS[code].data_key]
    model = entry["model"]
    if "additive" not in model or "no constant" not in model:
        raise RuntimeError(f"{code}: expected an additive model with no constant, got {model!r}")
    coefficients = entry["coefficients"]
    expected = {"StartValue"} | {f"{p}{lvl}" for p in _PREFIX.values() for lvl in range(2, 6)}
    if set(coefficients) != expected:
        raise RuntimeError(
            f"{code}: unexpected coefficients {sorted(set(coefficients) ^ expected)}"
        )
    decrements = {
        dim: {1: Decimal(0)} | {lvl: Decimal(coefficients[f"{p}{lvl}"]) for lvl in range(2, 6)}
        for dim, p in _PREFIX.items()
    }
    return Decimal(coefficients["StartValue"]), decrements


@cache
def crosswalk_table() -> dict[str, Decimal]:
    """Profile -> index from the published van Hout crosswalk table (all 3,125 profiles)."""
    raw = gzip.decompress((DATA_DIR / "eq5d5l_crosswalk_uk_vanhout2012.csv.gz").read_bytes())
    table = {
        row["profile"]: Decimal(row["index"])
        for row in csv.DictReader(io.StringIO(raw.decode("utf-8")))
    }
    if len(table) != 5**5:
        raise RuntimeError("the crosswalk table must list all 3,125 EQ-5D-5L profiles")
    return table


def check_value_set(value_set: str) -> str:
    """Return the value set code, or raise ScoringError naming the known ones."""
    if value_set not in VALUE_SETS:
        raise ScoringError(
            [Problem("value_set", UNKNOWN_VALUE_SET,
                     {"value_set": repr(value_set), "choices": ", ".join(VALUE_SETS)})]
        )  # fmt: skip
    return value_set


def parse_profile(profile: object) -> str:
    """Normalise a profile: "12345" (or the int 12345) -> "12345"; ScoringError otherwise."""
    text = (
        str(profile).strip()
        if isinstance(profile, str | int) and not isinstance(profile, bool)
        else ""
    )
    if not _PROFILE_RE.fullmatch(text):
        raise ScoringError([Problem("profile", BAD_PROFILE)])
    return text


def index(profile: str | int, value_set: str = DEFAULT_VALUE_SET) -> Decimal:
    """The index value of a five-digit profile under a value set, to three decimal places."""
    profile = parse_profile(profile)
    check_value_set(value_set)
    if VALUE_SETS[value_set].kind == "table":
        return crosswalk_table()[profile]
    start, decrements = additive_coefficients(value_set)
    total = start + sum(
        (decrements[dim][int(level)] for dim, level in zip(DIMENSIONS, profile, strict=True)),
        Decimal(0),
    )
    return total.quantize(Decimal("0.001"))


def score(answers: Mapping[str, object], value_set: str = DEFAULT_VALUE_SET) -> dict[str, object]:
    """Score an EQ-5D-5L response: five dimension levels (required) and the VAS (optional).

    Returns {"profile", "index" (Decimal), "value_set", "vas" (int or None)}.
    """
    problems: list[Problem] = []
    try:
        check_value_set(value_set)
    except ScoringError as exc:
        problems.extend(exc.problems)
    levels = [read_whole_number(answers, dim, LEVEL_MIN, LEVEL_MAX, problems) for dim in DIMENSIONS]
    vas = read_whole_number(answers, "vas", VAS_MIN, VAS_MAX, problems, required=False)
    if problems:
        raise ScoringError(problems)
    profile = "".join(str(level) for level in levels)
    return {
        "profile": profile,
        "index": index(profile, value_set),
        "value_set": value_set,
        "vas": vas,
    }


def answers_from_profile(profile: str | int, vas: object = None) -> dict[str, object]:
    """Turn "12345" into the answers mapping score() takes."""
    profile = parse_profile(profile)
    answers: dict[str, object] = dict(zip(DIMENSIONS, (int(c) for c in profile), strict=True))
    if not is_blank(vas):
        answers["vas"] = vas
    return answers
