"""SWEMWBS and WEMWBS (Warwick-Edinburgh Mental Wellbeing Scales).

Wording is licensed by Warwick Medical School; only short item labels ship here.

- WEMWBS: 14 items scored 1-5, total = sum, 14-70, no transformation.
- SWEMWBS: 7 items scored 1-5, raw total 7-35, converted to the metric score with the
  published Rasch-based conversion table (``data/swemwbs_conversion.csv``). The metric score
  is only defined for complete responses: a missing item means the response is not scored.
Neither scale is prorated (Warwick scoring guidance; ``data/wemwbs_rules.json``).

Meaningful change:
- SWEMWBS: Shah N et al. Responsiveness of the Short Warwick Edinburgh Mental Well-Being Scale
  (SWEMWBS): evaluation a clinical sample. Health Qual Life Outcomes 2018;16:239
  doi:10.1186/s12955-018-1060-2. At individual level 1 SEM = 1.03 metric points and
  2.77 SEM = 2.87 points; "a change of between 1 and 3 points meets thresholds for
  statistically important change, depending on standard used". We apply the stricter
  standard, 2.87 metric points (2.77 SEM).
- WEMWBS: Maheswaran H et al. Health Qual Life Outcomes 2012;10:156 report the SEM per study
  (2.4-3.1) but no single individual threshold; none is applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal
from functools import cache

from ._common import DATA_DIR, read_items

SWEMWBS_ITEMS: tuple[str, ...] = tuple(f"item{n}" for n in range(1, 8))
WEMWBS_ITEMS: tuple[str, ...] = tuple(f"item{n}" for n in range(1, 15))
ITEM_MIN, ITEM_MAX = 1, 5

SWEMWBS_MEANINGFUL_CHANGE = Decimal("2.87")  # Shah et al. 2018, 2.77 SEM (see module doc)


@cache
def swemwbs_conversion() -> dict[int, Decimal]:
    """Raw total (7-35) -> metric score, exactly as published (two decimal places)."""
    text = (DATA_DIR / "swemwbs_conversion.csv").read_text(encoding="utf-8")
    table = {
        int(row["raw_score"]): Decimal(row["metric_score"])
        for row in csv.DictReader(io.StringIO(text))
    }
    if sorted(table) != list(range(7, 36)):
        raise RuntimeError("swemwbs_conversion.csv must cover raw scores 7-35")
    return table


def swemwbs_metric(raw: int) -> Decimal:
    """The metric score for a raw SWEMWBS total; ValueError outside 7-35."""
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in swemwbs_conversion():
        raise ValueError(f"SWEMWBS raw score must be a whole number from 7 to 35, not {raw!r}")
    return swemwbs_conversion()[raw]


def score_swemwbs(answers: Mapping[str, object]) -> dict[str, object]:
    """Score SWEMWBS: {"raw": 7-35, "metric": Decimal}. ScoringError if any item is missing."""
    raw = sum(read_items(answers, SWEMWBS_ITEMS, ITEM_MIN, ITEM_MAX))
    return {"raw": raw, "metric": swemwbs_metric(raw)}


def score_wemwbs(answers: Mapping[str, object]) -> dict[str, object]:
    """Score WEMWBS: {"total": 14-70}. ScoringError if any item is missing."""
    return {"total": sum(read_items(answers, WEMWBS_ITEMS, ITEM_MIN, ITEM_MAX))}
