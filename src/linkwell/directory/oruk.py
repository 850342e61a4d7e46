"""Open Referral UK 3.0 (HSDS 3.0) representation of the directory.

One place turns directory rows into HSDS JSON (used by the `/oruk/` API and by
`linkwell export-oruk`) and parses the API's query parameters. Field names are HSDS's own.

Conventions, chosen so responses validate against the ORUK validator's schemas:
- a field that is empty (None or "") is left out rather than sent as null or "", because
  the schemas type fields strictly (a null `minimum_age` is not a number) and an empty
  string is not a valid `uri` or `email`; required fields are always present;
- a schedule belongs to a service at location when it has one, else to the service (Linkwell
  also sets `schedule.service` on the former, for search);
- Linkwell's own fields (approval, verification, target groups…) are not HSDS and are not
  sent by the API.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.timezone import is_naive, make_aware

from .models import (
    Accessibility,
    Attribute,
    Contact,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100  # larger requests are capped (documented in docs/directory.md and the OpenAPI)
DAYS = {
    "MO": "MO",
    "TU": "TU",
    "WE": "WE",
    "TH": "TH",
    "FR": "FR",
    "SA": "SA",
    "SU": "SU",
    "MONDAY": "MO",
    "TUESDAY": "TU",
    "WEDNESDAY": "WE",
    "THURSDAY": "TH",
    "FRIDAY": "FR",
    "SATURDAY": "SA",
    "SUNDAY": "SU",
}


class BadParameter(ValueError):
    """A query parameter the API cannot use; the view answers 400 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- values


def _value(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _clean(data: dict, *, required: Iterable[str] = ()) -> dict:
    """Drop empty values (see the module docstring), keeping required keys."""
    keep = set(required)
    out = {}
    for key, value in data.items():
        if value is None or value == "":
            if key in keep:
                out[key] = ""
            continue
        out[key] = _value(value)
    return out


# ---------------------------------------------------------------- records


def taxonomy_dict(taxonomy: Taxonomy) -> dict:
    return _clean(
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        },
        required=["description"],
    )


def taxonomy_term_dict(term: TaxonomyTerm) -> dict:
    return _clean(
        {
            "id": term.id,
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": term.parent_id,
            "taxonomy": term.taxonomy.name if term.taxonomy_id else "",
            "taxonomy_id": term.taxonomy_id,
            "language": term.language,
            "term_uri": term.term_uri,
        },
        required=["description"],
    )


def attribute_dict(attribute: Attribute) -> dict:
    return {
        **_clean(
            {
                "id": attribute.id,
                "link_id": attribute.link_id,
                "link_type": attribute.link_type,
                "link_entity": attribute.link_entity,
                "taxonomy_term_id": attribute.taxonomy_term_id,
                "value": attribute.value,
            }
        ),
        "taxonomy_term": taxonomy_term_dict(attribute.taxonomy_term),
    }


def organization_dict(org) -> dict:
    return _clean(
        {
            "id": org.id,
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "uri": org.uri,
            "legal_status": org.legal_status,
            "logo": org.logo,
            "parent_organization_id": org.parent_organization_id,
        },
        required=["description"],
    )


def organization_full_dict(org, services: list) -> dict:
    """`GET /organizations/{id}`: the organisation and its published services (each without
    the organisation repeated inside it)."""
    data = organization_dict(org)
    data["organization_identifiers"] = []
    data["attributes"] = []
    data["services"] = [
        {k: v for k, v in service_summary_dict(s).items() if k != "organization"} for s in services
    ]
    return data


def language_dict(language) -> dict:
    return _clean(
        {
            "id": language.id,
            "service_id": language.service_id,
            "location_id": language.location_id,
            "phone_id": language.phone_id,
            "name": language.name,
            "code": language.code,
            "note": language.note,
        }
    )


def phone_dict(phone: Phone) -> dict:
    data = _clean(
        {
            "id": phone.id,
            "location_id": phone.location_id,
            "service_id": phone.service_id,
            "organization_id": phone.organization_id,
            "contact_id": phone.contact_id,
            "service_at_location_id": phone.service_at_location_id,
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
        },
        required=["number"],
    )
    data["languages"] = [language_dict(lang) for lang in _sorted(phone.languages.all())]
    return data


def contact_dict(contact: Contact) -> dict:
    data = _clean(
        {
            "id": contact.id,
            "organization_id": contact.organization_id,
            "service_id": contact.service_id,
            "service_at_location_id": contact.service_at_location_id,
            "location_id": contact.location_id,
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
        }
    )
    data["phones"] = [phone_dict(p) for p in _sorted(contact.phones.all())]
    return data


