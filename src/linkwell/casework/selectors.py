"""Reads for casework, always scoped by the acting user.

Who sees a case: every link worker and lead of the service the referral was sent to
(colleagues cover and supervise each other). Who changes it: the allocated link worker and
the service's leads only (`case_may_edit`); a colleague who needs to act asks a lead to
reallocate. Referrers never see the case record: they see the referral's status and, once
sent, the discharge summary on their referral page. Outside scope is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.accounts.models import Organisation, User
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import OPEN_STATUSES, Need, Referral, Status
from linkwell.referrals.selectors import link_workers_of, referral_events

from .models import Case, Contact, DischargeReason, GoalProgress, PlanGoal
from .timeline import discharge_sections, timeline_sources


def failed_contact_limit() -> int:
    return int(getattr(settings, "LINKWELL_FAILED_CONTACT_LIMIT", 3))


def caseload_limit() -> int:
    return int(getattr(settings, "LINKWELL_CASELOAD_LIMIT", 30))


def case_queryset_for(actor) -> QuerySet[Case]:
    service_ids = permissions.link_worker_service_ids(actor)
    if not service_ids:
        return Case.objects.none()
    return Case.objects.filter(referral__service_id__in=service_ids)


def case_may_edit(actor, case: Case) -> bool:
    """The allocated link worker and the service's leads change a case; colleagues only read."""
    if case.referral.service_id not in permissions.link_worker_service_ids(actor):
        return False
    return case.link_worker_id == actor.pk or permissions.is_lead_of(
        actor, case.referral.service_id
    )


def case_get_for(
    actor, case_id, *, write: bool = False, audit: bool = True, channel: str = "web"
) -> Case:
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = case_queryset_for(actor)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        case = qs.select_related(
            "referral",
            "referral__service",
            "referral__referrer_organisation",
            "referral__status_reason",
            "person",
            "link_worker",
            "discharge_reason",
        ).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if audit and not write:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=case,
            person_id=case.person_id,
            channel=channel,
        )
    return case


def _last_contact_subquery():
    return Subquery(
        Contact.objects.filter(case=OuterRef("pk"), successful=True)
        .order_by("-at")
        .values("at")[:1]
    )


