"""makemessages without fuzzy matching.

gettext's fuzzy matching guesses a translation for a new string from a similar old one; the
guesses are usually wrong (a different sentence) and fuzzy entries are never compiled, so they
only hide which strings need a translator. New strings arrive plainly untranslated instead.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
