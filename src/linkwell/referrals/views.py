"""Staff pages for referrals: the service inbox, the list, the referral form and the detail page.

Views parse the request, call a selector or service, and render. Who may see what is decided
by the selectors (404 outside scope) and who may do what by the services (403).
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.audit.services import audit_list
from linkwell.people.services import person_possible_duplicates
from linkwell.people.validators import format_phone

from . import selectors, services
from .forms import ReferralFilterForm, ReferralForm, TransitionForm, add_service_errors
from .models import Source, Status
from .vocabulary import SNOMED_SOCIAL_PRESCRIBING_DECLINED

INBOX_PAGE_SIZE = 50
LIST_PAGE_SIZE = 25
REFERRAL_ROLES = (Role.REFERRER, *LINK_WORKER_ROLES)


def roles_required(*roles):
    """Signed in (else to the sign-in page) and holding one of `roles` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not permissions.has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _audit_people_shown(request, referrals) -> None:
    audit_list(
        actor=request.user,
        object_type="referrals.referral",
        person_ids=[r.person_id for r in referrals],
    )


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for(request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit_people_shown(request, page)
    return render(request, "referrals/inbox.html", {"page_obj": page, "referrals": page})


@roles_required(*REFERRAL_ROLES)
@require_GET
def referral_list(request):
    user = request.user
    is_service = permissions.has_role(user, *LINK_WORKER_ROLES)
    form = ReferralFilterForm(request.GET or None, reference_only=not is_service)
    status, search = "", ""
    if form.is_bound and form.is_valid():
        status, search = form.cleaned_data["status"], form.cleaned_data["search"]
    referrals = selectors.referral_list_for(user, status=status or None, search=search)
    page = Paginator(referrals, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_people_shown(request, page)
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "page_obj": page,
            "referrals": page,
            "is_service": is_service,
            "filtered": bool(status or search),
        },
    )


def _submission_scope(user) -> str:
    return f"form:{user.pk}"


def _latest_references(user, people) -> dict[int, str]:
    """The newest referral reference (in the user's scope) for each person, to tell them apart."""
    references: dict[int, str] = {}
    rows = (
        selectors.referral_queryset_for(user)
        .filter(person_id__in=[p.pk for p in people])
        .order_by("person_id", "-created_at", "-id")
        .values_list("person_id", "reference")
    )
    for person_id, reference in rows:
        references.setdefault(person_id, reference)
    return references


