"""CSV of directory search results for staff (`/directory/export.csv`).

The same filters as the public search at /services/ (its query string can be reused as is),
through the same search service. Signed-in link workers, leads and directory editors only: a
spreadsheet of local groups is a working tool, not a public download (the public has the
ORUK API). Listings hold no personal data, so nothing person-level is audited; the export
itself is recorded.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from . import selectors
from .forms import SearchForm

EXPORT_ROLES = (Role.LINK_WORKER, Role.LINK_WORKER_LEAD, Role.DIRECTORY_EDITOR)
MAX_ROWS = 10_000  # a bigger export is the ORUK API's job (linkwell export-oruk)
DAY_NAMES = {
    "MO": "Mon",
    "TU": "Tue",
    "WE": "Wed",
    "TH": "Thu",
    "FR": "Fri",
    "SA": "Sat",
    "SU": "Sun",
}


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _when(service) -> str:
    parts = []
    for s in service.schedules.all():
        days = " ".join(DAY_NAMES.get(d[-2:], d) for d in s.byday.split(",") if d)
        times = "–".join(t.strftime("%H:%M") for t in (s.opens_at, s.closes_at) if t)
        monthly = _("monthly") if s.freq == "MONTHLY" else ""
        parts.append(" ".join(p for p in (days, times, monthly) if p))
    return "; ".join(p for p in parts if p)


def _where(service) -> tuple[str, str]:
    places, postcodes = [], []
    for sal in service.service_at_locations.all():
        loc = sal.location
        address = next(iter(loc.addresses.all()), None)
        places.append(", ".join(p for p in (loc.name, address and address.address_1) if p))
        if loc.postcode:
            postcodes.append(loc.postcode)
    return "; ".join(places), "; ".join(postcodes)


def _cost(service) -> str:
    paid = [c for c in service.cost_options.all() if c.amount and c.amount > 0]
    if not paid:
        return service.fees_description or _("Free")
    return "; ".join(f"£{c.amount:.2f} {c.option}".strip() for c in paid)


def _rows(request, kwargs):
    yield [
        _("Name"),
        _("Organisation"),
        _("Summary"),
        _("When"),
        _("Where"),
        _("Postcode"),
        _("Distance (miles)"),
        _("Cost"),
        _("Languages"),
        _("How to join"),
        _("Phone"),
        _("Email"),
        _("Website"),
        _("Last checked"),
        _("Listing"),
    ]
    page, sent = 1, 0
    while sent < MAX_ROWS:
        result = selectors.service_search(**kwargs, page=page, per_page=selectors.MAX_PER_PAGE)
        for service, distance_km in result.items:
            where, postcodes = _where(service)
            yield [
                service.name,
                service.organization.name,
                (service.description or "")[:300],
                _when(service),
                where,
                postcodes,
                "" if distance_km is None else f"{distance_km / 1.609344:.1f}",
                _cost(service),
                ", ".join(lang.name or lang.code for lang in service.languages.all()),
                _("Accepts referrals") if service.accepts_referrals else _("Just turn up"),
                ", ".join(p.number for p in service.phones.all()),
                service.email,
                service.url,
                service.last_verified_at.date().isoformat() if service.last_verified_at else "",
                request.build_absolute_uri(reverse("services:detail", args=[service.pk])),
            ]
            sent += 1
        if page >= result.pages or not result.items:
            break
        page += 1


@require_safe
@login_required
def search_export_csv(request):
    if not permissions.has_role(request.user, *EXPORT_ROLES):
        raise PermissionDenied
    kwargs = SearchForm(request.GET or None).search_kwargs()
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="directory.service",
        detail="directory search CSV",
    )
    writer = csv.writer(_Echo())
    rows = (writer.writerow([_safe(v) for v in row]) for row in _rows(request, kwargs))
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="community-services.csv"'
    return response


def _with_bom(rows):
    yield "\ufeff"  # so Excel reads UTF-8 (names in Bengali, Arabic…)
    yield from rows
