"""`linkwell reindex-directory`: rebuild the directory's derived tables from its rows."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from linkwell.directory import search
from linkwell.directory.models import Service


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index and matching's table of places from the directory's "
        "own rows. The service layer and import-oruk keep both up to date; run this after "
        "changing listings by another route (the Django admin, SQL, a restored backup) or "
        "after changing which taxonomy terms answer a need."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            count = Service.objects.count()
            search.reindex_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-indexed {count:,} services in {time.monotonic() - started:.1f} s."
            )
        )
