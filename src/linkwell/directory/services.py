"""Writes to the directory: listings, their approval, verification and problem reports.

A listing's editable content travels as a plain dict (`data`, the same shape as a
ServiceVersion snapshot): the service's own fields plus target_groups (codes), taxonomy_terms
(ids), languages, cost_options, schedules, locations and phones. `service_clean` checks it and
raises ValidationError keyed by field name (schedule and location errors by the nested field
name: byday, opens_at, closes_at, postcode…).

Listing data is not personal, so these writes are not audited; reports' reporter contact
details are personal and only editors see them (see selectors.listing_reports_for).
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linkwell.accounts.models import Organisation
from linkwell.geo.services import area_for_postcode as lookup_area  # imported data first
from linkwell.lib.postcode import InvalidPostcode, normalise_postcode

from . import search, selectors
from .models import (
    Accessibility,
    AccessibilityFeature,
    Address,
    ApprovalStatus,
    Attribute,
    CostOption,
    Language,
    ListingReport,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    ServiceVersion,
    TargetGroup,
    TaxonomyTerm,
)

SCALAR_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
    "accepts_referrals",
    "places_per_session",
    "culturally_specific_notes",
)
_BYDAY_RE = re.compile(r"^(?:[+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def _time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError:
        return "invalid"  # type: ignore[return-value]


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def valid_byday(byday: str) -> bool:
    parts = [p.strip() for p in (byday or "").upper().split(",") if p.strip()]
    return bool(parts) and all(_BYDAY_RE.match(p) for p in parts)


def service_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check a listing's content; return it normalised (JSON-safe) or raise ValidationError."""
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    out: dict[str, Any] = {}
    for f in SCALAR_FIELDS:
        out[f] = data.get(f)
    out["name"] = (out["name"] or "").strip()
    if not out["name"]:
        add("name", _("Enter the name of the service."))
    for f in SCALAR_FIELDS:
        if f not in ("minimum_age", "maximum_age", "places_per_session", "accepts_referrals"):
            out[f] = (out[f] or "").strip() if f != "status" else (out[f] or ServiceStatus.ACTIVE)
    if out["status"] not in ServiceStatus.values:
        add("status", _("Choose a status from the list."))
    out["accepts_referrals"] = bool(out["accepts_referrals"])
    for f in ("minimum_age", "maximum_age", "places_per_session"):
        value = out[f]
        if value in (None, ""):
            out[f] = None
            continue
        try:
            out[f] = int(value)
        except (TypeError, ValueError):
            add(f, _("Enter a whole number."))
            out[f] = None
            continue
        if out[f] < 0:
            add(
                f,
                _("Places per session cannot be negative.")
                if f == "places_per_session"
                else _("Age cannot be negative."),
            )
    if (
        out["minimum_age"] is not None
        and out["maximum_age"] is not None
        and out["minimum_age"] > out["maximum_age"]
        and "maximum_age" not in errors
    ):
        add("maximum_age", _("Maximum age must be the same as or more than the minimum age."))

    codes = [c for c in data.get("target_groups") or [] if c]
    known = set(
        TargetGroup.objects.filter(code__in=codes, disabled_on__isnull=True).values_list(
            "code", flat=True
        )
    )
    if set(codes) - known:
        add("target_groups", _("Choose who the service is for from the list."))
    out["target_groups"] = sorted(known)

    term_ids = []
    for raw in data.get("taxonomy_terms") or []:
        try:
            term_ids.append(str(uuid.UUID(str(raw))))
        except ValueError:
            add("taxonomy_terms", _("Unknown category: %(term)s") % {"term": raw})
    found = {
        str(pk) for pk in TaxonomyTerm.objects.filter(pk__in=term_ids).values_list("pk", flat=True)
    }
    for t in term_ids:
        if t not in found:
            add("taxonomy_terms", _("Unknown category: %(term)s") % {"term": t})
    out["taxonomy_terms"] = sorted(found)

    out["languages"] = [
        {
            "code": (lang.get("code") or "").strip(),
            "name": (lang.get("name") or "").strip(),
            "note": (lang.get("note") or "").strip(),
        }
        for lang in data.get("languages") or []
        if lang.get("code") or lang.get("name")
    ]

    out["cost_options"] = []
    for cost in data.get("cost_options") or []:
        amount = cost.get("amount")
        if amount not in (None, ""):
            try:
                amount = decimal.Decimal(str(amount))
            except decimal.InvalidOperation:
                add("amount", _("Enter the cost in pounds, for example 2.50."))
                continue
            if amount < 0:
                add("amount", _("Cost cannot be negative."))
            amount = str(amount)
        else:
            amount = None
        out["cost_options"].append(
            {
                "option": (cost.get("option") or "").strip(),
                "amount": amount,
                "amount_description": (cost.get("amount_description") or "").strip(),
            }
        )

    out["schedules"] = []
    for sched in data.get("schedules") or []:
        byday = (sched.get("byday") or "").upper().replace(" ", "")
        freq = (sched.get("freq") or "WEEKLY").upper()
        if byday and not valid_byday(byday):
            add("byday", _("Enter days as MO, TU, WE, TH, FR, SA or SU (for example TU or 1MO)."))
        if freq not in Schedule.Freq.values:
            add("freq", _("Choose weekly or monthly."))
        opens, closes = _time(sched.get("opens_at")), _time(sched.get("closes_at"))
        if opens == "invalid":
            add("opens_at", _("Enter a time, for example 10:00."))
            opens = None
        if closes == "invalid":
            add("closes_at", _("Enter a time, for example 12:00."))
            closes = None
        if opens and closes and closes <= opens:
            add("closes_at", _("The closing time must be after the opening time."))
        try:
            valid_from, valid_to = _date(sched.get("valid_from")), _date(sched.get("valid_to"))
        except ValueError:
            add("valid_from", _("Enter a real date."))
            valid_from = valid_to = None
        if valid_from and valid_to and valid_to < valid_from:
            add("valid_to", _("The end date must be after the start date."))
        out["schedules"].append(
            {
                "freq": freq,
                "byday": byday,
                "opens_at": opens.strftime("%H:%M") if opens else None,
                "closes_at": closes.strftime("%H:%M") if closes else None,
                "description": (sched.get("description") or "").strip(),
                "valid_from": valid_from.isoformat() if valid_from else None,
                "valid_to": valid_to.isoformat() if valid_to else None,
            }
        )

    out["locations"] = []
    feature_codes = set(AccessibilityFeature.objects.values_list("code", flat=True))
    for loc in data.get("locations") or []:
        postcode = (loc.get("postcode") or "").strip()
        if postcode:
            try:
                postcode = normalise_postcode(postcode)
            except InvalidPostcode as exc:
                add("postcode", _(exc.message))
        elif loc.get("address_1"):
            add("postcode", _("Enter the postcode of the place."))
        access = [c for c in loc.get("accessibility") or [] if c]
        if set(access) - feature_codes:
            add("accessibility", _("Choose accessibility features from the list."))
        out["locations"].append(
            {
                "id": str(loc["id"]) if loc.get("id") else None,
                "name": (loc.get("name") or "").strip(),
                "address_1": (loc.get("address_1") or "").strip(),
                "address_2": (loc.get("address_2") or "").strip(),
                "city": (loc.get("city") or "").strip(),
                "postcode": postcode,
                "transportation": (loc.get("transportation") or "").strip(),
                "accessibility": sorted(set(access) & feature_codes),
            }
        )

    out["phones"] = [
        {"number": p["number"].strip(), "description": (p.get("description") or "").strip()}
        for p in data.get("phones") or []
        if (p.get("number") or "").strip()
    ]
    if errors:
        raise ValidationError(errors)
    return out


