"""The social prescription page (printable, in the person's language) and sending it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.referrals.views import roles_required

from . import prescription, selectors


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def prescription_page(request, pk):
    case = selectors.case_get_for(request.user, pk)
    activities = prescription.chosen_activities(case)
    language = prescription.person_language(case.person)
    may_send = selectors.case_may_edit(request.user, case) and bool(activities)
    with translation.override(language or translation.get_language()):
        return render(
            request,
            "casework/prescription.html",
            {
                "case": case,
                "person": case.person,
                "activities": activities,
                "may_send": may_send,
                "page_language": translation.get_language(),
                "page_bidi": translation.get_language_bidi(),
                "link_worker_service": case.referral.service,
            },
        )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def prescription_send(request, pk):
    case = selectors.case_get_for(request.user, pk, audit=False)
    try:
        message = prescription.social_prescription_send(actor=request.user, case_id=case.pk)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("Social prescription queued to send (%(channel)s).")
            % {"channel": message.get_channel_display() if message.channel else _("to be decided")},
        )
    return redirect("casework:prescription", pk=case.pk)
