"""`linkwell reindex-directory` rebuilds the search index and the matching places from the rows
(after changes made around the service layer, e.g. in the Django admin)."""

import pytest
from django.core.management import call_command
from django.db import connection

from linkwell.directory import match_places
from linkwell.directory.models import Service
from linkwell.directory.selectors import service_search

pytestmark = pytest.mark.django_db


def place_rows(service) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {match_places.TABLE} WHERE service_id = %s",  # noqa: S608
            [service.pk.hex if connection.vendor == "sqlite" else service.pk],
        )
        return cursor.fetchone()[0]


def test_a_rename_made_around_the_service_layer_is_found_after_reindexing(listing, capsys):
    assert place_rows(listing) == 1
    # An edit the service layer never saw (as the admin or SQL would make it).
    Service.objects.filter(pk=listing.pk).update(name="Zumba for beginners")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {match_places.TABLE}")  # noqa: S608
    assert not service_search(text="zumba").total
    assert place_rows(listing) == 0

    call_command("reindex_directory")

    assert "Re-indexed 1 services" in capsys.readouterr().out
    assert [s.pk for s, _distance in service_search(text="zumba").items] == [listing.pk]
    assert place_rows(listing) == 1
