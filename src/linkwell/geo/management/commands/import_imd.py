"""`linkwell import-imd FILE`: load Index of Multiple Deprivation ranks and deciles by LSOA."""

from pathlib import Path

from django.core.management.base import BaseCommand

from linkwell.geo.services import lsoa_deprivation_import

from ._report import run_and_report


class Command(BaseCommand):
    help = (
        "Load IMD rank and decile by 2011 LSOA from the English Indices of Deprivation 2019 "
        "LSOA file ('LSOA code (2011)', 'Index of Multiple Deprivation (IMD) Rank', '… Decile'), "
        "CSV or .csv.gz. Existing LSOAs are updated; an unreadable file imports nothing. "
        "Not needed for IMD 2019: the package already contains it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, default=2019)
        parser.add_argument("--source", default="", help="Provenance label (default: file name).")

    def handle(self, *args, **options):
        run_and_report(
            self,
            "Deprivation",
            lambda progress: lsoa_deprivation_import(
                path=options["file"],
                year=options["year"],
                source=options["source"],
                progress=progress,
            ),
        )
