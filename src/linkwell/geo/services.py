"""Postcode → area (location, LSOA, deprivation), and the imports that load the tables.

Lookup order for a postcode (`area_for_postcode`): the deployment's imported postcodes, then
the packaged SR postcodes, then the imported district centres, then the packaged districts. A
full postcode always beats a district centre; imported data beats packaged data at the same
precision. Deprivation comes from imported LSOA rows, else the packaged IMD 2019 file, so an
imported NSPL gets deciles without `import-imd`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction

from linkwell.lib.postcode import (
    DATA_DIR,
    OUTWARD_PATTERNS,
    Area,
    InvalidPostcode,
    lookup_area,
    normalise_postcode,
)

from .models import LsoaDeprivation, PostcodePoint

BATCH_SIZE = 2000
PROGRESS_EVERY = 100_000
MAX_REPORTED_ERRORS = 50

_DISTRICT_RE = re.compile(rf"{'|'.join(OUTWARD_PATTERNS)}|GIR")
_AREA_CODE_RE = re.compile(r"[A-Z][0-9]{8}")
# NSPL/ONSPD placeholder for postcodes without a grid reference.
_NO_COORDS_LAT = 99.999999


# ---------------------------------------------------------------- lookup


@cache
def _packaged_imd() -> dict[str, tuple[int, int]]:
    raw = DATA_DIR.joinpath("imd2019_lsoa11.csv.gz").read_bytes()
    with gzip.open(io.BytesIO(raw), "rt", encoding="utf-8") as f:
        return {r["lsoa11"]: (int(r["imd_rank"]), int(r["imd_decile"])) for r in csv.DictReader(f)}


def deprivation_for_lsoa(lsoa11: str) -> tuple[int, int] | None:
    """(IMD rank, IMD decile) of a 2011 LSOA: imported rows first, then packaged IMD 2019."""
    if not lsoa11:
        return None
    row = LsoaDeprivation.objects.filter(lsoa11=lsoa11).values_list("imd_rank", "imd_decile")
    found = row.first()
    if found is not None:
        return found
    return _packaged_imd().get(lsoa11)


def _area(*, postcode: str, point: PostcodePoint, find=deprivation_for_lsoa) -> Area:
    lsoa = point.lsoa11
    deprivation = find(lsoa)
    if deprivation is None and not lsoa and point.lsoa21:
        # An unchanged 2021 LSOA keeps its 2011 code, so IMD 2019 still applies to it.
        deprivation = find(point.lsoa21)
        if deprivation is not None:
            lsoa = point.lsoa21
    rank, decile = deprivation if deprivation else (None, None)
    return Area(
        postcode=postcode,
        district=postcode.split(" ")[0],
        lat=point.lat,
        long=point.long,
        lsoa11=lsoa,
        imd_rank=rank,
        imd_decile=decile,
        imd_quintile=None if decile is None else (decile + 1) // 2,
        source="district" if point.is_district else "postcode",
    )


def area_for_postcode(postcode: str) -> Area | None:
    """Locate a postcode (see the module docstring for the order). None when malformed or
    unknown everywhere, even as a district."""
    try:
        postcode = normalise_postcode(postcode)
    except InvalidPostcode:
        return None
    district = postcode.split(" ")[0]
    points = {
        p.postcode: p
        for p in PostcodePoint.objects.filter(
            postcode__in=[postcode, district], lat__isnull=False, long__isnull=False
        )
    }
    if postcode in points:
        return _area(postcode=postcode, point=points[postcode])
    packaged = lookup_area(postcode)
    if packaged is not None and packaged.source == "postcode":
        imported = LsoaDeprivation.objects.filter(lsoa11=packaged.lsoa11).first()
        if imported is None:
            return packaged
        return _area(
            postcode=postcode,
            point=PostcodePoint(lat=packaged.lat, long=packaged.long, lsoa11=packaged.lsoa11),
        )
    if district in points:
        return _area(postcode=postcode, point=points[district])
    return packaged


LOOKUP_BATCH = 500


def areas_for_postcodes(postcodes: Iterable[str]) -> dict[str, Area | None]:
    """`area_for_postcode` of many postcodes, keyed by each postcode as given: the same
    answers, in two queries per LOOKUP_BATCH postcodes (imported points of the postcodes and
    their districts, then imported deprivation of every LSOA they may need) instead of two or
    more per postcode. Used by the directory import, where a chunk has hundreds of postcodes."""
    normal: dict[str, str | None] = {}
    for raw in postcodes:
        try:
            normal[raw] = normalise_postcode(raw)
        except InvalidPostcode:
            normal[raw] = None
    found: dict[str, Area | None] = {}
    distinct = sorted({p for p in normal.values() if p})
    for start in range(0, len(distinct), LOOKUP_BATCH):
        found.update(_areas_batch(distinct[start : start + LOOKUP_BATCH]))
    return {raw: found[pc] if pc else None for raw, pc in normal.items()}


def _areas_batch(postcodes: list[str]) -> dict[str, Area | None]:
    """The steps of `area_for_postcode` for normalised postcodes, with the rows read at once."""
    keys = set(postcodes) | {pc.split(" ")[0] for pc in postcodes}
    points = {
        p.postcode: p
        for p in PostcodePoint.objects.filter(
            postcode__in=sorted(keys), lat__isnull=False, long__isnull=False
        )
    }
    packaged = {pc: lookup_area(pc) for pc in postcodes}
    lsoas = {code for p in points.values() for code in (p.lsoa11, p.lsoa21) if code}
    lsoas |= {a.lsoa11 for a in packaged.values() if a and a.source == "postcode" and a.lsoa11}
    imported = (
        {
            row[0]: (row[1], row[2])
            for row in LsoaDeprivation.objects.filter(lsoa11__in=sorted(lsoas)).values_list(
                "lsoa11", "imd_rank", "imd_decile"
            )
        }
        if lsoas
        else {}
    )

    def deprivation(lsoa11: str) -> tuple[int, int] | None:
        if not lsoa11:
            return None
        if lsoa11 in imported:
            return imported[lsoa11]
        return _packaged_imd().get(lsoa11)

    out: dict[str, Area | None] = {}
    for postcode in postcodes:
        district = postcode.split(" ")[0]
        area = packaged[postcode]
        if postcode in points:
            out[postcode] = _area(postcode=postcode, point=points[postcode], find=deprivation)
        elif area is not None and area.source == "postcode":
            if area.lsoa11 not in imported:
                out[postcode] = area
            else:
                point = PostcodePoint(lat=area.lat, long=area.long, lsoa11=area.lsoa11)
                out[postcode] = _area(postcode=postcode, point=point, find=deprivation)
        elif district in points:
            out[postcode] = _area(postcode=postcode, point=points[district], find=deprivation)
        else:
            out[postcode] = area
    return out


# ---------------------------------------------------------------- imports


class BrokenFile(Exception):
    """The file cannot be imported at all; nothing from it was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    @property
    def skipped(self) -> int:
        return self.error_count

    def add_error(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason))


