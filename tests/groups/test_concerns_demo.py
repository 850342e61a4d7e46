"""The demo has feedback, notes and concerns for the demo provider and link worker."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from linkwell.groups.models import Concern, Feedback, SessionNote


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--seed", "2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_has_feedback_notes_and_an_acknowledged_and_an_open_urgent_concern(demo):
    assert Feedback.objects.filter(booking__isnull=False).exists()
    assert Feedback.objects.filter(booking__isnull=True).exists()
    assert SessionNote.objects.filter(share_with_link_worker=True).exists()
    assert SessionNote.objects.filter(share_with_link_worker=False).exists()
    acknowledged = Concern.objects.get(acknowledged_at__isnull=False)
    open_urgent = Concern.objects.get(acknowledged_at__isnull=True, severity="urgent")
    for concern in (acknowledged, open_urgent):
        assert concern.raised_by.email == "provider@example.org"
        assert concern.case.link_worker.email == "linkworker@example.org"
