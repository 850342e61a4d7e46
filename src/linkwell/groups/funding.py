"""Funding and costs of community services: writes, scoped reads and the computed figures.

Figures for a service over a period [start, end] (dates, both included):

- sessions held: sessions not cancelled that started in the period and before now;
- places offered: the sum of their places;
- places filled: their bookings that are booked, attended, late or absent (a place taken);
- utilisation: places filled ÷ places offered × 100 (None when no places were offered);
- attendances: bookings marked attended or late; walk-ins: the walk-in counts;
- total cost: for each session held, the cost per session valid on its day (the ServiceCost
  row with the latest `valid_from` on or before it; none → that session costs nothing known);
- cost per session: total cost ÷ sessions held that had a cost, or the cost valid at the
  end of the period when none were held (None when no cost is recorded);
- cost per attendance: total cost ÷ (attendances + walk-ins) - everyone who came. None when
  nobody came (shown as "no attendances yet"), never a division by zero;
- funding total: funding sources of that service overlapping the period, each pro-rated by
  the days of its period that fall in [start, end]. Organisation-wide funding (no service) is
  not split between services; it is listed on its own.

`compute_figures` is pure (plain values in, dataclass out); `service_costs` loads what it
needs for any number of services in four queries and is the one entry point for reports.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.accounts.models import Organisation, Role
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.directory.models import Service

from .models import (
    BookingStatus,
    FundingKind,
    FundingSource,
    ServiceCost,
    Session,
)
from .selectors import provider_services_for

PENNY = Decimal("0.01")
TENTH = Decimal("0.1")
MAX_AMOUNT = Decimal("9999999999.99")  # 12 digits, 2 after the point
MAX_SESSION_COST = Decimal("99999999.99")
FILLED = (
    BookingStatus.BOOKED,
    BookingStatus.ATTENDED,
    BookingStatus.LATE,
    BookingStatus.ABSENT,
)
CAME = (BookingStatus.ATTENDED, BookingStatus.LATE)


# ---- pure calculation --------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFacts:
    day: datetime.date
    places: int
    places_filled: int
    attendances: int
    walk_ins: int


@dataclass(frozen=True)
class FundingFacts:
    amount: Decimal
    period_start: datetime.date
    period_end: datetime.date


@dataclass(frozen=True)
class ServiceCostFigures:
    service_id: object  # the directory Service's UUID
    sessions: int
    places: int
    places_filled: int
    utilisation: Decimal | None  # percent, one decimal place; None without places
    attendances: int
    walk_ins: int
    cost_per_session: Decimal | None
    total_cost: Decimal
    cost_per_attendance: Decimal | None  # None: no attendances yet
    funding_total: Decimal

    @property
    def came(self) -> int:
        """Everyone who came: referred people (attended or late) and walk-ins."""
        return self.attendances + self.walk_ins


def cost_on(costs: list[tuple[datetime.date, Decimal]], day: datetime.date) -> Decimal | None:
    """The cost per session valid on `day`: the latest `valid_from` on or before it."""
    best = None
    for valid_from, amount in costs:
        if valid_from <= day and (best is None or valid_from > best[0]):
            best = (valid_from, amount)
    return best[1] if best else None


def prorated(funding: FundingFacts, start: datetime.date, end: datetime.date) -> Decimal:
    """The share of a funding source that falls in [start, end], by days (both ends count)."""
    first, last = max(funding.period_start, start), min(funding.period_end, end)
    if last < first:
        return Decimal(0)
    days = (funding.period_end - funding.period_start).days + 1
    return Decimal(funding.amount) * Decimal((last - first).days + 1) / Decimal(days)


def compute_figures(
    *,
    service_id,
    sessions: Iterable[SessionFacts],
    costs: Iterable[tuple[datetime.date, Decimal]],
    funding: Iterable[FundingFacts],
    start: datetime.date,
    end: datetime.date,
) -> ServiceCostFigures:
    sessions = list(sessions)
    costs = list(costs)
    held = len(sessions)
    places = sum(s.places for s in sessions)
    filled = sum(s.places_filled for s in sessions)
    attendances = sum(s.attendances for s in sessions)
    walk_ins = sum(s.walk_ins for s in sessions)
    session_costs = [c for c in (cost_on(costs, s.day) for s in sessions) if c is not None]
    total = sum(session_costs, Decimal(0))
    per_session = total / len(session_costs) if session_costs else cost_on(costs, end)
    came = attendances + walk_ins
    funding_total = sum((prorated(f, start, end) for f in funding), Decimal(0))
    return ServiceCostFigures(
        service_id=service_id,
        sessions=held,
        places=places,
        places_filled=filled,
        utilisation=(
            (Decimal(filled) * 100 / places).quantize(TENTH, ROUND_HALF_UP) if places else None
        ),
        attendances=attendances,
        walk_ins=walk_ins,
        cost_per_session=(
            per_session.quantize(PENNY, ROUND_HALF_UP) if per_session is not None else None
        ),
        total_cost=total.quantize(PENNY, ROUND_HALF_UP),
        cost_per_attendance=(total / came).quantize(PENNY, ROUND_HALF_UP) if came else None,
        funding_total=funding_total.quantize(PENNY, ROUND_HALF_UP),
    )


# ---- the selector reports use ------------------------------------------------------------


def _day_bounds(start: datetime.date, end: datetime.date):
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


def service_costs(
    *, services=None, start: datetime.date, end: datetime.date, now=None
) -> list[ServiceCostFigures]:
    """Figures for each service over [start, end], in four queries whatever the number.

    `services`: Service objects, their ids, or a queryset of them; None = every service with a
    session, a session cost or funding in the period. Not scoped: callers pass the services the
    actor may see (`funding_services_for`). Ordered as given (None: by service id).
    """
    if end < start:
        raise ValidationError({"end": _("The end date must not be before the start.")})
    now = now or timezone.now()
    first, after = _day_bounds(start, end)
    after = min(after, now)
    ids = None
    if services is not None:
        if isinstance(services, QuerySet):
            ids = list(services.values_list("pk", flat=True))
        else:
            ids = [getattr(s, "pk", s) for s in services]
        if not ids:
            return []

    session_qs = Session.objects.filter(cancelled=False, starts_at__gte=first, starts_at__lt=after)
    cost_qs = ServiceCost.objects.all()
    funding_qs = FundingSource.objects.filter(
        service__isnull=False, period_start__lte=end, period_end__gte=start
    )
    if ids is not None:
        session_qs = session_qs.filter(service_id__in=ids)
        cost_qs = cost_qs.filter(service_id__in=ids)
        funding_qs = funding_qs.filter(service_id__in=ids)
    session_rows = session_qs.annotate(
        filled=Count("bookings", filter=Q(bookings__status__in=FILLED)),
        came=Count("bookings", filter=Q(bookings__status__in=CAME)),
    ).values_list("service_id", "starts_at", "places", "filled", "came", "walk_ins__count")

    sessions_by, costs_by, funding_by = defaultdict(list), defaultdict(list), defaultdict(list)
    for service_id, starts_at, places, filled, came, walk_ins in session_rows:
        sessions_by[service_id].append(
            SessionFacts(
                day=timezone.localdate(starts_at),
                places=places,
                places_filled=filled,
                attendances=came,
                walk_ins=walk_ins or 0,
            )
        )
    for service_id, valid_from, amount in cost_qs.values_list(
        "service_id", "valid_from", "cost_per_session"
    ):
        costs_by[service_id].append((valid_from, amount))
    for service_id, amount, p_start, p_end in funding_qs.values_list(
        "service_id", "amount", "period_start", "period_end"
    ):
        funding_by[service_id].append(FundingFacts(amount, p_start, p_end))

    if ids is None:
        ids = sorted(set(sessions_by) | set(costs_by) | set(funding_by), key=str)
    return [
        compute_figures(
            service_id=service_id,
            sessions=sessions_by.get(service_id, []),
            costs=costs_by.get(service_id, []),
            funding=funding_by.get(service_id, []),
            start=start,
            end=end,
        )
        for service_id in ids
    ]


# ---- scope -------------------------------------------------------------------------------


def may_view_funding(actor) -> bool:
    return permissions.has_role(actor, Role.PROVIDER, Role.DIRECTORY_EDITOR)


def may_edit_funding(actor) -> bool:
    return permissions.has_role(actor, Role.PROVIDER)


def funding_services_for(actor) -> QuerySet[Service]:
    """Services whose funding the actor sees: a provider its own; a directory editor all."""
    if permissions.has_role(actor, Role.DIRECTORY_EDITOR):
        return Service.objects.filter(deleted_at__isnull=True)
    return provider_services_for(actor)


def funding_organisations_for(actor) -> list[Organisation]:
    """Organisations the actor records funding for (its provider organisations)."""
    return sorted(permissions.organisations(actor, Role.PROVIDER), key=lambda o: o.name)


def funding_sources_for(actor) -> QuerySet[FundingSource]:
    qs = FundingSource.objects.select_related("organisation", "service")
    if permissions.has_role(actor, Role.DIRECTORY_EDITOR):
        return qs
    org_ids = permissions.organisation_ids(actor, Role.PROVIDER)
    return qs.filter(organisation_id__in=org_ids) if org_ids else qs.none()


def service_costs_for(actor) -> QuerySet[ServiceCost]:
    return ServiceCost.objects.filter(service__in=funding_services_for(actor)).select_related(
        "service"
    )


def funding_source_get_for(actor, source_id) -> FundingSource:
    try:
        return funding_sources_for(actor).get(pk=int(source_id))
    except (FundingSource.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def service_cost_get_for(actor, cost_id) -> ServiceCost:
    try:
        return service_costs_for(actor).get(pk=int(cost_id))
    except (ServiceCost.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# ---- writes ------------------------------------------------------------------------------


def _money(value, field: str, errors: dict, *, maximum: Decimal) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = _("Enter an amount in pounds, like 1250 or 1250.50.")
        return None
    if not amount.is_finite():
        errors[field] = _("Enter an amount in pounds, like 1250 or 1250.50.")
        return None
    if amount < 0:
        errors[field] = _("The amount must be 0 or more.")
        return None
    if amount > maximum:
        errors[field] = _("The amount is too large.")
        return None
    if amount != amount.quantize(PENNY):
        errors[field] = _("Enter pounds and pence only (2 decimal places at most).")
        return None
    return amount


def _clean_funding(actor, *, organisation_id, service_id, kind, funder, amount, start, end, notes):
    errors: dict = {}
    orgs = {o.pk: o for o in funding_organisations_for(actor)}
    organisation = orgs.get(int(organisation_id)) if str(organisation_id or "").isdigit() else None
    if organisation is None:
        errors["organisation"] = _("Choose your organisation.")
    service = None
    if service_id:
        service = (
            provider_services_for(actor).filter(pk=service_id).first()
            if _is_uuid(service_id)
            else None
        )
        if service is None:
            errors["service"] = _("Choose one of your organisation's services.")
        elif organisation is not None and service.organization.organisation_id != organisation.pk:
            errors["service"] = _("That service belongs to another of your organisations.")
    if kind not in FundingKind.values:
        errors["kind"] = _("Choose the kind of funding.")
    funder = (funder or "").strip()
    if not funder:
        errors["funder"] = _("Enter who gives the funding.")
    elif len(funder) > 200:
        errors["funder"] = _("Keep this to %(n)s characters or fewer.") % {"n": 200}
    amount = _money(amount, "amount", errors, maximum=MAX_AMOUNT)
    if not isinstance(start, datetime.date):
        errors["period_start"] = _("Enter the date the funding starts.")
    if not isinstance(end, datetime.date):
        errors["period_end"] = _("Enter the date the funding ends.")
    elif isinstance(start, datetime.date) and end < start:
        errors["period_end"] = _("The end date must be the same as or after the start date.")
    notes = (notes or "").strip()
    if len(notes) > 2000:
        errors["notes"] = _("Keep the notes to %(n)s characters or fewer.") % {"n": 2000}
    if errors:
        raise ValidationError(errors)
    return {
        "organisation": organisation,
        "service": service,
        "kind": kind,
        "funder": funder,
        "amount": amount,
        "period_start": start,
        "period_end": end,
        "notes": notes,
    }


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def funding_source_create(
    *,
    actor,
    organisation_id,
    kind: str,
    funder: str,
    amount,
    period_start,
    period_end,
    service_id=None,
    notes: str = "",
) -> FundingSource:
    """A provider records a source of funding for its organisation or one of its services."""
    if not may_edit_funding(actor):
        raise PermissionDenied
    values = _clean_funding(
        actor,
        organisation_id=organisation_id,
        service_id=service_id,
        kind=kind,
        funder=funder,
        amount=amount,
        start=period_start,
        end=period_end,
        notes=notes,
    )
    with transaction.atomic():
        source = FundingSource.objects.create(created_by=actor, **values)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=source)
    return source


def funding_source_update(
    *,
    actor,
    source_id,
    organisation_id,
    kind: str,
    funder: str,
    amount,
    period_start,
    period_end,
    service_id=None,
    notes: str = "",
) -> FundingSource:
    if not may_edit_funding(actor):
        raise PermissionDenied
    with transaction.atomic():
        try:
            source = (
                FundingSource.objects.select_for_update()
                .filter(organisation_id__in=permissions.organisation_ids(actor, Role.PROVIDER))
                .get(pk=int(source_id))
            )
        except (FundingSource.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
        values = _clean_funding(
            actor,
            organisation_id=organisation_id,
            service_id=service_id,
            kind=kind,
            funder=funder,
            amount=amount,
            start=period_start,
            end=period_end,
            notes=notes,
        )
        for name, value in values.items():
            setattr(source, name, value)
        source.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=source)
    return source


def service_cost_set(
    *, actor, service_id, cost_per_session, valid_from, cost_id=None
) -> ServiceCost:
    """Record what a session of one of the provider's services costs from a date on.

    With `cost_id`, changes that row; otherwise adds one (a row already starting on the same
    day is replaced, so each day has one cost)."""
    if not may_edit_funding(actor):
        raise PermissionDenied
    errors: dict = {}
    service = (
        provider_services_for(actor).filter(pk=service_id).first() if _is_uuid(service_id) else None
    )
    if service is None:
        errors["service"] = _("Choose one of your organisation's services.")
    amount = _money(cost_per_session, "cost_per_session", errors, maximum=MAX_SESSION_COST)
    if not isinstance(valid_from, datetime.date):
        errors["valid_from"] = _("Enter the date this cost applies from.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if cost_id is not None:
            try:
                cost = (
                    ServiceCost.objects.select_for_update()
                    .filter(service__in=provider_services_for(actor))
                    .get(pk=int(cost_id))
                )
            except (ServiceCost.DoesNotExist, TypeError, ValueError):
                raise Http404 from None
            clash = (
                ServiceCost.objects.filter(service=service, valid_from=valid_from)
                .exclude(pk=cost.pk)
                .exists()
            )
            if clash:
                raise ValidationError(
                    {"valid_from": _("There is already a cost from that date for this service.")}
                )
            cost.service, cost.cost_per_session, cost.valid_from = service, amount, valid_from
            cost.save()
            action = AuditAction.UPDATE
        else:
            cost, created = ServiceCost.objects.update_or_create(
                service=service,
                valid_from=valid_from,
                defaults={"cost_per_session": amount, "created_by": actor},
            )
            action = AuditAction.CREATE if created else AuditAction.UPDATE
        audit_record(actor=actor, action=action, obj=cost)
    return cost


def uk_financial_year_start(today: datetime.date) -> datetime.date:
    """1 April of the financial year `today` is in."""
    year = today.year if today >= datetime.date(today.year, 4, 1) else today.year - 1
    return datetime.date(year, 4, 1)