Progress = Callable[[int], None]


def _open_text(path: Path):
    """A text stream over a CSV file, gzip detected by its magic bytes."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
    except OSError as exc:
        raise BrokenFile(f"Cannot read {path}: {exc.strerror or exc}") from None
    opener = gzip.open if magic == b"\x1f\x8b" else open
    return opener(path, "rt", encoding="utf-8-sig", newline="")


def _unreadable(path: Path, exc: Exception) -> BrokenFile:
    return BrokenFile(f"{path.name} is not a readable CSV file ({exc}).")


_READ_ERRORS = (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error, OSError)


def _header(path: Path) -> list[str]:
    try:
        with _open_text(path) as f:
            header = next(csv.reader(f), None)
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from None
    if not header:
        raise BrokenFile(f"{path.name} is empty.")
    return [h.strip().lower() for h in header]


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(line number, row keyed by lower-cased header), or None for a row of the wrong width."""
    try:
        with _open_text(path) as f:
            reader = csv.reader(f)
            names = [h.strip().lower() for h in next(reader)]
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(names):
                    yield reader.line_num, None
                    continue
                yield reader.line_num, dict(zip(names, values, strict=True))
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from None


def _pick(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    for name in candidates:
        if name in columns:
            return name
    return None


def _float(value: str, name: str, low: float, high: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None
    if not low <= number <= high:
        raise ValueError(f"{name} {value!r} is out of range")
    return number


def _area_code(value: str, name: str) -> str:
    value = value.strip().upper()
    if value and not _AREA_CODE_RE.fullmatch(value):
        raise ValueError(f"{name} {value!r} is not an area code like E01008703")
    return value


POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
LAT_COLUMNS = ("lat", "latitude")
LONG_COLUMNS = ("long", "longitude", "lng", "lon")
LSOA11_COLUMNS = ("lsoa11", "lsoa11cd", "lsoa", "lsoa code")
LSOA21_COLUMNS = ("lsoa21", "lsoa21cd")


def _postcode_point(row: dict[str, str], cols: dict[str, str | None]) -> dict:
    raw = row[cols["postcode"]].strip()
    try:
        postcode, is_district = normalise_postcode(raw), False
    except InvalidPostcode:
        district = " ".join(raw.upper().split())
        if not _DISTRICT_RE.fullmatch(district):
            raise ValueError(f"{raw!r} is not a UK postcode or postcode district") from None
        postcode, is_district = district, True
    lat = _float(row[cols["lat"]], "latitude", -90, 100)
    long = _float(row[cols["long"]], "longitude", -180, 180)
    if lat is not None and lat >= _NO_COORDS_LAT:
        lat = long = None
    elif lat is not None and lat > 90:
        raise ValueError(f"latitude {lat} is out of range")
    if (lat is None) != (long is None):
        raise ValueError("latitude and longitude must both be given or both be blank")
    return {
        "postcode": postcode,
        "is_district": is_district,
        "lat": lat,
        "long": long,
        "lsoa11": _area_code(row[cols["lsoa11"]], "LSOA") if cols["lsoa11"] else "",
        "lsoa21": _area_code(row[cols["lsoa21"]], "LSOA") if cols["lsoa21"] else "",
    }


def _upsert(model, key: str, batch: dict[str, dict], source: str, result: ImportResult) -> None:
    if not batch:
        return
    existing = set(model.objects.filter(**{f"{key}__in": list(batch)}).values_list(key, flat=True))
    objs = [model(source=source, **values) for values in batch.values()]
    fields = [f for f in next(iter(batch.values())) if f != key] + ["source"]
    if model is PostcodePoint:
        fields.append("imported_at")
    model.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=[key], update_fields=fields
    )
    result.updated += len(existing)
    result.created += len(batch) - len(existing)
    batch.clear()


def _run_import(
    *,
    path: Path,
    model,
    key: str,
    parse: Callable[[dict[str, str]], dict],
    source: str,
    progress: Progress | None,
) -> ImportResult:
    result = ImportResult()
    batch: dict[str, dict] = {}
    with transaction.atomic():
        for line, row in _read_rows(path):
            result.rows += 1
            if row is None:
                result.add_error(line, "has a different number of fields from the header")
            else:
                try:
                    values = parse(row)
                except ValueError as exc:
                    result.add_error(line, str(exc))
                else:
                    # A later row for the same key wins, as it would in sequence.
                    batch[values[key]] = values
            if len(batch) >= BATCH_SIZE:
                _upsert(model, key, batch, source, result)
            if progress and result.rows % PROGRESS_EVERY == 0:
                progress(result.rows)
        _upsert(model, key, batch, source, result)
        if result.rows == 0:
            raise BrokenFile(f"{path.name} has a header but no rows.")
        if result.error_count == result.rows:
            # Nothing usable: almost certainly the wrong file. Keep the database as it was.
            raise BrokenFile(
                f"Every row of {path.name} had an error, so nothing was imported "
                f"(first: line {result.errors[0][0]}: {result.errors[0][1]})."
            )
    return result


def postcode_points_import(
    *, path: Path, source: str = "", progress: Progress | None = None
) -> ImportResult:
    """Upsert postcode (or district) centres from an NSPL/ONSPD-style CSV (optionally gzip).

    Bad rows are reported and skipped; an unreadable file, missing columns, or a file whose
    every row is bad raises BrokenFile and saves nothing (one transaction).
    """
    path = Path(path)
    columns = _header(path)
    cols = {
        "postcode": _pick(columns, POSTCODE_COLUMNS),
        "lat": _pick(columns, LAT_COLUMNS),
        "long": _pick(columns, LONG_COLUMNS),
        "lsoa11": _pick(columns, LSOA11_COLUMNS),
        "lsoa21": _pick(columns, LSOA21_COLUMNS),
    }
    missing = [
        label
        for label, key in (("postcode", "postcode"), ("latitude", "lat"), ("longitude", "long"))
        if cols[key] is None
    ]
    if missing:
        raise BrokenFile(
            f"{path.name} has no {' or '.join(missing)} column. Expected columns named "
            f"{'|'.join(POSTCODE_COLUMNS)}, {'|'.join(LAT_COLUMNS)}, {'|'.join(LONG_COLUMNS)} "
            f"and optionally lsoa11|lsoa21|lsoa."
        )
    return _run_import(
        path=path,
        model=PostcodePoint,
        key="postcode",
        parse=lambda row: _postcode_point(row, cols),
        source=source or path.name,
        progress=progress,
    )


IMD_LSOA_COLUMNS = ("lsoa code (2011)", "lsoa11cd", "lsoa11", "lsoa")
IMD_RANK_PREFIXES = ("index of multiple deprivation (imd) rank", "imd_rank", "imd rank")
IMD_DECILE_PREFIXES = ("index of multiple deprivation (imd) decile", "imd_decile", "imd decile")


def _pick_prefix(columns: list[str], prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        for name in columns:
            if name.startswith(prefix):
                return name
    return None


def _deprivation(row: dict[str, str], cols: dict[str, str]) -> dict:
    lsoa = _area_code(row[cols["lsoa"]], "LSOA")
    if not lsoa:
        raise ValueError("the LSOA code is blank")
    try:
        rank = int(row[cols["rank"]].strip())
        decile = int(row[cols["decile"]].strip())
    except ValueError:
        raise ValueError("IMD rank and decile must be whole numbers") from None
    if rank < 1:
        raise ValueError(f"IMD rank {rank} must be 1 or more")
    if not 1 <= decile <= 10:
        raise ValueError(f"IMD decile {decile} must be from 1 to 10")
    return {"lsoa11": lsoa, "imd_rank": rank, "imd_decile": decile}


def lsoa_deprivation_import(
    *, path: Path, year: int = 2019, source: str = "", progress: Progress | None = None
) -> ImportResult:
    """Upsert IMD rank and decile by 2011 LSOA from the English IoD 2019 LSOA file layout."""
    path = Path(path)
    columns = _header(path)
    cols = {
        "lsoa": _pick(columns, IMD_LSOA_COLUMNS),
        "rank": _pick_prefix(columns, IMD_RANK_PREFIXES),
        "decile": _pick_prefix(columns, IMD_DECILE_PREFIXES),
    }
    if None in cols.values():
        raise BrokenFile(
            f"{path.name} does not look like an IoD LSOA file: it needs 'LSOA code (2011)', "
            "'Index of Multiple Deprivation (IMD) Rank' and '… Decile' columns."
        )

    def parse(row: dict[str, str]) -> dict:
        return {**_deprivation(row, cols), "year": year}

    return _run_import(
        path=path,
        model=LsoaDeprivation,
        key="lsoa11",
        parse=parse,
        source=source or path.name,
        progress=progress,
    )
