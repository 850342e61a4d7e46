"""The matches page: services that fit a case, ranked, each with why (works without JS)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.referrals.views import roles_required

from . import matching_selectors, selectors
from .matching_forms import DEFAULT_MAX_MILES, MatchPreferencesForm


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def matches(request, pk):
    case = selectors.case_get_for(request.user, pk)
    if request.GET:
        form = MatchPreferencesForm(request.GET)
    else:
        # First visit: a sensible distance; the form is bound so its values show.
        form = MatchPreferencesForm({"max_miles": DEFAULT_MAX_MILES})
    results = []
    status = 200
    if form.is_valid():
        results = matching_selectors.matches_for(case, form.preferences())
    else:
        status = 400
    return render(
        request,
        "casework/matches.html",
        {
            "case": case,
            "person": case.person,
            "form": form if form.errors else None,
            "preferences_form": form,
            "results": results,
            "searched": form.is_valid(),
        },
        status=status,
    )
