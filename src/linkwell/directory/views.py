"""Directory pages for providers and directory editors (under /directory/).

Who may see a listing is decided by the selectors (404 outside scope); who may change or
approve it by the services (403).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from . import selectors, services
from .forms import ReturnForm, ServiceEditor, add_service_errors
from .models import ApprovalStatus, Service, ServiceVersion


def listing_keeper_required(view):
    """Signed in (else to sign-in) and a provider or directory editor (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.can_manage_listings(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@listing_keeper_required
@require_GET
def dashboard(request):
    user = request.user
    listings = list(
        selectors.service_queryset_for(user).select_related("organization").order_by("name")
    )
    pending_ids = set(
        ServiceVersion.objects.filter(
            service__in=listings, status=ServiceVersion.Status.PENDING
        ).values_list("service_id", flat=True)
    )
    rows = [
        {
            "service": s,
            "stale": s.approval_status == ApprovalStatus.PUBLISHED and selectors.is_stale(s),
            "hidden": s.approval_status == ApprovalStatus.PUBLISHED
            and selectors.is_hidden_from_matching(s),
            "pending_change": s.pk in pending_ids,
        }
        for s in listings
    ]
    return render(
        request,
        "directory/dashboard.html",
        {
            "rows": rows,
            "stale_count": sum(1 for r in rows if r["stale"]),
            "is_editor": selectors.is_editor(user),
            "pending_count": selectors.pending_versions_for(user).count(),
            "report_count": selectors.listing_reports_for(user).count(),
            "organizations": list(selectors.organization_queryset_for(user)),
        },
    )


def _organizations_for_create(user):
    orgs = list(selectors.organization_queryset_for(user))
    if not orgs and not selectors.is_editor(user):
        from linkwell.accounts import permissions
        from linkwell.accounts.models import Role

        orgs = [
            services.organization_for_organisation(organisation=o)
            for o in permissions.organisations(user, Role.PROVIDER)
        ]
    return orgs


def _adding(request) -> str | None:
    """The formset an "Add another …" button asked for one more row in, if any."""
    if request.method == "POST" and request.POST.get("add") in ServiceEditor.SETS:
        return request.POST["add"]
    return None


def _saving(request) -> bool:
    return request.method == "POST" and _adding(request) is None


def _editor(request, *, listing, initial=None) -> ServiceEditor:
    if request.method != "POST":
        return ServiceEditor(listing=listing, initial=initial)
    prefix = _adding(request)
    if prefix is not None:
        return ServiceEditor.adding(request.POST, prefix)
    return ServiceEditor(request.POST)


def _render_form(request, editor: ServiceEditor, service):
    return render(
        request,
        "directory/service_form.html",
        {
            "form": editor.form,
            "editor": editor,
            "schedule_forms": editor.formsets["schedules"],
            "location_forms": editor.formsets["locations"],
            "phone_forms": editor.formsets["phones"],
            "service": service,
        },
    )


@listing_keeper_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    orgs = _organizations_for_create(request.user)
    if not orgs:
        raise PermissionDenied
    editor = _editor(request, listing=None, initial={"status": "active", "is_free": "yes"})
    if _saving(request) and editor.is_valid():
        try:
            service = services.service_create(
                actor=request.user, organization=orgs[0], data=editor.to_data()
            )
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(
                request, _("Listing saved as a draft. Send it for approval when it is ready.")
            )
            return redirect("directory:service", pk=service.pk)
    return _render_form(request, editor, None)


@listing_keeper_required
@require_GET
def service_manage(request, pk):
    service = selectors.service_get_for(request.user, pk)
    versions = service.versions.select_related("author", "reviewed_by")[:10]
    return render(
        request,
        "directory/service_manage.html",
        {
            "service": service,
            "versions": versions,
            "pending": next((v for v in versions if v.status == "pending"), None),
            "stale": selectors.is_stale(service),
            "hidden": selectors.is_hidden_from_matching(service),
            "reports": list(selectors.listing_reports_for(request.user).filter(service=service)),
            "can_submit": service.approval_status
            in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED),
            "is_published": service.approval_status == ApprovalStatus.PUBLISHED,
        },
    )


@listing_keeper_required
@require_http_methods(["GET", "POST"])
def service_edit(request, pk):
    service = selectors.service_get_for(request.user, pk)
    if not services.can_edit(request.user, service):
        raise PermissionDenied
    current = services.service_snapshot(service)
    pending = service.versions.filter(status=ServiceVersion.Status.PENDING).first()
    base = pending.data if pending else current
    editor = _editor(request, listing=base)
    if _saving(request) and editor.is_valid():
        try:
            version = services.service_update(
                actor=request.user,
                service=service,
                data=editor.to_data(base),
                comment=editor.comment,
            )
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            if version is not None:
                messages.success(
                    request,
                    _(
                        "Your changes have been sent to a directory editor. The published "
                        "listing stays as it is until they are approved."
                    ),
                )
            else:
                messages.success(request, _("Listing updated."))
            return redirect("directory:service", pk=service.pk)
    return _render_form(request, editor, service)


@listing_keeper_required
@require_POST
def service_confirm(request, pk):
    service = selectors.service_get_for(request.user, pk)
    services.service_confirm_accurate(actor=request.user, service=service)
    messages.success(request, _("Thank you. The listing is marked as checked today."))
    if request.POST.get("next") == "dashboard":
        return redirect("directory:dashboard")
    return redirect("directory:service", pk=service.pk)


@listing_keeper_required
@require_POST
def service_submit(request, pk):
    service = selectors.service_get_for(request.user, pk)
    try:
        services.service_submit(actor=request.user, service=service)
    except ValidationError:
        messages.error(request, _("This listing has already been sent for approval."))
    else:
        messages.success(request, _("Sent to a directory editor for approval."))
    return redirect("directory:service", pk=service.pk)


@listing_keeper_required
@require_GET
def review_queue(request):
    if not selectors.is_editor(request.user):
        raise PermissionDenied
    return render(
        request,
        "directory/review_queue.html",
        {"versions": selectors.pending_versions_for(request.user).order_by("created_at")},
    )


@listing_keeper_required
@require_http_methods(["GET", "POST"])
def version_review(request, pk):
    version = selectors.version_get_for(request.user, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST":
        if not selectors.is_editor(request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        if form.is_valid():
            try:
                if action == "approve":
                    services.version_approve(
                        actor=request.user,
                        version=version,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Approved and published."))
                else:
                    services.version_return(
                        actor=request.user,
                        version=version,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Returned to the provider with your comment."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("directory:review")
    current = services.service_snapshot(version.service)
    changes = [
        {
            "field": _field_label(key),
            "before": _readable(current.get(key)),
            "after": _readable(value),
        }
        for key, value in version.data.items()
        if current.get(key) != value
    ]
    return render(
        request,
        "directory/version_review.html",
        {
            "version": version,
            "service": version.service,
            "changes": changes,
            "form": form,
            "is_editor": selectors.is_editor(request.user),
        },
    )


def _field_label(key: str) -> str:
    try:
        return str(Service._meta.get_field(key).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - nested parts (schedules, locations…) are not model fields
        return key.replace("_", " ").capitalize()


def _readable(value) -> str:
    """A snapshot value as text for the editor: lists one item a line, dicts as values."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return "\n".join(_readable(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, "", []))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@listing_keeper_required
@require_GET
def report_list(request):
    is_editor = selectors.is_editor(request.user)
    reports = list(selectors.listing_reports_for(request.user))
    if is_editor:
        # Reporter contact details are personal: record that an editor saw them.
        for report in reports:
            if report.reporter_name or report.reporter_email:
                audit_record(actor=request.user, action=AuditAction.LIST, obj=report)
    return render(
        request, "directory/report_list.html", {"reports": reports, "is_editor": is_editor}
    )


@listing_keeper_required
@require_POST
def report_resolve(request, pk):
    report = selectors.report_get_for(request.user, pk)
    services.listing_report_resolve(actor=request.user, report=report)
    messages.success(request, _("Marked as dealt with."))
    return redirect("directory:reports")
