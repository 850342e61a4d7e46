"""Report pages and exports. Commissioners see the dashboard; link workers, leads and
providers see their own figures. Aggregates only: no person is ever named or linked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.views import roles_required

from . import exports
from .charts import chart_for
from .dashboard import TABLE_NAMES, area_choices, dashboard_table, dashboard_tables
from .forms import PeriodForm, current_quarter, parse_quarter
from .own_figures import own_tables

QUARTERLY_TABLES = (
    "referrals-by-source",
    "pathway",
    "waits",
    "provider-replies",
    "attendance",
    "utilisation",
    "outcome-change",
    "equity-imd",
    "equity-ethnic",
    "equity-language",
    "unmet-need",
    "waitlists",
)


def _sections(tables) -> list[dict]:
    rtl = translation.get_language_bidi()
    sections: list[dict] = []
    for table in tables:
        published = table.publish()
        item = {"table": table, "published": published, "chart": chart_for(published, rtl=rtl)}
        if not sections or sections[-1]["title"] != table.section:
            sections.append({"title": table.section, "items": []})
        sections[-1]["items"].append(item)
    return sections


def _form(request) -> PeriodForm:
    return PeriodForm(request.GET or None, areas=area_choices())


def _valid_period(request, *, areas=None):
    areas = area_choices() if areas is None else areas
    form = PeriodForm(request.GET or {}, areas=areas)
    if not form.is_valid():
        return None, form
    return form.period, _showing(form.period, areas)


def _showing(period, areas) -> PeriodForm:
    """The filter as it applies: the dates of the default period are filled in, not blank."""
    return PeriodForm(
        initial={"from": period.start, "to": period.end, "area": period.area}, areas=areas
    )


@roles_required(Role.COMMISSIONER)
@require_GET
def dashboard(request):
    period, form = _valid_period(request)
    sections = _sections(dashboard_tables(period)) if period else []
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "period": period,
            "sections": sections,
            "query": request.GET.urlencode(),
            "quarter": current_quarter(),
        },
        status=200 if period else 400,
    )


def _audit_export(request, what: str) -> None:
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, object_type="reports.dashboard",
        object_id=what,
    )  # fmt: skip


@roles_required(Role.COMMISSIONER)
@require_GET
def table_export(request, name: str, fmt: str):
    if name not in TABLE_NAMES:
        raise Http404
    period, form = _valid_period(request)
    if period is None:
        return HttpResponse("; ".join(m for e in form.errors.values() for m in e), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    published = dashboard_table(period, name).publish()
    _audit_export(request, f"{name}.{fmt}")
    if fmt == "csv":
        response = HttpResponse(
            exports.table_csv(published, period), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.tables_xlsx([published], period),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="linkwell-{name}.{fmt}"'
    return response


@roles_required(Role.COMMISSIONER)
@require_GET
def dashboard_xlsx(request):
    period, form = _valid_period(request)
    if period is None:
        return HttpResponse("; ".join(m for e in form.errors.values() for m in e), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    published = [t.publish() for t in dashboard_tables(period)]
    _audit_export(request, "dashboard.xlsx")
    response = HttpResponse(
        exports.tables_xlsx(published, period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="linkwell-dashboard.xlsx"'
    return response


@roles_required(Role.COMMISSIONER)
@require_GET
def quarterly_pdf(request):
    quarter = request.GET.get("quarter") or current_quarter()
    try:
        period = parse_quarter(quarter)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    tables = {t.name: t for t in dashboard_tables(period)}
    published = [tables[name].publish() for name in QUARTERLY_TABLES]
    _audit_export(request, f"quarterly-{quarter}.pdf")
    title = _("Social prescribing quarterly report: %(quarter)s") % {"quarter": quarter.upper()}
    response = HttpResponse(
        exports.quarterly_pdf(published, period, title=title), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="linkwell-{quarter.upper()}.pdf"'
    return response


@roles_required(*LINK_WORKER_ROLES, Role.PROVIDER)
@require_GET
def mine(request):
    period, form = _valid_period(request, areas=())
    if period is None:
        return render(request, "reports/mine.html", {"form": form, "groups": []}, status=400)
    groups = []
    titles = {
        "link_worker": _("My cases"),
        "lead": _("My team's cases"),
        "provider": _("My organisation's groups"),
    }
    for scope, tables in own_tables(request.user, period):
        groups.append({"title": titles[scope.kind], "sections": _sections(tables)})
    if not groups:
        raise PermissionDenied
    return render(request, "reports/mine.html", {"form": form, "period": period, "groups": groups})