def schedule_dict(schedule: Schedule) -> dict:
    return _clean(
        {
            "id": schedule.id,
            "service_id": schedule.service_id if not schedule.service_at_location_id else None,
            "location_id": schedule.location_id,
            "service_at_location_id": schedule.service_at_location_id,
            "valid_from": schedule.valid_from,
            "valid_to": schedule.valid_to,
            "dtstart": schedule.dtstart,
            "timezone": schedule.timezone,
            "until": schedule.until,
            "count": schedule.count,
            "wkst": schedule.wkst,
            "freq": schedule.freq,
            "interval": schedule.interval,
            "byday": schedule.byday,
            "byweekno": schedule.byweekno,
            "bymonthday": schedule.bymonthday,
            "byyearday": schedule.byyearday,
            "description": schedule.description,
            "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at,
            "schedule_link": schedule.schedule_link,
            "attending_type": schedule.attending_type,
            "notes": schedule.notes,
        }
    )


def cost_option_dict(option) -> dict:
    return _clean(
        {
            "id": option.id,
            "service_id": option.service_id,
            "valid_from": option.valid_from,
            "valid_to": option.valid_to,
            "option": option.option,
            "currency": option.currency,
            "amount": option.amount,
            "amount_description": option.amount_description,
        }
    )


def address_dict(address) -> dict:
    return _clean(
        {
            "id": address.id,
            "location_id": address.location_id,
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
        },
        # UK addresses have no state or province; the schema still requires the key.
        required=["address_1", "city", "state_province", "postal_code", "country", "address_type"],
    )


def accessibility_dict(item: Accessibility) -> dict:
    return _clean(
        {
            "id": item.id,
            "location_id": item.location_id,
            "description": item.description or (str(item.feature.label) if item.feature_id else ""),
            "details": item.details,
            "url": item.url,
        }
    )


def location_dict(location: Location) -> dict:
    data = _clean(
        {
            "id": location.id,
            "location_type": location.location_type,
            "url": location.url,
            "organization_id": location.organization_id,
            "name": location.name,
            "alternate_name": location.alternate_name,
            "description": location.description,
            "transportation": location.transportation,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.external_identifier,
            "external_identifier_type": location.external_identifier_type,
        }
    )
    data["addresses"] = [address_dict(a) for a in _sorted(location.addresses.all())]
    data["accessibility"] = [accessibility_dict(a) for a in _sorted(location.accessibility.all())]
    data["languages"] = [language_dict(lang) for lang in _sorted(location.languages.all())]
    data["phones"] = [phone_dict(p) for p in _sorted(location.phones.all())]
    return data


def service_at_location_dict(
    sal: ServiceAtLocation, *, with_service: dict | None = None, distance_m: float | None = None
) -> dict:
    data = _clean(
        {
            "id": sal.id,
            "service_id": sal.service_id,
            "location_id": sal.location_id,
            "description": sal.description,
        }
    )
    data["location"] = location_dict(sal.location)
    data["schedules"] = [schedule_dict(s) for s in _sorted(sal.schedules.all())]
    data["contacts"] = [contact_dict(c) for c in _sorted(sal.contacts.all())]
    data["phones"] = [phone_dict(p) for p in _sorted(sal.phones.all())]
    if with_service is not None:
        data["service"] = with_service
    if distance_m is not None:
        data["distance"] = round(distance_m)  # metres from the postcode searched (Linkwell)
    return data


def _sorted(items) -> list:
    """Children in a stable order so the same data always gives the same JSON."""
    return sorted(items, key=lambda item: str(item.pk))


def service_summary_dict(service: Service) -> dict:
    """The fields of a service without its nested records, plus its organisation."""
    data = _clean(
        {
            "id": service.id,
            "organization_id": service.organization_id,
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "wait_time": service.wait_time,
            "fees": service.fees,
            "accreditations": service.accreditations,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.assured_date,
            "assurer_email": service.assurer_email,
            "licenses": service.licenses,
            "alert": service.alert,
            "last_modified": service.last_modified,
        }
    )
    data["organization"] = organization_dict(service.organization)
    return data


def service_dict(service: Service, attributes: list[Attribute]) -> dict:
    """The fully nested service (`GET /services/{id}`, `?full=true` and the export)."""
    data = service_summary_dict(service)
    schedules = [s for s in service.schedules.all() if not s.service_at_location_id]
    data["schedules"] = [schedule_dict(s) for s in _sorted(schedules)]
    data["service_areas"] = []
    data["service_at_locations"] = [
        service_at_location_dict(sal) for sal in _sorted(service.service_at_locations.all())
    ]
    data["languages"] = [language_dict(lang) for lang in _sorted(service.languages.all())]
    data["funding"] = []
    data["cost_options"] = [cost_option_dict(c) for c in _sorted(service.cost_options.all())]
    contacts = [c for c in service.contacts.all() if not c.service_at_location_id]
    data["contacts"] = [contact_dict(c) for c in _sorted(contacts)]
    phones = [p for p in service.phones.all() if not p.contact_id and not p.service_at_location_id]
    data["phones"] = [phone_dict(p) for p in _sorted(phones)]
    data["attributes"] = [attribute_dict(a) for a in _sorted(attributes)]
    return data


