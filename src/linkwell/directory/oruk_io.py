"""Import and export of the directory in Open Referral shape (`linkwell import-oruk`,
`linkwell export-oruk`).

Reading a source (`read_source`) happens before anything is written: an unreachable feed, a
response that is not JSON, or JSON of the wrong shape raises `FeedError` and the directory is
untouched. Writing (`feed_import`) is one transaction; each service is written inside its own
savepoint, so a bad record is reported (id and reason) and skipped without losing the rest.

Sources:
- an ORUK / HSDS 3.0 API base URL: every page of `/services` is walked, then each
  `/services/{id}` is fetched for the full record;
- an ORUK v1 feed (URL or file) with the Spring `content` / `totalElements` page envelope;
  v1 records are mapped to HSDS 3.0 names (regular_schedules → schedules,
  physical_addresses → addresses, service_taxonomys → attributes, eligibilitys → ages…);
- a JSON file: Linkwell's export, an HSDS 3.0 page (`contents`), a list of services, one
  service, or a tabular datapackage (`datapackage.json` with CSV resources beside it).

Records are upserted by id. HSDS 3.0 ids are UUIDs; a feed with other ids (common in v1) gets
a stable UUID derived from the feed and the id, so importing it again updates the same rows.
Each imported organisation, service and location records where it came from and when
(`source`, `source_imported_at`).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime
import gc
import json
import operator
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from linkwell.geo.services import area_for_postcode, areas_for_postcodes
from linkwell.lib.postcode import InvalidPostcode, normalise_postcode

from . import oruk, search
from .models import (
    Accessibility,
    AccessibilityFeature,
    Address,
    ApprovalStatus,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)
from .selectors import service_public_queryset
from .vocabulary import LINKWELL_TAXONOMY_ID

FETCH_TIMEOUT = 30
PAGE_SIZE = 100
MAX_PAGES = 100_000
MAX_REPORTED = 200
_ID_NAMESPACE = uuid.UUID("6f1d8a7c-4b0e-5c39-9a51-0d2e7f3b8c64")
LINKWELL_EXTENSION = "x_linkwell"


class FeedError(Exception):
    """The source cannot be read as a directory feed; nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordError(ValueError):
    """One record cannot be imported; it is reported and skipped."""