def service_snapshot(service: Service) -> dict[str, Any]:
    """The service's current content in `data` form (what a version stores)."""
    data: dict[str, Any] = {f: getattr(service, f) for f in SCALAR_FIELDS}
    data["target_groups"] = sorted(service.target_groups.values_list("code", flat=True))
    data["taxonomy_terms"] = sorted(
        str(t)
        for t in Attribute.objects.filter(link_entity="service", link_id=service.pk).values_list(
            "taxonomy_term_id", flat=True
        )
    )
    data["languages"] = [
        {"code": lang.code, "name": lang.name, "note": lang.note}
        for lang in service.languages.order_by("name")
    ]
    data["cost_options"] = [
        {
            "option": c.option,
            "amount": None if c.amount is None else str(c.amount),
            "amount_description": c.amount_description,
        }
        for c in service.cost_options.all()
    ]
    data["schedules"] = [
        {
            "freq": s.freq,
            "byday": s.byday,
            "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else None,
            "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else None,
            "description": s.description,
            "valid_from": s.valid_from.isoformat() if s.valid_from else None,
            "valid_to": s.valid_to.isoformat() if s.valid_to else None,
        }
        for s in service.schedules.order_by("byday", "opens_at")
    ]
    data["locations"] = []
    for sal in service.service_at_locations.select_related("location"):
        loc = sal.location
        address = loc.addresses.first()
        data["locations"].append(
            {
                "id": str(loc.pk),
                "name": loc.name,
                "address_1": address.address_1 if address else "",
                "address_2": address.address_2 if address else "",
                "city": address.city if address else "",
                "postcode": loc.postcode,
                "transportation": loc.transportation,
                "accessibility": sorted(
                    loc.accessibility.filter(feature__isnull=False).values_list(
                        "feature__code", flat=True
                    )
                ),
            }
        )
    data["phones"] = [
        {"number": p.number, "description": p.description} for p in service.phones.all()
    ]
    return data


