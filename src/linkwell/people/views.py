"""Staff page for one person: their record and the referrals the viewer may see."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from linkwell.people.validators import format_phone
from linkwell.referrals import selectors
from linkwell.referrals.views import REFERRAL_ROLES, roles_required


def _current_consents(person) -> list:
    # Consent rows are a history; the newest row for each purpose is the one that counts.
    current = {}
    for consent in person.consents.select_related("recorded_by").order_by("-recorded_at", "-id"):
        current.setdefault(consent.purpose, consent)
    return list(current.values())


@roles_required(*REFERRAL_ROLES)
@require_GET
def person_detail(request, pk):
    user = request.user
    person = selectors.person_get_for(user, pk)
    referrals = list(selectors.referral_list_for(user).filter(person=person))
    is_service = any(selectors.referral_viewer_is_service(user, r) for r in referrals)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "referrals": referrals,
            "is_service": is_service,
            "phone_display": format_phone(person.phone) if is_service else "",
            "consents": _current_consents(person) if is_service else [],
        },
    )
