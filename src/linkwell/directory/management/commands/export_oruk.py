"""`linkwell export-oruk FILE`: write the published directory as HSDS 3.0 JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkwell.directory.oruk_io import export_to


class Command(BaseCommand):
    help = (
        "Write every published service, fully nested as in GET /oruk/services/{id}, with the "
        "taxonomies, terms and organisations, to FILE as HSDS 3.0 JSON. Linkwell's own fields "
        "(accepts referrals, places, target groups, last checked) travel in 'x_linkwell' so "
        "another Linkwell can import the file without losing them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        count = export_to(path, progress=lambda n: self.stdout.write(f"  … {n:,} services"))
        self.stdout.write(self.style.SUCCESS(f"Exported {count:,} services to {path}."))
