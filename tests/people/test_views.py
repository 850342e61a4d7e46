"""The person page: the record and the referrals the viewer may see."""

import pytest
from django.urls import reverse

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.people.services import consent_record

pytestmark = pytest.mark.django_db

ALL_CAST = [
    "referrer",
    "other_referrer",
    "link_worker",
    "colleague",
    "lead",
    "outsider_link_worker",
    "provider",
    "editor",
    "commissioner",
    "nobody",
]


def test_it_sends_anonymous_visitors_to_sign_in(client, referral):
    response = client.get(reverse("people:detail", args=[referral.person_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("who", ALL_CAST)
def test_it_is_404_outside_the_organisation_and_403_for_other_roles(request, client, referral, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("people:detail", args=[referral.person_id]))
    if who in ("provider", "editor", "commissioner", "nobody"):
        assert response.status_code == 403
    elif who in ("other_referrer", "outsider_link_worker"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert referral.person.full_name in response.content.decode()


def test_a_missing_person_is_404(client, link_worker):
    client.force_login(link_worker)
    assert client.get(reverse("people:detail", args=[424242])).status_code == 404


def test_link_workers_see_the_whole_record_and_current_consents(client, link_worker, referral):
    person = referral.person
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal")
    consent_record(person=person, purpose="contact_sms", given=False, method="verbal")
    client.force_login(link_worker)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "07700 900982" in page
    assert "1 Example Street" in page
    assert "Interpreter needed" in page
    assert "Send me text messages" in page
    # Only the newest decision for each purpose is shown.
    assert page.count("Send me text messages") == 1
    assert "Not agreed" in page
    assert "Linkwell keeps my details to help me" in page
    assert referral.reference in page


def test_referrers_see_only_name_date_of_birth_and_their_referrals(client, referrer, referral):
    client.force_login(referrer)
    page = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert "17 May 1980" in page
    assert referral.reference in page
    assert "07700 900982" not in page
    assert "1 Example Street" not in page
    assert "Consent" not in page


def test_it_lists_only_the_referrals_in_the_viewers_scope(client, referrer, link_worker, referral):
    # The same person, referred again by the link worker service itself.
    from linkwell.referrals.services import ReferralDetails, referral_submit

    elsewhere, _ = referral_submit(
        actor=link_worker,
        source="professional",
        details=ReferralDetails(needs=["housing"], consent_confirmed=True),
        person=referral.person,
        referrer_organisation=referral.service,
    )
    client.force_login(referrer)
    page = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert referral.reference in page
    assert elsewhere.reference not in page


def test_viewing_a_person_is_audited(client, link_worker, referral):
    client.force_login(link_worker)
    client.get(reverse("people:detail", args=[referral.person_id]))
    assert AuditEntry.objects.filter(
        actor=link_worker,
        action="view",
        object_type="people.person",
        person_id=referral.person_id,
    ).exists()


def test_it_uses_a_fixed_number_of_queries_however_many_referrals(
    client, referrer, practice, link_worker, referral, django_assert_max_num_queries
):
    from linkwell.referrals.services import ReferralDetails, referral_submit

    for _ in range(10):
        referral_submit(
            actor=referrer,
            source="professional",
            details=ReferralDetails(needs=["housing", "food"], consent_confirmed=True),
            person=referral.person,
            referrer_organisation=practice,
        )
    client.force_login(link_worker)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:detail", args=[referral.person_id]))
    assert response.content.decode().count("/referrals/") >= 11


def test_names_are_escaped(client, referrer, practice, link_worker, service):
    referral = submit_referral(referrer, practice, given_name="<img src=x onerror=alert(1)>")
    client.force_login(link_worker)
    page = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_admins_see_people_read_only_and_are_audited(client, referral):
    from linkwell.accounts.models import User

    admin = User.objects.create_superuser(
        email="admin@example.org", password="x" * 12, full_name="Ada"
    )
    client.force_login(admin)
    page = client.get(reverse("admin:people_person_change", args=[referral.person_id]))
    assert page.status_code == 200
    assert 'name="given_name"' not in page.content.decode()
    assert AuditEntry.objects.filter(
        actor=admin, action="view", channel="admin", person_id=referral.person_id
    ).exists()
    assert client.get(reverse("admin:people_person_add")).status_code == 403
