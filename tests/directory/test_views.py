"""Directory pages for providers and editors: who may see and do what (404 outside scope,
403 for a role that may see but not act), and that each journey works without JavaScript."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cast import make_user
from linkwell.accounts.models import Role
from linkwell.audit.models import AuditEntry
from linkwell.directory.models import ApprovalStatus, ListingReport, Service, ServiceVersion
from linkwell.directory.services import listing_report_create, service_update

from .conftest import listing_data

pytestmark = pytest.mark.django_db

WITHOUT_LISTING_ROLE = [
    "referrer",
    "link_worker",
    "lead",
    "commissioner",
    "nobody",
]


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


LEGACY_KEYS = {
    "day_1": "schedules-0-byday",
    "opens_1": "schedules-0-opens_at",
    "closes_1": "schedules-0-closes_at",
    "location_name": "locations-0-name",
    "address_1": "locations-0-address_1",
    "city": "locations-0-city",
    "postcode": "locations-0-postcode",
    "accessibility": "locations-0-accessibility",
}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_post(**overrides):
    """The listing form as a browser posts it: one time, one place, no phone."""
    data = {
        "name": "Knit and natter",
        "description": "Bring your own wool.",
        "status": "active",
        "accepts_referrals": "no",
        "is_free": "yes",
        "schedules-0-freq": "WEEKLY",
        "schedules-0-byday": "WE",
        "schedules-0-opens_at": "14:00",
        "schedules-0-closes_at": "16:00",
        "locations-0-name": "Hendon Library",
        "locations-0-address_1": "Toward Road",
        "locations-0-city": "Sunderland",
        "locations-0-postcode": "SR2 8JG",
        "locations-0-accessibility": ["step_free"],
        "languages": "English\nPolish - Ola speaks Polish",
        "taxonomy_terms": [],
        "target_groups": ["over_55s"],
        **management("schedules", 1),
        **management("locations", 1),
        **management("phones", 1),
    }
    data.update({LEGACY_KEYS.get(k, k): v for k, v in overrides.items()})
    return data


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("directory:dashboard"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


@pytest.mark.parametrize("who", WITHOUT_LISTING_ROLE)
def test_people_without_a_listing_role_are_refused(request, as_user, who, listing):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("directory:dashboard")).status_code == 403
    assert client.get(reverse("directory:service", args=[listing.pk])).status_code == 403
    assert client.get(reverse("directory:reports")).status_code == 403


def test_a_provider_sees_only_its_own_listings(as_user, provider, listing, other_listing):
    client = as_user(provider)
    page = client.get(reverse("directory:dashboard")).content.decode()
    assert listing.name in page and "shed woodwork" not in page
    assert client.get(reverse("directory:service", args=[other_listing.pk])).status_code == 404
    assert client.get(reverse("directory:service_edit", args=[other_listing.pk])).status_code == 404
    assert (
        client.post(reverse("directory:service_confirm", args=[other_listing.pk])).status_code
        == 404
    )


def test_an_editor_sees_every_listing(as_user, editor, listing, other_listing):
    page = as_user(editor).get(reverse("directory:dashboard")).content.decode()
    assert listing.name in page and "shed woodwork" in page


def test_a_provider_adds_a_listing_as_a_draft_and_sends_it(as_user, provider, directory_org):
    client = as_user(provider)
    response = client.post(reverse("directory:service_create"), form_post())
    service = Service.objects.get(name="Knit and natter")
    assert response.status_code == 302
    assert service.approval_status == ApprovalStatus.DRAFT
    assert service.organization == directory_org
    assert {(lang.code, lang.note) for lang in service.languages.all()} == {
        ("en", ""),
        ("pl", "Ola speaks Polish"),
    }
    client.post(reverse("directory:service_submit", args=[service.pk]))
    service.refresh_from_db()
    assert service.approval_status == ApprovalStatus.PENDING


def test_a_provider_without_a_directory_organisation_gets_one(as_user, provider):
    as_user(provider).post(reverse("directory:service_create"), form_post())
    assert Service.objects.get().organization.organisation.name == "Hendon Community Garden"


def test_the_form_shows_field_errors(as_user, provider, directory_org):
    response = as_user(provider).post(
        reverse("directory:service_create"),
        form_post(
            opens_1="16:00",
            closes_1="14:00",
            maximum_age="10",
            minimum_age="20",
            places_per_session="-3",
            postcode="nonsense",
            languages="Klingon",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "We do not know the language" in page
    assert not Service.objects.exists()
    response = as_user(provider).post(
        reverse("directory:service_create"),
        form_post(
            opens_1="16:00",
            closes_1="14:00",
            maximum_age="10",
            minimum_age="20",
            places_per_session="-3",
            postcode="nonsense",
        ),
    )
    page = response.content.decode()
    assert "Time 1: the end time must be after the start time" in page
    assert "Maximum age must be the same as or more than the minimum age." in page
    assert "Places per session cannot be negative." in page
    assert "Enter a valid UK postcode" in page


def test_editing_a_published_listing_keeps_it_live_until_approved(
    as_user, provider, editor, listing, client
):
    as_user(provider).post(
        reverse("directory:service_edit", args=[listing.pk]),
        form_post(name="New name", comment="Renamed"),
    )
    listing.refresh_from_db()
    assert listing.name == "English conversation for women"
    version = listing.versions.get(status=ServiceVersion.Status.PENDING)
    # a provider can look at its pending change but not approve it
    assert as_user(provider).get(reverse("directory:version", args=[version.pk])).status_code == 200
    response = as_user(provider).post(
        reverse("directory:version", args=[version.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    # the editor's queue shows it and approving publishes it
    editor_client = as_user(editor)
    assert (
        "English conversation for women"
        in editor_client.get(reverse("directory:review")).content.decode()
    )
    editor_client.post(reverse("directory:version", args=[version.pk]), {"action": "approve"})
    listing.refresh_from_db()
    assert listing.name == "New name"


def test_the_editor_returns_a_change_with_a_comment(as_user, provider, editor, listing):
    version = service_update(actor=provider, service=listing, data=listing_data(name="X"))
    client = as_user(editor)
    response = client.post(reverse("directory:version", args=[version.pk]), {"action": "return"})
    assert "Say what needs to change." in response.content.decode()
    client.post(
        reverse("directory:version", args=[version.pk]),
        {"action": "return", "comment": "Please add a phone number"},
    )
    version.refresh_from_db()
    assert version.status == ServiceVersion.Status.RETURNED
    page = as_user(provider).get(reverse("directory:service", args=[listing.pk])).content.decode()
    assert "Please add a phone number" in page


def test_only_editors_see_the_review_queue(as_user, provider):
    assert as_user(provider).get(reverse("directory:review")).status_code == 403


def test_still_accurate_in_one_click(as_user, provider, directory_org):
    from .conftest import make_listing

    service = make_listing(directory_org, verified_days_ago=200)
    page = as_user(provider).get(reverse("directory:dashboard")).content.decode()
    assert "Not checked recently" in page
    as_user(provider).post(
        reverse("directory:service_confirm", args=[service.pk]), {"next": "dashboard"}
    )
    service.refresh_from_db()
    assert timezone.now() - service.last_verified_at < datetime.timedelta(minutes=1)


def test_reports_reach_provider_and_editor_but_only_the_editor_sees_who(
    as_user, provider, editor, listing
):
    listing_report_create(
        service=listing,
        problem="wrong_time",
        details="Now on Wednesdays",
        reporter_name="Sam Reporter",
        reporter_email="sam@example.org",
    )
    provider_page = as_user(provider).get(reverse("directory:reports")).content.decode()
    assert "Now on Wednesdays" in provider_page
    assert "Sam Reporter" not in provider_page and "sam@example.org" not in provider_page
    editor_page = as_user(editor).get(reverse("directory:reports")).content.decode()
    assert "Sam Reporter" in editor_page
    assert AuditEntry.objects.filter(object_type="directory.listingreport").count() == 1


def test_a_provider_cannot_resolve_another_organisations_report(as_user, provider, other_listing):
    report = listing_report_create(service=other_listing, problem="closed")
    response = as_user(provider).post(reverse("directory:report_resolve", args=[report.pk]))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None


def test_a_provider_of_another_organisation_gets_404(as_user, listing):
    from cast import make_org

    org = make_org("Other VCSE", "vcse")
    stranger = make_user("stranger@example.org", org, Role.PROVIDER)
    client = as_user(stranger)
    assert client.get(reverse("directory:service", args=[listing.pk])).status_code == 404


def test_anyone_can_report_a_problem_without_signing_in(client, listing):
    url = reverse("services:report", args=[listing.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"problem": "other", "details": ""})
    assert response.status_code == 200
    assert "Tell us what is wrong." in response.content.decode()
    response = client.post(url, {"problem": "closed", "details": "Stopped in May"})
    assert response.status_code == 302
    assert ListingReport.objects.get().details == "Stopped in May"