# ---- locations ------------------------------------------------------------------------------


def location_create(
    *,
    name: str,
    address_1: str,
    city: str,
    postcode: str,
    address_2: str = "",
    organization: Organization | None = None,
    transportation: str = "",
    accessibility: list[str] = (),  # type: ignore[assignment]
    location_id: uuid.UUID | None = None,
) -> Location:
    """A physical place with its postcode normalised and its area (lat/long, LSOA, IMD decile)
    derived from the postcode where the data knows it."""
    postcode = normalise_postcode(postcode) if postcode else ""
    location = Location.objects.create(
        id=location_id or uuid.uuid4(),
        name=name,
        organization=organization,
        transportation=transportation,
        postcode=postcode,
        **selectors.location_area_fields(postcode),
    )
    Address.objects.create(
        location=location, address_1=address_1, address_2=address_2, city=city, postal_code=postcode
    )
    features = {
        f.code: f for f in AccessibilityFeature.objects.filter(code__in=list(accessibility))
    }
    for code in accessibility:
        Accessibility.objects.create(
            location=location, feature=features[code], description=str(features[code].display_label)
        )
    return location


def _location_update(location: Location, loc: dict) -> Location:
    """Write a place's edited details onto it (only for a place no other listing uses)."""
    location.name = loc["name"]
    location.transportation = loc["transportation"]
    if location.postcode != loc["postcode"]:
        location.postcode = loc["postcode"]
        for field, value in selectors.location_area_fields(loc["postcode"]).items():
            setattr(location, field, value)
    location.save()
    address = location.addresses.first()
    values = {
        "address_1": loc["address_1"],
        "address_2": loc["address_2"],
        "city": loc["city"],
        "postal_code": loc["postcode"],
    }
    if address is None:
        Address.objects.create(location=location, **values)
    else:
        for field, value in values.items():
            setattr(address, field, value)
        address.save()
    wanted = set(loc["accessibility"])
    location.accessibility.filter(feature__isnull=False).exclude(feature__code__in=wanted).delete()
    _add_accessibility(location, wanted)
    return location


def _add_accessibility(location: Location, wanted: set[str]) -> None:
    have = set(
        location.accessibility.filter(feature__isnull=False).values_list("feature__code", flat=True)
    )
    for f in AccessibilityFeature.objects.filter(code__in=wanted - have):
        Accessibility.objects.create(location=location, feature=f, description=str(f.display_label))