def _render_create(request, form, *, duplicates=(), status=200):
    duplicates = list(duplicates)
    references = _latest_references(request.user, duplicates) if duplicates else {}
    return render(
        request,
        "referrals/create.html",
        {
            "form": form,
            "duplicates": [(p, references.get(p.pk, "")) for p in duplicates],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    user = request.user
    if not permissions.can_refer(user):
        raise PermissionDenied
    people = selectors.person_queryset_for(user)
    services_of_user = permissions.organisations(user, *LINK_WORKER_ROLES)
    form_kwargs = {
        "people": people,
        "organisations": permissions.organisations(user, *REFERRAL_ROLES),
        "can_take_self_referral": bool(services_of_user),
    }
    if request.method != "POST":
        form = ReferralForm(initial={"submission_id": uuid.uuid4().hex}, **form_kwargs)
        return _render_create(request, form)

    form = ReferralForm(request.POST, **form_kwargs)
    if not form.is_valid():
        return _render_create(request, form, status=400)

    scope, key = _submission_scope(user), form.cleaned_data["submission_id"]
    person = form.chosen_person()
    person_details = None
    if person is None:
        choice = form.cleaned_data["duplicate_choice"]
        duplicates = []
        if choice != "new":
            duplicates = person_possible_duplicates(queryset=people, **form.matching_terms())
        person = next((p for p in duplicates if str(p.pk) == choice), None)
        # A repeat of a form already sent is answered by the idempotency key, not by the
        # warning (which would otherwise list the person the first send created).
        if (
            person is None
            and duplicates
            and selectors.referral_for_submission(user, scope=scope, key=key) is None
        ):
            audit_list(
                actor=user, object_type="people.person", person_ids=[p.pk for p in duplicates]
            )
            if choice or request.POST.get("duplicates_shown"):
                form.add_error(
                    "duplicate_choice",
                    _("Select one of the people listed, or that this is a different person"),
                )
                return _render_create(request, form, duplicates=duplicates, status=400)
            return _render_create(request, form, duplicates=duplicates)
        if person is None:
            person_details = form.person_details()

    phone_self_referral = form.is_phone_self_referral and bool(services_of_user)
    organisation = form.chosen_organisation()
    service = None
    if phone_self_referral:
        service = organisation if organisation in services_of_user else services_of_user[0]
        organisation = None
    try:
        referral, created = services.referral_submit(
            actor=user,
            source=Source.SELF if phone_self_referral else Source.PROFESSIONAL,
            details=form.referral_details(),
            person=person,
            person_details=person_details,
            referrer_organisation=organisation,
            service=service,
            idempotency_scope=scope,
            idempotency_key=key,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_create(request, form, status=400)
    except services.IdempotencyConflict:
        data = request.POST.copy()
        data["submission_id"] = uuid.uuid4().hex
        form = ReferralForm(data, **form_kwargs)
        form.is_valid()
        form.add_error(
            None,
            _(
                "This form was already sent with different details. Check the referrals list "
                "before sending it again."
            ),
        )
        return _render_create(request, form, status=400)

    if created:
        messages.success(
            request,
            _("Referral %(reference)s sent to %(service)s")
            % {"reference": referral.reference, "service": referral.service.name},
        )
    else:
        messages.info(
            request,
            _("Referral %(reference)s was already sent") % {"reference": referral.reference},
        )
    return redirect("referrals:detail", pk=referral.pk)


def _detail_context(request, referral, *, bound_form: TransitionForm | None = None) -> dict:
    user = request.user
    is_service = selectors.referral_viewer_is_service(user, referral)
    targets = services.referral_transitions_allowed(user, referral)
    action_forms = []
    if targets:
        reasons = list(selectors.closure_reasons_active())
        team = _allocatable(user, referral) if Status.ACCEPTED in targets else None
        for target in targets:
            if bound_form is not None and bound_form.target == target:
                action_forms.append(bound_form)
                continue
            action_forms.append(
                TransitionForm(
                    target=target,
                    reasons=reasons,
                    link_workers=team,
                    initial_reason="" if is_service else "withdrawn_by_referrer",
                    initial={"allocate_to": user.pk},
                )
            )
    return {
        "referral": referral,
        "person": referral.person,
        "phone_display": format_phone(referral.person.phone) if is_service else "",
        "snomed_declined": SNOMED_SOCIAL_PRESCRIBING_DECLINED,
        "is_service": is_service,
        "is_lead": permissions.is_lead_of(user, referral.service_id),
        "needs": referral.needs.all(),
        "events": selectors.referral_events(referral),
        "duplicates": selectors.referral_possible_duplicates(user, referral) if is_service else [],
        "action_forms": action_forms,
        # For the error summary and the page title.
        "form": bound_form,
    }


def _allocatable(user, referral):
    """Who an accept may allocate to: the whole team for a lead, otherwise only themself."""
    if permissions.is_lead_of(user, referral.service_id):
        return list(selectors.link_workers_of(referral.service))
    return [user]


@roles_required(*REFERRAL_ROLES)
@require_GET
def referral_detail(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@roles_required(*REFERRAL_ROLES)
@require_POST
def referral_transition(request, pk):
    user = request.user
    # Read without an audit entry: this only checks scope and builds the choices to validate.
    referral = selectors.referral_get_for(user, pk, audit=False)
    target = request.POST.get("to_status", "")
    form = TransitionForm(
        request.POST,
        target=target,
        reasons=list(selectors.closure_reasons_active()),
        link_workers=_allocatable(user, referral) if target == Status.ACCEPTED else None,
    )
    if form.is_valid():
        try:
            referral = services.referral_transition(
                actor=user, referral_id=referral.pk, to_status=target, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Referral %(reference)s is now: %(status)s")
                % {"reference": referral.reference, "status": referral.get_status_display()},
            )
            return redirect("referrals:detail", pk=referral.pk)
    referral = selectors.referral_get_for(user, pk)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, bound_form=form),
        status=400,
    )
