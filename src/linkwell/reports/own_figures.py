"""A link worker's, a lead's or a provider's own figures, for reflection and supervision.

- Link worker: their own cases (allocated to them). Lead: every case of the services they
  lead, by link worker. Provider: replies, attendance and utilisation of its own services.
- Aggregates only, through the same `Table` and suppression as the commissioner dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.casework.models import Case, Contact, ContactMode
from linkwell.outcomes.models import Measurement

from .dashboard import (
    DaysBetween,
    Percentile,
    Period,
    _measures,
    _postgres,
    _rate,
    percentile,
    provider_tables,
)
from .evaluation import paired_change
from .tables import COUNT, DAYS, LABEL, NUMBER, PERCENT, Chart, Column, Table


@dataclass(frozen=True)
class Scope:
    kind: str  # "link_worker" | "lead" | "provider"
    user_ids: tuple[int, ...] = ()
    service_org_ids: tuple[int, ...] = ()  # link worker services (leads)
    directory_service_ids: tuple = ()  # directory services (providers)


def scopes_for(user) -> list[Scope]:
    roles = permissions.roles(user)
    scopes = []
    led = permissions.organisation_ids(user, Role.LINK_WORKER_LEAD)
    if led:
        scopes.append(Scope("lead", service_org_ids=tuple(sorted(led))))
    elif roles & LINK_WORKER_ROLES:
        scopes.append(Scope("link_worker", user_ids=(user.pk,)))
    if Role.PROVIDER in roles:
        from linkwell.groups.selectors import provider_services_for

        ids = tuple(provider_services_for(user).values_list("pk", flat=True))
        scopes.append(Scope("provider", directory_service_ids=ids))
    return scopes


def _cases(scope: Scope):
    if scope.kind == "lead":
        return Case.objects.filter(referral__service_id__in=scope.service_org_ids).order_by()
    return Case.objects.filter(link_worker_id__in=scope.user_ids).order_by()


def caseload_table(scope: Scope, period: Period) -> Table:
    cases = _cases(scope)
    opened = dict(
        cases.filter(opened_at__gte=period.start_at, opened_at__lt=period.end_before)
        .values("link_worker_id")
        .annotate(n=Count("id"))
        .values_list("link_worker_id", "n")
    )
    closed_qs = cases.filter(
        discharged_at__gte=period.start_at, discharged_at__lt=period.end_before
    ).annotate(days=DaysBetween(F("opened_at"), F("discharged_at")))
    discharged = dict(
        closed_qs.values("link_worker_id")
        .annotate(n=Count("id"))
        .values_list("link_worker_id", "n")
    )
    medians: dict = {}
    if _postgres():
        for row in closed_qs.values("link_worker_id").annotate(m=Percentile(F("days"), 0.5)):
            medians[row["link_worker_id"]] = row["m"]
        medians["all"] = closed_qs.aggregate(m=Percentile(F("days"), 0.5))["m"]
    else:
        values = defaultdict(list)
        for worker, days in closed_qs.values_list("link_worker_id", "days"):
            values[worker].append(days)
            values["all"].append(days)
        medians = {k: percentile(v, 0.5) for k, v in values.items()}
    open_now = dict(
        cases.filter(discharged_at__isnull=True, referral__status__in=["accepted", "in-progress",
                                                                       "on-hold"])
        .values("link_worker_id")
        .annotate(n=Count("id"))
        .values_list("link_worker_id", "n")
    )  # fmt: skip
    workers = set(opened) | set(discharged) | set(open_now)
    names = dict(
        cases.filter(link_worker_id__in=[w for w in workers if w])
        .values_list("link_worker_id", "link_worker__full_name")
        .distinct()
    )
    table = Table(
        "caseload",
        _("Caseload throughput"),
        [
            Column("worker", _("Link worker"), LABEL),
            Column("opened", _("Cases opened")),
            Column("discharged", _("Cases closed")),
            Column("median_days", _("Median days open (closed cases)"), DAYS,
                   source=("discharged",)),
            Column("open_now", _("Open now")),
        ],
        chart=Chart("bar", "worker", "discharged", _("Cases closed")),
        empty_message=_("No cases opened or closed in this period."),
    )  # fmt: skip
    rows = []
    for worker in sorted(workers, key=lambda w: str(names.get(w) or "")):
        rows.append(
            {
                "worker": names.get(worker) or _("Not allocated"),
                "opened": opened.get(worker, 0),
                "discharged": discharged.get(worker, 0),
                "median_days": medians.get(worker),
                "open_now": open_now.get(worker, 0),
            }
        )
    if rows:
        if scope.kind == "lead":
            rows.append(
                {
                    "worker": _("Whole team"),
                    "opened": sum(opened.values()),
                    "discharged": sum(discharged.values()),
                    "median_days": medians.get("all"),
                    "open_now": sum(open_now.values()),
                }
            )
            table.blocks = [(list(range(len(rows) - 1)), len(rows) - 1)]
        table.rows = rows
    return table


def outcomes_table(scope: Scope, period: Period) -> Table:
    """Paired change (evaluation.paired_change) for cases opened in the period."""
    cases = _cases(scope).filter(opened_at__gte=period.start_at, opened_at__lt=period.end_before)
    rows = (
        Measurement.objects.filter(referral__case__in=cases)
        .order_by("referral_id", "instrument", "completed_at", "id")
        .values_list("referral_id", "instrument", "timepoint", "scores")
    )
    series: dict = defaultdict(list)
    for referral_id, instrument, timepoint, scores in rows:
        series[(referral_id, instrument)].append((timepoint, scores))
    table = Table(
        "own-outcomes",
        _("Change from baseline to follow-up for these cases"),
        [
            Column("measure", _("Measure"), LABEL),
            Column("n", _("People with both")),
            Column("mean_change", _("Mean change"), NUMBER, source=("n",), decimals=2),
            Column("ci_low", _("95% CI low"), NUMBER, source=("n",), decimals=2),
            Column("ci_high", _("95% CI high"), NUMBER, source=("n",), decimals=2),
            Column("improved_pct", _("% meaningful improvement"), PERCENT, source=("n",)),
        ],
        empty_message=_("No cases opened in this period have a baseline and a follow-up yet."),
    )
    instruments = sorted({instrument for _r, instrument in series})
    for measure in _measures(instruments):
        before, after = [], []
        for (_referral, instrument), points in series.items():
            if instrument != measure.instrument:
                continue
            base = next((s for t, s in points if t == "baseline"), None)
            follow = next((s for t, s in reversed(points) if t != "baseline"), None)
            if base is None or follow is None:
                continue
            b, a = base.get(measure.key), follow.get(measure.key)
            if isinstance(b, int | float) and isinstance(a, int | float):
                before.append(float(b))
                after.append(float(a))
        if not before:
            continue
        result = paired_change(
            before, after, threshold=measure.threshold, higher_is_better=measure.higher_is_better
        )
        table.rows.append(
            {
                "measure": measure.label,
                "n": result.n,
                "mean_change": result.mean_change,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "improved_pct": result.share_improved * 100
                if result.share_improved is not None
                else None,
            }
        )
    table.blocks = [([i], None) for i in range(len(table.rows))]
    return table


def contacts_table(scope: Scope, period: Period) -> Table:
    contacts = Contact.objects.filter(
        case__in=_cases(scope), at__gte=period.start_at, at__lt=period.end_before
    ).order_by()
    rows = contacts.values("mode").annotate(
        n=Count("id"),
        successful=Count("id", filter=Q(successful=True)),
        minutes=Sum("minutes"),
        cases=Count("case", distinct=True),
    )
    labels = dict(ContactMode.choices)
    table = Table(
        "contact-minutes",
        _("Contacts and minutes"),
        [
            Column("mode", _("How"), LABEL),
            Column("n", _("Contacts"), COUNT),
            Column("successful", _("Spoke to or saw the person")),
            Column("minutes", _("Minutes"), "amount"),
            Column("success_pct", _("% successful"), PERCENT, source=("successful", "n")),
        ],
        chart=Chart("bar", "mode", "minutes", _("Minutes by kind of contact")),
        empty_message=_("No contacts recorded in this period."),
    )
    total = {"mode": _("All contacts"), "n": 0, "successful": 0, "minutes": 0}
    for row in sorted(rows, key=lambda r: str(labels.get(r["mode"], r["mode"]))):
        item = {
            "mode": labels.get(row["mode"], row["mode"]),
            "n": row["n"],
            "successful": row["successful"],
            "minutes": row["minutes"] or 0,
            "success_pct": _rate(row["successful"], row["n"]),
        }
        for k in ("n", "successful", "minutes"):
            total[k] += item[k]
        table.rows.append(item)
    if table.rows:
        total["success_pct"] = _rate(total["successful"], total["n"])
        table.rows.append(total)
        table.blocks = [(list(range(len(table.rows) - 1)), len(table.rows) - 1)]
    return table


def own_tables(user, period: Period) -> list[tuple[Scope, list[Table]]]:
    out = []
    for scope in scopes_for(user):
        if scope.kind == "provider":
            tables = provider_tables(period, service_ids=list(scope.directory_service_ids))
        else:
            tables = [
                caseload_table(scope, period),
                outcomes_table(scope, period),
                contacts_table(scope, period),
            ]
        out.append((scope, tables))
    return out
