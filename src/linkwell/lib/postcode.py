"""UK postcode validation and area lookup (location and deprivation).

Pure functions over the gzip CSVs in linkwell/data (see data/ATTRIBUTION.md).
No Django imports: this module must work without settings. Error messages are
English constants marked for makemessages; the form layer translates them with
``gettext(exc.message)``.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, NamedTuple


def gettext_noop(message: str) -> str:
    """Mark a string for makemessages without touching Django settings."""
    return message


INVALID_POSTCODE = gettext_noop("Enter a valid UK postcode, for example SR1 1AA.")

# Outward code per the UK standard (BS 7666): the letters allowed in each position.
_FIRST = "[A-PR-UWYZ]"  # not Q, V, X
_SECOND = "[A-HK-Y]"  # not I, J, Z
OUTWARD_PATTERNS = (
    rf"{_FIRST}[0-9]{{1,2}}",  # A9, A99
    rf"{_FIRST}{_SECOND}[0-9]{{1,2}}",  # AA9, AA99
    rf"{_FIRST}[0-9][A-HJKPSTUW]",  # A9A
    rf"{_FIRST}{_SECOND}[0-9][ABEHMNPRVWXY]",  # AA9A
)
INWARD_PATTERN = "[0-9][ABD-HJLNP-UW-Z]{2}"  # not C, I, K, M, O, V
_POSTCODE_RE = re.compile(
    rf"(?P<outward>{'|'.join(OUTWARD_PATTERNS)}|GIR) ?(?P<inward>{INWARD_PATTERN})"
)
_GIR_INWARD = "0AA"  # GIR is only valid as GIR 0AA

DATA_DIR = files("linkwell") / "data"


class InvalidPostcode(ValueError):
    def __init__(self, message: str = INVALID_POSTCODE) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Area:
    postcode: str
    district: str
    lat: float | None
    long: float | None
    lsoa11: str
    imd_rank: int | None  # IMD 2019 rank of the LSOA, 1 = most deprived in England
    imd_decile: int | None  # 1 = most deprived 10%
    imd_quintile: int | None  # 1 = most deprived 20%
    source: Literal["postcode", "district"]


class _PostcodeRow(NamedTuple):
    lat: float | None
    long: float | None
    lsoa11: str
    imd_rank: int | None
    imd_decile: int | None
    terminated: bool


def normalise_postcode(raw: str) -> str:
    """Return the canonical form ("SR1 1AA") or raise InvalidPostcode."""
    if not isinstance(raw, str):
        raise InvalidPostcode
    text = " ".join(raw.upper().split())
    match = _POSTCODE_RE.fullmatch(text)
    if not match or (match["outward"] == "GIR" and match["inward"] != _GIR_INWARD):
        raise InvalidPostcode
    return f"{match['outward']} {match['inward']}"


def is_valid_postcode(raw: str) -> bool:
    try:
        normalise_postcode(raw)
    except InvalidPostcode:
        return False
    return True


def postcode_district(postcode: str) -> str:
    """Outward code of a postcode, e.g. "SR1" for "sr11aa"."""
    return normalise_postcode(postcode).split(" ")[0]


def _read_gzip_csv(name: str) -> list[dict[str, str]]:
    with gzip.open(io.BytesIO(DATA_DIR.joinpath(name).read_bytes()), "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _float(value: str) -> float | None:
    return float(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


@cache
def _postcodes() -> dict[str, _PostcodeRow]:
    return {
        r["postcode"]: _PostcodeRow(
            lat=_float(r["lat"]),
            long=_float(r["long"]),
            lsoa11=r["lsoa11"],
            imd_rank=_int(r["imd_rank"]),
            imd_decile=_int(r["imd_decile"]),
            terminated=r["terminated"] == "1",
        )
        for r in _read_gzip_csv("sr_postcodes.csv.gz")
    }


@cache
def _districts() -> dict[str, tuple[float | None, float | None]]:
    return {
        r["district"]: (_float(r["lat"]), _float(r["long"]))
        for r in _read_gzip_csv("postcode_districts.csv.gz")
    }


def lookup_area(postcode: str) -> Area | None:
    """Locate a postcode: full SR postcode (with LSOA and IMD), else its district's
    centre (location only), else None. Malformed input also gives None.

    Terminated postcodes resolve like live ones: people often give an old postcode.
    """
    try:
        postcode = normalise_postcode(postcode)
    except InvalidPostcode:
        return None
    district = postcode.split(" ")[0]
    row = _postcodes().get(postcode)
    # Rows without coordinates (SR43 large users) fall through to the district centre.
    if row is not None and row.lat is not None:
        return Area(
            postcode=postcode,
            district=district,
            lat=row.lat,
            long=row.long,
            lsoa11=row.lsoa11,
            imd_rank=row.imd_rank,
            imd_decile=row.imd_decile,
            imd_quintile=None if row.imd_decile is None else (row.imd_decile + 1) // 2,
            source="postcode",
        )
    if district in _districts():
        lat, long = _districts()[district]
        return Area(
            postcode=postcode,
            district=district,
            lat=lat,
            long=long,
            lsoa11="",
            imd_rank=None,
            imd_decile=None,
            imd_quintile=None,
            source="district",
        )
    return None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def sample_live_postcodes() -> list[str]:
    """Live SR postcodes with an LSOA and IMD rank, sorted (for demo data)."""
    return sorted(
        pc
        for pc, row in _postcodes().items()
        if not row.terminated and row.lsoa11 and row.imd_rank is not None
    )
