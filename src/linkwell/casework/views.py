"""Casework pages: caseload, team view, case record with its forms, discharge, printable plan.

Views parse, call one selector or service, and render. Scope (404) is the selectors'; who may
change what (403) is the services'. Every form posts to its own URL and works without JS.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.audit.services import audit_list
from linkwell.referrals.forms import add_service_errors
from linkwell.referrals.selectors import link_workers_of
from linkwell.referrals.views import roles_required

from . import selectors, services
from .forms import (
    CaseloadFilterForm,
    ContactForm,
    ConversationForm,
    DischargeForm,
    FollowUpForm,
    GoalForm,
    ProgressForm,
    ReallocateForm,
)


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def caseload(request):
    user = request.user
    services.cases_ensure_for(user)
    form = CaseloadFilterForm(request.GET or None)
    filters = selectors.CaseloadFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CaseloadFilters(
            status=d["status"],
            risk_only=d["risk_only"],
            interpreter_only=d["interpreter_only"],
            overdue_only=d["overdue_only"],
            sort=d["sort"] or "next_action",
            measures_overdue_only=d["measures_overdue_only"],
        )
    cases = list(selectors.caseload_for(user, filters))
    audit_list(actor=user, object_type="casework.case", person_ids=[c.person_id for c in cases])
    now = timezone.now()
    measures_due = selectors.caseload_measures_due(cases)
    for case in cases:
        case.days_since_referral = (now - case.referral.created_at).days
        case.measures_due = measures_due.get(case.pk, [])
    return render(
        request,
        "casework/caseload.html",
        {
            "form": form,
            "cases": cases,
            "today": timezone.localdate(),
            "is_lead": permissions.has_role(user, Role.LINK_WORKER_LEAD),
        },
    )


@roles_required(Role.LINK_WORKER_LEAD)
@require_GET
def team(request):
    user = request.user
    services.cases_ensure_for(user)
    view = selectors.team_view_for(user)
    audit_list(
        actor=user,
        object_type="casework.case",
        person_ids=[c.person_id for w in view.workers for c in w.cases],
    )
    return render(request, "casework/team.html", {"team": view})


def _case_context(request, case, **forms) -> dict:
    user = request.user
    may_edit = selectors.case_may_edit(user, case)
    goals = selectors.case_goals(case)
    failed = selectors.failed_attempts(case)
    context = {
        "case": case,
        "referral": case.referral,
        "person": case.person,
        "may_edit": may_edit and case.is_open,
        "is_lead": permissions.is_lead_of(user, case.referral.service_id),
        "goals": goals,
        "timeline": selectors.case_timeline(case),
        "follow_ups": list(case.follow_ups.filter(done_at__isnull=True)),
        "failed_attempts": failed,
        "failed_limit": selectors.failed_contact_limit(),
        "needs": case.referral.needs.all(),
        "today": timezone.localdate(),
    }
    if context["may_edit"]:
        context.update(
            conversation_form=forms.get("conversation_form")
            or ConversationForm(
                initial={
                    "version": case.plan_version,
                    "what_matters": case.what_matters,
                    "risk_flags": case.risk_flags,
                }
            ),
            contact_form=forms.get("contact_form") or ContactForm(),
            goal_form=forms.get("goal_form") or GoalForm(initial={"version": case.plan_version}),
            goal_rows=[
                (
                    goal,
                    forms["progress_form"]
                    if forms.get("progress_goal_id") == goal.pk and "progress_form" in forms
                    else ProgressForm(auto_id=f"id_goal{goal.pk}_%s"),
                )
                for goal in goals
            ],
            follow_up_form=forms.get("follow_up_form") or FollowUpForm(),
        )
    if context["is_lead"] and case.is_open:
        context["reallocate_form"] = forms.get("reallocate_form") or ReallocateForm(
            link_workers=link_workers_of(case.referral.service),
            initial={"link_worker": case.link_worker_id},
        )
    # The one bound form with errors, for the error summary.
    context["form"] = next((f for f in forms.values() if hasattr(f, "errors")), None)
    return context


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def case_detail(request, pk):
    case = selectors.case_get_for(request.user, pk)
    return render(request, "casework/case.html", _case_context(request, case))


def _post_form(request, pk, form_class, form_key, call, success, *, form_kwargs=None, extra=None):
    """Validate a form, call the service, redirect on success or re-render the case with errors."""
    user = request.user
    case = selectors.case_get_for(user, pk, audit=False)
    form = form_class(request.POST, **(form_kwargs or {}))
    if form.is_valid():
        try:
            call(case, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("casework:case", pk=case.pk)
    case = selectors.case_get_for(user, pk)
    return render(
        request,
        "casework/case.html",
        _case_context(request, case, **{form_key: form}, **(extra or {})),
        status=400,
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def conversation_update(request, pk):
    return _post_form(
        request,
        pk,
        ConversationForm,
        "conversation_form",
        lambda case, form: services.case_update_conversation(
            actor=request.user,
            case_id=case.pk,
            version=form.cleaned_data["version"],
            what_matters=form.cleaned_data["what_matters"],
            risk_flags=form.cleaned_data["risk_flags"],
        ),
        _("What matters saved"),
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def contact_add(request, pk):
    return _post_form(
        request,
        pk,
        ContactForm,
        "contact_form",
        lambda case, form: services.contact_record(
            actor=request.user, case_id=case.pk, **form.service_kwargs()
        ),
        _("Contact recorded"),
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def goal_add(request, pk):
    return _post_form(
        request,
        pk,
        GoalForm,
        "goal_form",
        lambda case, form: services.plan_goal_add(
            actor=request.user, case_id=case.pk, **form.service_kwargs()
        ),
        _("Goal added to the plan"),
    )


@roles_required(*LINK_WORKER_ROLES)
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk, goal_id):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=request.method == "GET")
    goal = case.goals.filter(pk=goal_id).first()
    if goal is None:
        from django.http import Http404

        raise Http404
    if not selectors.case_may_edit(user, case):
        raise PermissionDenied
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                services.plan_goal_update(
                    actor=user, case_id=case.pk, goal_id=goal.pk, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Goal changed"))
                return redirect("casework:case", pk=case.pk)
        status = 400
    else:
        form = GoalForm(
            initial={
                "version": case.plan_version,
                "wording": goal.wording,
                "steps": goal.steps,
                "who_does_what": goal.who_does_what,
                "review_on": goal.review_on,
            }
        )
        status = 200
    return render(
        request,
        "casework/goal_edit.html",
        {"case": case, "goal": goal, "form": form, "person": case.person},
        status=status,
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def progress_add(request, pk, goal_id):
    return _post_form(
        request,
        pk,
        ProgressForm,
        "progress_form",
        lambda case, form: services.goal_progress_record(
            actor=request.user, case_id=case.pk, goal_id=goal_id, **form.cleaned_data
        ),
        _("Progress recorded"),
        form_kwargs={"auto_id": f"id_goal{goal_id}_%s"},
        extra={"progress_goal_id": goal_id},
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def follow_up_add(request, pk):
    return _post_form(
        request,
        pk,
        FollowUpForm,
        "follow_up_form",
        lambda case, form: services.follow_up_add(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        _("Follow-up added"),
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def follow_up_done(request, pk, follow_up_id):
    case = selectors.case_get_for(request.user, pk, audit=False)
    try:
        services.follow_up_done(actor=request.user, case_id=case.pk, follow_up_id=follow_up_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Follow-up marked as done"))
    return redirect("casework:case", pk=case.pk)


@roles_required(Role.LINK_WORKER_LEAD)
@require_POST
def reallocate(request, pk):
    case = selectors.case_get_for(request.user, pk, audit=False)
    return _post_form(
        request,
        pk,
        ReallocateForm,
        "reallocate_form",
        lambda case, form: services.case_reallocate(
            actor=request.user, case_id=case.pk, link_worker=form.cleaned_data["link_worker"]
        ),
        _("Case reallocated"),
        form_kwargs={"link_workers": link_workers_of(case.referral.service)},
    )


@roles_required(*LINK_WORKER_ROLES)
@require_http_methods(["GET", "POST"])
def discharge(request, pk):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=request.method == "GET")
    if not selectors.case_may_edit(user, case):
        raise PermissionDenied
    reasons = list(selectors.discharge_reasons_active())
    status = 200
    if request.method == "POST":
        form = DischargeForm(request.POST, reasons=reasons)
        if form.is_valid():
            try:
                services.case_discharge(
                    actor=user,
                    case_id=case.pk,
                    reason_code=form.cleaned_data["reason"],
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Case closed and summary sent to the referrer"))
                return redirect("casework:case", pk=case.pk)
        status = 400
    else:
        form = DischargeForm(
            reasons=reasons, initial={"summary": selectors.discharge_summary_draft(case)}
        )
    return render(
        request,
        "casework/discharge.html",
        {
            "case": case,
            "person": case.person,
            "form": form,
            "failed_attempts": selectors.failed_attempts(case),
            "failed_limit": selectors.failed_contact_limit(),
        },
        status=status,
    )


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def plan_print(request, pk):
    """The plan in the person's language (where Linkwell has it), ready to print and hand over."""
    case = selectors.case_get_for(request.user, pk)
    goals = selectors.case_goals(case)
    available = {code for code, _name in settings.LANGUAGES}
    language = case.person.language if case.person.language in available else None
    with translation.override(language or translation.get_language()):
        response = render(
            request,
            "casework/plan_print.html",
            {
                "case": case,
                "person": case.person,
                "goals": goals,
                "plan_language": translation.get_language(),
                "plan_bidi": translation.get_language_bidi(),
            },
        )
    return response