@dataclass
class Feed:
    source: str
    services: list[dict]
    taxonomies: list[dict] = field(default_factory=list)
    taxonomy_terms: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    # Services listed by the feed whose full record could not be fetched: (id, reason).
    unreadable: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    error_count: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # Services imported earlier from this source and missing from it now (soft-deleted).
    retired: int = 0
    retired_ids: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.error_count

    def add_error(self, record_id: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append((record_id, reason))


@contextlib.contextmanager
def _without_gc():
    """Pause the cyclic garbage collector. Reading a feed and importing it make millions of
    small objects (a 100,000-service file is ~400 MB of JSON) and almost no cycles (15 left
    after importing 5,000 services); each automatic collection walks every live object, the
    whole feed included, which cost a fifth of the import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


SQLITE_IMPORT_CACHE_KB = 262_144


@contextlib.contextmanager
def _large_sqlite_cache():
    """SQLite: a 256 MB page cache for the import's connection (the default is 2 MB). A large
    import adds a million rows to tables indexed by random UUIDs; with the small cache nearly
    every insert re-reads index pages (writing 30,000 services took 45% longer)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


# ================================================================ reading


def _fetch_json(url: str) -> Any:
    request = urllib.request.Request(  # noqa: S310 - scheme checked by read_source
        url, headers={"Accept": "application/json", "User-Agent": "Linkwell import-oruk"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise FeedError(f"{url} answered HTTP {exc.code}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedError(f"Cannot reach {url}: {reason}.") from None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedError(f"{url} did not answer with JSON.") from None


def _page_items(data: Any, where: str) -> tuple[list[dict], str]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"], "v3"
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        return data["content"], "v1"
    raise FeedError(
        f"{where} is not an Open Referral services page: it has no 'contents' (HSDS 3.0) "
        "or 'content' (ORUK v1) list."
    )


def _is_last_page(data: dict, version: str, page: int, items: list) -> bool:
    if not items:
        return True
    if version == "v3":
        if data.get("last_page") is True:
            return True
        total_pages = data.get("total_pages")
    else:
        if data.get("last") is True:
            return True
        total_pages = data.get("totalPages")
    return isinstance(total_pages, int) and page >= total_pages


def _read_api(base: str, progress: Callable[[str], None] | None) -> Feed:
    base = base.rstrip("/")
    if base.endswith("/services"):
        base = base[: -len("/services")]
    listed: list[dict] = []
    version = "v3"
    for page in range(1, MAX_PAGES + 1):
        url = f"{base}/services?{urllib.parse.urlencode({'page': page, 'per_page': PAGE_SIZE})}"
        data = _fetch_json(url)
        items, version = _page_items(data, url)
        listed.extend(items)
        if progress:
            progress(f"  … read page {page} ({len(listed):,} services listed)")
        if _is_last_page(data, version, page, items):
            break
    feed = Feed(source=base, services=[])
    seen: set[str] = set()
    for position, item in enumerate(listed, start=1):
        record_id = str(item.get("id", "")) if isinstance(item, dict) else ""
        if not record_id:
            feed.unreadable.append(("(no id)", "a listed service has no id"))
            continue
        if record_id in seen:
            feed.unreadable.append((record_id, "duplicate id: the feed lists this service twice"))
            continue
        seen.add(record_id)
        url = f"{base}/services/{urllib.parse.quote(record_id, safe='')}"
        try:
            record = _fetch_json(url)
        except FeedError as exc:
            if exc.message.startswith("Cannot reach"):
                raise  # the feed went away: stop, import nothing
            feed.unreadable.append((record_id, exc.message))
            continue
        if not isinstance(record, dict):
            feed.unreadable.append((record_id, f"{url} is not a service record"))
            continue
        feed.services.append(_from_v1(record) if version == "v1" else record)
        if progress and position % 100 == 0:
            progress(f"  … fetched {position:,} of {len(listed):,} services")
    return feed


def _read_file(path: Path) -> Feed:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FeedError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise FeedError(f"{path.name} is not a UTF-8 text file.") from None
    try:
        with _without_gc():
            data = json.loads(text)
    except ValueError as exc:
        raise FeedError(f"{path.name} is not JSON ({exc}).") from None
    source = str(path.resolve())
    if isinstance(data, list):
        return Feed(source=source, services=data)
    if not isinstance(data, dict):
        raise FeedError(f"{path.name} is JSON but not a directory feed.")
    if isinstance(data.get("resources"), list):
        return _read_datapackage(path, data)
    if isinstance(data.get("services"), list):
        return Feed(
            source=source,
            services=data["services"],
            taxonomies=_list(data.get("taxonomies")),
            taxonomy_terms=_list(data.get("taxonomy_terms")),
            organizations=_list(data.get("organizations")),
        )
    if "contents" in data or "content" in data:
        items, version = _page_items(data, path.name)
        return Feed(
            source=source, services=[_from_v1(i) for i in items] if version == "v1" else items
        )
    if "id" in data and "name" in data:
        return Feed(source=source, services=[data])
    raise FeedError(
        f"{path.name} is JSON but not a directory feed: expected a list of services, an HSDS "
        "page ('contents'), an ORUK v1 page ('content'), a Linkwell export ('services') or a "
        "datapackage ('resources')."
    )


def _list(value) -> list:
    return value if isinstance(value, list) else []


def read_source(source: str, progress: Callable[[str], None] | None = None) -> Feed:
    """Read everything from a URL or file into memory. Raises FeedError; writes nothing."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _read_api(source, progress)
    if scheme and len(scheme) > 1:
        raise FeedError(f"{source}: only http(s) URLs and files can be imported.")
    return _read_file(Path(source))


# ---------------------------------------------------------------- datapackage (tabular HSDS)


def _read_datapackage(path: Path, package: dict) -> Feed:
    tables: dict[str, list[dict]] = {}
    for resource in package["resources"]:
        if not isinstance(resource, dict) or not resource.get("name"):
            continue
        if isinstance(resource.get("data"), list):
            tables[resource["name"]] = resource["data"]
            continue
        rel = resource.get("path")
        if not isinstance(rel, str):
            continue
        csv_path = (path.parent / rel).resolve()
        if not csv_path.is_relative_to(path.parent.resolve()):
            raise FeedError(f"{path.name}: resource path {rel!r} is outside the package.")
        if not csv_path.exists():
            continue  # optional tables may be left out
        try:
            with csv_path.open(newline="", encoding="utf-8-sig") as f:
                tables[resource["name"]] = [
                    {k: v for k, v in row.items() if v not in ("", None)}
                    for row in csv.DictReader(f)
                ]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise FeedError(f"{csv_path.name} in {path.name} cannot be read ({exc}).") from None
    if "service" not in tables:
        raise FeedError(f"{path.name} is a datapackage without a 'service' resource.")
    return _assemble(str(path.resolve()), tables)


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def _assemble(source: str, t: dict[str, list[dict]]) -> Feed:
    """Nest HSDS tables the way the API nests them."""
    orgs = {o["id"]: o for o in t.get("organization", []) if o.get("id")}
    locations = {loc["id"]: loc for loc in t.get("location", []) if loc.get("id")}
    terms = {term["id"]: term for term in t.get("taxonomy_term", []) if term.get("id")}
    addresses = _by(t.get("address", []), "location_id")
    accessibility = _by(t.get("accessibility", []), "location_id")
    phones_by = {k: _by(t.get("phone", []), k) for k in ("service_id", "location_id", "contact_id")}
    languages_by = {
        k: _by(t.get("language", []), k) for k in ("service_id", "location_id", "phone_id")
    }
    contacts = _by(t.get("contact", []), "service_id")
    schedules_by_service = _by(t.get("schedule", []), "service_id")
    schedules_by_sal = _by(t.get("schedule", []), "service_at_location_id")
    sals = _by(t.get("service_at_location", []), "service_id")
    costs = _by(t.get("cost_option", []), "service_id")
    attributes = _by(t.get("attribute", []), "link_id")

    def phone(p):
        return {**p, "languages": languages_by["phone_id"].get(p["id"], [])}

    def location(loc_id):
        loc = dict(locations.get(loc_id, {"id": loc_id}))
        loc["addresses"] = addresses.get(loc_id, [])
        loc["accessibility"] = accessibility.get(loc_id, [])
        loc["languages"] = languages_by["location_id"].get(loc_id, [])
        loc["phones"] = [phone(p) for p in phones_by["location_id"].get(loc_id, [])]
        return loc

    def attribute(a):
        term = terms.get(a.get("taxonomy_term_id", ""))
        return {**a, "taxonomy_term": term} if term else a

    services = []
    for s in t["service"]:
        sid = s.get("id", "")
        record = dict(s)
        if s.get("organization_id") in orgs:
            record["organization"] = orgs[s["organization_id"]]
        record["schedules"] = [
            x for x in schedules_by_service.get(sid, []) if not x.get("service_at_location_id")
        ]
        record["service_at_locations"] = [
            {
                **sal,
                "location": location(sal.get("location_id", "")),
                "schedules": schedules_by_sal.get(sal.get("id", ""), []),
            }
            for sal in sals.get(sid, [])
        ]
        record["languages"] = languages_by["service_id"].get(sid, [])
        record["cost_options"] = costs.get(sid, [])
        record["contacts"] = [
            {**c, "phones": [phone(p) for p in phones_by["contact_id"].get(c.get("id", ""), [])]}
            for c in contacts.get(sid, [])
        ]
        record["phones"] = [
            phone(p) for p in phones_by["service_id"].get(sid, []) if not p.get("contact_id")
        ]
        record["attributes"] = [attribute(a) for a in attributes.get(sid, [])]
        services.append(record)
    return Feed(
        source=source,
        services=services,
        taxonomies=t.get("taxonomy", []),
        taxonomy_terms=list(terms.values()),
        organizations=list(orgs.values()),
    )


# ---------------------------------------------------------------- ORUK v1 → HSDS 3.0


def _from_v1(s: dict) -> dict:
    """Map an ORUK v1 service record onto HSDS 3.0 names (unknown fields are dropped)."""
    if not isinstance(s, dict):
        return s
    out = {
        k: s.get(k)
        for k in (
            "id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "fees",
            "accreditations",
            "assured_date",
            "attending_type",
        )
        if s.get(k) not in (None, "")
    }
    if s.get("fees"):
        out["fees_description"] = s["fees"]
    org = s.get("organization")
    if isinstance(org, dict):
        out["organization"] = {
            k: org.get(k)
            for k in ("id", "name", "description", "email", "url", "logo", "uri")
            if org.get(k)
        }
        if org.get("url"):
            out["organization"]["website"] = org["url"]
    eligibilities = [e for e in _list(s.get("eligibilitys")) if isinstance(e, dict)]
    ages = [(e.get("minimum_age"), e.get("maximum_age")) for e in eligibilities]
    mins = [a for a, _b in ages if isinstance(a, int | float)]
    maxs = [b for _a, b in ages if isinstance(b, int | float)]
    if mins:
        out["minimum_age"] = min(mins)
    if maxs:
        out["maximum_age"] = max(maxs)
    texts = [e.get("eligibility") for e in eligibilities if e.get("eligibility")]
    if texts:
        out["eligibility_description"] = "; ".join(texts)
    out["schedules"] = [_v1_schedule(r) for r in _list(s.get("regular_schedules"))]
    out["service_at_locations"] = []
    for sal in _list(s.get("service_at_locations")):
        loc = sal.get("location") or {}
        out["service_at_locations"].append(
            {
                "id": sal.get("id"),
                "location": {
                    "id": loc.get("id"),
                    "name": loc.get("name"),
                    "description": loc.get("description"),
                    "latitude": loc.get("latitude"),
                    "longitude": loc.get("longitude"),
                    "addresses": [
                        {**a, "address_1": a.get("address_1"), "address_type": "physical"}
                        for a in _list(loc.get("physical_addresses"))
                    ],
                    "accessibility": [
                        {"id": a.get("id"), "description": a.get("accessibility")}
                        for a in _list(loc.get("accessibility_for_disabilities"))
                    ],
                },
                "schedules": [_v1_schedule(r) for r in _list(sal.get("regular_schedule"))],
            }
        )
    out["languages"] = [
        {"id": lang.get("id"), "name": lang.get("language")} for lang in _list(s.get("languages"))
    ]
    out["cost_options"] = _list(s.get("cost_options"))
    out["contacts"] = [
        {
            "id": c.get("id"),
            "name": c.get("name"),
            "title": c.get("title"),
            "phones": _list(c.get("phones")),
        }
        for c in _list(s.get("contacts"))
    ]
    out["attributes"] = []
    for st in _list(s.get("service_taxonomys")):
        term = st.get("taxonomy") or {}
        if term.get("id") and term.get("name"):
            out["attributes"].append(
                {
                    "id": st.get("id"),
                    "taxonomy_term": {
                        "id": term["id"],
                        "name": term["name"],
                        "taxonomy": term.get("vocabulary", ""),
                        "parent_id": term.get("parent") or None,
                    },
                }
            )
    return out


def _v1_schedule(r: dict) -> dict:
    keep = ("id", "opens_at", "closes_at", "byday", "bymonthday", "dtstart", "freq", "interval")
    out = {k: r.get(k) for k in keep if r.get(k) not in (None, "")}
    out.update({k: r[k] for k in ("valid_from", "valid_to") if r.get(k)})
    if r.get("description"):
        out["description"] = r["description"]
    return out


# ================================================================ writing
#
# Records are turned into unsaved rows in memory (`_Rows`), record by record: a record that
# cannot be imported raises RecordError before any of its rows join the chunk. Every CHUNK
# records, the chunk's rows are written with a few bulk statements (replaced nested rows
# deleted first, then bulk_create / bulk_update per table) inside a savepoint. If the database
# refuses the chunk (a constraint), the chunk is rolled back and written again one record per
# savepoint, so the bad record is reported and skipped and the others kept — as before, but
# without a savepoint and a dozen statements for every record of a clean feed.

CHUNK = 1000

# Fields written when an existing row is updated (the same fields `update_or_create` set).
_UPDATE_FIELDS = {
    Taxonomy: ["name", "description", "uri", "version"],
    TaxonomyTerm: [
        "code", "name", "description", "taxonomy", "parent_id", "language", "term_uri",
    ],
    Organization: [
        "name", "alternate_name", "description", "email", "website", "uri", "legal_status",
        "logo", "source", "source_imported_at",
    ],
    Location: [
        "location_type", "organization", "url", "name", "alternate_name", "description",
        "transportation", "latitude", "longitude", "external_identifier",
        "external_identifier_type", "postcode", "lsoa11", "imd_decile", "source",
        "source_imported_at",
    ],
}  # fmt: skip
# Written in this order (foreign keys are checked at commit, so the order is for readability).
_CREATE_ORDER = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Location,
    Service,
    ServiceAtLocation,
    Address,
    Accessibility,
    Contact,
    Phone,
    Language,
    Schedule,
    CostOption,
    Attribute,
)


# Upserted by id and reused within an import; every other table's rows are new each time.
_UPSERTED = (Taxonomy, TaxonomyTerm, Organization, Location)


class _Clash(Exception):
    """Two records of a chunk write a nested row with the same id."""


class _Row:
    """A new row (a service, place or organisation new to the directory, or a nested schedule,
    language, phone…): its column values by attname, also readable as attributes. All the
    import does with one is write it, and a model instance costs several times as much to
    make (a service has about ten nested rows)."""

    __slots__ = ("model", "values")

    def __init__(self, model, values: dict) -> None:
        self.model, self.values = model, values

    @property
    def pk(self):
        return self.values["id"]

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def set(self, name: str, value) -> None:
        attname, value = _column(self.model, name, value)
        self.values[attname] = value


def _model(obj):
    """The model of a row: a `_Row`'s, or a model instance's class."""
    return obj.model if type(obj) is _Row else type(obj)


_SPECS: dict[type, tuple[dict, list, dict, frozenset]] = {}


def _spec(model) -> tuple[dict, list, dict, frozenset]:
    """(defaults by attname, fields with a callable default, foreign key name → attname, every
    attname)."""
    if model not in _SPECS:
        fields = model._meta.concrete_fields
        _SPECS[model] = (
            {f.attname: f.get_default() for f in fields if not callable(f.default)},
            [(f.attname, f) for f in fields if callable(f.default)],
            {f.name: f.attname for f in fields if f.is_relation},
            frozenset(f.attname for f in fields),
        )
    return _SPECS[model]


def _column(model, name: str, value) -> tuple[str, Any]:
    relations = _spec(model)[2]
    if name in relations:
        return relations[name], None if value is None else value.pk
    return name, value


def _child(model, **given) -> _Row:
    """`model(**given)` as a `_Row`: the same defaults, foreign keys given as rows or ids."""
    defaults, callables, relations, attnames = _SPECS.get(model) or _spec(model)
    values = {**defaults, **given}
    others = given.keys() - attnames
    for name in others:  # foreign keys given by name (as a row or instance)
        if name not in relations:
            raise TypeError(f"{model.__name__} has no field {name}")
        value = values.pop(name)
        values[relations[name]] = None if value is None else value.pk
    for attname, f in callables:
        if attname not in values:
            values[attname] = f.get_default()
    return _Row(model, values)


class _Rows:
    """Rows to write: new rows, updated rows, and the services / locations whose nested rows
    the feed replaces (deleted before the new ones are written)."""

    def __init__(self) -> None:
        self.create: dict[type, dict] = defaultdict(dict)
        self.update: dict[type, dict] = defaultdict(dict)
        self.replace_services: set[uuid.UUID] = set()
        self.replace_locations: set[uuid.UUID] = set()
        self.replace_target_groups: set[uuid.UUID] = set()
        self.target_groups: list[tuple[uuid.UUID, int]] = []
        # Created services' searchable text, by id: (name, text, final) (`_search_text`).
        self.texts: dict[uuid.UUID, tuple[str, str, bool]] = {}

    def add(self, obj):
        self.create[_model(obj)][obj.pk] = obj
        return obj

    def merge(self, other: _Rows) -> None:
        """Add a record's rows. Nested rows with the id of one already in the chunk (two
        services with the same schedule id, say) raise _Clash: the database would refuse it."""
        for model, rows in other.create.items():
            mine = self.create.get(model, {})
            # Look up the record's few ids in the chunk's many (not the other way round).
            if model not in _UPSERTED and any(pk in mine for pk in rows):
                raise _Clash
        for model, rows in other.create.items():
            self.create[model].update(rows)
        for model, rows in other.update.items():
            self.update[model].update(rows)
        self.replace_services |= other.replace_services
        self.replace_locations |= other.replace_locations
        self.replace_target_groups |= other.replace_target_groups
        self.target_groups += other.target_groups
        self.texts.update(other.texts)

    def write(self) -> None:
        services, locations = list(self.replace_services), list(self.replace_locations)
        for part in _chunked(services, 500):
            # Replace what the feed nests under the service; locations are shared, upserted.
            Attribute.objects.filter(link_entity="service", link_id__in=part).delete()
            Schedule.objects.filter(service_id__in=part).delete()
            ServiceAtLocation.objects.filter(service_id__in=part).delete()
            Contact.objects.filter(service_id__in=part).delete()
            Phone.objects.filter(service_id__in=part).delete()
            CostOption.objects.filter(service_id__in=part).delete()
            Language.objects.filter(service_id__in=part).delete()
        through = TargetGroup.services.through
        for part in _chunked(list(self.replace_target_groups), 500):
            through.objects.filter(service_id__in=part).delete()
        for part in _chunked(locations, 500):
            Address.objects.filter(location_id__in=part).delete()
            Accessibility.objects.filter(location_id__in=part).delete()
            Language.objects.filter(location_id__in=part).delete()
            Phone.objects.filter(location_id__in=part).delete()
        for model in _CREATE_ORDER:
            rows = list(self.create.get(model, {}).values())
            if not rows:
                continue
            if model is Service and connection.vendor == "postgresql":
                _insert_services_with_vectors(rows, self.texts)
            else:
                _insert(model, rows)
        for model, rows in self.update.items():
            fields = _SERVICE_UPDATE_FIELDS if model is Service else _UPDATE_FIELDS[model]
            model.objects.bulk_update(list(rows.values()), fields, batch_size=500)
        _insert_values(
            through,
            [through._meta.get_field("service"), through._meta.get_field("targetgroup")],
            self.target_groups,
        )


# ---------------------------------------------------------------- inserting
#
# `bulk_create` compiles every value of every row through the ORM (about half the CPU time
# of an import). The rows here are plain: every column is given, no expressions, no
# auto_now, and the primary keys are set (the target-group links leave theirs to the
# database). So each column's values are prepared with the same `get_db_prep_save` Django
# would use — skipped only where it would return them as they are (a column of text that is
# all str, of whole numbers all int, of UUIDs on a database with a native uuid type) — and
# written with one prepared statement (SQLite) or COPY (PostgreSQL).

_PLAIN_TEXT = (models.CharField, models.TextField)
_PLAIN_NUMBER = (models.IntegerField, models.FloatField, models.BooleanField)
_NONE = type(None)
INSERT_ROWS = 1000


def _prepared_column(field, values: tuple, db) -> tuple | list:
    """A column's values as `get_db_prep_save` would give them. Checked a column at a time:
    `set(map(type, ...))` runs in C, so a column of plain text costs almost nothing."""
    kinds = set(map(type, values))
    target = field.target_field if field.is_relation else field
    if isinstance(field, _PLAIN_TEXT) and kinds <= {str, _NONE}:
        return values
    if isinstance(field, _PLAIN_NUMBER):
        kind = {models.FloatField: float, models.BooleanField: bool}.get(type(field), int)
        if kinds <= {kind, _NONE}:
            return values
    if isinstance(target, models.UUIDField) and kinds <= {uuid.UUID, _NONE}:
        if db.features.has_native_uuid_field:
            return values
        return [None if v is None else v.hex for v in values]
    if not isinstance(field, _NONE_AS_NONE):
        prep = field.get_db_prep_save
        return [prep(v, db) for v in values]
    if kinds == {_NONE}:
        return values  # no date, time or amount given in the whole column
    if (
        type(field) is models.DateTimeField
        and kinds <= {datetime.datetime, _NONE}
        and db.vendor in ("sqlite", "postgresql")
    ):
        return _datetime_column(values, db)
    prep = field.get_db_prep_save
    return [None if v is None else prep(v, db) for v in values]


# Fields whose `get_db_prep_save(None)` is None (SQL NULL).
_NONE_AS_NONE = (models.DateField, models.TimeField, models.DecimalField)


def _datetime_column(values, db) -> list:
    """`DateTimeField.get_db_prep_save` of aware datetimes: the value itself on PostgreSQL;
    on SQLite (`adapt_datetimefield_value`) the text of its UTC time without the offset, once
    per distinct value (the import time recurs on every row). Naive values (which Django would
    make aware, with a warning) go through Django."""
    out: dict = {}
    native = db.vendor == "postgresql"
    zone = None if native else db.timezone
    prep = None
    result = []
    for v in values:
        if v is None:
            result.append(None)
            continue
        done = out.get(v)
        if done is None or done[0] is not v:
            if v.utcoffset() is None or not settings.USE_TZ:
                prep = prep or models.DateTimeField().get_db_prep_save
                text = prep(v, db)
            elif native:
                text = v
            else:
                text = str(v.astimezone(zone).replace(tzinfo=None))
            done = out[v] = (v, text)
        result.append(done[1])
    return result


def _insert(model, objs: list) -> None:
    """`model.objects.bulk_create(objs)` for the import's rows (see above)."""
    fields = list(model._meta.concrete_fields)
    if any(
        getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or f.db_default is not models.NOT_PROVIDED
        for f in fields
    ):
        model.objects.bulk_create(objs, batch_size=500)
        return
    names = [f.attname for f in fields]
    get = operator.itemgetter(*names)
    _insert_values(
        model,
        fields,
        [get(o.values) if type(o) is _Row else tuple(getattr(o, n) for n in names) for o in objs],
    )
    for obj in objs:
        if type(obj) is not _Row:
            obj._state.adding = False
            obj._state.db = connection.alias


_SERVICES_TEMP = "linkwell_import_service"


def _insert_services_with_vectors(objs: list, texts: dict) -> None:
    """PostgreSQL: new services with their search vectors (`search.VECTOR_SQL` of the text the
    import worked out for each), so that each row is written once: COPY into a temporary
    table, then one INSERT … SELECT computing the vectors. Updating the vectors after the rows
    were written (`search.index_services`) wrote every row and its index entries again."""
    fields = [f for f in Service._meta.concrete_fields if f.attname != "search_vector"]
    get = operator.itemgetter(*[f.attname for f in fields])
    prepared = _prepared_rows(fields, [get(o.values) for o in objs])
    rows = [(*row, texts[o.pk][1]) for row, o in zip(prepared, objs, strict=True)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(Service._meta.db_table)
    with connection.cursor() as cursor:
        # Dropped at commit, and with a savepoint rolled back after it was made.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_SERVICES_TEMP} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns}, ''::text AS search_text FROM {table} WITH NO DATA"
        )
        _copy_rows(cursor, f"{_SERVICES_TEMP} ({columns}, search_text)", rows)
        cursor.execute(
            f"INSERT INTO {table} ({columns}, search_vector) "  # noqa: S608
            f"SELECT {columns}, {search.VECTOR_SQL % 'search_text'} FROM {_SERVICES_TEMP}"
        )
        cursor.execute(f"TRUNCATE {_SERVICES_TEMP}")


def _prepared_rows(fields: list, rows: list[tuple]) -> list[tuple]:
    db = connections[DEFAULT_DB_ALIAS]
    columns = [
        _prepared_column(f, col, db) for f, col in zip(fields, zip(*rows, strict=True), strict=True)
    ]
    return list(zip(*columns, strict=True))


def _copy_rows(cursor, target: str, rows: list[tuple]) -> None:
    """PostgreSQL: COPY prepared rows into `target` ("table (columns)")."""
    # The driver's own cursor, so its errors are turned into Django's by hand (a refused row
    # must reach the chunk's retry as an IntegrityError).
    db = connections[DEFAULT_DB_ALIAS]
    with db.wrap_database_errors, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_values(model, fields: list, rows: list[tuple]) -> None:
    if not rows:
        return
    prepared = _prepared_rows(fields, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the models
    one = f"({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one, prepared)
        elif connection.vendor == "postgresql":
            _copy_rows(cursor, f"{table} ({columns})", prepared)
        else:
            size = max(1, min(INSERT_ROWS, 30_000 // len(fields)))
            for part in _chunked(prepared, size):
                values = [v for row in part for v in row]
                cursor.execute(head + ", ".join([one] * len(part)), values)


def _chunked(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _child_id(ctx, item: dict, kind: str) -> uuid.UUID:
    """Nested records are replaced on every import, so one without an id gets a new one."""
    return ctx.ids(item.get("id"), kind, required=False) or uuid.uuid4()


_new_uuid = object.__new__
_set_slot = object.__setattr__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


class _Ids:
    """Feed ids → UUIDs: UUIDs are kept; anything else becomes uuid5(feed, kind, id)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, raw, kind: str, *, required: bool = True) -> uuid.UUID | None:
        if type(raw) is str and len(raw) == 36 and raw.count("-") == 4:
            # `uuid.UUID(raw)` without the constructor's general handling (an import reads
            # about 28 ids per service): the same `int(…, 16)` of the same 32 characters, so
            # the same UUID; text it would refuse fails here too (braces, "urn:", non-hex).
            try:
                value = _new_uuid(uuid.UUID)
                _set_slot(value, "int", int(raw.replace("-", ""), 16))
                _set_slot(value, "is_safe", _UNKNOWN_SAFETY)
                return value
            except ValueError:
                pass  # the general path below
        if raw in (None, ""):
            if required:
                raise RecordError(f"a {kind} has no id")
            return None
        if not isinstance(raw, str | int):
            raise RecordError(f"a {kind} id must be text")
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            return uuid.uuid5(_ID_NAMESPACE, f"{self.source}\n{kind}\n{raw}")


def _text(record: dict, key: str, limit: int | None = None) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if type(value) is str:
        value = value.strip()
    elif isinstance(value, str | int | float):
        value = str(value).strip()
    else:
        raise RecordError(f"{key} must be text")
    if limit and len(value) > limit:
        raise RecordError(f"{key} is longer than {limit} characters")
    return value


def _int(record: dict, key: str) -> int | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        raise RecordError(f"{key} {value!r} is not a number") from None
    if number < 0:
        raise RecordError(f"{key} must not be negative")
    return number


def _float(record: dict, key: str) -> float | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RecordError(f"{key} {value!r} is not a number") from None


def _date(record: dict, key: str) -> datetime.date | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = parse_date(str(value)[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        raise RecordError(f"{key} {value!r} is not a date")
    return parsed


def _datetime(record: dict, key: str) -> datetime.datetime | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        day = _date(record, key)
        parsed = datetime.datetime.combine(day, datetime.time())
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _time(record: dict, key: str) -> datetime.time | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = parse_time(str(value).strip().removesuffix("Z"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise RecordError(f"{key} {value!r} is not a time")
    return parsed.replace(tzinfo=None)


# Choices as sets, once (an enum's `.values` is rebuilt on every access).
_FREQS = frozenset(Schedule.Freq.values)
_LOCATION_TYPES = frozenset(Location.LocationType.values)
_STATUSES = frozenset(ServiceStatus.values)
_BYDAY_ITEM = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _byday(value: str) -> str:
    value = value.upper().replace(" ", "")
    for item in filter(None, value.split(",")):
        day = item[-2:]
        prefix = item[:-2]
        if day not in _BYDAY_ITEM or (prefix and not prefix.lstrip("+-").isdigit()):
            raise RecordError(f"byday {value!r} is not an RFC 5545 BYDAY list like MO,WE or 1MO")
    return value


def _dicts(record: dict, key: str) -> list[dict]:
    value = record.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError(f"{key} must be a list of records")
    return value


_MISSING = object()


@dataclass
class _Context:
    source: str
    imported_at: datetime.datetime
    ids: _Ids
    publish: bool
    organizations: dict[str, dict]
    terms: dict[str, dict]
    taxonomies: dict[str, dict]
    features: dict[str, AccessibilityFeature]
    target_groups: dict[str, TargetGroup]
    warnings: list = field(default_factory=list)
    areas: dict = field(default_factory=dict)
    # The rows of the record being read (joined to `chunk` when the record is good).
    rows: _Rows = field(default_factory=_Rows)
    chunk: _Rows = field(default_factory=_Rows)
    children: dict = field(default_factory=dict)
    # Organisations, locations, terms and taxonomies as this import leaves them (written or
    # about to be), by (model, id); `done` = already written by this import, reused as they are.
    known: dict = field(default_factory=dict)
    done: set = field(default_factory=set)
    # Rows of the chunk's services, locations and organisations already in the database, and
    # the keys looked for (so one not there is known to be new without another query).
    in_db: dict = field(default_factory=dict)
    checked: set = field(default_factory=set)
    # Of those three models, the ones whose table was empty when the import began: every row
    # of theirs in the database is one this import wrote (in `known`), so none is looked up.
    fresh: frozenset = frozenset()
    # The searchable text of the services created so far (`_search_text`).
    texts: dict = field(default_factory=dict)
    # (key, previous value or _MISSING, added to done): undone when a record or chunk fails.
    undo: list = field(default_factory=list)

    def remember(self, obj, *, done: bool = False):
        key = (_model(obj), obj.pk)
        self.undo.append((key, self.known.get(key, _MISSING), done and key not in self.done))
        self.known[key] = obj
        if done:
            self.done.add(key)
        return obj

    def rollback_to(self, mark: int) -> None:
        while len(self.undo) > mark:
            key, previous, was_added = self.undo.pop()
            if previous is _MISSING:
                self.known.pop(key, None)
            else:
                self.known[key] = previous
            if was_added:
                self.done.discard(key)

    def is_done(self, model, pk) -> bool:
        return (model, pk) in self.done

    def lookup(self, model, pk):
        """The row as this import left it, else as it is in the database, else None."""
        obj = self.known.get((model, pk))
        if obj is not None:
            return obj
        if model in self.fresh:
            return None
        if (model, pk) in self.checked:
            return self.in_db.get((model, pk))
        return model.objects.filter(pk=pk).first()

    def write(self, obj, *, existing) -> None:
        """Queue `obj` to be created, or updated when `existing` (the database's row)."""
        model = _model(obj)
        if existing is not None and self._stored(model, obj.pk):
            self.rows.update[model][obj.pk] = obj
        else:
            self.rows.create[model][obj.pk] = obj

    def _stored(self, model, pk) -> bool:
        """In the database already (before this import, or written by an earlier chunk)."""
        key = (model, pk)
        if key in self.in_db:
            return True
        if key in self.known:
            # Known and not queued in this chunk or record: written by an earlier chunk.
            return pk not in self.chunk.create.get(model, {}) and pk not in self.rows.create.get(
                model, {}
            )
        if model in self.fresh or key in self.checked:
            return False
        return model.objects.filter(pk=pk).exists()


def _copy(obj):
    """A separate instance to change: a record that fails must not alter shared rows."""
    return copy.copy(obj)


def _updated(existing, values: dict):
    """A changed copy of a row read from the database or written by this import (`values` by
    field name; a foreign key given as a row, a model instance or None)."""
    model = _model(existing)
    if type(existing) is _Row:
        row = _Row(model, dict(existing.values))
        for name, value in values.items():
            row.set(name, value)
        return row
    obj = _copy(existing)
    for name, value in values.items():
        attname, value = _column(model, name, value)
        setattr(obj, attname, value)
    return obj


def _taxonomy(ctx: _Context, raw_id, name: str = "") -> Taxonomy | None:
    if raw_id in (None, ""):
        if not name:
            return None
        raw_id = f"name:{name}"
    tid = ctx.ids(raw_id, "taxonomy")
    detail = ctx.taxonomies.get(str(raw_id), {})
    defaults = {
        "name": _text(detail, "name", 255) or name or "Imported taxonomy",
        "description": _text(detail, "description"),
        "uri": _text(detail, "uri", 500),
        "version": _text(detail, "version", 50),
    }
    existing = ctx.lookup(Taxonomy, tid)
    if existing is None:
        taxonomy = Taxonomy(id=tid, **defaults)
        ctx.write(taxonomy, existing=None)
        return ctx.remember(taxonomy)
    if detail:
        taxonomy = _copy(existing)
        for key, value in defaults.items():
            setattr(taxonomy, key, value)
        ctx.write(taxonomy, existing=existing)
        return ctx.remember(taxonomy)
    return existing


def _term(ctx: _Context, raw: dict | None, raw_id) -> TaxonomyTerm:
    raw_id = raw_id or (raw or {}).get("id")
    detail = raw if raw and raw.get("name") else ctx.terms.get(str(raw_id))
    tid = ctx.ids(raw_id, "taxonomy term")
    if ctx.is_done(TaxonomyTerm, tid):
        return ctx.known[(TaxonomyTerm, tid)]
    existing = ctx.lookup(TaxonomyTerm, tid)
    if detail is None:
        if existing is None:
            raise RecordError(
                f"taxonomy term {raw_id} is not known and the feed does not describe it"
            )
        return existing
    name = _text(detail, "name", 255)
    if not name:
        raise RecordError(f"taxonomy term {raw_id} has no name")
    taxonomy = _taxonomy(ctx, detail.get("taxonomy_id"), _text(detail, "taxonomy", 255))
    parent_id = ctx.ids(detail.get("parent_id"), "taxonomy term", required=False)
    if parent_id and ctx.lookup(TaxonomyTerm, parent_id) is None:
        parent_detail = ctx.terms.get(str(detail.get("parent_id")))
        parent_id = _term(ctx, parent_detail, detail.get("parent_id")).pk if parent_detail else None
    values = {
        "code": _text(detail, "code", 100),
        "name": name,
        "description": _text(detail, "description"),
        "taxonomy": taxonomy,
        "parent_id": parent_id,
        "language": _text(detail, "language", 35),
        "term_uri": _text(detail, "term_uri", 500),
    }
    if existing is not None and existing.taxonomy_id == LINKWELL_TAXONOMY_ID:
        # A term Linkwell ships: its vocabulary row (translated in code) stays as it is.
        return ctx.remember(existing, done=True)
    term = _copy(existing) if existing is not None else TaxonomyTerm(id=tid)
    for key, value in values.items():
        setattr(term, key, value)
    ctx.write(term, existing=existing)
    return ctx.remember(term, done=True)


def _organization(ctx: _Context, record: dict) -> Organization:
    org = record.get("organization")
    raw_id = (org or {}).get("id") or record.get("organization_id")
    if not raw_id:
        raise RecordError("organization is missing (no organization or organization_id)")
    if not isinstance(org, dict) or not org.get("name"):
        org = ctx.organizations.get(str(raw_id)) or org
    oid = ctx.ids(raw_id, "organization")
    if ctx.is_done(Organization, oid):
        return ctx.known[(Organization, oid)]
    if not isinstance(org, dict) or not org.get("name"):
        existing = ctx.lookup(Organization, oid)
        if existing is None:
            raise RecordError(f"organization {raw_id} is not described in the feed")
        return existing
    values = {
        "name": _text(org, "name", 255),
        "alternate_name": _text(org, "alternate_name", 255),
        "description": _text(org, "description"),
        "email": _text(org, "email", 254),
        "website": _text(org, "website", 500),
        "uri": _text(org, "uri", 500),
        "legal_status": _text(org, "legal_status", 200),
        "logo": _text(org, "logo", 500),
        "source": ctx.source[:500],
        "source_imported_at": ctx.imported_at,
    }
    existing = ctx.lookup(Organization, oid)
    organization = _updated(existing, values) if existing is not None else None
    if organization is None:
        organization = _child(Organization, id=oid, **values)
    ctx.write(organization, existing=existing)
    return ctx.remember(organization, done=True)


def _shared_child(ctx, model, pk: uuid.UUID, owner: dict, fields: dict):
    """Create a language or phone; one already read from this record (HSDS tables may link
    the same row to a service and a location) just gains the new owner."""
    key = (model.__name__, pk)
    if key in ctx.children:
        obj = ctx.children[key]
        for name, value in owner.items():
            obj.set(name, value)
        return obj, False
    obj = ctx.rows.add(_child(model, id=pk, **owner, **fields))
    ctx.children[key] = obj
    return obj, True


def _languages(ctx, items, **owner) -> None:
    for lang in items:
        _shared_child(
            ctx,
            Language,
            _child_id(ctx, lang, "language"),
            owner,
            {
                "name": _text(lang, "name", 100),
                "code": _text(lang, "code", 10),
                "note": _text(lang, "note", 255),
            },
        )


def _phones(ctx, items, **owner) -> None:
    for p in items:
        number = _text(p, "number", 50)
        if not number:
            raise RecordError("a phone has no number")
        phone, created = _shared_child(
            ctx,
            Phone,
            _child_id(ctx, p, "phone"),
            owner,
            {
                "number": number,
                "extension": _int(p, "extension"),
                "type": _text(p, "type", 20),
                "description": _text(p, "description"),
            },
        )
        if created:
            _languages(ctx, _dicts(p, "languages"), phone=phone)


def _contacts(ctx, items, **owner) -> None:
    for c in items:
        contact = ctx.rows.add(
            _child(
                Contact,
                id=_child_id(ctx, c, "contact"),
                name=_text(c, "name", 255),
                title=_text(c, "title", 255),
                department=_text(c, "department", 255),
                email=_text(c, "email", 254),
                **owner,
            )
        )
        _phones(ctx, _dicts(c, "phones"), contact=contact)


def _schedule(ctx, item: dict, *, service, service_at_location=None) -> None:
    opens_at, closes_at = _time(item, "opens_at"), _time(item, "closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise RecordError(f"a schedule closes ({closes_at}) before it opens ({opens_at})")
    attending_type, notes = _text(item, "attending_type"), _text(item, "notes")
    if len(attending_type) > 50:
        # Linkwell keeps a short attending type; a sentence is kept in the notes instead.
        notes, attending_type = "\n".join(filter(None, [attending_type, notes])), ""
    freq = _text(item, "freq").upper()
    if freq and freq not in _FREQS:
        raise RecordError(f"schedule freq {freq!r} is not WEEKLY or MONTHLY")
    ctx.rows.add(
        _child(
            Schedule,
            id=_child_id(ctx, item, "schedule"),
            service=service,
            service_at_location=service_at_location,
            location_id=service_at_location.values["location_id"] if service_at_location else None,
            valid_from=_date(item, "valid_from"),
            valid_to=_date(item, "valid_to"),
            dtstart=_date(item, "dtstart"),
            timezone=item.get("timezone") if isinstance(item.get("timezone"), int) else None,
            until=_date(item, "until"),
            count=_int(item, "count"),
            wkst=_text(item, "wkst", 2),
            freq=freq,
            interval=_int(item, "interval"),
            byday=_byday(_text(item, "byday", 50)),
            byweekno=_text(item, "byweekno", 100),
            bymonthday=_text(item, "bymonthday", 100),
            byyearday=_text(item, "byyearday", 100),
            description=_text(item, "description"),
            opens_at=opens_at,
            closes_at=closes_at,
            schedule_link=_text(item, "schedule_link", 500),
            attending_type=attending_type,
            notes=notes,
        )
    )


def _postcode_of(addresses: list[dict]) -> str:
    """The first address postcode that is a valid UK postcode, normalised ("" if none)."""
    for a in addresses:
        try:
            return normalise_postcode(_text(a, "postal_code"))
        except InvalidPostcode:
            continue
    return ""


def _location(ctx: _Context, loc: dict, features: dict[str, str]) -> Location:
    lid = ctx.ids(loc.get("id"), "location")
    if ctx.is_done(Location, lid):
        return ctx.known[(Location, lid)]
    addresses = _dicts(loc, "addresses")
    postcode = _postcode_of(addresses)
    lat, long = _float(loc, "latitude"), _float(loc, "longitude")
    if (lat is None) != (long is None) or (
        lat is not None and not (-90 <= lat <= 90 and -180 <= long <= 180)
    ):
        # Keep the listing: place it by its postcode instead of impossible coordinates.
        ctx.warnings.append(
            (str(loc.get("id")), f"location coordinates {lat}, {long} ignored (not a place)")
        )
        lat = long = None
    if postcode and postcode not in ctx.areas:
        ctx.areas[postcode] = area_for_postcode(postcode)
    area = ctx.areas.get(postcode) if postcode else None
    location_type = _text(loc, "location_type") or Location.LocationType.PHYSICAL
    if location_type not in _LOCATION_TYPES:
        raise RecordError(f"location_type {location_type!r} is not physical, postal or virtual")
    values = {
        "location_type": location_type,
        "organization": ctx.lookup(
            Organization, ctx.ids(loc.get("organization_id"), "organization", required=False)
        )
        if loc.get("organization_id")
        else None,
        "url": _text(loc, "url", 500),
        "name": _text(loc, "name", 255),
        "alternate_name": _text(loc, "alternate_name", 255),
        "description": _text(loc, "description"),
        "transportation": _text(loc, "transportation"),
        "latitude": lat if lat is not None else (area.lat if area else None),
        "longitude": long if long is not None else (area.long if area else None),
        "external_identifier": _text(loc, "external_identifier", 255),
        "external_identifier_type": _text(loc, "external_identifier_type", 255),
        "postcode": postcode,
        "lsoa11": area.lsoa11 if area else "",
        "imd_decile": area.imd_decile if area else None,
        "source": ctx.source[:500],
        "source_imported_at": ctx.imported_at,
    }
    existing = ctx.lookup(Location, lid)
    location = _updated(existing, values) if existing is not None else None
    if location is None:
        location = _child(Location, id=lid, **values)
    ctx.write(location, existing=existing)
    if existing is not None:
        ctx.rows.replace_locations.add(lid)
    for a in addresses:
        address_type = _text(a, "address_type") or Location.LocationType.PHYSICAL
        ctx.rows.add(
            _child(
                Address,
                id=_child_id(ctx, a, "address"),
                location=location,
                attention=_text(a, "attention", 255),
                address_1=_text(a, "address_1", 255),
                address_2=_text(a, "address_2", 255),
                city=_text(a, "city", 255),
                region=_text(a, "region", 255),
                state_province=_text(a, "state_province", 255),
                postal_code=_text(a, "postal_code", 8),
                country=(_text(a, "country", 2) or "GB").upper(),
                address_type=address_type if address_type in _LOCATION_TYPES else "physical",
            )
        )
    for item in _dicts(loc, "accessibility"):
        aid = _child_id(ctx, item, "accessibility")
        ctx.rows.add(
            _child(
                Accessibility,
                id=aid,
                location=location,
                description=_text(item, "description"),
                details=_text(item, "details"),
                url=_text(item, "url", 500),
                feature=ctx.features.get(features.get(str(aid), "")),
            )
        )
    _languages(ctx, _dicts(loc, "languages"), location=location)
    _phones(ctx, _dicts(loc, "phones"), location=location)
    return ctx.remember(location, done=True)


SERVICE_TEXT_FIELDS = {
    "alternate_name": 255,
    "description": None,
    "url": 500,
    "email": 254,
    "interpretation_services": None,
    "application_process": None,
    "fees_description": None,
    "wait_time": 255,
    "fees": 255,
    "accreditations": None,
    "eligibility_description": None,
    "assurer_email": 254,
    "licenses": None,
    "alert": None,
}
_SERVICE_UPDATE_FIELDS = [
    *SERVICE_TEXT_FIELDS,
    "organization",
    "name",
    "status",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "source",
    "source_imported_at",
    "accepts_referrals",
    "places_per_session",
    "culturally_specific_notes",
]


def _service(ctx: _Context, record: dict) -> tuple[Service, bool]:
    sid = ctx.ids(record.get("id"), "service")
    name = _text(record, "name", 255)
    if not name:
        raise RecordError("name is missing")
    status = _text(record, "status").lower()
    if not status:
        raise RecordError("status is missing")
    if status not in _STATUSES:
        raise RecordError(f"status {status!r} is not one of {', '.join(ServiceStatus.values)}")
    minimum_age, maximum_age = _int(record, "minimum_age"), _int(record, "maximum_age")
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise RecordError(f"minimum_age {minimum_age} is more than maximum_age {maximum_age}")
    organization = _organization(ctx, record)
    extension = (
        record.get(LINKWELL_EXTENSION) if isinstance(record.get(LINKWELL_EXTENSION), dict) else {}
    )
    assured = _date(record, "assured_date")
    values: dict[str, Any] = {k: _text(record, k, n) for k, n in SERVICE_TEXT_FIELDS.items()}
    values.update(
        organization=organization,
        name=name,
        status=status,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        assured_date=assured,
        last_modified=_datetime(record, "last_modified") or ctx.imported_at,
        source=ctx.source[:500],
        source_imported_at=ctx.imported_at,
    )
    places = extension.get("places_per_session")
    if extension:
        values.update(
            accepts_referrals=bool(extension.get("accepts_referrals")),
            places_per_session=places if isinstance(places, int) and places >= 0 else None,
            culturally_specific_notes=_text(extension, "culturally_specific_notes"),
        )
    existing = ctx.in_db.get((Service, sid))
    created = existing is None
    if created:
        verified = _datetime(extension, "last_verified_at") if extension else None
        if verified is None and assured:
            verified = timezone.make_aware(datetime.datetime.combine(assured, datetime.time()))
        service = ctx.rows.add(
            _child(
                Service,
                id=sid,
                approval_status=ApprovalStatus.PUBLISHED if ctx.publish else ApprovalStatus.PENDING,
                last_verified_at=verified,
                **values,
            )
        )
    else:
        service = _updated(existing, values)
        ctx.rows.update[Service][sid] = service
        ctx.rows.replace_services.add(sid)
    if extension:
        codes = [c for c in _list(extension.get("target_groups")) if c in ctx.target_groups]
        ctx.rows.replace_target_groups.add(sid)
        ctx.rows.target_groups += [(sid, ctx.target_groups[c].pk) for c in dict.fromkeys(codes)]
    features = extension.get("accessibility_features") or {}
    for item in _dicts(record, "schedules"):
        _schedule(ctx, item, service=service)
    for sal in _dicts(record, "service_at_locations"):
        loc = sal.get("location")
        if not isinstance(loc, dict) or not loc.get("id"):
            raise RecordError("a service_at_location has no location")
        location = _location(ctx, loc, features if isinstance(features, dict) else {})
        service_at_location = ctx.rows.add(
            _child(
                ServiceAtLocation,
                id=_child_id(ctx, sal, "service at location"),
                service=service,
                location=location,
                description=_text(sal, "description"),
            )
        )
        for item in _dicts(sal, "schedules"):
            _schedule(ctx, item, service=service, service_at_location=service_at_location)
        _contacts(ctx, _dicts(sal, "contacts"), service_at_location=service_at_location)
        _phones(ctx, _dicts(sal, "phones"), service_at_location=service_at_location)
    _languages(ctx, _dicts(record, "languages"), service=service)
    for c in _dicts(record, "cost_options"):
        try:
            amount = None if c.get("amount") in (None, "") else Decimal(str(c["amount"]))
        except InvalidOperation:
            raise RecordError(f"cost option amount {c.get('amount')!r} is not a number") from None
        if amount is not None and amount < 0:
            raise RecordError("a cost option amount is negative")
        ctx.rows.add(
            _child(
                CostOption,
                id=_child_id(ctx, c, "cost option"),
                service=service,
                valid_from=_date(c, "valid_from"),
                valid_to=_date(c, "valid_to"),
                option=_text(c, "option", 255),
                currency=(_text(c, "currency", 3) or "GBP").upper(),
                amount=amount,
                amount_description=_text(c, "amount_description", 255),
            )
        )
    _contacts(ctx, _dicts(record, "contacts"), service=service)
    _phones(ctx, _dicts(record, "phones"), service=service)
    seen_terms = {}
    for a in _dicts(record, "attributes"):
        term = _term(ctx, a.get("taxonomy_term"), a.get("taxonomy_term_id"))
        if term.pk in seen_terms:
            continue
        seen_terms[term.pk] = term
        ctx.rows.add(
            _child(
                Attribute,
                id=_child_id(ctx, a, "attribute"),
                link_id=service.pk,
                link_type=_text(a, "link_type", 50),
                link_entity="service",
                taxonomy_term=term,
                value=_text(a, "value", 255),
            )
        )
    if created:
        _search_text(ctx, service, organization, list(seen_terms.values()), extension)
    return service, created


def _search_text(ctx: _Context, service: _Row, organization, terms: list, extension) -> None:
    """The searchable text of a service the record creates, worked out from the rows being
    written as `search._texts` reads it back once they are (`search.join_text`, parts in the
    order it reads them: `search.by_read_order`), so it need not be read back
    (`search.index_imported`; on PostgreSQL the service's row is written with its vector).
    Not final (read back at the end instead) when its organisation or a term is a row this
    import has not written (a later record may still rewrite it)."""
    sid, values = service.pk, service.values
    rows = ctx.rows.create
    languages = [
        f"{row.values['name']} {row.values['note']}"
        for row in search.by_read_order(
            [row for row in rows.get(Language, {}).values() if row.values["service_id"] == sid],
            operator.attrgetter("pk"),
        )
    ]
    places = [
        ctx.known[(Location, row.values["location_id"])]
        for row in rows.get(ServiceAtLocation, {}).values()
    ]
    groups = []
    if extension:
        codes = [c for c in _list(extension.get("target_groups")) if c in ctx.target_groups]
        groups = search.group_labels(ctx.target_groups[c] for c in dict.fromkeys(codes))
    columns = [
        values["name"],
        values["alternate_name"],
        values["description"],
        values["eligibility_description"],
        values["culturally_specific_notes"],
        organization.name,
    ]
    by_id = operator.attrgetter("pk")
    text = search.join_text(
        columns,
        languages,
        [term.name for term in search.by_read_order(terms, by_id)],
        [location.name for location in search.by_read_order(places, by_id)],
        groups,
    )
    final = ctx.is_done(Organization, organization.pk) and all(
        ctx.is_done(TaxonomyTerm, term.pk) for term in terms
    )
    ctx.rows.texts[sid] = (values["name"], text, final)


def _chunk_ids(ctx: _Context, records: list) -> None:
    """Load the chunk's services, locations and organisations already in the database (three
    queries), instead of looking each up as it is read. Not looked up: rows this import has
    written (`known`), and any row of a table that was empty when the import began (`fresh`:
    the first import into an empty directory looks nothing up)."""
    _chunk_areas(ctx, records)
    ctx.in_db = {}
    ctx.checked = set()
    if len(ctx.fresh) == 3:
        return
    services, locations, organizations = set(), set(), set()
    known = ctx.known

    def add(target, raw, kind):
        try:
            value = ctx.ids(raw, kind, required=False)
        except RecordError:
            return
        if value is not None:
            target.add(value)

    for record in records:
        if not isinstance(record, dict):
            continue
        add(services, record.get("id"), "service")
        org = record.get("organization")
        add(organizations, (org or {}).get("id") if isinstance(org, dict) else None, "organization")
        add(organizations, record.get("organization_id"), "organization")
        for sal in record.get("service_at_locations") or []:
            loc = sal.get("location") if isinstance(sal, dict) else None
            if isinstance(loc, dict):
                add(locations, loc.get("id"), "location")
                add(organizations, loc.get("organization_id"), "organization")
    for model, ids in ((Service, services), (Location, locations), (Organization, organizations)):
        if model in ctx.fresh:
            continue
        ids = [pk for pk in ids if (model, pk) not in known]
        ctx.checked |= {(model, pk) for pk in ids}
        for part in _chunked(ids, 500):
            for obj in model.objects.filter(pk__in=part):
                ctx.in_db[(model, obj.pk)] = obj


def _chunk_areas(ctx: _Context, records: list) -> None:
    """Look up the chunk's new location postcodes at once (`geo.areas_for_postcodes`: the
    same answers as `area_for_postcode`, two queries per 500 postcodes instead of two each)."""
    postcodes = set()
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("service_at_locations"), list):
            continue
        for sal in record["service_at_locations"]:
            loc = sal.get("location") if isinstance(sal, dict) else None
            if isinstance(loc, dict) and isinstance(loc.get("addresses"), list):
                try:
                    postcode = _postcode_of(_dicts(loc, "addresses"))
                except RecordError:
                    continue  # reported when the record is read
                if postcode and postcode not in ctx.areas:
                    postcodes.add(postcode)
    if postcodes:
        ctx.areas.update(areas_for_postcodes(sorted(postcodes)))


def _read_record(ctx: _Context, record, seen: set) -> tuple[Service, bool]:
    """One record into `ctx.rows` (raises RecordError: then nothing of it is kept)."""
    if not isinstance(record, dict):
        raise RecordError("is not a JSON object")
    sid = ctx.ids(record.get("id"), "service")
    if sid in seen:
        raise RecordError("duplicate id: the feed has this service more than once")
    seen.add(sid)
    ctx.rows = _Rows()
    ctx.children = {}
    mark = len(ctx.undo)
    try:
        return _service(ctx, record)
    except Exception:
        ctx.rollback_to(mark)
        ctx.rows = _Rows()
        raise


def _database_error(exc: Exception) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"rejected by the database: {first_line}"


def _feed_ids(ctx: _Context, feed: Feed) -> set[uuid.UUID]:
    """Every service id the feed lists, readable or not (a record that is skipped is still in
    the feed: it must not be retired)."""
    ids = set()
    raw_ids = [r.get("id") for r in feed.services if isinstance(r, dict)]
    raw_ids += [record_id for record_id, _reason in feed.unreadable]
    for raw in raw_ids:
        try:
            sid = ctx.ids(raw, "service", required=False)
        except RecordError:
            continue
        if sid is not None:
            ids.add(sid)
    return ids


def _retire_missing(ctx: _Context, feed: Feed, report: ImportReport) -> None:
    """Soft-delete the services imported earlier from this same source that the feed no longer
    lists: status "inactive", `deleted_at` set, and a version recording why. Never a hard
    delete; a service someone else created or imported from another source is not touched."""
    from .models import ServiceVersion
    from .services import service_snapshot

    listed = _feed_ids(ctx, feed)
    if not listed:
        # An empty feed is far more likely a fault upstream than a directory that closed.
        ctx.warnings.append(("(feed)", "the feed lists no services: nothing was retired"))
        return
    missing = list(
        Service.objects.filter(source=ctx.source[:500], deleted_at__isnull=True)
        .exclude(pk__in=listed)
        .order_by("name", "id")
    )
    if not missing:
        return
    numbers = dict(
        ServiceVersion.objects.filter(service__in=missing)
        .values("service_id")
        .annotate(n=Max("number"))
        .values_list("service_id", "n")
    )
    reason = (
        f"Retired by the import of {ctx.source[:400]} on {ctx.imported_at:%Y-%m-%d %H:%M} UTC: "
        "the feed no longer lists this service."
    )
    versions = []
    for service in missing:
        service.status = ServiceStatus.INACTIVE
        service.deleted_at = ctx.imported_at
        versions.append(
            ServiceVersion(
                service=service,
                number=numbers.get(service.pk, 0) + 1,
                data=service_snapshot(service),
                status=ServiceVersion.Status.APPROVED,
                comment=reason,
                reviewed_at=ctx.imported_at,
            )
        )
    Service.objects.bulk_update(missing, ["status", "deleted_at"], batch_size=500)
    ServiceVersion.objects.bulk_create(versions, batch_size=500)
    report.retired = len(missing)
    report.retired_ids = [str(s.pk) for s in missing[:MAX_REPORTED]]


def feed_import(
    feed: Feed,
    *,
    publish: bool = True,
    retire: bool = True,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Upsert every readable service of `feed` in one transaction (see the module docstring
    and the notes on writing above). With `retire`, services imported earlier from the same
    source that the feed no longer lists are retired (`_retire_missing`)."""
    report = ImportReport(source=feed.source)
    for record_id, reason in feed.unreadable:
        report.read += 1
        report.add_error(record_id, reason)
    ctx = _Context(
        source=feed.source,
        imported_at=timezone.now(),
        ids=_Ids(feed.source),
        publish=publish,
        organizations={str(o.get("id")): o for o in feed.organizations if isinstance(o, dict)},
        terms={str(t.get("id")): t for t in feed.taxonomy_terms if isinstance(t, dict)},
        taxonomies={str(t.get("id")): t for t in feed.taxonomies if isinstance(t, dict)},
        features={f.code: f for f in AccessibilityFeature.objects.all()},
        target_groups={g.code: g for g in TargetGroup.objects.all()},
    )
    seen: set[uuid.UUID] = set()
    imported: list[uuid.UUID] = []

    def record_id_of(record) -> str:
        return str(record.get("id", "")) if isinstance(record, dict) else ""

    with _without_gc(), _large_sqlite_cache(), transaction.atomic():
        ctx.fresh = frozenset(
            model for model in (Service, Location, Organization) if not model.objects.exists()
        )
        for records in _chunked(feed.services, CHUNK):
            _chunk_ids(ctx, records)
            start = (
                len(ctx.undo),
                report.read,
                report.error_count,
                len(report.errors),
                set(seen),
                report.created,
                report.updated,
            )
            ctx.chunk = _Rows()
            clash = False
            good: list[uuid.UUID] = []
            for record in records:
                report.read += 1
                try:
                    service, created = _read_record(ctx, record, seen)
                except RecordError as exc:
                    report.add_error(record_id_of(record) or "(no id)", str(exc))
                else:
                    try:
                        ctx.chunk.merge(ctx.rows)
                    except _Clash:
                        clash = True
                    good.append(service.pk)
                    report.created += created
                    report.updated += not created
                if progress:
                    progress(report)
            try:
                if clash:
                    raise _Clash
                with transaction.atomic():
                    ctx.chunk.write()
                ctx.texts.update(ctx.chunk.texts)
            except (_Clash, IntegrityError, DatabaseError):
                # The database refused a row: write this chunk again one record at a time,
                # each in its own savepoint, to find and skip the bad record(s).
                mark, report.read, report.error_count, kept, seen, created, updated = start
                report.created, report.updated = created, updated
                del report.errors[kept:]
                seen = set(seen)
                ctx.rollback_to(mark)
                good = []
                for record in records:
                    report.read += 1
                    try:
                        ctx.chunk = _Rows()
                        mark = len(ctx.undo)
                        service, created = _read_record(ctx, record, seen)
                        ctx.chunk.merge(ctx.rows)
                        with transaction.atomic():
                            ctx.chunk.write()
                    except RecordError as exc:
                        report.add_error(record_id_of(record) or "(no id)", str(exc))
                    except (IntegrityError, DatabaseError) as exc:
                        ctx.rollback_to(mark)
                        report.add_error(record_id_of(record) or "(no id)", _database_error(exc))
                    else:
                        ctx.texts.update(ctx.chunk.texts)
                        good.append(service.pk)
                        report.created += created
                        report.updated += not created
                    if progress:
                        progress(report)
            imported += good
        if retire:
            _retire_missing(ctx, feed, report)
        search.index_imported(imported, ctx.texts)
    report.warnings = ctx.warnings[:MAX_REPORTED]
    return report


# ================================================================ export


EXPORT_CHUNK = 1000


class _Obj:
    """One row read with `values_list`, standing in for its model instance in `oruk.*_dict`,
    which only read attributes, `.pk` and the `.all()` of related lists. The values are the
    same (the same field converters); what is saved is a model instance per row and a
    queryset per related list, which `prefetch_related` makes for every row (most of the
    export's time before)."""

    @property
    def pk(self):
        return self.id


class _Many(list):
    def all(self) -> _Many:
        return self


def _objs(model, **where) -> list[_Obj]:
    """The rows of `model` matching `where`, in the order its prefetch would give them."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname != "search_vector"]
    out = []
    for values in model.objects.filter(**where).values_list(*names):
        obj = _Obj()
        obj.__dict__ = dict(zip(names, values, strict=True))
        out.append(obj)
    return out


def _group(rows: list[_Obj], key: str) -> dict[Any, _Many]:
    grouped: dict[Any, _Many] = defaultdict(_Many)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _export_chunk(ids: list, terms: dict, features: dict, groups: dict) -> list[_Obj]:
    """The chunk's services with everything `oruk.service_dict` reads (what
    `oruk.with_oruk_details` prefetches), in about twenty queries."""
    services = {s.id: s for s in _objs(Service, pk__in=ids)}
    orgs = {
        o.id: o for o in _objs(Organization, pk__in={s.organization_id for s in services.values()})
    }
    sals = _objs(ServiceAtLocation, service_id__in=ids)
    sal_ids = [x.id for x in sals]
    locations = {x.id: x for x in _objs(Location, pk__in={x.location_id for x in sals})}
    loc_ids = list(locations)
    contacts = _objs(Contact, service_id__in=ids)
    sal_contacts = _objs(Contact, service_at_location_id__in=sal_ids)
    phones = {
        key: _objs(Phone, **{f"{key}__in": owners})
        for key, owners in (
            ("service_id", ids),
            ("service_at_location_id", sal_ids),
            ("location_id", loc_ids),
            ("contact_id", [c.id for c in contacts + sal_contacts]),
        )
    }
    phone_ids = {p.id for rows in phones.values() for p in rows}
    phone_languages = _group(_objs(Language, phone_id__in=phone_ids), "phone_id")
    for rows in phones.values():
        for phone in rows:
            phone.languages = phone_languages.get(phone.id, _Many())
    phones = {key: _group(rows, key) for key, rows in phones.items()}
    for contact in contacts + sal_contacts:
        contact.phones = phones["contact_id"].get(contact.id, _Many())
    addresses = _group(_objs(Address, location_id__in=loc_ids), "location_id")
    accessibility = _group(_objs(Accessibility, location_id__in=loc_ids), "location_id")
    loc_languages = _group(_objs(Language, location_id__in=loc_ids), "location_id")
    for loc in locations.values():
        loc.addresses = addresses.get(loc.id, _Many())
        loc.accessibility = accessibility.get(loc.id, _Many())
        for item in loc.accessibility:
            item.feature = features.get(item.feature_id)
        loc.languages = loc_languages.get(loc.id, _Many())
        loc.phones = phones["location_id"].get(loc.id, _Many())
    sal_schedules = _group(
        _objs(Schedule, service_at_location_id__in=sal_ids), "service_at_location_id"
    )
    by_sal_contacts = _group(sal_contacts, "service_at_location_id")
    for sal in sals:
        sal.location = locations[sal.location_id]
        sal.schedules = sal_schedules.get(sal.id, _Many())
        sal.contacts = by_sal_contacts.get(sal.id, _Many())
        sal.phones = phones["service_at_location_id"].get(sal.id, _Many())
    attributes = _objs(Attribute, link_entity="service", link_id__in=ids)
    missing = {a.taxonomy_term_id for a in attributes} - terms.keys()
    if missing:
        terms.update(TaxonomyTerm.objects.select_related("taxonomy").in_bulk(list(missing)))
    for a in attributes:
        a.taxonomy_term = terms[a.taxonomy_term_id]
    by = {
        "schedules": _group(_objs(Schedule, service_id__in=ids), "service_id"),
        "service_at_locations": _group(sals, "service_id"),
        "languages": _group(_objs(Language, service_id__in=ids), "service_id"),
        "cost_options": _group(_objs(CostOption, service_id__in=ids), "service_id"),
        "contacts": _group(contacts, "service_id"),
        "phones": phones["service_id"],
        "attributes": _group(attributes, "link_id"),
    }
    through = Service.target_groups.through
    members: dict[Any, list] = defaultdict(list)
    for sid, gid in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "targetgroup_id"
    ):
        members[sid].append(groups[gid])
    for service in services.values():
        service.organization = orgs[service.organization_id]
        for name, grouped in by.items():
            setattr(service, name, grouped.get(service.id, _Many()))
        service.target_groups = _Many(members.get(service.id, []))
    return [services[i] for i in ids]


def export_records(batch: int = EXPORT_CHUNK, ids=None) -> Iterator[dict]:
    """Published services, fully nested, with Linkwell's own fields in `x_linkwell` (only
    those of `ids`, when given)."""
    qs = service_public_queryset()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    ids = list(qs.order_by("name", "id").values_list("pk", flat=True))
    terms: dict = {}
    features = AccessibilityFeature.objects.in_bulk()
    groups = TargetGroup.objects.in_bulk()
    for start in range(0, len(ids), batch):
        for service in _export_chunk(ids[start : start + batch], terms, features, groups):
            data = oruk.service_dict(service, service.attributes)
            features_by_id = {
                str(a.pk): a.feature.code
                for sal in service.service_at_locations.all()
                for a in sal.location.accessibility.all()
                if a.feature_id
            }
            data[LINKWELL_EXTENSION] = {
                "accepts_referrals": service.accepts_referrals,
                "places_per_session": service.places_per_session,
                "target_groups": sorted(g.code for g in service.target_groups.all()),
                "culturally_specific_notes": service.culturally_specific_notes,
                "last_verified_at": service.last_verified_at.isoformat()
                if service.last_verified_at
                else None,
                "accessibility_features": features_by_id,
            }
            yield data


def export_to(path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the published directory as HSDS JSON; returns the number of services."""
    taxonomies = [oruk.taxonomy_dict(t) for t in Taxonomy.objects.order_by("name", "id")]
    terms = [
        oruk.taxonomy_term_dict(t)
        for t in TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
    ]
    org_ids = service_public_queryset().values("organization_id")
    organizations = [
        oruk.organization_dict(o)
        for o in Organization.objects.filter(pk__in=org_ids).order_by("name", "id")
    ]
    count = 0
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as f:
        head = {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE_URL,
            "exported_at": timezone.now().isoformat(),
            "taxonomies": taxonomies,
            "taxonomy_terms": terms,
            "organizations": organizations,
        }
        f.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "services": [\n')
        for record in export_records():
            f.write(("" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
        f.write("\n ]\n}\n")
    tmp.replace(path)
    return count
