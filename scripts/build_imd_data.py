"""Regenerate src/linkwell/data/imd2019_lsoa11.csv.gz from the shared IMD 2019 file.

Columns: lsoa11, imd_rank, imd_decile (names dropped to keep the package small). Output is
byte-for-byte deterministic (source order, gzip mtime=0). See src/linkwell/data/ATTRIBUTION.md.

Usage: python scripts/build_imd_data.py [--source ../shared/data] [--out src/linkwell/data]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["lsoa11", "imd_rank", "imd_decile"])
    source = args.source / "imd" / "imd2019_lsoa11_rank_decile.csv"
    with source.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            writer.writerow(
                [
                    row["LSOA code (2011)"],
                    row["Index of Multiple Deprivation (IMD) Rank"],
                    row["Index of Multiple Deprivation (IMD) Decile"],
                ]
            )
    out = args.out / "imd2019_lsoa11.csv.gz"
    with (
        out.open("wb") as raw,
        gzip.GzipFile(
            filename="imd2019_lsoa11.csv", mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as gz,
    ):
        gz.write(text.getvalue().encode("utf-8"))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