def _count_subquery(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(**filters)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _needs_count_subquery():
    through = Referral.needs.through
    return Coalesce(
        Subquery(
            through.objects.filter(referral_id=OuterRef("referral_id"))
            .order_by()
            .values("referral_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _annotated(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("referral", "person", "link_worker").annotate(
        last_contact_at=_last_contact_subquery(),
        failed_attempts=_count_subquery(Contact, case=OuterRef("pk"), successful=False),
        needs_count=_needs_count_subquery(),
    )


def open_cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.filter(discharged_at__isnull=True, referral__status__in=OPEN_STATUSES)


SORTS = {
    "next_action": ("next_action_due", "referral__created_at"),
    "oldest": ("referral__created_at", "pk"),
    "last_contact": ("last_contact_at", "referral__created_at"),
}


@dataclass
class CaseloadFilters:
    status: str = ""
    risk_only: bool = False
    interpreter_only: bool = False
    overdue_only: bool = False
    sort: str = "next_action"
    worker: User | None = None  # None: the actor's own cases
    measures_overdue_only: bool = False


def caseload_for(actor, filters: CaseloadFilters | None = None) -> QuerySet[Case]:
    """The actor's open cases (or another worker's, for a lead), annotated for the list."""
    filters = filters or CaseloadFilters()
    qs = open_cases(case_queryset_for(actor)).filter(link_worker=filters.worker or actor)
    if filters.status:
        qs = qs.filter(referral__status=filters.status)
    if filters.risk_only:
        qs = qs.exclude(risk_flags=[])
    if filters.interpreter_only:
        qs = qs.filter(person__interpreter_needed=True)
    if filters.overdue_only:
        qs = qs.filter(next_action_due__lt=timezone.localdate())
    if filters.measures_overdue_only:
        qs = qs.filter(_measures_overdue_q())
    order = SORTS.get(filters.sort, SORTS["next_action"])
    qs = _annotated(qs)
    first, second = order
    return qs.order_by(F(first).asc(nulls_last=True), second)


def _measures_overdue_q():
    """Cases with a scheduled outcome measure overdue (outcomes owns the rule)."""
    from django.apps import apps
    from django.db.models import Q

    if not apps.is_installed("linkwell.outcomes"):
        return Q(pk__in=[])
    from linkwell.outcomes.selectors import overdue_case_q

    return overdue_case_q()


def caseload_measures_due(cases) -> dict[int, list]:
    """Outcome measures due or overdue per case (by pk) for a page of cases, in one query."""
    from django.apps import apps

    if not apps.is_installed("linkwell.outcomes"):
        return {}
    from linkwell.outcomes.selectors import due_on_cases

    return due_on_cases(cases)


# Complexity weight of one open case, for the lead's team view:
#   weight = 1 + 0.5 × (needs beyond the first) + 0.5 if an interpreter is needed + 1 × risk flags
# A worker's load is the sum over their open cases; above LINKWELL_CASELOAD_LIMIT they are flagged.
def case_weight(*, needs: int, interpreter: bool, risk_flags: int) -> float:
    return 1 + 0.5 * max(needs - 1, 0) + (0.5 if interpreter else 0) + 1.0 * risk_flags


@dataclass
class WorkerLoad:
    worker: User
    service: Organisation
    open_cases: int = 0
    weighted: float = 0.0
    over_limit: bool = False
    cases: list[Case] = field(default_factory=list)
    measures_overdue: int = 0  # open cases with an outcome measure overdue


@dataclass
class TeamView:
    services: list[Organisation]
    workers: list[WorkerLoad]
    unallocated: int
    limit: int


def team_view_for(actor) -> TeamView:
    """Open cases per link worker across the services the actor leads, weighted by complexity."""
    led_ids = permissions.organisation_ids(actor, "link_worker_lead")
    services = list(Organisation.objects.filter(pk__in=led_ids).order_by("name"))
    limit = caseload_limit()
    workers: list[WorkerLoad] = []
    by_key: dict[tuple[int, int], WorkerLoad] = {}
    for service in services:
        for user in link_workers_of(service):
            load = WorkerLoad(worker=user, service=service)
            workers.append(load)
            by_key[(service.pk, user.pk)] = load
    cases = _annotated(open_cases(Case.objects.filter(referral__service_id__in=led_ids))).order_by(
        "referral__created_at"
    )
    unallocated_cases = []
    for case in cases:
        load = by_key.get((case.referral.service_id, case.link_worker_id))
        case.weight = case_weight(
            needs=case.needs_count,
            interpreter=case.person.interpreter_needed,
            risk_flags=len(case.risk_flags),
        )
        if load is None:
            unallocated_cases.append(case)
            continue
        load.open_cases += 1
        load.weighted += case.weight
        load.cases.append(case)
    measures_due = caseload_measures_due([c for w in workers for c in w.cases])
    for load in workers:
        load.over_limit = load.weighted > limit
        for case in load.cases:
            case.measures_due = measures_due.get(case.pk, [])
        load.measures_overdue = sum(
            any(d.status == "overdue" for d in c.measures_due) for c in load.cases
        )
    unallocated = Referral.objects.filter(
        service_id__in=led_ids, status__in=[Status.REQUESTED, Status.RECEIVED]
    ).count()
    return TeamView(services=services, workers=workers, unallocated=unallocated, limit=limit)


def discharge_reasons_active() -> QuerySet[DischargeReason]:
    return DischargeReason.objects.filter(disabled_on__isnull=True)


def case_goals(case: Case) -> list[PlanGoal]:
    goals = list(
        case.goals.prefetch_related(
            Prefetch("progress", queryset=GoalProgress.objects.order_by("at", "id"))
        )
    )
    for goal in goals:
        progress = list(goal.progress.all())
        goal.latest_progress = progress[-1] if progress else None
    return goals


def failed_attempts(case: Case) -> int:
    return case.contacts.filter(successful=False).count()


@dataclass
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    obj: object = None
    actor: User | None = None


def case_timeline(case: Case) -> list[TimelineEntry]:
    """One timeline: referral events, contacts, plan changes, progress, follow-ups, discharge."""
    entries: list[TimelineEntry] = []
    for event in referral_events(case.referral):
        title = (
            f"{event.get_from_status_display()} → {event.get_to_status_display()}"
            if event.from_status
            else _("Referral sent")
        )
        entries.append(TimelineEntry(event.at, "referral", title, event, event.actor))
    for contact in case.contacts.select_related("recorded_by"):
        title = (
            _("Contact: %(mode)s") if contact.successful else _("Tried to contact: %(mode)s")
        ) % {"mode": contact.get_mode_display()}
        entries.append(TimelineEntry(contact.at, "contact", title, contact, contact.recorded_by))
    for change in case.plan_changes.select_related("actor", "goal"):
        entries.append(
            TimelineEntry(change.at, "plan", change.get_kind_display(), change, change.actor)
        )
    for progress in GoalProgress.objects.filter(goal__case=case).select_related(
        "goal", "recorded_by"
    ):
        entries.append(
            TimelineEntry(
                progress.at,
                "progress",
                _("Goal progress: %(score)s out of 10") % {"score": progress.score},
                progress,
                progress.recorded_by,
            )
        )
    for follow_up in case.follow_ups.select_related("created_by", "done_by"):
        entries.append(
            TimelineEntry(
                follow_up.created_at,
                "follow_up",
                _("Follow-up planned"),
                follow_up,
                follow_up.created_by,
            )
        )
        if follow_up.done_at:
            entries.append(
                TimelineEntry(
                    follow_up.done_at,
                    "follow_up_done",
                    _("Follow-up done"),
                    follow_up,
                    follow_up.done_by,
                )
            )
    if case.discharged_at:
        entries.append(
            TimelineEntry(
                case.discharged_at, "discharge", _("Discharged"), case, case.discharged_by
            )
        )
    # Later stages (groups, outcomes, messaging) add their own entries; casework never
    # imports them (see casework.timeline).
    for source in timeline_sources():
        entries.extend(source(case))
    entries.sort(key=lambda e: e.at)
    return entries


def discharge_summary_draft(case: Case) -> str:
    """A first draft of the discharge summary from what the case records; the worker edits it."""
    referral = case.referral
    lines: list[str] = []
    needs = [n.display_label for n in referral.needs.order_by("order")]
    lines.append(
        _("Needs at referral: %(needs)s")
        % {"needs": ", ".join(map(str, needs)) or _("none recorded")}
    )
    what_matters = case.what_matters or referral.what_matters
    lines.append("")
    lines.append(_("What matters to them: %(text)s") % {"text": what_matters or _("not recorded")})
    lines.append("")
    goals = case_goals(case)
    lines.append(_("Goals and latest progress:"))
    if not goals:
        lines.append("- " + _("none recorded"))
    for goal in goals:
        progress = list(goal.progress.all())
        if progress:
            first, last = progress[0], progress[-1]
            score = _("%(last)s out of 10 (started at %(first)s)") % {
                "last": last.score,
                "first": first.score,
            }
        else:
            score = _("no progress recorded")
        lines.append(f"- {goal.wording} — {score}")
    lines.append("")
    # Later stages (onward referrals, attendance) add their sections via casework.timeline.
    for section in discharge_sections():
        lines.extend(section(case))
    outcome = _outcome_change_lines(case)
    if outcome:
        lines.append("")
        lines.append(_("Change in wellbeing measures:"))
        lines.extend(outcome)
    return "\n".join(lines)


def _outcome_change_lines(case: Case) -> list[str]:
    from django.apps import apps

    if not apps.is_installed("linkwell.outcomes"):
        return []
    from linkwell.outcomes.selectors import change_from_baseline, measurement_list

    lines = []
    for series in change_from_baseline(list(measurement_list(case.referral))):
        points = [p for p in series.points if p.value is not None]
        if len(points) < 2:
            continue
        first, last = points[0], points[-1]
        lines.append(f"- {series.tracked.label}: {first.value} → {last.value}")
    return lines


def need_labels(case: Case) -> list[str]:
    return [str(n.display_label) for n in Need.objects.filter(referrals=case.referral)]


def cases_for_api(actor) -> QuerySet[Case]:
    return _annotated(case_queryset_for(actor)).order_by("-opened_at", "-pk")
