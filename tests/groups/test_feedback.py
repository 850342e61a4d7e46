"""Participant feedback (paper and phone link) and facilitator notes: services and pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cast import make_org, make_user, submit_referral
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.audit.models import AuditEntry
from linkwell.casework.models import Case
from linkwell.casework.selectors import case_timeline
from linkwell.groups import feedback
from linkwell.groups.models import Feedback, FeedbackLink, SessionNote
from linkwell.groups.services import attendance_mark, booking_create
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import make_session, refer_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(session, onward, provider):
    return booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)


@pytest.fixture
def other_provider(db):
    org = make_org("Elsewhere Trust VCSE", OrganisationKind.VCSE)
    return make_user("provider2@example.org", org, Role.PROVIDER, full_name="Paula Other")


def _paper(provider, session, booking=None, **answers):
    values = {"feeling": 4, "come_again": "yes", "comment": ""}
    values.update(answers)
    return feedback.feedback_record(
        actor=provider,
        session_id=session.pk,
        booking_id=booking.pk if booking else None,
        **values,
    )


# ---- services ----------------------------------------------------------------------------


def test_paper_feedback_about_a_booking_is_saved_and_audited(provider, session, booking, case):
    item = _paper(provider, session, booking, feeling=5, comment="Lovely herbs")
    assert (item.feeling, item.come_again, item.source) == (5, "yes", "paper")
    assert item.booking == booking and item.entered_by == provider
    entry = AuditEntry.objects.get(object_type="groups.feedback", action="create")
    assert entry.person_id == case.person_id and "herbs" not in entry.detail


def test_anonymous_feedback_can_be_given_many_times(provider, session):
    _paper(provider, session)
    _paper(provider, session, feeling=2, come_again="maybe")
    assert Feedback.objects.filter(session=session, booking=None).count() == 2


@pytest.mark.parametrize("feeling", [0, 6, -1, "", None, "happy", 3.5])
def test_feeling_out_of_range_is_refused_and_nothing_saved(provider, session, feeling):
    with pytest.raises(ValidationError) as exc:
        _paper(provider, session, feeling=feeling)
    assert "feeling" in exc.value.message_dict
    assert not Feedback.objects.exists()


@settings(max_examples=40, deadline=None)
@given(feeling=st.integers(min_value=-1000, max_value=1000), again=st.text(max_size=8))
def test_clean_answers_accepts_exactly_the_scale(feeling, again):
    ok = 1 <= feeling <= 5 and again.strip() in ("yes", "maybe", "no")
    try:
        cleaned = feedback.clean_answers(feeling=feeling, come_again=again, comment="")
    except ValidationError:
        assert not ok
    else:
        assert ok and cleaned[0] == feeling


def test_come_again_must_be_yes_maybe_or_no(provider, session):
    with pytest.raises(ValidationError) as exc:
        _paper(provider, session, come_again="perhaps")
    assert list(exc.value.message_dict) == ["come_again"]


def test_comment_over_1000_characters_is_refused(provider, session):
    with pytest.raises(ValidationError) as exc:
        _paper(provider, session, comment="x" * 1001)
    assert "comment" in exc.value.message_dict
    assert not Feedback.objects.exists()


def test_one_feedback_per_person_per_session(provider, session, booking):
    _paper(provider, session, booking)
    with pytest.raises(ValidationError) as exc:
        _paper(provider, session, booking)
    assert "already been recorded" in str(exc.value)
    assert Feedback.objects.count() == 1


def test_someone_marked_absent_cannot_give_feedback(provider, session, booking):
    attendance_mark(actor=provider, booking_id=booking.pk, status="absent")
    with pytest.raises(ValidationError):
        _paper(provider, session, booking)


def test_feedback_for_a_future_session_is_refused(provider, group):
    future = make_session(group, days=3, hour=10)
    with pytest.raises(ValidationError) as exc:
        _paper(provider, future)
    assert "session" in exc.value.message_dict


def test_another_provider_cannot_record_feedback_on_my_session(other_provider, session):
    with pytest.raises(PermissionDenied):
        _paper(other_provider, session)


def test_a_booking_from_another_session_is_refused(provider, group, session, booking):
    other = make_session(group, days=-7, hour=10)
    with pytest.raises(ValidationError) as exc:
        _paper(provider, other, booking)
    assert "booking" in exc.value.message_dict


# ---- timeline (what the link worker sees) -------------------------------------------------


def test_link_worker_sees_scores_but_not_unshared_words(provider, session, booking, case):
    _paper(provider, session, booking, feeling=2, come_again="no", comment="Secret words")
    titles = [e.title for e in case_timeline(case) if e.kind == "group_feedback"]
    assert len(titles) == 1
    assert "2 of 5" in titles[0] and "Secret words" not in titles[0]


def test_link_worker_sees_the_words_when_the_person_shares_them(provider, session, booking, case):
    _paper(provider, session, booking, comment="Please tell Lina", share_comment=True)
    titles = [e.title for e in case_timeline(case) if e.kind == "group_feedback"]
    assert "Please tell Lina" in titles[0]


# ---- the phone link ----------------------------------------------------------------------


def test_link_is_single_use_and_stores_only_a_hash(provider, session, booking):
    link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert link.language == "ar"  # from the shared language
    item = feedback.feedback_submit(token=token, feeling=3, come_again="maybe")
    assert item.source == "phone" and item.booking == booking and item.entered_by is None
    with pytest.raises(feedback.LinkUnusable) as exc:
        feedback.feedback_submit(token=token, feeling=3, come_again="maybe")
    assert exc.value.reason == "used"
    assert Feedback.objects.count() == 1


def test_bad_answers_on_the_link_save_nothing_and_keep_the_link(provider, session, booking):
    link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    with pytest.raises(ValidationError):
        feedback.feedback_submit(token=token, feeling=9, come_again="yes")
    link.refresh_from_db()
    assert link.used_at is None and not Feedback.objects.exists()


def test_a_link_is_spent_once_paper_feedback_exists(provider, session, booking):
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    _paper(provider, session, booking)
    with pytest.raises(feedback.LinkUnusable) as exc:
        feedback.feedback_link_get(token)
    assert exc.value.reason == "used"


def test_expired_and_unknown_links_are_refused(provider, session):
    link, token = feedback.feedback_link_create(actor=provider, session_id=session.pk)
    FeedbackLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(feedback.LinkUnusable) as exc:
        feedback.feedback_link_get(token)
    assert exc.value.reason == "expired"
    for bad in ("x" * 32, "", "short", None):
        with pytest.raises(feedback.LinkUnusable) as exc:
            feedback.feedback_link_get(bad)
        assert exc.value.reason == "unknown"


# ---- public page -------------------------------------------------------------------------


def test_public_page_is_in_the_persons_language_with_no_personal_data(
    client, provider, session, booking, case
):
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    response = client.get(reverse("groups_public:feedback", args=[token]))
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    body = response.content.decode()
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    for private in ("Amina", case.person.family_name, session.service.name):
        assert private not in body
    # Each face is a labelled radio with words, the face itself hidden from screen readers.
    assert body.count('name="feeling" type="radio"') == 5
    assert body.count('class="linkwell-face" aria-hidden="true"') == 5


def test_public_page_language_can_be_switched_without_javascript(
    client, provider, session, booking
):
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    response = client.get(reverse("groups_public:feedback", args=[token]) + "?lang=en")
    assert response["Content-Language"] == "en"
    assert 'dir="ltr"' in response.content.decode()


def test_public_page_records_the_answers_once(client, provider, session, booking):
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    url = reverse("groups_public:feedback", args=[token])
    response = client.post(url, {"feeling": "5", "come_again": "yes", "comment": "Great"})
    assert response.status_code == 200
    assert Feedback.objects.get().comment == "Great"
    again = client.get(url)
    assert again.status_code == 410
    assert "Great" not in again.content.decode()


def test_public_page_shows_clear_errors_for_missing_answers(client, provider, session):
    _link, token = feedback.feedback_link_create(actor=provider, session_id=session.pk)
    response = client.post(
        reverse("groups_public:feedback", args=[token]) + "?lang=en", {"lang": "en"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and 'href="#id_feeling_0"' in body
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("state", ["unknown", "expired", "used"])
def test_unusable_links_get_a_friendly_page_and_no_data(client, provider, session, booking, state):
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    if state == "unknown":
        token = "A" * 32
    elif state == "expired":
        FeedbackLink.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    else:
        feedback.feedback_submit(token=token, feeling=1, come_again="no", comment="Private")
    response = client.get(reverse("groups_public:feedback", args=[token]))
    assert response.status_code == 410
    body = response.content.decode()
    assert "This link cannot be used" in body
    assert "Amina" not in body and "Private" not in body and session.service.name not in body


# ---- provider pages ----------------------------------------------------------------------


def test_paper_feedback_from_the_page(client, provider, session, booking):
    client.force_login(provider)
    url = reverse("groups:session_care", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"booking": str(booking.pk), "feeling": "4", "come_again": "maybe", "comment": ""}
    )
    assert response.status_code == 302
    assert Feedback.objects.get().booking == booking


def test_paper_feedback_page_shows_errors_and_saves_nothing(client, provider, session):
    client.force_login(provider)
    response = client.post(
        reverse("groups:session_care", args=[session.pk]), {"feeling": "7", "come_again": "yes"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and "from 1 (very unhappy) to 5" in body
    assert not Feedback.objects.exists()


def test_showing_a_link_gives_a_working_url(client, provider, session, booking):
    client.force_login(provider)
    response = client.post(
        reverse("groups:feedback_link", args=[session.pk]), {"booking": str(booking.pk)}
    )
    assert response.status_code == 200
    url = response.context["url"]
    client.logout()
    assert client.get(url).status_code == 200


def test_sending_the_link_queues_a_text(client, provider, session, booking, case):
    from linkwell.messaging.models import Message

    client.force_login(provider)
    response = client.post(
        reverse("groups:feedback_link", args=[session.pk]),
        {"booking": str(booking.pk), "send": "1"},
    )
    assert response.status_code == 302
    message = Message.objects.get(template="feedback_link")
    assert message.person_id == case.person_id
    assert message.personalisation["first_name"] == "Amina"
    assert "/f/" in message.personalisation["url"]
    assert FeedbackLink.objects.filter(booking=booking).count() == 1


@pytest.mark.parametrize("who", ["link_worker", "referrer", "commissioner", "nobody"])
def test_only_providers_reach_feedback_pages(client, request, who, session):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("groups:session_care", args=[session.pk])).status_code == 403


def test_another_providers_feedback_page_is_not_found(client, other_provider, session):
    client.force_login(other_provider)
    assert client.get(reverse("groups:session_care", args=[session.pk])).status_code == 404
    response = client.post(reverse("groups:note_add", args=[session.pk]), {"text": "x"})
    assert response.status_code == 404
    assert not SessionNote.objects.exists()


def booked_people(n, *, session, group, referrer, practice, link_worker, provider):
    """n different people, each with a case, referred on and booked into the session."""
    bookings = []
    for i in range(n):
        referral = submit_referral(referrer, practice)
        for to in (Status.ACCEPTED, Status.IN_PROGRESS):
            referral_transition(actor=link_worker, referral_id=referral.pk, to_status=to)
        onward = refer_on(
            Case.objects.get(referral=referral), group, link_worker, first_name=f"P{i}"
        )
        bookings.append(
            booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
        )
    return bookings


def test_feedback_page_query_count_does_not_grow(
    client, provider, session, group, referrer, practice, link_worker, django_assert_max_num_queries
):
    people = booked_people(
        6,
        session=session,
        group=group,
        referrer=referrer,
        practice=practice,
        link_worker=link_worker,
        provider=provider,
    )
    for i, b in enumerate(people):
        if b.status == "booked":
            _paper(provider, session, b)
            feedback.session_note_add(
                actor=provider, session_id=session.pk, booking_id=b.pk, text=f"n{i}"
            )
        _paper(provider, session)
    client.force_login(provider)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("groups:session_care", args=[session.pk]))
    assert response.status_code == 200


# ---- notes -------------------------------------------------------------------------------


def test_notes_are_private_by_default(provider, session, booking, case):
    note = feedback.session_note_add(
        actor=provider, session_id=session.pk, booking_id=booking.pk, text="Seemed tired"
    )
    assert not note.share_with_link_worker
    assert not [e for e in case_timeline(case) if e.kind == "group_note"]


def test_a_shared_note_about_a_booking_reaches_the_link_worker(provider, session, booking, case):
    feedback.session_note_add(
        actor=provider,
        session_id=session.pk,
        booking_id=booking.pk,
        text="Asked about housing help",
        share_with_link_worker=True,
    )
    titles = [e.title for e in case_timeline(case) if e.kind == "group_note"]
    assert len(titles) == 1 and "Asked about housing help" in titles[0]


def test_a_session_note_cannot_be_shared(provider, session):
    with pytest.raises(ValidationError) as exc:
        feedback.session_note_add(
            actor=provider, session_id=session.pk, text="Room cold", share_with_link_worker=True
        )
    assert "share_with_link_worker" in exc.value.message_dict
    assert not SessionNote.objects.exists()


def test_an_empty_note_is_refused(provider, session):
    with pytest.raises(ValidationError) as exc:
        feedback.session_note_add(actor=provider, session_id=session.pk, text="   ")
    assert "text" in exc.value.message_dict


def test_note_from_the_page(client, provider, session, booking):
    client.force_login(provider)
    response = client.post(
        reverse("groups:note_add", args=[session.pk]),
        {"booking": str(booking.pk), "text": "Brought a friend", "share_with_link_worker": "on"},
    )
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.share_with_link_worker and note.booking == booking


# ---- API ---------------------------------------------------------------------------------


def test_api_feedback_is_recorded(client, provider, session, booking):
    client.force_login(provider)
    response = client.post(
        reverse("api:session-feedback", args=[session.pk]),
        {"booking": booking.pk, "feeling": 5, "come_again": "yes"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["feeling"] == 5


@pytest.mark.parametrize("feeling", [0, 6, 100])
def test_api_feedback_out_of_range_gives_a_field_error(client, provider, session, feeling):
    client.force_login(provider)
    response = client.post(
        reverse("api:session-feedback", args=[session.pk]),
        {"feeling": feeling, "come_again": "yes"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "feeling" in response.json()["errors"]
    assert not Feedback.objects.exists()


def test_api_feedback_scope(client, other_provider, link_worker, session):
    body = {"feeling": 3, "come_again": "yes"}
    url = reverse("api:session-feedback", args=[session.pk])
    client.force_login(other_provider)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(link_worker)
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert not Feedback.objects.exists()
