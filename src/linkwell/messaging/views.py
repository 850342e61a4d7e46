"""Staff pages: a person's message log, the failed-messages queue, and calls to make."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.audit.services import audit_list
from linkwell.people.validators import format_phone
from linkwell.referrals.views import roles_required

from . import selectors, services
from .models import Channel
from .segments import sms_length
from .templates_text import PERSON_LANGUAGES, PERSON_TEMPLATES
from .templates_text import render as render_text

PAGE_SIZE = 50


def _with_text(items):
    for message in items:
        message.rendered = render_text(
            message.template, message.language, message.personalisation or {}
        )
        message.sms = sms_length(message.rendered.body) if message.channel == Channel.SMS else None
    return items


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def person_messages(request, person_id):
    person = selectors.person_for_messages(request.user, person_id)
    items = _with_text(list(selectors.person_messages(request.user, person)[:200]))
    return render(
        request,
        "messaging/person.html",
        {"person": person, "items": items, "phone": format_phone(person.phone)},
    )


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def failed(request):
    page = Paginator(selectors.failed_messages_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    fallbacks = list(selectors.language_fallbacks_for(request.user)[:PAGE_SIZE])
    audit_list(
        actor=request.user,
        object_type="messaging.message",
        person_ids=[m.person_id for m in [*page, *fallbacks] if m.person_id],
    )
    return render(
        request,
        "messaging/failed.html",
        {"page_obj": page, "items": page, "fallbacks": fallbacks},
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def retry(request, message_id):
    try:
        services.message_retry(actor=request.user, message_id=message_id)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("messaging:failed")


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def calls(request):
    tasks = list(selectors.call_tasks_for(request.user)[:200])
    audit_list(
        actor=request.user,
        object_type="messaging.calltask",
        person_ids=[t.person_id for t in tasks],
    )
    for task in tasks:
        task.phone = format_phone(task.person.phone)
        task.message.rendered = render_text(
            task.message.template, task.message.language, task.message.personalisation or {}
        )
    return render(request, "messaging/calls.html", {"tasks": tasks})


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def call_record(request, task_id):
    outcome = request.POST.get("outcome", "")
    if outcome not in ("done", "no_answer"):
        raise PermissionDenied
    services.call_task_record(actor=request.user, call_task_id=task_id, outcome=outcome)
    messages.success(
        request,
        _("Call marked as done.") if outcome == "done" else _("No answer recorded."),
    )
    return redirect("messaging:calls")


@csrf_exempt
@require_POST
def notify_callback(request):
    """GOV.UK Notify delivery receipts. Authenticated by the bearer token set at Notify."""
    token = settings.NOTIFY_CALLBACK_TOKEN
    header = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return HttpResponse(status=401)
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "Send JSON"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "Send a JSON object"}, status=400)
    matched = services.message_record_receipt(
        reference=str(body.get("reference") or ""),
        provider_reference=str(body.get("id") or ""),
        status=str(body.get("status") or ""),
    )
    # 200 even when unmatched, so Notify does not keep retrying a receipt we cannot use.
    return JsonResponse({"matched": matched})


SAMPLE = {
    "name": "Amina",
    "service": "Sunderland Link Workers",
    "reference": "LW-ABC234",
    "days": "5",
    "date": "12/03",
    "time": "10:30",
    "place": "Hendon Library",
    "phone": "0191 496 0000",
    "activity": "Walking group",
    "link": "https://linkwell.example/q/AbC123",
    "first_name": "Amina",
    "activities": "Walking group; Gardening club",
    "url": "https://linkwell.example/f/AbC123",
}


@roles_required(*LINK_WORKER_ROLES, Role.DIRECTORY_EDITOR)
@require_GET
def template_list(request):
    """Every message in every language, with its text length, so editors see what texts cost."""
    rows = []
    for code in sorted(PERSON_TEMPLATES):
        versions = []
        for language in PERSON_LANGUAGES:
            rendered = render_text(code, language, SAMPLE)
            versions.append(
                {
                    "language": language,
                    "rendered": rendered,
                    "sms": sms_length(rendered.body),
                    "bidi": language in settings.LANGUAGES_BIDI,
                }
            )
        rows.append({"code": code, "versions": versions})
    return render(request, "messaging/templates.html", {"rows": rows})


# --- Staff notifications (the user's own only) ------------------------------------------------

NOTIFICATIONS_PAGE_SIZE = 25


@login_required
@require_GET
def notifications(request):
    page = Paginator(selectors.notifications_for(request.user), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "messaging/notifications.html",
        {
            "page_obj": page,
            "items": page,
            "unread": selectors.unread_notification_count(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, notification_id):
    """Mark one read; with open=1, go on to what it is about (a path on this site only)."""
    notification = services.notification_mark_read(
        actor=request.user, notification_id=notification_id
    )
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("messaging:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("messaging:notifications")
