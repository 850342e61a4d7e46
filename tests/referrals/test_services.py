import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cast import person_details, submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.people.services import PersonDetails
from linkwell.referrals.models import TRANSITIONS, Referral, ReferralEvent, Source, Status
from linkwell.referrals.services import (
    IdempotencyConflict,
    ReferralDetails,
    referral_submit,
    referral_transition,
    route_referral,
)
from linkwell.referrals.vocabulary import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
)

pytestmark = pytest.mark.django_db


def test_it_creates_the_person_the_referral_and_its_first_event(referral, service):
    assert referral.status == Status.REQUESTED
    assert referral.service == service
    assert referral.person.language == "ar"
    assert referral.person.lsoa11 == "E01008703"
    assert referral.person.imd_decile == 1
    assert list(referral.needs.values_list("code", flat=True)) == ["loneliness"]
    event = referral.events.get()
    assert (event.from_status, event.to_status) == ("", Status.REQUESTED)


def test_it_audits_the_creation(referral):
    assert AuditEntry.objects.filter(
        action="create", object_type="referrals.referral", object_id=str(referral.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="create", person_id=referral.person_id).count() == 2


def test_it_refuses_a_referral_without_consent(referrer, practice, service):
    with pytest.raises(ValidationError) as exc:
        referral_submit(
            actor=referrer,
            source=Source.PROFESSIONAL,
            details=ReferralDetails(needs=["loneliness"]),
            person_details=person_details(),
            referrer_organisation=practice,
        )
    assert "consent_confirmed" in exc.value.error_dict
    assert Referral.objects.count() == 0


def test_it_names_every_bad_field_and_saves_nothing(referrer, practice, service):
    with pytest.raises(ValidationError) as exc:
        referral_submit(
            actor=referrer,
            source=Source.PROFESSIONAL,
            details=ReferralDetails(needs=["flying"], consent_confirmed=True),
            person_details=person_details(nhs_number="1234567890", postcode="XX", phone="12"),
            referrer_organisation=practice,
        )
    assert {"needs", "nhs_number", "postcode", "phone"} <= set(exc.value.error_dict)
    assert Referral.objects.count() == 0
    from linkwell.people.models import Person

    assert Person.objects.count() == 0


def test_it_returns_the_same_referral_for_a_repeated_idempotency_key(referrer, practice, service):
    kwargs = dict(
        actor=referrer,
        source=Source.PROFESSIONAL,
        details=ReferralDetails(needs=["housing"], consent_confirmed=True),
        referrer_organisation=practice,
        idempotency_scope=f"user:{referrer.pk}",
        idempotency_key="abc-123",
    )
    first, created = referral_submit(person_details=person_details(given_name="Same"), **kwargs)
    again, created_again = referral_submit(
        person_details=person_details(given_name="Same"), **kwargs
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Referral.objects.count() == 1
    with pytest.raises(IdempotencyConflict):
        referral_submit(person_details=person_details(given_name="Different"), **kwargs)


def test_it_routes_by_referrer_then_district_then_default(practice, service, other_service):
    from linkwell.referrals.models import ReferralRoute

    assert route_referral(referrer_organisation=practice, postcode="SR1 1AA") == service
    ReferralRoute.objects.create(service=other_service, postcode_district="SR1")
    assert route_referral(referrer_organisation=practice, postcode="sr11aa") == other_service
    ReferralRoute.objects.create(service=service, referrer_organisation=practice)
    assert route_referral(referrer_organisation=practice, postcode="SR1 1AA") == service


def test_it_accepts_and_allocates_and_records_the_snomed_code(referral, link_worker):
    referral = referral_transition(
        actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED
    )
    assert referral.status == Status.ACCEPTED
    assert referral.allocated_to == link_worker
    assert referral.snomed_code == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
    assert referral.events.last().to_status == Status.ACCEPTED


def test_it_requires_a_reason_to_reject(referral, link_worker):
    with pytest.raises(ValidationError) as exc:
        referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.REJECTED)
    assert "reason" in exc.value.error_dict
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_it_records_the_declined_code_when_the_person_declines(referral, link_worker):
    referral = referral_transition(
        actor=link_worker,
        referral_id=referral.pk,
        to_status=Status.REJECTED,
        reason_code="person_declined",
    )
    assert referral.snomed_code == SNOMED_SOCIAL_PRESCRIBING_DECLINED
    assert referral.closed_at is not None


def test_only_a_lead_can_allocate_to_someone_else(referral, link_worker, colleague, lead):
    with pytest.raises(ValidationError):
        referral_transition(
            actor=link_worker,
            referral_id=referral.pk,
            to_status=Status.ACCEPTED,
            allocate_to=colleague,
        )
    referral = referral_transition(
        actor=lead, referral_id=referral.pk, to_status=Status.ACCEPTED, allocate_to=colleague.pk
    )
    assert referral.allocated_to == colleague


def test_it_hides_the_referral_from_another_service(referral, outsider_link_worker):
    with pytest.raises(Http404):
        referral_transition(
            actor=outsider_link_worker, referral_id=referral.pk, to_status=Status.RECEIVED
        )


def test_the_referrer_may_withdraw_but_not_accept(referral, referrer):
    with pytest.raises(PermissionDenied):
        referral_transition(actor=referrer, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral = referral_transition(
        actor=referrer,
        referral_id=referral.pk,
        to_status=Status.CANCELLED,
        reason_code="withdrawn_by_referrer",
    )
    assert referral.status == Status.CANCELLED


def test_another_practice_cannot_touch_the_referral(referral, other_referrer):
    with pytest.raises(Http404):
        referral_transition(
            actor=other_referrer, referral_id=referral.pk, to_status=Status.CANCELLED
        )


REASONS = {
    Status.REJECTED: "not_eligible",
    Status.CANCELLED: "duplicate",
    Status.FAILED: "unable_to_contact",
    Status.ON_HOLD: "waiting_for_person",
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(st.sampled_from(Status.values), min_size=1, max_size=8))
def test_no_illegal_transition_is_ever_accepted(moves, referrer, practice, service, link_worker):
    referral = submit_referral(referrer, practice)
    for target in moves:
        before = Referral.objects.get(pk=referral.pk).status
        events_before = ReferralEvent.objects.filter(referral=referral).count()
        legal = target in TRANSITIONS[before]
        try:
            referral_transition(
                actor=link_worker,
                referral_id=referral.pk,
                to_status=target,
                reason_code=REASONS.get(target, ""),
            )
            accepted = True
        except ValidationError:
            accepted = False
        after = Referral.objects.get(pk=referral.pk).status
        assert accepted == legal, (before, target)
        assert after == (target if legal else before)
        assert ReferralEvent.objects.filter(referral=referral).count() == events_before + int(legal)


def test_a_person_may_have_no_fixed_abode(referrer, practice, service):
    details = person_details(
        postcode="", address_line_1="", no_fixed_abode=True, contact_methods=["phone"]
    )
    assert isinstance(details, PersonDetails)
    referral, _ = referral_submit(
        actor=referrer,
        source=Source.PROFESSIONAL,
        details=ReferralDetails(needs=["housing"], consent_confirmed=True),
        person_details=details,
        referrer_organisation=practice,
    )
    assert referral.person.no_fixed_abode
    assert referral.person.postcode == ""


def test_a_self_referral_taken_by_phone_records_consent_as_told_to_staff(link_worker, service):
    referral, _ = referral_submit(
        actor=link_worker,
        source=Source.SELF,
        details=ReferralDetails(needs=["befriending"], consent_confirmed=True),
        person_details=person_details(),
        service=service,
    )
    consent = referral.person.consents.get(purpose="care")
    assert consent.given and consent.method == "verbal"
    assert consent.recorded_by == link_worker


def test_an_online_self_referral_records_consent_given_online(service):
    referral, _ = referral_submit(
        actor=None,
        source=Source.SELF,
        details=ReferralDetails(needs=["befriending"], consent_confirmed=True),
        person_details=person_details(),
        consents={"contact_sms": False},
        channel="self-referral",
    )
    assert referral.person.consents.get(purpose="care").method == "online"
    assert referral.person.consents.get(purpose="contact_sms").given is False
