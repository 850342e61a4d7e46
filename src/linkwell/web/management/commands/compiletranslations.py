"""Compile .po files to .mo with Babel, so a fresh machine needs no GNU gettext."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translations (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=po_path.parts[-3])
                # Write beside, then rename: a reader never sees a half-written catalogue.
                tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
                with tmp_path.open("wb") as mo_file:
                    write_mo(mo_file, catalog, use_fuzzy=False)
                os.replace(tmp_path, mo_path)
                count += 1
        if options["verbosity"]:
            self.stdout.write(f"Compiled {count} translation file(s).")
