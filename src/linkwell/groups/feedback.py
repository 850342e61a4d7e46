"""Participant feedback and the facilitator's session notes: services and selectors.

Feedback has three questions (how did you feel today on a 1-5 faces scale, would you come
again, anything to tell us). It arrives two ways:

- on paper, entered by the facilitator from the register (about one booking, or anonymous
  for walk-ins and unnamed slips): `feedback_record`;
- on the person's phone, through a single-use, expiring link (`/f/<token>/`, no sign-in, no
  personal data on the page, in the person's language): `feedback_link_create`,
  `feedback_link_send` (queues the link as a text) and `feedback_submit`. Copied from
  outcomes.self_completion: only a SHA-256 of the token is stored.

The provider sees all of it; the link worker sees the scores on the case timeline and the
words only when the person ticked "share with my link worker" (groups.care_timeline).

Session notes are private to the provider organisation unless a note about one booking is
explicitly shared with the person's link worker.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .models import (
    MAX_FEEDBACK_COMMENT,
    MAX_NOTE,
    Booking,
    BookingStatus,
    ComeAgain,
    Feedback,
    FeedbackLink,
    FeedbackSource,
    Feeling,
    Session,
    SessionNote,
)
from .selectors import provider_services_for

# People who may give feedback about a session: those who had a place (not absent).
MAY_GIVE_FEEDBACK = frozenset({BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.LATE})


class LinkUnusable(Exception):
    """The link is unknown, expired or already used. `reason` says which (never whose)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_days() -> int:
    return int(getattr(settings, "LINKWELL_FEEDBACK_LINK_DAYS", 7))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _person_id(booking: Booking | None) -> int | None:
    if booking is None or booking.service_referral is None:
        return None
    return booking.service_referral.case.person_id


def page_language(code: str | None) -> str:
    """A language Linkwell has pages in: the shared language, else the default."""
    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").strip().lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


# ---- checks ------------------------------------------------------------------------------


def _whole_number(value) -> int | None:
    """An int, or a string of digits; anything else (3.5, True, "four") is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def clean_answers(*, feeling, come_again, comment) -> tuple[int, str, str]:
    """The three answers, checked. ValidationError keyed by field when any is wrong."""
    errors = {}
    feeling_value = _whole_number(feeling)
    if feeling_value is None or feeling_value not in Feeling.values:
        errors["feeling"] = _("Choose how you felt today, from 1 (very unhappy) to 5 (very happy).")
    come_again = (come_again or "").strip() if isinstance(come_again, str) else ""
    if come_again not in ComeAgain.values:
        errors["come_again"] = _("Choose whether you would come again: yes, maybe or no.")
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if len(comment) > MAX_FEEDBACK_COMMENT:
        errors["comment"] = _("Keep this to %(n)s characters or fewer.") % {
            "n": MAX_FEEDBACK_COMMENT
        }
    if errors:
        raise ValidationError(errors)
    return feeling_value, come_again, comment


def _provider_session(actor, session_id, *, lock: bool = False) -> Session:
    qs = Session.objects.filter(service__in=provider_services_for(actor))
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.select_related("service").get(pk=int(session_id))
    except (Session.DoesNotExist, TypeError, ValueError):
        raise PermissionDenied from None


def _session_booking(session: Session, booking_id, *, field: str = "booking") -> Booking | None:
    """The booking in this session (None when no booking was given)."""
    if booking_id in (None, ""):
        return None
    try:
        return Booking.objects.select_related("service_referral__case").get(
            pk=int(booking_id), session=session
        )
    except (Booking.DoesNotExist, TypeError, ValueError):
        raise ValidationError({field: _("Choose someone booked on this session.")}) from None


def _refuse_future(session: Session) -> None:
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ValidationError(
            {"session": _("Feedback can be given on the day of the session or after.")}
        )


def _check_booking_may_give(booking: Booking | None) -> None:
    if booking is None:
        return
    if booking.status not in MAY_GIVE_FEEDBACK:
        raise ValidationError(
            {"booking": _("Only people who had a place at the session can give feedback.")}
        )
    if Feedback.objects.filter(booking=booking).exists():
        raise ValidationError(
            {"booking": _("Feedback has already been recorded for this person at this session.")}
        )


# ---- feedback ----------------------------------------------------------------------------


def feedback_record(
    *,
    actor,
    session_id,
    booking_id=None,
    feeling,
    come_again,
    comment: str = "",
    share_comment: bool = False,
    channel: str = "web",
) -> Feedback:
    """The facilitator enters feedback given on paper (about one booking, or anonymous)."""
    feeling, come_again, comment = clean_answers(
        feeling=feeling, come_again=come_again, comment=comment
    )
    with transaction.atomic():
        session = _provider_session(actor, session_id, lock=True)
        _refuse_future(session)
        booking = _session_booking(session, booking_id)
        _check_booking_may_give(booking)
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    session=session,
                    booking=booking,
                    feeling=feeling,
                    come_again=come_again,
                    comment=comment,
                    share_comment=bool(share_comment) and booking is not None,
                    source=FeedbackSource.PAPER,
                    entered_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "booking": _(
                        "Feedback has already been recorded for this person at this session."
                    )
                }
            ) from None
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=feedback,
            person_id=_person_id(booking),
            channel=channel,
            detail="paper",
        )
    return feedback


def feedback_link_create(
    *, actor, session_id, booking_id=None, channel: str = "web"
) -> tuple[FeedbackLink, str]:
    """A single-use link for the person's phone; returns it and the raw token (shown once)."""
    with transaction.atomic():
        session = _provider_session(actor, session_id, lock=True)
        _refuse_future(session)
        booking = _session_booking(session, booking_id)
        _check_booking_may_give(booking)
        token = secrets.token_urlsafe(24)
        language = page_language(
            booking.service_referral.shared_language
            if booking is not None and booking.service_referral
            else ""
        )
        link = FeedbackLink.objects.create(
            session=session,
            booking=booking,
            token_hash=_hash(token),
            language=language,
            created_by=actor,
            expires_at=timezone.now() + datetime.timedelta(days=link_days()),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=link,
            person_id=_person_id(booking),
            channel=channel,
        )
    return link, token


