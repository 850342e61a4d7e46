"""Batch scoring of CSV files for evaluators (used by ``linkwell score``).

Input: UTF-8 CSV, with or without a byte-order mark, one response per row, with a header row
naming the instrument's item columns (``INSTRUMENTS[code].item_keys``). Other columns (ids,
dates) pass through unchanged. Output: the input columns, then the instrument's score
columns, then ``error``. A row that cannot be scored has its score columns blank and the
reason in ``error``; it is never partly scored.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .instruments import Instrument, ScoringError

ERROR_COLUMN = "error"


class BatchError(Exception):
    """The file as a whole cannot be processed (unreadable, wrong columns)."""


@dataclass
class BatchResult:
    rows: int = 0
    scored: int = 0
    errors: int = 0


def format_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)  # already at the published precision (3 d.p. index, 2 d.p. metric)
    return str(value)


def describe(error: ScoringError) -> str:
    parts = []
    for problem in error.problems:
        text = problem.text()
        parts.append(text if problem.field == "__all__" else f"{problem.field}: {text}")
    return "; ".join(parts)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str | None]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BatchError(f"Cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchError(
            f"{path} is not UTF-8 (byte {exc.start} cannot be decoded). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise BatchError(f"{path} is empty: it needs a header row.")
    reader.fieldnames = header
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise BatchError(f"{path} is not a valid CSV file: {exc}") from None
    return header, rows


def check_columns(instrument: Instrument, header: list[str]) -> list[str]:
    missing = [key for key in instrument.required_columns if key not in header]
    if missing:
        raise BatchError(
            f"The input has no column {', '.join(missing)}. {instrument.code} needs the columns "
            f"{', '.join(instrument.item_keys)}"
            + (" (vas optional)" if "vas" in instrument.item_keys else "")
            + "."
        )
    added = [*instrument.score_columns, ERROR_COLUMN]
    clash = [name for name in added if name in header]
    if clash:
        raise BatchError(
            f"The input already has the column {', '.join(clash)}, which the output adds. "
            "Rename or remove it."
        )
    if len(set(header)) != len(header):
        raise BatchError("The header names a column twice.")
    return [*header, *added]


def score_rows(
    instrument: Instrument, rows: Iterable[dict[str, str | None]], value_set: str | None
) -> tuple[list[dict[str, str]], BatchResult]:
    result = BatchResult()
    out: list[dict[str, str]] = []
    for row in rows:
        result.rows += 1
        extra = row.pop(None, None)  # type: ignore[call-overload]
        written = {k: ("" if v is None else v) for k, v in row.items()}
        if extra:
            error = "The row has more values than the header has columns."
        else:
            try:
                scores = instrument.score(row, value_set)
            except ScoringError as exc:
                error = describe(exc)
            else:
                error = ""
                for column in instrument.score_columns:
                    written[column] = format_value(scores.get(column))
        if error:
            result.errors += 1
            for column in instrument.score_columns:
                written[column] = ""
        else:
            result.scored += 1
        written[ERROR_COLUMN] = error
        out.append(written)
    return out, result


def score_file(
    instrument: Instrument, input_path: Path, output_path: Path, value_set: str | None
) -> BatchResult:
    """Score a whole file; the output appears only when complete (written then renamed)."""
    header, rows = read_rows(input_path)
    columns = check_columns(instrument, header)
    scored, result = score_rows(instrument, rows, value_set)
    directory = output_path.resolve().parent
    if not directory.is_dir():
        raise BatchError(f"The output folder {directory} does not exist.")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".score-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerows(scored)
        os.replace(tmp, output_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result
