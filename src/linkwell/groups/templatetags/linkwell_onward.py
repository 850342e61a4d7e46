"""Onward referrals on casework pages (the case page, matches), without casework views
having to know about groups: `{% load linkwell_onward %}`. It lives in groups, so the
imports point from the later stage to the earlier one."""

from __future__ import annotations

from django import template

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES

register = template.Library()


@register.inclusion_tag("casework/onward/_case_section.html")
def onward_case_section(case, may_edit=False):
    from linkwell.groups.onward import case_onward_referrals
    from linkwell.groups.services import ONWARD_OPEN

    referrals = case_onward_referrals(case)
    for referral in referrals:
        events = list(referral.events.all())
        referral.latest_event = events[-1] if events else None
        referral.is_open = referral.kind == "referral" and referral.status in ONWARD_OPEN
    return {
        "case": case,
        "onward": referrals,
        "unmet": list(case.unmet_needs.filter(resolved_at__isnull=True).select_related("need")),
        "may_edit": may_edit,
    }


@register.simple_tag
def onward_reply_figures(results):
    """{service_id: ReplyFigures} for a list of matches, in one query."""
    from linkwell.groups.onward import reply_figures

    return reply_figures([m.service.pk for m in results])


@register.inclusion_tag("casework/onward/_match_actions.html")
def onward_match_actions(case, match, figures):
    return {"case": case, "service": match.service, "figures": figures.get(match.service.pk)}


@register.inclusion_tag("casework/onward/_unmet_needs.html")
def onward_unmet_needs(case, results, searched=True):
    from linkwell.casework.models import UnmetNeed

    covered = set()
    for match in results:
        covered |= set(match.profile.needs_met)
    recorded = set(
        UnmetNeed.objects.filter(case=case, resolved_at__isnull=True).values_list(
            "need__code", flat=True
        )
    )
    needs = [
        {"need": need, "covered": need.code in covered, "recorded": need.code in recorded}
        for need in case.referral.needs.all()
    ]
    return {"case": case, "needs": needs, "searched": searched}


@register.inclusion_tag("casework/onward/_service_figures.html", takes_context=True)
def onward_service_figures(context, service):
    """Reply figures on a listing page: signed-in link workers only (never the public)."""
    from linkwell.groups.onward import reply_figures

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.has_role(user, *LINK_WORKER_ROLES):
        return {"figures": None, "service": service}
    return {"figures": reply_figures([service.pk])[service.pk], "service": service}