def _location_for(loc: dict, service: Service) -> Location:
    """The place a listing's location row means.

    A row with the id of a place only this listing uses changes that place in place (name,
    address, postcode, accessibility). A place other listings share (a library many groups
    use) is never changed for them: if the row still names it (same name and postcode) it is
    reused, accessibility features only added; otherwise the row becomes a new place. A row
    without an id reuses a place known by the same name and postcode, or creates one.
    """
    organization = service.organization
    existing = None
    if loc.get("id"):
        existing = Location.objects.filter(pk=loc["id"]).first()
        if existing is not None:
            shared = (
                ServiceAtLocation.objects.filter(location=existing)
                .exclude(service_id=service.pk)
                .exists()
            )
            if not shared and existing.organization_id in (None, organization.pk):
                return _location_update(existing, loc)
            if not (existing.name == loc["name"] and existing.postcode == loc["postcode"]):
                existing = None
    if existing is None and loc["postcode"]:
        existing = Location.objects.filter(name=loc["name"], postcode=loc["postcode"]).first()
    if existing is not None:
        _add_accessibility(existing, set(loc["accessibility"]))
        return existing
    return location_create(
        name=loc["name"],
        address_1=loc["address_1"],
        address_2=loc["address_2"],
        city=loc["city"],
        postcode=loc["postcode"],
        transportation=loc["transportation"],
        organization=organization,
        accessibility=loc["accessibility"],
    )


# ---- listings -------------------------------------------------------------------------------


def _apply(service: Service, data: dict[str, Any]) -> None:
    """Write clean `data` onto the service and its related rows (the live listing)."""
    for f in SCALAR_FIELDS:
        setattr(service, f, data[f])
    service.last_modified = timezone.now()
    service.save()
    service.target_groups.set(TargetGroup.objects.filter(code__in=data["target_groups"]))

    Attribute.objects.filter(link_entity="service", link_id=service.pk).exclude(
        taxonomy_term_id__in=data["taxonomy_terms"]
    ).delete()
    for term_id in data["taxonomy_terms"]:
        Attribute.objects.get_or_create(
            link_entity="service", link_id=service.pk, taxonomy_term_id=term_id
        )

    service.languages.all().delete()
    Language.objects.bulk_create([Language(service=service, **lang) for lang in data["languages"]])
    service.cost_options.all().delete()
    CostOption.objects.bulk_create(
        [
            CostOption(
                service=service,
                option=c["option"],
                amount=None if c["amount"] is None else decimal.Decimal(c["amount"]),
                amount_description=c["amount_description"],
            )
            for c in data["cost_options"]
        ]
    )
    service.phones.all().delete()
    Phone.objects.bulk_create([Phone(service=service, **p) for p in data["phones"]])

    sals = []
    for loc in data["locations"]:
        location = _location_for(loc, service)
        sal, _created = ServiceAtLocation.objects.get_or_create(service=service, location=location)
        sals.append(sal)
    service.service_at_locations.exclude(pk__in=[s.pk for s in sals]).delete()

    service.schedules.all().delete()
    first = sals[0] if sals else None
    Schedule.objects.bulk_create(
        [
            Schedule(
                service=service,
                service_at_location=first,
                location=first.location if first else None,
                freq=s["freq"],
                interval=1,
                byday=s["byday"],
                opens_at=_time(s["opens_at"]),
                closes_at=_time(s["closes_at"]),
                description=s["description"],
                valid_from=_date(s["valid_from"]),
                valid_to=_date(s["valid_to"]),
            )
            for s in data["schedules"]
        ]
    )
    search.index_services([service.pk])


def can_edit(actor, service: Service) -> bool:
    if selectors.is_editor(actor):
        return True
    return service.organization.organisation_id in selectors.provider_organisation_ids(actor)


def _require_edit(actor, service: Service) -> None:
    if not can_edit(actor, service):
        raise PermissionDenied


def _require_editor(actor) -> None:
    if not selectors.is_editor(actor):
        raise PermissionDenied


