from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        roles = permissions.roles(user)
        path = request.path

        def add(label, name):
            items.append({"label": label, "url": reverse(name), "active": False})

        if roles & LINK_WORKER_ROLES:
            add(_("Inbox"), "referrals:inbox")
            add(_("Caseload"), "casework:caseload")
        if Role.LINK_WORKER_LEAD in roles:
            add(_("Team"), "casework:team")
        if roles & (LINK_WORKER_ROLES | {Role.REFERRER}):
            add(_("Referrals"), "referrals:list")
            add(_("Make a referral"), "referrals:create")
        if roles & LINK_WORKER_ROLES:
            add(_("Calls to make"), "messaging:calls")
            add(_("Messages not sent"), "messaging:failed")
            add(_("Measures due"), "outcomes:due")
        if Role.PROVIDER in roles:
            add(_("Referrals to us"), "groups:inbox")
            add(_("Sessions"), "groups:sessions")
        if roles & (LINK_WORKER_ROLES | {Role.PROVIDER}):
            add(_("Concerns"), "groups:concerns")
        if roles & {Role.PROVIDER, Role.DIRECTORY_EDITOR}:
            add(_("Directory listings"), "directory:dashboard")
            add(_("Funding and costs"), "groups:funding")
        from linkwell.noticeboard.selectors import may_use_noticeboard

        if may_use_noticeboard(user):
            add(_("Noticeboard"), "noticeboard:list")
        if Role.COMMISSIONER in roles:
            add(_("Reports"), "reports:dashboard")
        if roles & (LINK_WORKER_ROLES | {Role.PROVIDER}):
            add(_("My figures"), "reports:mine")
        add(_("Find community services"), "services:search")
        if user.is_staff:
            items.append(
                {"label": _("Administration"), "url": reverse("admin:index"), "active": False}
            )
        # Only the most specific matching item is current (/referrals/inbox/ is not /referrals/).
        matches = [item for item in items if path.startswith(item["url"])]
        if matches:
            max(matches, key=lambda item: len(item["url"]))["active"] = True
    context = {"nav_items": items, "service_name": settings.LINKWELL_SERVICE_NAME}
    if user is not None and user.is_authenticated:
        # messaging: unread in-app notifications; a callable, so counted only if shown.
        from linkwell.messaging.selectors import unread_notification_count

        context["unread_notifications"] = lambda: unread_notification_count(user)
    return context
