"""Comparison-group CSV for ``linkwell evaluate --comparison FILE.csv`` (pure: no Django).

One row per person in the comparison group (e.g. matched controls), UTF-8, with a header:

==================  ==========  ==========================================================
column              required    meaning
==================  ==========  ==========================================================
id                  yes         the evaluator's own row id (any text, unique, no names)
cost                yes         cost per person over the follow-up, in £ (e.g. 120 or 120.50)
qaly                see below   QALYs over the follow-up (area under the utility curve)
utility_baseline    see below   EQ-5D index at baseline (−1 to 1)
utility_followup    see below   EQ-5D index at follow-up (−1 to 1)
followup_years      see below   time from baseline to follow-up in years (0 < t ≤ 10)
arm                 no          if given: ``comparison`` or ``control``
==================  ==========  ==========================================================

Each row needs either ``qaly``, or all three of ``utility_baseline``, ``utility_followup``
and ``followup_years`` (QALYs are then the trapezoid area, as for the intervention group).
With ``utility_baseline`` on every row, ΔQALY is adjusted for baseline utility; with
``utility_baseline`` and ``utility_followup`` on every row, a difference-in-differences
estimate of the change in utility is also given.

Errors are collected for the whole file (file-level problems, then each bad row with its
line number, header = line 1) and raised together; nothing is used unless every row is valid.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

REQUIRED = ("id", "cost")
UTILITY_COLUMNS = ("utility_baseline", "utility_followup", "followup_years")
OPTIONAL = ("qaly", *UTILITY_COLUMNS, "arm")
KNOWN = REQUIRED + OPTIONAL
ARMS = {"comparison", "control"}
MAX_ROWS = 1_000_000
MAX_ERRORS = 50
UTILITY_MIN, UTILITY_MAX = -1.0, 1.0
MAX_YEARS = 10.0
MAX_COST = 10_000_000.0


class ComparisonError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more problems" if more > 0 else "")
        super().__init__(text)


@dataclass(frozen=True)
class ComparisonRow:
    id: str
    cost: float
    qaly: float
    utility_baseline: float | None
    utility_followup: float | None
    followup_years: float | None


@dataclass(frozen=True)
class ComparisonGroup:
    rows: tuple[ComparisonRow, ...]

    @property
    def costs(self) -> list[float]:
        return [r.cost for r in self.rows]

    @property
    def qalys(self) -> list[float]:
        return [r.qaly for r in self.rows]

    @property
    def has_baseline(self) -> bool:
        return bool(self.rows) and all(r.utility_baseline is not None for r in self.rows)

    @property
    def has_before_after(self) -> bool:
        return self.has_baseline and all(r.utility_followup is not None for r in self.rows)

    @property
    def baselines(self) -> list[float | None]:
        return [r.utility_baseline for r in self.rows]

    @property
    def followups(self) -> list[float | None]:
        return [r.utility_followup for r in self.rows]

    @property
    def mean_followup_years(self) -> float | None:
        years = [r.followup_years for r in self.rows if r.followup_years is not None]
        return sum(years) / len(years) if years else None


def _show(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def _number(raw: str, column: str, line: int, problems: list[str], *, lo, hi, lo_open=False):
    text = (raw or "").strip().replace(",", "").lstrip("£")
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(f"Line {line}: {column} must be a number, not {raw.strip()!r}.")
        return None
    if not math.isfinite(value):
        problems.append(f"Line {line}: {column} must be a number, not {raw.strip()!r}.")
        return None
    if (value <= lo if lo_open else value < lo) or value > hi:
        bound = f"more than {_show(lo)}" if lo_open else f"at least {_show(lo)}"
        problems.append(
            f"Line {line}: {column} must be {bound} and at most {_show(hi)}, not {_show(value)}."
        )
        return None
    return value


def parse_comparison(text: str) -> ComparisonGroup:
    """Parse and check a comparison CSV's text; raise ComparisonError listing every problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ComparisonError(["The comparison file is empty: it needs a header row."])
    problems: list[str] = []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"Missing required column(s): {', '.join(missing)}.")
    if "qaly" not in header and not all(c in header for c in UTILITY_COLUMNS):
        absent = [c for c in UTILITY_COLUMNS if c not in header]
        problems.append(
            "Give a qaly column, or utility_baseline, utility_followup and followup_years "
            f"(missing: {', '.join(['qaly', *absent])})."
        )
    unknown = [c for c in header if c not in KNOWN]
    if unknown:
        problems.append(
            f"Unknown column(s): {', '.join(unknown)}. Known columns: {', '.join(KNOWN)}."
        )
    if len(set(header)) != len(header):
        problems.append("A column name appears more than once in the header.")
    if problems:
        raise ComparisonError(problems)
    reader.fieldnames = header

    rows: list[ComparisonRow] = []
    seen: set[str] = set()
    for count, raw in enumerate(reader, start=1):
        line = reader.line_num
        if count > MAX_ROWS:
            problems.append(f"The file has more than {MAX_ROWS:,} rows.")
            break
        if None in raw:  # more cells than header columns
            problems.append(f"Line {line}: more values than columns in the header.")
            continue
        if all((v or "").strip() == "" for v in raw.values()):
            continue  # a blank line
        row_problems: list[str] = []
        ident = (raw.get("id") or "").strip()
        if not ident:
            row_problems.append(f"Line {line}: id is empty.")
        elif ident in seen:
            row_problems.append(f"Line {line}: id {ident!r} appears more than once.")
        seen.add(ident)
        arm = (raw.get("arm") or "").strip().lower()
        if "arm" in header and arm not in ARMS:
            row_problems.append(
                f"Line {line}: arm must be 'comparison' or 'control', not {arm!r} (the file "
                "holds the comparison group only)."
            )
        cost = _number(raw.get("cost", ""), "cost", line, row_problems, lo=0, hi=MAX_COST)
        if cost is None and not any(p.startswith(f"Line {line}: cost") for p in row_problems):
            row_problems.append(f"Line {line}: cost is empty.")
        ub = _number(raw.get("utility_baseline", ""), "utility_baseline", line, row_problems,
                     lo=UTILITY_MIN, hi=UTILITY_MAX)  # fmt: skip
        uf = _number(raw.get("utility_followup", ""), "utility_followup", line, row_problems,
                     lo=UTILITY_MIN, hi=UTILITY_MAX)  # fmt: skip
        years = _number(raw.get("followup_years", ""), "followup_years", line, row_problems,
                        lo=0, hi=MAX_YEARS, lo_open=True)  # fmt: skip
        qaly = _number(raw.get("qaly", ""), "qaly", line, row_problems, lo=-MAX_YEARS,
                       hi=MAX_YEARS)  # fmt: skip
        if qaly is None and not any(p.startswith(f"Line {line}: qaly") for p in row_problems):
            if ub is not None and uf is not None and years is not None:
                qaly = (ub + uf) / 2.0 * years
            elif not row_problems:
                row_problems.append(
                    f"Line {line}: give qaly, or utility_baseline, utility_followup and "
                    "followup_years."
                )
        problems.extend(row_problems)
        if not row_problems and cost is not None and qaly is not None:
            rows.append(ComparisonRow(ident, cost, qaly, ub, uf, years))
    if problems:
        raise ComparisonError(problems)
    if len(rows) < 2:
        raise ComparisonError(["The comparison file needs at least two people (rows)."])
    return ComparisonGroup(tuple(rows))


def read_comparison(path: str | Path, *, max_bytes: int = 200 * 1024 * 1024) -> ComparisonGroup:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ComparisonError([f"Cannot read the comparison file: {exc.strerror}."]) from None
    if size > max_bytes:
        raise ComparisonError([f"The comparison file is larger than {max_bytes:,} bytes."])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ComparisonError(["The comparison file must be UTF-8 text (CSV)."]) from None
    return parse_comparison(text)
