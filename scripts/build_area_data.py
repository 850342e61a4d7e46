"""Regenerate the area lookup data shipped in src/linkwell/data/.

Reads the shared open data (never used at run time) and writes two gzip CSVs:

- sr_postcodes.csv.gz: every postcode in the ONS NSPL (Nov 2021) SR extract with
  lat, long, lsoa11, IMD 2019 rank and decile (decile joined from the IMD file by
  LSOA) and terminated (1 if doterm is set).
- postcode_districts.csv.gz: every postcode district from Doogal with lat, long, town.

Output is byte-for-byte deterministic (source order, gzip mtime=0), so re-running
it on unchanged input leaves git clean. See src/linkwell/data/ATTRIBUTION.md.

Usage: python scripts/build_area_data.py [--source ../shared/data] [--out src/linkwell/data]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "linkwell" / "data"

# NSPL's placeholder for postcodes with no grid reference (e.g. SR43 large users).
NO_COORDS_LAT = "99.999999"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write_gzip_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename=path.name[: -len(".gz")], mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as gz,
    ):
        gz.write(text.getvalue().encode("utf-8"))


def build_postcodes(source: Path) -> list[list[str]]:
    imd = read_csv(source / "imd" / "imd2019_lsoa11_rank_decile.csv")
    decile_by_lsoa = {
        r["LSOA code (2011)"]: r["Index of Multiple Deprivation (IMD) Decile"] for r in imd
    }
    rows = []
    for r in read_csv(source / "postcodes" / "NSPL_NOV_2021_UK_SR.csv"):
        has_coords = r["lat"] != NO_COORDS_LAT
        lsoa = r["lsoa11"]
        has_imd = bool(lsoa) and r["imd"] not in ("", "0")
        rows.append(
            [
                r["pcds"],
                r["lat"] if has_coords else "",
                r["long"] if has_coords else "",
                lsoa,
                r["imd"] if has_imd else "",
                decile_by_lsoa[lsoa] if has_imd else "",
                "1" if r["doterm"].strip() else "0",
            ]
        )
    return rows


def build_districts(source: Path) -> list[list[str]]:
    return [
        [r["Postcode"], r["Latitude"], r["Longitude"], r["Town/Area"]]
        for r in read_csv(source / "postcodes" / "postcode_districts_doogal.csv")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    postcodes = build_postcodes(args.source)
    write_gzip_csv(
        args.out / "sr_postcodes.csv.gz",
        ["postcode", "lat", "long", "lsoa11", "imd_rank", "imd_decile", "terminated"],
        postcodes,
    )
    districts = build_districts(args.source)
    write_gzip_csv(
        args.out / "postcode_districts.csv.gz", ["district", "lat", "long", "town"], districts
    )
    print(f"wrote {len(postcodes)} postcodes and {len(districts)} districts to {args.out}")


if __name__ == "__main__":
    main()