def organization_for_organisation(*, organisation: Organisation) -> Organization:
    """The directory organisation of a Linkwell organisation, created on first use."""
    org = Organization.objects.filter(organisation=organisation).order_by("created_at").first()
    if org is None:
        org = Organization.objects.create(
            name=organisation.name,
            email=organisation.email,
            organisation=organisation,
        )
    return org


def _next_number(service: Service) -> int:
    return (service.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _record_version(service, data, *, actor, comment, status) -> ServiceVersion:
    return ServiceVersion.objects.create(
        service=service,
        number=_next_number(service),
        data=data,
        status=status,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
    )


@transaction.atomic
def service_create(
    *,
    actor,
    organization: Organization,
    data: dict[str, Any],
    comment: str = "",
    publish: bool = False,
    service_id: uuid.UUID | None = None,
    verified_at: datetime.datetime | None = None,
) -> Service:
    """A new listing, as a draft. `publish=True` (editors, imports, the demo with actor=None)
    publishes it at once."""
    if actor is not None and not (
        selectors.is_editor(actor)
        or organization.organisation_id in selectors.provider_organisation_ids(actor)
    ):
        raise PermissionDenied
    if publish and actor is not None:
        _require_editor(actor)
    clean = service_clean(data)
    service = Service(id=service_id or uuid.uuid4(), organization=organization)
    _apply(service, clean)
    if publish:
        service.approval_status = ApprovalStatus.PUBLISHED
        service.last_verified_at = verified_at or timezone.now()
        service.save(update_fields=["approval_status", "last_verified_at"])
        version = _record_version(
            service, clean, actor=actor, comment=comment, status=ServiceVersion.Status.APPROVED
        )
        version.reviewed_by = version.author
        version.reviewed_at = timezone.now()
        version.save(update_fields=["reviewed_by", "reviewed_at"])
    return service


@transaction.atomic
def service_update(
    *, actor, service: Service, data: dict[str, Any], comment: str = ""
) -> ServiceVersion | None:
    """Change a listing.

    Draft or returned listings change in place. A published listing stays live as it is: the
    change becomes a pending version for a directory editor (an editor's own change is
    published at once). Returns the pending version, if one was made.
    """
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_edit(actor, service)
    clean = service_clean(data)
    if service.approval_status != ApprovalStatus.PUBLISHED:
        _apply(service, clean)
        return None
    if selectors.is_editor(actor):
        service.versions.filter(status=ServiceVersion.Status.PENDING).update(
            status=ServiceVersion.Status.WITHDRAWN
        )
        _apply(service, clean)
        version = _record_version(
            service, clean, actor=actor, comment=comment, status=ServiceVersion.Status.APPROVED
        )
        version.reviewed_by, version.reviewed_at = actor, timezone.now()
        version.save(update_fields=["reviewed_by", "reviewed_at"])
        return None
    # A newer change replaces one still waiting.
    service.versions.filter(status=ServiceVersion.Status.PENDING).update(
        status=ServiceVersion.Status.WITHDRAWN
    )
    return _record_version(
        service, clean, actor=actor, comment=comment, status=ServiceVersion.Status.PENDING
    )


@transaction.atomic
def service_submit(*, actor, service: Service, comment: str = "") -> ServiceVersion:
    """Send a draft (or returned) listing to the directory editors."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_edit(actor, service)
    if service.approval_status not in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED):
        raise ValidationError({"approval_status": _("This listing is not a draft.")})
    service.approval_status = ApprovalStatus.PENDING
    service.save(update_fields=["approval_status"])
    service.versions.filter(status=ServiceVersion.Status.PENDING).update(
        status=ServiceVersion.Status.WITHDRAWN
    )
    return _record_version(
        service,
        service_snapshot(service),
        actor=actor,
        comment=comment,
        status=ServiceVersion.Status.PENDING,
    )


@transaction.atomic
def version_approve(*, actor, version: ServiceVersion, comment: str = "") -> Service:
    _require_editor(actor)
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ServiceVersion.Status.PENDING:
        raise ValidationError({"status": _("This change has already been decided.")})
    service = Service.objects.select_for_update().get(pk=version.service_id)
    _apply(service, service_clean(version.data))
    now = timezone.now()
    service.approval_status = ApprovalStatus.PUBLISHED
    service.last_verified_at = now
    service.save(update_fields=["approval_status", "last_verified_at"])
    version.status = ServiceVersion.Status.APPROVED
    version.reviewed_by, version.reviewed_at, version.review_comment = actor, now, comment
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    return service


@transaction.atomic
def version_return(*, actor, version: ServiceVersion, comment: str) -> ServiceVersion:
    """Send a change back to the provider with a comment. A published listing stays live."""
    _require_editor(actor)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ServiceVersion.Status.PENDING:
        raise ValidationError({"status": _("This change has already been decided.")})
    version.status = ServiceVersion.Status.RETURNED
    version.reviewed_by, version.reviewed_at = actor, timezone.now()
    version.review_comment = comment.strip()
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    service = version.service
    if service.approval_status == ApprovalStatus.PENDING:
        service.approval_status = ApprovalStatus.RETURNED
        service.save(update_fields=["approval_status"])
    return version


@transaction.atomic
def service_confirm_accurate(*, actor, service: Service) -> Service:
    """The provider's one-click "still accurate"."""
    _require_edit(actor, service)
    service.last_verified_at = timezone.now()
    service.save(update_fields=["last_verified_at"])
    return service


@transaction.atomic
def service_delete(*, actor, service: Service) -> Service:
    """Soft delete: the listing disappears everywhere but its history is kept."""
    _require_edit(actor, service)
    service.deleted_at = timezone.now()
    service.save(update_fields=["deleted_at"])
    return service


@transaction.atomic
def listing_report_create(
    *,
    service: Service,
    problem: str,
    details: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
) -> ListingReport:
    """Anyone (no sign-in) reports a problem with a published listing."""
    errors = {}
    if problem not in ListingReport.Problem.values:
        errors["problem"] = _("Choose what is wrong.")
    if problem == ListingReport.Problem.OTHER and not details.strip():
        errors["details"] = _("Tell us what is wrong.")
    if errors:
        raise ValidationError(errors)
    report = ListingReport.objects.create(
        service=service,
        problem=problem,
        details=details.strip()[:2000],
        reporter_name=reporter_name.strip(),
        reporter_email=reporter_email.strip(),
    )
    _notify_report(report)
    return report


def listing_report_recipients(service: Service) -> list:
    """Who hears about a problem with a listing: the active provider users of the listing's
    own organisation and every active directory editor (one query)."""
    from linkwell.accounts.models import Role, User

    who = Q(memberships__role=Role.DIRECTORY_EDITOR)
    if service.organization.organisation_id is not None:
        who |= Q(
            memberships__role=Role.PROVIDER,
            memberships__organisation_id=service.organization.organisation_id,
        )
    return list(
        User.objects.filter(who, is_active=True, memberships__organisation__is_active=True)
        .distinct()
        .order_by("id")
    )


def _notify_report(report: ListingReport) -> None:
    """In-app + email notification of a new report. Says which listing and what kind of
    problem; never the reporter's name, email or free-text details (those may be personal)."""
    from linkwell.messaging.models import NotificationKind
    from linkwell.messaging.notifications import notify_staff

    service = report.service
    # The reporter may be using the site in another language; staff get the site language.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Problem reported with the listing “%(name)s”") % {"name": service.name[:120]}
        body = _(
            "What is wrong: %(problem)s. Check the listing and mark the report as dealt with."
        ) % {"problem": report.get_problem_display()}
    notify_staff(
        users=listing_report_recipients(service),
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        url=f"{reverse('directory:reports')}#report-{report.pk}",
        related=report,
    )


@transaction.atomic
def listing_report_resolve(*, actor, report: ListingReport) -> ListingReport:
    _require_edit(actor, report.service)
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by"])
    return report


def service_location_postcode_error(postcode: str) -> str | None:
    """Message when a postcode is valid but unknown to the area data (distance won't work)."""
    if postcode and lookup_area(postcode) is None:
        return _("We could not find that postcode.")
    return None
