"""Concerns and escalation: raising, notifying, acknowledging, resolving, re-alerting, scope,
the crisis panel and the signposting panel."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.audit.models import AuditEntry
from linkwell.casework.selectors import case_timeline
from linkwell.groups import concerns
from linkwell.groups.models import Concern
from linkwell.groups.services import booking_create
from linkwell.messaging.models import StaffNotification

from .conftest import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(session, onward, provider):
    return booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)


@pytest.fixture
def other_provider(db):
    org = make_org("Elsewhere Trust VCSE", OrganisationKind.VCSE)
    return make_user("provider2@example.org", org, Role.PROVIDER, full_name="Paula Other")


@pytest.fixture
def colleague_provider(vcse):
    return make_user("provider3@example.org", vcse, Role.PROVIDER, full_name="Pia Colleague")


def raise_concern(provider, booking, severity="urgent", **extra):
    values = {"what_happened": "Said they had not eaten for days.", "actions_taken": ""}
    values.update(extra)
    return concerns.concern_raise(
        actor=provider, booking_id=booking.pk, severity=severity, **values
    )


@pytest.fixture
def concern(provider, booking, lead):
    return raise_concern(provider, booking)


# ---- raising -----------------------------------------------------------------------------


def test_a_concern_goes_to_the_allocated_worker_and_the_lead(provider, booking, case, lead):
    concern = raise_concern(provider, booking, severity="immediate")
    assert concern.case == case and concern.session_id == booking.session_id
    notified = StaffNotification.objects.filter(kind="concern_raised")
    assert {n.user for n in notified} == {case.link_worker, lead}
    for n in notified:
        # Never a name in the title or body (it is also emailed).
        assert "Amina" not in n.title + n.body
        assert case.person.family_name not in n.title + n.body
        assert n.url == reverse("groups:concern", args=[concern.pk])
    entry = AuditEntry.objects.get(object_type="groups.concern", action="create")
    assert entry.person_id == case.person_id and entry.detail == "immediate"


def test_without_an_allocated_worker_every_link_worker_of_the_service_hears(
    provider, booking, case, colleague, lead, outsider_link_worker
):
    case.link_worker = None
    case.save(update_fields=["link_worker"])
    raise_concern(provider, booking)
    users = {n.user for n in StaffNotification.objects.filter(kind="concern_raised")}
    assert users == {case.referral.allocated_to, colleague, lead}
    assert outsider_link_worker not in users


def test_a_concern_needs_a_description_and_a_severity(provider, booking):
    with pytest.raises(ValidationError) as exc:
        raise_concern(provider, booking, severity="whenever", what_happened="   ")
    assert set(exc.value.message_dict) == {"severity", "what_happened"}
    assert not Concern.objects.exists() and not StaffNotification.objects.exists()


def test_another_provider_cannot_raise_a_concern_about_my_booking(other_provider, booking):
    with pytest.raises(PermissionDenied):
        raise_concern(other_provider, booking)
    assert not Concern.objects.exists()


def test_a_walk_in_concern_stays_with_the_provider(provider, session):
    concern = concerns.concern_raise(
        actor=provider, session_id=session.pk, severity="not_urgent", what_happened="Upset"
    )
    assert concern.case is None and not StaffNotification.objects.exists()
    concerns.concern_acknowledge(actor=provider, concern_id=concern.pk)
    concerns.concern_resolve(actor=provider, concern_id=concern.pk, resolution="Talked it over")


# ---- acknowledge and resolve -------------------------------------------------------------


def test_acknowledge_then_resolve_with_timestamps(concern, link_worker, lead):
    concerns.concern_acknowledge(actor=link_worker, concern_id=concern.pk)
    with pytest.raises(ValidationError):
        concerns.concern_acknowledge(actor=lead, concern_id=concern.pk)
    resolved = concerns.concern_resolve(
        actor=lead, concern_id=concern.pk, resolution="Called them; food bank referral made."
    )
    assert resolved.acknowledged_by == link_worker and resolved.resolved_by == lead
    assert resolved.acknowledged_at <= resolved.resolved_at
    actions = AuditEntry.objects.filter(object_type="groups.concern", action="transition")
    assert sorted(actions.values_list("detail", flat=True)) == ["acknowledged", "resolved"]


def test_resolving_needs_acknowledgement_and_a_note(concern, link_worker):
    with pytest.raises(ValidationError) as exc:
        concerns.concern_resolve(actor=link_worker, concern_id=concern.pk, resolution="")
    assert set(exc.value.message_dict) == {"concern", "resolution"}
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_the_provider_cannot_acknowledge_a_concern_about_a_referred_person(concern, provider):
    with pytest.raises(PermissionDenied):
        concerns.concern_acknowledge(actor=provider, concern_id=concern.pk)


@pytest.mark.parametrize(
    "who", ["outsider_link_worker", "referrer", "commissioner", "editor", "nobody"]
)
def test_outsiders_cannot_see_or_act_on_a_concern(request, who, concern):
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        concerns.concern_get_for(user, concern.pk)
    with pytest.raises(Http404):
        concerns.concern_acknowledge(actor=user, concern_id=concern.pk)
    assert concerns.concerns_list_for(user) == []


def test_another_provider_cannot_see_my_concern(concern, other_provider):
    with pytest.raises(Http404):
        concerns.concern_get_for(other_provider, concern.pk)


def test_reading_a_concern_is_audited(concern, colleague, colleague_provider):
    concerns.concern_get_for(colleague, concern.pk)
    concerns.concern_get_for(colleague_provider, concern.pk)
    views = AuditEntry.objects.filter(object_type="groups.concern", action="view")
    assert {v.actor for v in views} == {colleague, colleague_provider}
    assert all(v.person_id == concern.case.person_id for v in views)


# ---- the re-alert job --------------------------------------------------------------------


def test_unacknowledged_urgent_concerns_re_alert_hourly_and_only_once_per_hour(concern):
    raised = concern.raised_at
    assert concerns.concerns_realert(raised + datetime.timedelta(minutes=59)) == 0
    at = raised + datetime.timedelta(minutes=61)
    assert concerns.concerns_realert(at) == 1
    assert concerns.concerns_realert(at) == 0  # idempotent: a rerun does nothing
    assert concerns.concerns_realert(at + datetime.timedelta(minutes=30)) == 0
    assert concerns.concerns_realert(at + datetime.timedelta(minutes=61)) == 1
    concern.refresh_from_db()
    assert concern.realert_count == 2
    again = StaffNotification.objects.filter(kind="concern_unacknowledged")
    assert again.count() == 2 * len(concerns.concern_recipients(concern))


def test_acknowledged_or_not_urgent_concerns_do_not_re_alert(provider, booking, link_worker):
    acknowledged = raise_concern(provider, booking)
    concerns.concern_acknowledge(actor=link_worker, concern_id=acknowledged.pk)
    raise_concern(provider, booking, severity="not_urgent")
    later = timezone.now() + datetime.timedelta(hours=5)
    assert concerns.concerns_realert(later) == 0


def test_the_re_alert_interval_is_a_setting(concern, settings):
    settings.LINKWELL_CONCERN_REALERT_MINUTES = 10
    assert concerns.concerns_realert(concern.raised_at + datetime.timedelta(minutes=11)) == 1


def test_the_job_is_registered():
    from linkwell.jobs import registered_jobs

    assert "groups.concerns_realert" in {job.name for job in registered_jobs()}


# ---- the case record ---------------------------------------------------------------------


def test_concerns_appear_on_the_case_timeline_and_page(client, concern, case, link_worker):
    concerns.concern_acknowledge(actor=link_worker, concern_id=concern.pk)
    kinds = [e.kind for e in case_timeline(case)]
    assert "group_concern" in kinds and "group_concern_acknowledged" in kinds
    client.force_login(link_worker)
    body = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Concerns from group facilitators" in body
    assert reverse("groups:concern", args=[concern.pk]) in body


# ---- crisis contacts ---------------------------------------------------------------------


def test_crisis_contacts_default_to_the_uk_numbers(settings):
    settings.LINKWELL_CRISIS_CONTACTS = None
    actions = " ".join(c["action"] for c in concerns.crisis_contacts())
    for number in ("999", "111", "option 2", "116 123", "SHOUT", "85258"):
        assert number in actions


def test_crisis_contacts_are_configurable(settings):
    settings.LINKWELL_CRISIS_CONTACTS = [{"title": "Emergency", "action": "Call 112"}]
    assert concerns.crisis_contacts() == [{"title": "Emergency", "action": "Call 112", "href": ""}]


def test_crisis_contacts_setting_is_parsed_strictly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from linkwell import settings as linkwell_settings

    monkeypatch.setenv("LINKWELL_CRISIS_CONTACTS", '[{"title": "x", "action": "Call 1"}]')
    assert linkwell_settings._crisis_contacts()[0]["action"] == "Call 1"
    for bad in ("not json", "[]", '[{"title": "x"}]', '{"title": "x", "action": "y"}'):
        monkeypatch.setenv("LINKWELL_CRISIS_CONTACTS", bad)
        with pytest.raises(ImproperlyConfigured):
            linkwell_settings._crisis_contacts()


# ---- pages -------------------------------------------------------------------------------


def test_the_concern_form_shows_the_crisis_panel_above_the_form(client, provider, session, booking):
    client.force_login(provider)
    response = client.get(
        reverse("groups:concern_new", args=[session.pk]) + f"?booking={booking.pk}"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index('id="crisis-panel"') < body.index('name="what_happened"')
    assert "tel:999" in body and "116 123" in body and "85258" in body
    assert f'<option value="{booking.pk}" selected>' in body


def test_raising_from_the_page_confirms_with_the_crisis_panel(client, provider, session, booking):
    client.force_login(provider)
    response = client.post(
        reverse("groups:concern_new", args=[session.pk]),
        {
            "booking": str(booking.pk),
            "severity": "immediate",
            "what_happened": "Talked of ending it",
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Concern sent" in body and 'id="crisis-panel"' in body
    assert Concern.objects.get().severity == "immediate"


def test_an_empty_description_on_the_page_is_a_clear_error(client, provider, session, booking):
    client.force_login(provider)
    response = client.post(
        reverse("groups:concern_new", args=[session.pk]),
        {"booking": str(booking.pk), "severity": "urgent", "what_happened": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and "Describe what you saw" in body
    assert 'id="crisis-panel"' in body
    assert not Concern.objects.exists()


def test_the_link_worker_acknowledges_and_resolves_from_the_page(client, concern, link_worker):
    client.force_login(link_worker)
    url = reverse("groups:concern", args=[concern.pk])
    assert "Acknowledge" in client.get(url).content.decode()
    client.post(reverse("groups:concern_acknowledge", args=[concern.pk]))
    response = client.post(reverse("groups:concern_resolve", args=[concern.pk]), {"resolution": ""})
    assert response.status_code == 400
    assert "Say how the concern was resolved" in response.content.decode()
    client.post(reverse("groups:concern_resolve", args=[concern.pk]), {"resolution": "Seen by GP"})
    concern.refresh_from_db()
    assert concern.acknowledged_by == link_worker and concern.resolution == "Seen by GP"


@pytest.mark.parametrize("who", ["outsider_link_worker", "other_provider"])
def test_concern_pages_are_not_found_outside_scope(client, request, who, concern):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("groups:concern", args=[concern.pk])).status_code == 404
    response = client.post(reverse("groups:concern_acknowledge", args=[concern.pk]))
    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.acknowledged_at is None


@pytest.mark.parametrize("who", ["referrer", "commissioner", "editor", "nobody"])
def test_other_roles_are_refused_concern_pages(client, request, who, concern):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("groups:concerns")).status_code == 403
    assert client.get(reverse("groups:concern", args=[concern.pk])).status_code == 403


def test_the_list_puts_unacknowledged_first(provider, booking, link_worker):
    old = raise_concern(provider, booking, severity="not_urgent")
    done = raise_concern(provider, booking)
    concerns.concern_acknowledge(actor=link_worker, concern_id=done.pk)
    newest = raise_concern(provider, booking, severity="immediate")
    listed = concerns.concerns_list_for(link_worker)
    assert listed[:2] == [newest, old] and listed[2] == done


def test_concern_list_query_count_does_not_grow(
    client, provider, booking, link_worker, django_assert_max_num_queries
):
    for i in range(8):
        raise_concern(provider, booking, severity=["urgent", "not_urgent"][i % 2])
    for user in (link_worker, provider):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("groups:concerns"))
        assert response.status_code == 200
        assert len(response.context["concerns"]) == 8


# ---- signposting -------------------------------------------------------------------------


def test_signposting_lists_published_running_services_by_category(client, provider, vcse):
    from linkwell.directory.models import Organization, TaxonomyTerm
    from linkwell.directory.services import service_create
    from linkwell.directory.vocabulary import taxonomy_term_uuid

    org = Organization.objects.create(name="Advice Centre", description="Advice")

    def listing(name, term, **extra):
        data = {
            "name": name,
            "description": "Help.",
            "status": "active",
            "taxonomy_terms": [str(taxonomy_term_uuid(term))],
            "phones": [{"number": "0191 000 0000"}],
            "locations": [
                {
                    "name": "Centre",
                    "address_1": "1 High St",
                    "city": "Sunderland",
                    "postcode": "SR1 1AA",
                }
            ],
        }
        data.update(extra)
        return service_create(actor=None, organization=org, data=data, publish=True)

    assert TaxonomyTerm.objects.filter(pk=taxonomy_term_uuid("housing_advice")).exists()
    listing("Housing Help", "housing_advice")
    listing("Debt Desk", "money_advice")
    listing("Closed Desk", "money_advice", status="defunct")
    panel = {c.code: c for c in concerns.signposting_panel()}
    assert [s.name for s in panel["housing"].services] == ["Housing Help"]
    assert [s.name for s in panel["debt"].services] == ["Debt Desk"]
    client.force_login(provider)
    body = client.get(reverse("groups:signposting")).content.decode()
    assert "Signpost, don" in body and "Housing Help" in body and "1 High St" in body
    assert "Closed Desk" not in body


# ---- API ---------------------------------------------------------------------------------


def test_api_raise_acknowledge_resolve(client, provider, booking, link_worker, lead):
    client.force_login(provider)
    response = client.post(
        reverse("api:concern-list"),
        {"booking": booking.pk, "severity": "urgent", "what_happened": "Very low today"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    client.force_login(link_worker)
    assert [c["id"] for c in client.get(reverse("api:concern-list")).json()] == [pk]
    assert client.post(reverse("api:concern-acknowledge", args=[pk])).status_code == 200
    response = client.post(
        reverse("api:concern-resolve", args=[pk]),
        {"resolution": ""},
        content_type="application/json",
    )
    assert response.status_code == 400 and "resolution" in response.json()["errors"]
    response = client.post(
        reverse("api:concern-resolve", args=[pk]),
        {"resolution": "Spoke to them"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["resolved_by"] == link_worker.pk


def test_api_empty_description_is_a_field_error(client, provider, booking):
    client.force_login(provider)
    response = client.post(
        reverse("api:concern-list"),
        {"booking": booking.pk, "severity": "urgent", "what_happened": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "what_happened" in response.json()["errors"]
    assert not Concern.objects.exists()


def test_api_scope(client, concern, other_provider, outsider_link_worker, referrer, group):
    for user in (other_provider, outsider_link_worker):
        client.force_login(user)
        assert client.get(reverse("api:concern-detail", args=[concern.pk])).status_code == 404
        assert client.post(reverse("api:concern-acknowledge", args=[concern.pk])).status_code == 404
        assert client.get(reverse("api:concern-list")).json() == []
    client.force_login(referrer)
    assert client.get(reverse("api:concern-list")).status_code == 403
    client.force_login(other_provider)
    theirs = make_session(group)
    response = client.post(
        reverse("api:concern-list"),
        {"session": theirs.pk, "severity": "urgent", "what_happened": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