# ---------------------------------------------------------------- loading


def with_oruk_details(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Everything `service_dict` reads, in a fixed number of queries."""
    languages = Prefetch("languages")
    phones = Prefetch("phones", queryset=Phone.objects.prefetch_related("languages"))
    contacts = Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones__languages"))
    location = (
        "location__addresses",
        Prefetch(
            "location__accessibility", queryset=Accessibility.objects.select_related("feature")
        ),
        "location__languages",
        Prefetch("location__phones", queryset=Phone.objects.prefetch_related("languages")),
    )
    sals = ServiceAtLocation.objects.select_related("location").prefetch_related(
        *location, "schedules", contacts, phones
    )
    return qs.select_related("organization").prefetch_related(
        "schedules",
        languages,
        "cost_options",
        contacts,
        phones,
        Prefetch("service_at_locations", queryset=sals),
    )


def attributes_for(service_ids: Iterable) -> dict[uuid.UUID, list[Attribute]]:
    by_service: dict[uuid.UUID, list[Attribute]] = defaultdict(list)
    rows = Attribute.objects.filter(
        link_entity="service", link_id__in=list(service_ids)
    ).select_related("taxonomy_term__taxonomy")
    for attribute in rows:
        by_service[attribute.link_id].append(attribute)
    return by_service


def services_full(services: list[Service]) -> list[dict]:
    attributes = attributes_for(s.pk for s in services)
    return [service_dict(s, attributes.get(s.pk, [])) for s in services]


def sal_queryset() -> QuerySet[ServiceAtLocation]:
    contacts = Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones__languages"))
    return ServiceAtLocation.objects.select_related(
        "location", "service__organization"
    ).prefetch_related(
        "location__addresses",
        Prefetch(
            "location__accessibility", queryset=Accessibility.objects.select_related("feature")
        ),
        "location__languages",
        Prefetch("location__phones", queryset=Phone.objects.prefetch_related("languages")),
        "schedules",
        contacts,
        Prefetch("phones", queryset=Phone.objects.prefetch_related("languages")),
    )


# ---------------------------------------------------------------- query parameters


def parse_uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadParameter(f"{name} must be a UUID, not {value!r}.") from None


def parse_int(params, name: str, *, minimum: int = 0) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise BadParameter(f"{name} must be at least {minimum}.")
    return value


def parse_paging(params) -> tuple[int, int]:
    """(page, per_page). per_page defaults to 50; over 100 is capped at 100, not refused."""
    page = parse_int(params, "page", minimum=1) or 1
    per_page = parse_int(params, "per_page", minimum=1) or DEFAULT_PER_PAGE
    return page, min(per_page, MAX_PER_PAGE)


def parse_bool(params, name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadParameter(f"{name} must be true or false, not {raw!r}.")


def parse_time_param(params, name: str) -> datetime.time | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_time(raw)
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(f"{name} must be a time like 09:30, not {raw!r}.")
    return value


def parse_modified_after(params) -> datetime.datetime | None:
    raw = params.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as " "
        if value is None:
            day = parse_date(raw)
            value = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(
            f"modified_after must be a date or date-time like 2025-01-31T09:00:00Z, not {raw!r}."
        )
    return make_aware(value) if is_naive(value) else value


def parse_day(params) -> str | None:
    raw = params.get("day", "").strip().upper()
    if not raw:
        return None
    if raw not in DAYS:
        raise BadParameter(f"day must be one of MO TU WE TH FR SA SU (or a day name), not {raw!r}.")
    return DAYS[raw]


def apply_service_filters(qs: QuerySet[Service], params) -> QuerySet[Service]:
    """Filters that the directory search service does not offer (combined with AND)."""
    taxonomy_id = params.get("taxonomy_id", "").strip()
    if taxonomy_id:
        tid = parse_uuid(taxonomy_id, "taxonomy_id")
        qs = qs.filter(
            Exists(
                Attribute.objects.filter(
                    link_entity="service",
                    link_id=OuterRef("pk"),
                    taxonomy_term__taxonomy_id=tid,
                )
            )
        )
    organization_id = params.get("organization_id", "").strip()
    if organization_id:
        qs = qs.filter(organization_id=parse_uuid(organization_id, "organization_id"))
    # Ages: the ages the caller asks about must overlap the service's age range.
    minimum_age = parse_int(params, "minimum_age")
    maximum_age = parse_int(params, "maximum_age")
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise BadParameter("minimum_age must not be more than maximum_age.")
    if minimum_age is not None:
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=minimum_age))
    if maximum_age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=maximum_age))
    modified_after = parse_modified_after(params)
    if modified_after is not None:
        qs = qs.filter(last_modified__gte=modified_after)
    return qs


def page_envelope(*, total: int, page: int, per_page: int, contents: list) -> dict:
    total_pages = max(1, -(-total // per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
