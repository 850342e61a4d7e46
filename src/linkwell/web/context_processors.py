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
            url = reverse(name)
            items.append({"label": label, "url": url, "active": path.startswith(url)})

        if roles & LINK_WORKER_ROLES:
            add(_("Inbox"), "referrals:inbox")
        if roles & (LINK_WORKER_ROLES | {Role.REFERRER}):
            add(_("Referrals"), "referrals:list")
            add(_("Make a referral"), "referrals:create")
        if user.is_staff:
            items.append(
                {"label": _("Administration"), "url": reverse("admin:index"), "active": False}
            )
    return {"nav_items": items, "service_name": settings.LINKWELL_SERVICE_NAME}
