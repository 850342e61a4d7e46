"""The in-app notifications page and the unread count in the header."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.messaging.models import StaffNotification
from linkwell.messaging.notifications import notify_staff

pytestmark = pytest.mark.django_db


def note(user, title="Something happened", **kwargs):
    (made,) = notify_staff(users=[user], kind="other", title=title, email=False, **kwargs)
    return made


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("messaging:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_sees_only_their_own_unread_first(client, link_worker, colleague):
    old_read = note(link_worker, "Old and read")
    StaffNotification.objects.filter(pk=old_read.pk).update(read_at=timezone.now())
    note(link_worker, "Unread for me")
    note(colleague, "For my colleague")
    client.force_login(link_worker)
    body = client.get(reverse("messaging:notifications")).content.decode()
    assert "Unread for me" in body and "Old and read" in body
    assert body.index("Unread for me") < body.index("Old and read")
    assert "For my colleague" not in body
    assert "You have 1 unread notification." in body


def test_the_header_shows_the_unread_count(client, link_worker):
    note(link_worker)
    note(link_worker)
    client.force_login(link_worker)
    body = client.get(reverse("messaging:notifications")).content.decode()
    assert 'linkwell-notification-count">2<' in body


def test_marking_one_read_and_opening_it(client, link_worker):
    first = note(link_worker, url="/casework/")
    client.force_login(link_worker)
    response = client.post(reverse("messaging:notification_read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/casework/"
    first.refresh_from_db()
    assert first.read_at is not None


def test_an_offsite_url_is_not_followed(client, link_worker):
    first = note(link_worker, url="https://evil.example/")
    client.force_login(link_worker)
    response = client.post(reverse("messaging:notification_read", args=[first.pk]), {"open": "1"})
    assert response["Location"] == reverse("messaging:notifications")


def test_someone_elses_notification_is_not_found(client, link_worker, colleague):
    theirs = note(colleague)
    client.force_login(link_worker)
    response = client.post(reverse("messaging:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_my_own(client, link_worker, colleague):
    note(link_worker)
    note(link_worker)
    theirs = note(colleague)
    client.force_login(link_worker)
    response = client.post(reverse("messaging:notifications_read_all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not StaffNotification.objects.filter(user=link_worker, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_get_cannot_mark_read(client, link_worker):
    first = note(link_worker)
    client.force_login(link_worker)
    assert client.get(reverse("messaging:notification_read", args=[first.pk])).status_code == 405


def test_the_page_is_paginated_in_a_fixed_number_of_queries(
    client, link_worker, django_assert_max_num_queries
):
    client.force_login(link_worker)
    client.get(reverse("messaging:notifications"))  # warm the session

    def queries_for(n):
        StaffNotification.objects.all().delete()
        now = timezone.now()
        for i in range(n):
            made = note(link_worker, f"Item {i}")
            StaffNotification.objects.filter(pk=made.pk).update(
                created_at=now - datetime.timedelta(minutes=i)
            )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("messaging:notifications"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, _ = queries_for(3)
    many, body = queries_for(60)
    assert many == few
    assert "Item 0" in body and "Item 30" not in body  # 25 a page, newest first
    with django_assert_max_num_queries(12):
        client.get(reverse("messaging:notifications") + "?page=2")