def feedback_link_send(
    *, actor, session_id, booking_id, build_url: Callable[[str], str], channel: str = "web"
) -> FeedbackLink:
    """Make a link for one booked person and queue it to them as a text (`feedback_link`).

    The outbox decides the route from the person's own contact preferences; the provider never
    sees their number. `build_url(token)` makes the absolute address.
    """
    from linkwell.messaging.services import message_queue

    if booking_id in (None, ""):
        raise ValidationError({"booking": _("Choose the person to send the link to.")})
    with transaction.atomic():
        link, token = feedback_link_create(
            actor=actor, session_id=session_id, booking_id=booking_id, channel=channel
        )
        booking = link.booking
        if booking.service_referral is None:
            raise ValidationError({"booking": _("Choose the person to send the link to.")})
        message_queue(
            person=booking.service_referral.case.person,
            template="feedback_link",
            personalisation={
                "first_name": booking.service_referral.shared_first_name,
                "url": build_url(token),
            },
            related=booking,
        )
    return link


def feedback_link_get(token: str, *, for_update: bool = False) -> FeedbackLink:
    """The usable link for a token; LinkUnusable("unknown" | "expired" | "used") otherwise."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise LinkUnusable("unknown")
    qs = FeedbackLink.objects.select_related("session__service", "booking__service_referral")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(token_hash=_hash(token)).first()
    if link is None:
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    if link.booking_id and Feedback.objects.filter(booking_id=link.booking_id).exists():
        # Already answered another way (on paper, or through another link).
        raise LinkUnusable("used")
    return link


def feedback_submit(
    *, token: str, feeling, come_again, comment: str = "", share_comment: bool = False
) -> Feedback:
    """The person's answers from their phone: saved and the link spent, in one transaction.

    LinkUnusable for an unknown, expired or used link; ValidationError (keyed by field) for
    bad answers, in which case nothing is saved and the link stays usable.
    """
    feeling, come_again, comment = clean_answers(
        feeling=feeling, come_again=come_again, comment=comment
    )
    with transaction.atomic():
        link = feedback_link_get(token, for_update=True)
        now = timezone.now()
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    session_id=link.session_id,
                    booking_id=link.booking_id,
                    feeling=feeling,
                    come_again=come_again,
                    comment=comment,
                    share_comment=bool(share_comment) and link.booking_id is not None,
                    source=FeedbackSource.PHONE,
                    created_at=now,
                )
        except IntegrityError:
            raise LinkUnusable("used") from None
        link.used_at = now
        link.feedback = feedback
        link.save(update_fields=["used_at", "feedback"])
        person_id = (
            link.booking.service_referral.case.person_id
            if link.booking_id and link.booking.service_referral_id
            else None
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=feedback,
            person_id=person_id,
            channel="self",
            detail="phone",
        )
    return feedback


def session_feedback(session: Session) -> list[Feedback]:
    """All feedback on a session, for its provider (first names from the shared snapshot)."""
    return list(
        Feedback.objects.filter(session=session)
        .select_related("booking__service_referral")
        .order_by("-created_at", "-id")
    )


def feedback_summary(items: list[Feedback]) -> dict:
    """Counts for the session page: answers, mean feeling, how many would come again."""
    n = len(items)
    return {
        "count": n,
        "mean_feeling": round(sum(f.feeling for f in items) / n, 1) if n else None,
        "come_again": {
            value: sum(1 for f in items if f.come_again == value) for value in ComeAgain.values
        },
    }


def feedback_people(session: Session) -> list[Booking]:
    """People on the session's register who may still give feedback (paper or phone)."""
    return list(
        Booking.objects.filter(session=session, status__in=MAY_GIVE_FEEDBACK)
        .exclude(feedback__isnull=False)
        .select_related("service_referral")
        .only("id", "status", "service_referral__id", "service_referral__shared_first_name")
        .order_by("service_referral__shared_first_name", "id")
    )


# ---- session notes -----------------------------------------------------------------------


def session_note_add(
    *,
    actor,
    session_id,
    text: str,
    booking_id=None,
    share_with_link_worker: bool = False,
    channel: str = "web",
) -> SessionNote:
    """A facilitator's note: private to the provider unless shared (only about one booking)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    with transaction.atomic():
        session = _provider_session(actor, session_id)
        booking = _session_booking(session, booking_id)
        errors = {}
        if not text:
            errors["text"] = _("Write the note.")
        elif len(text) > MAX_NOTE:
            errors["text"] = _("Keep this to %(n)s characters or fewer.") % {"n": MAX_NOTE}
        share = bool(share_with_link_worker)
        if share and (booking is None or booking.service_referral is None):
            errors["share_with_link_worker"] = _(
                "A note can be shared with a link worker only when it is about one referred "
                "person: choose who it is about."
            )
        if errors:
            raise ValidationError(errors)
        note = SessionNote.objects.create(
            session=session,
            booking=booking,
            text=text,
            share_with_link_worker=share,
            author=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=note,
            person_id=_person_id(booking),
            channel=channel,
            detail="shared" if share else "private",
        )
    return note


def session_notes(session: Session) -> list[SessionNote]:
    """The session's notes, for its provider organisation."""
    return list(
        SessionNote.objects.filter(session=session)
        .select_related("author", "booking__service_referral")
        .order_by("-created_at", "-id")
    )
