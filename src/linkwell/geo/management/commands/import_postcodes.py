"""`linkwell import-postcodes FILE`: load postcode or postcode-district centres."""

from pathlib import Path

from django.core.management.base import BaseCommand

from linkwell.geo.services import postcode_points_import

from ._report import run_and_report


class Command(BaseCommand):
    help = (
        "Load postcode or postcode-district centres (with LSOA where present) from a CSV or "
        ".csv.gz in ONS Postcode Directory / NSPL layout (pcds|pcd|postcode, lat|latitude, "
        "long|longitude, lsoa11|lsoa21|lsoa) or a districts file (Postcode, Latitude, "
        "Longitude). Existing postcodes are updated. Bad rows are listed and skipped; an "
        "unreadable file imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="Provenance label (default: file name).")

    def handle(self, *args, **options):
        run_and_report(
            self,
            "Postcodes",
            lambda progress: postcode_points_import(
                path=options["file"], source=options["source"], progress=progress
            ),
        )
