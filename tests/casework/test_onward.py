"""Onward referral from a case: the form (item by item, consent), signposting, the case page
section and timeline, the matches page actions, unmet needs, the discharge draft, scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.models import UnmetNeed
from linkwell.casework.selectors import case_timeline, discharge_summary_draft
from linkwell.directory.models import Organization
from linkwell.directory.services import service_create
from linkwell.directory.vocabulary import taxonomy_term_uuid
from linkwell.groups.models import OnwardKind, ServiceReferral
from linkwell.groups.services import service_referral_respond
from linkwell.people.models import Consent
from linkwell.referrals.models import Status

pytestmark = pytest.mark.django_db


def listing(org, **overrides):
    data = {
        "name": "Arabic coffee morning",
        "description": "Tea and a chat.",
        "status": "active",
        "accepts_referrals": True,
        "places_per_session": 12,
        "taxonomy_terms": [str(taxonomy_term_uuid("social_group"))],
        "languages": [{"code": "ar", "name": "Arabic", "note": ""}],
        "schedules": [{"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}],
        "locations": [
            {
                "name": "Millfield Community Centre",
                "address_1": "1 Hylton Road",
                "city": "Sunderland",
                "postcode": "SR4 7AA",
            }
        ],
    }
    data.update(overrides)
    return service_create(
        actor=None, organization=org, data=data, publish=True, verified_at=timezone.now()
    )


@pytest.fixture
def org(vcse):
    return Organization.objects.create(name=vcse.name, organisation=vcse)


@pytest.fixture
def coffee(org):
    return listing(org)


@pytest.fixture
def drop_in(org):
    return listing(org, name="Library drop-in", accepts_referrals=False)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def refer_url(case, service):
    return reverse("casework:onward_new", args=[case.pk, service.pk])


def test_the_form_ticks_nothing_and_shows_what_would_be_shared(as_user, case, link_worker, coffee):
    response = as_user(link_worker).get(refer_url(case, coffee))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"First name: {case.person.given_name}" in html
    assert "checked" not in html  # nothing shared by default, consent not pre-ticked
    assert case.person.phone not in html


def test_sending_without_consent_explains_and_saves_nothing(as_user, case, link_worker, coffee):
    response = as_user(link_worker).post(refer_url(case, coffee), {"share": ["first_name"]})
    assert response.status_code == 400
    assert "Confirm the person agreed to share this" in response.content.decode()
    assert not ServiceReferral.objects.exists()
    assert not Consent.objects.filter(purpose="share_with_provider").exists()


def test_sending_shares_only_what_was_ticked(as_user, case, link_worker, coffee):
    response = as_user(link_worker).post(
        refer_url(case, coffee),
        {"share": ["first_name", "language"], "note": "Likes mornings", "consent": "on"},
    )
    assert response.status_code == 302
    onward = ServiceReferral.objects.get()
    assert onward.shared_first_name == case.person.given_name
    assert onward.shared_language == "ar" and onward.shared_interpreter_needed
    assert onward.shared_contact_route == "" and onward.shared_access_needs == ""
    assert onward.shared_items == ["first_name", "language"]
    assert onward.shared_note == "Likes mornings"


def test_a_note_over_500_characters_is_refused(as_user, case, link_worker, coffee):
    response = as_user(link_worker).post(
        refer_url(case, coffee), {"share": ["first_name"], "note": "x" * 501, "consent": "on"}
    )
    assert response.status_code == 400
    assert not ServiceReferral.objects.exists()


def test_a_signpost_only_service_offers_signposting(as_user, case, link_worker, drop_in):
    client = as_user(link_worker)
    html = client.get(refer_url(case, drop_in)).content.decode()
    assert "does not take referrals" in html and "Record as signposted" in html
    response = client.post(reverse("casework:signpost", args=[case.pk, drop_in.pk]))
    assert response.status_code == 302
    onward = ServiceReferral.objects.get()
    assert onward.kind == OnwardKind.SIGNPOSTED
    page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Signposted to Library drop-in" in page


def test_a_full_service_is_explained_before_sending(as_user, case, link_worker, coffee):
    from linkwell.groups.models import Booking, Session

    start = timezone.now() + datetime.timedelta(days=2)
    session = Session.objects.create(
        service=coffee, starts_at=start, ends_at=start + datetime.timedelta(hours=1), places=1
    )
    Booking.objects.create(session=session, status="booked")
    html = as_user(link_worker).get(refer_url(case, coffee)).content.decode()
    assert "This service is full at the moment" in html
    assert "waitlist" in html


def test_the_case_page_shows_status_and_the_providers_reply(
    as_user, case, link_worker, coffee, provider
):
    client = as_user(link_worker)
    client.post(refer_url(case, coffee), {"share": ["first_name"], "consent": "on"})
    onward = ServiceReferral.objects.get()
    service_referral_respond(
        actor=provider,
        service_referral_id=onward.pk,
        response=Status.REJECTED,
        reason="capacity",
        reason_text="Full until spring",
    )
    html = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Activities and onward referrals" in html
    assert "No space" in html and "Full until spring" in html
    titles = [e.title for e in case_timeline(case)]
    assert "Referred on to Arabic coffee morning" in titles
    assert any(t.startswith("Arabic coffee morning: Not accepted") for t in titles)


def test_the_link_worker_cancels_an_open_referral(as_user, case, link_worker, coffee):
    client = as_user(link_worker)
    client.post(refer_url(case, coffee), {"share": ["first_name"], "consent": "on"})
    onward = ServiceReferral.objects.get()
    client.post(
        reverse("casework:onward_cancel", args=[case.pk, onward.pk]),
        {"reason": "person_declined"},
    )
    onward.refresh_from_db()
    assert onward.status == Status.CANCELLED


def test_the_matches_page_has_refer_and_signposted_actions(as_user, case, link_worker, coffee):
    html = as_user(link_worker).get(reverse("casework:matches", args=[case.pk])).content.decode()
    assert refer_url(case, coffee) in html
    assert reverse("casework:signpost", args=[case.pk, coffee.pk]) in html
    assert "Reply time: not enough replies yet" in html
    assert "No suitable service found" in html


def test_recording_an_unmet_need_once(as_user, case, link_worker):
    client = as_user(link_worker)
    url = reverse("casework:unmet_need_add", args=[case.pk])
    response = client.post(url, {"need": "loneliness", "note": "Nothing in the evenings"})
    assert response.status_code == 302
    unmet = UnmetNeed.objects.get()
    assert unmet.need.code == "loneliness" and unmet.recorded_by == link_worker
    assert unmet.postcode_district == case.person.postcode_district
    client.post(url, {"need": "loneliness"})
    assert UnmetNeed.objects.count() == 1
    client.post(url, {"need": "not_a_need_of_this_case"})
    assert UnmetNeed.objects.count() == 1
    html = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Nothing in the evenings" in html


def test_the_discharge_draft_lists_activities_connected_to(case, link_worker, coffee, provider):
    from linkwell.groups.services import service_referral_submit

    onward, _ = service_referral_submit(
        actor=link_worker,
        case_id=case.pk,
        service_id=coffee.pk,
        first_name="A",
        consent_given=True,
    )
    assert "- none recorded" in discharge_summary_draft(case).split("Activities connected to:")[1]
    service_referral_respond(actor=provider, service_referral_id=onward.pk, response="accepted")
    draft = discharge_summary_draft(case)
    assert "Activities connected to:" in draft
    assert "- Arabic coffee morning (Accepted)" in draft


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider_link_worker", 404), ("referrer", 403), ("provider", 403), ("commissioner", 403)],
)
def test_only_the_case_service_refers_on(request, as_user, case, coffee, who, status):
    client = as_user(request.getfixturevalue(who))
    assert client.get(refer_url(case, coffee)).status_code == status
    response = client.post(refer_url(case, coffee), {"share": ["first_name"], "consent": "on"})
    assert response.status_code == status
    assert client.post(reverse("casework:signpost", args=[case.pk, coffee.pk])).status_code == (
        status
    )
    assert not ServiceReferral.objects.exists()


def test_a_colleague_can_read_but_not_refer(as_user, case, colleague, coffee):
    client = as_user(colleague)
    assert client.get(refer_url(case, coffee)).status_code == 200
    response = client.post(refer_url(case, coffee), {"share": ["first_name"], "consent": "on"})
    assert response.status_code == 403
    assert not ServiceReferral.objects.exists()


def test_the_referrer_never_sees_onward_referrals(as_user, case, link_worker, coffee, referrer):
    as_user(link_worker).post(
        refer_url(case, coffee), {"share": ["first_name"], "consent": "on"}, follow=True
    )
    assert ServiceReferral.objects.exists()
    html = as_user(referrer).get(reverse("referrals:detail", args=[case.referral_id])).content
    assert b"Arabic coffee morning" not in html


def test_the_listing_page_shows_reply_figures_to_link_workers_only(
    client, as_user, link_worker, coffee
):
    url = reverse("services:detail", args=[coffee.pk])
    assert "Reply time" not in client.get(url).content.decode()  # the public
    html = as_user(link_worker).get(url).content.decode()
    assert "Reply time: not enough replies yet" in html
    assert reverse("casework:onward_pick", args=[coffee.pk]) in html


def test_choosing_a_case_from_the_listing(as_user, case, link_worker, coffee):
    client = as_user(link_worker)
    url = reverse("casework:onward_pick", args=[coffee.pk])
    assert case.person.given_name in client.get(url).content.decode()
    response = client.get(url, {"case": case.pk})
    assert response.status_code == 302 and response.url == refer_url(case, coffee)
