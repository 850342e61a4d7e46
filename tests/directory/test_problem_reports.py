"""Problem reports reach the listing's provider and the directory editors (in-app + email),
without the reporter's personal details; only they can see and resolve the report."""

import pytest
from django.urls import reverse
from django.utils import translation

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.directory.models import ListingReport
from linkwell.directory.services import listing_report_create, listing_report_recipients
from linkwell.messaging.models import Message, StaffNotification

pytestmark = pytest.mark.django_db


def _report(service, **extra):
    values = {
        "service": service,
        "problem": "wrong_time",
        "details": "Ring Amina on 07700 900123, it moved to Thursday",
        "reporter_name": "Amina Hassan",
        "reporter_email": "amina@example.org",
    }
    values.update(extra)
    return listing_report_create(**values)


def test_a_report_notifies_the_provider_and_the_editors(listing, provider, editor):
    report = _report(listing)
    notes = StaffNotification.objects.filter(related_id=str(report.pk)).order_by("user_id")
    assert {n.user for n in notes} == {provider, editor}
    for note in notes:
        assert note.kind == "other"
        assert listing.name in note.title
        assert note.url == reverse("directory:reports") + f"#report-{report.pk}"
        assert "The day or time is wrong" in note.body
    # Emailed too, through the outbox, to each of them.
    assert Message.objects.filter(user__in=[provider, editor]).count() == 2


def test_no_personal_data_of_the_reporter_in_the_notification_or_email(listing, provider):
    report = _report(listing)
    note = StaffNotification.objects.get(related_id=str(report.pk), user=provider)
    message = Message.objects.get(user=provider)
    for text in (note.title, note.body, str(message.__dict__)):
        for secret in ("Amina", "Hassan", "amina@example.org", "07700"):
            assert secret not in text


def test_another_organisations_provider_is_not_notified(listing, provider, editor):
    elsewhere = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    stranger = make_user("stranger@example.org", elsewhere, Role.PROVIDER)
    linker = make_user("lw2@example.org", elsewhere, Role.LINK_WORKER)
    report = _report(listing)
    notified = set(
        StaffNotification.objects.filter(related_id=str(report.pk)).values_list(
            "user_id", flat=True
        )
    )
    assert stranger.pk not in notified
    assert linker.pk not in notified
    assert notified == {provider.pk, editor.pk}


def test_inactive_users_and_inactive_organisations_are_not_notified(listing, provider, editor):
    colleague = make_user("provider2@example.org", listing.organization.organisation, Role.PROVIDER)
    colleague.is_active = False
    colleague.save()
    closed = make_org("Closed editors", OrganisationKind.VCSE, is_active=False)
    make_user("old-editor@example.org", closed, Role.DIRECTORY_EDITOR)
    assert listing_report_recipients(listing) == sorted([provider, editor], key=lambda u: u.pk)


def test_a_listing_without_a_linkwell_organisation_reaches_the_editors(other_listing, editor):
    report = _report(other_listing)
    assert list(
        StaffNotification.objects.filter(related_id=str(report.pk)).values_list("user", flat=True)
    ) == [editor.pk]


def test_staff_get_the_notification_in_the_site_language_whatever_the_reporter_uses(
    listing, provider
):
    with translation.override("cy"):
        report = _report(listing)
    note = StaffNotification.objects.get(related_id=str(report.pk), user=provider)
    assert note.title.startswith("Problem reported with the listing")


def test_a_bad_report_is_not_saved_and_notifies_nobody(listing, provider, editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _report(listing, problem="other", details="  ")
    assert "details" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _report(listing, problem="nonsense")
    assert not ListingReport.objects.exists()
    assert not StaffNotification.objects.exists()


def test_the_public_report_form_notifies_the_provider(client, listing, provider):
    response = client.post(
        reverse("services:report", args=[listing.pk]),
        {"problem": "closed", "details": ""},
    )
    assert response.status_code == 302
    assert StaffNotification.objects.filter(user=provider).count() == 1


def test_provider_sees_and_resolves_the_notified_report(client, listing, provider):
    report = _report(listing)
    client.force_login(provider)
    page = client.get(reverse("directory:reports")).content.decode()
    assert f'id="report-{report.pk}"' in page
    assert "amina@example.org" not in page  # providers don't see who reported it
    response = client.post(reverse("directory:report_resolve", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == provider
    assert (
        f'id="report-{report.pk}"' not in client.get(reverse("directory:reports")).content.decode()
    )


def test_another_provider_cannot_see_or_resolve_the_report(client, listing):
    elsewhere = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    stranger = make_user("stranger@example.org", elsewhere, Role.PROVIDER)
    report = _report(listing)
    client.force_login(stranger)
    assert f"report-{report.pk}" not in client.get(reverse("directory:reports")).content.decode()
    response = client.post(reverse("directory:report_resolve", args=[report.pk]))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None


def test_a_link_worker_cannot_open_the_reports(client, listing, link_worker):
    _report(listing)
    client.force_login(link_worker)
    assert client.get(reverse("directory:reports")).status_code == 403
