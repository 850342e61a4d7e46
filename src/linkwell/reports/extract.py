"""De-identified research extract (``linkwell research-extract``; docs/evaluation.md).

One row per referral (an episode of care) created in the period. People are identified only
by a keyed-hash pseudonym: HMAC-SHA256 of the person's internal id under
``LINKWELL_PSEUDONYM_KEY`` (held by the deployment, never written to the extract), so the same
person gets the same pseudonym in every extract made with the same key, and nobody without the
key can link a pseudonym back to a record or recompute it from an identifier.

What is left out, by design: names, NHS number, date of birth (→ age band), address and
postcode (→ IMD decile), LSOA, phone, email, contact preferences, language code (→ language
group), ethnicity category (→ ONS high-level group), every free-text field (reasons, what
matters, notes, goals, discharge summaries, decline text), staff and organisation names, and
referral references. Dates are months (YYYY-MM).

Reads only; one audit entry per extract (who, when, row count — no personal data).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Contact
from linkwell.outcomes.instruments import INSTRUMENTS
from linkwell.outcomes.models import Measurement
from linkwell.people.models import Consent
from linkwell.referrals.models import Referral

from .evaluation_run import AGE_BANDS, person_groups
from .facts import first_contact_at, first_goal_at

MIN_KEY_LENGTH = 32
EXTRACT_FILE = "research_extract.csv"
DICTIONARY_FILE = "data_dictionary.csv"
CONNECTED = ("accepted", "in-progress", "completed")


class ExtractError(ValueError):
    pass


def pseudonym(key: str, kind: str, internal_id: int) -> str:
    """HMAC-SHA256(key, "<kind>:<id>") as 32 hex characters (128 bits)."""
    mac = hmac.new(key.encode("utf-8"), f"{kind}:{internal_id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def check_key(key: str | None) -> str:
    if not key:
        raise ExtractError(
            "LINKWELL_PSEUDONYM_KEY is not set: research extracts need a secret key held by "
            "the deployment (for example from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`)."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise ExtractError(f"LINKWELL_PSEUDONYM_KEY must be at least {MIN_KEY_LENGTH} characters.")
    return key


def _month(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year:04d}-{value.month:02d}"


def _measure_columns() -> list[tuple[str, str, str]]:
    """(column prefix, instrument, score key) for every tracked score."""
    out = []
    for code, instrument in INSTRUMENTS.items():
        for tracked in instrument.tracked:
            out.append((f"{code.lower()}_{tracked.key}", code, tracked.key))
    return out


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    values: str = ""


def columns() -> list[Column]:
    age_bands = ", ".join(f"{lo}-{hi - 1}" if hi else f"{lo}+" for lo, hi in AGE_BANDS)
    cols = [
        Column("person_pseudonym", "HMAC-SHA256 of the person's internal id under the "
               "deployment's key (32 hex). Same person, same key → same value.", "hex"),
        Column("episode_pseudonym", "HMAC-SHA256 of the referral's internal id (32 hex).", "hex"),
        Column("referral_month", "Month the referral was made.", "YYYY-MM"),
        Column("source", "How the referral came.", "professional, self, api"),
        Column("referrer_kind", "Kind of organisation that referred (self for self-referral).",
               "gp_practice, pcn, pharmacy, hospital, council, police, fire, jobcentre, "
               "housing, vcse, link_worker_service, self, unknown"),
        Column("urgency", "Urgency given by the referrer.", "routine, soon, urgent"),
        Column("needs", "Needs recorded on the referral (codes, ';'-separated).", "need codes"),
        Column("age_band", "Age on the day of referral, in bands.", age_bands + ", unknown"),
        Column("sex", "Sex as recorded.", "female, male, not_said, unknown"),
        Column("ethnic_group", "ONS 2021 high-level ethnic group.",
               "asian, black, mixed, white, other, not_stated, unknown"),
        Column("language_group", "Main language.", "english, not_english, interpreter"),
        Column("imd_decile", "IMD 2019 decile of the home postcode's LSOA (1 = most deprived).",
               "1-10, blank if not known"),
        Column("research_consent", "Latest recorded research consent.",
               "given, refused, not_recorded"),
        Column("status", "Referral status at extract time (FHIR Task status).",
               "requested, received, accepted, rejected, cancelled, in-progress, on-hold, "
               "completed, failed"),
        Column("status_reason", "Reason code for the status (no free text).", "code or blank"),
        Column("accepted_month", "Month the referral was accepted.", "YYYY-MM or blank"),
        Column("first_contact_month", "Month of the first successful contact.",
               "YYYY-MM or blank"),
        Column("plan_month", "Month the first plan goal was agreed.", "YYYY-MM or blank"),
        Column("connected_month", "Month of the first onward referral a group accepted.",
               "YYYY-MM or blank"),
        Column("first_attended_month", "Month of the first group session attended.",
               "YYYY-MM or blank"),
        Column("discharged_month", "Month the case was closed.", "YYYY-MM or blank"),
        Column("discharge_reason", "Discharge reason code.", "code or blank"),
        Column("contacts", "Number of contacts and attempts recorded.", "whole number"),
        Column("contact_minutes", "Total minutes of recorded contacts.", "whole number"),
        Column("group_attendances", "Group sessions attended (attended or late).",
               "whole number"),
    ]  # fmt: skip
    for prefix, code, key in _measure_columns():
        name = f"{INSTRUMENTS[code].name} {key}"
        cols += [
            Column(f"{prefix}_baseline", f"{name} at baseline (first baseline measure).",
                   "number or blank"),
            Column(f"{prefix}_baseline_month", f"Month of the {name} baseline.",
                   "YYYY-MM or blank"),
            Column(f"{prefix}_follow_up", f"{name} at the latest follow-up or discharge "
                   "measure after baseline.", "number or blank"),
            Column(f"{prefix}_follow_up_month", f"Month of that {name} follow-up.",
                   "YYYY-MM or blank"),
        ]  # fmt: skip
    return cols


def _bounds(start: datetime.date, end: datetime.date):
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


def _latest_consent(person_ids) -> dict[int, bool]:
    out: dict[int, bool] = {}
    rows = (
        Consent.objects.filter(person_id__in=person_ids, purpose="research")
        .order_by("person_id", "recorded_at", "id")
        .values_list("person_id", "given")
    )
    for person_id, given in rows:
        out[person_id] = given  # latest wins
    return out


def build_rows(
    start: datetime.date, end: datetime.date, key: str, *, research_consent_only: bool = False
) -> list[dict[str, object]]:
    """The extract's rows (dicts keyed by column name), in a bounded number of queries."""
    from linkwell.groups.models import Booking, BookingStatus, ServiceReferral

    first, after = _bounds(start, end)
    referrals = Referral.objects.filter(created_at__gte=first, created_at__lt=after)
    connected = (
        ServiceReferral.objects.filter(case__referral=OuterRef("pk"), status__in=CONNECTED)
        .exclude(responded_at__isnull=True)
        .order_by("responded_at")
        .values("responded_at")[:1]
    )
    attended = (
        Booking.objects.filter(
            service_referral__case__referral=OuterRef("pk"),
            status__in=[BookingStatus.ATTENDED, BookingStatus.LATE],
        )
        .order_by("session__starts_at")
        .values("session__starts_at")[:1]
    )
    attendances = (
        Booking.objects.filter(
            service_referral__case__referral=OuterRef("pk"),
            status__in=[BookingStatus.ATTENDED, BookingStatus.LATE],
        )
        .values("service_referral__case__referral")
        .annotate(n=Count("id"))
        .values("n")
    )
    contacts = (
        Contact.objects.filter(case__referral=OuterRef("pk"))
        .values("case__referral")
        .annotate(n=Count("id"), m=Sum("minutes"))
    )
    rows_qs = (
        referrals.annotate(
            first_contact_at=first_contact_at(),
            first_goal_at=first_goal_at(),
            connected_at=Subquery(connected),
            first_attended_at=Subquery(attended),
            attendance_count=Subquery(attendances),
            contact_count=Subquery(contacts.values("n")),
            contact_minutes=Subquery(contacts.values("m")),
        )
        .order_by("created_at", "pk")
        .values(
            "pk",
            "person_id",
            "created_at",
            "source",
            "referrer_organisation__kind",
            "urgency",
            "status",
            "status_reason__code",
            "accepted_at",
            "person__date_of_birth",
            "person__sex",
            "person__ethnicity",
            "person__language",
            "person__interpreter_needed",
            "person__imd_decile",
            "case__discharged_at",
            "case__discharge_reason__code",
            "first_contact_at",
            "first_goal_at",
            "connected_at",
            "first_attended_at",
            "attendance_count",
            "contact_count",
            "contact_minutes",
        )
    )
    records = list(rows_qs)
    ids = [r["pk"] for r in records]
    needs: dict[int, list[str]] = defaultdict(list)
    for rid, code in (
        Referral.needs.through.objects.filter(referral_id__in=ids)
        .order_by("need__code")
        .values_list("referral_id", "need__code")
    ):
        needs[rid].append(code)
    consent = _latest_consent({r["person_id"] for r in records})

    measures: dict[tuple[int, str], list] = defaultdict(list)
    for rid, code, timepoint, at, scores in (
        Measurement.objects.filter(referral_id__in=ids, instrument__in=INSTRUMENTS)
        .order_by("referral_id", "instrument", "completed_at", "id")
        .values_list("referral_id", "instrument", "timepoint", "completed_at", "scores")
    ):
        measures[(rid, code)].append((timepoint, at, scores or {}))

    out = []
    for r in records:
        given = consent.get(r["person_id"])
        if research_consent_only and given is not True:
            continue
        created = timezone.localtime(r["created_at"]).date()
        groups = person_groups(
            imd_decile=r["person__imd_decile"],
            ethnicity=r["person__ethnicity"],
            language=r["person__language"],
            interpreter_needed=r["person__interpreter_needed"],
            date_of_birth=r["person__date_of_birth"],
            sex=r["person__sex"],
            on=created,
        )
        row: dict[str, object] = {
            "person_pseudonym": pseudonym(key, "person", r["person_id"]),
            "episode_pseudonym": pseudonym(key, "referral", r["pk"]),
            "referral_month": _month(r["created_at"]),
            "source": r["source"],
            "referrer_kind": "self"
            if r["source"] == "self"
            else (r["referrer_organisation__kind"] or "unknown"),
            "urgency": r["urgency"],
            "needs": ";".join(needs.get(r["pk"], [])),
            "age_band": groups["age_band"],
            "sex": groups["sex"],
            "ethnic_group": groups["ethnic_group"],
            "language_group": groups["language"],
            "imd_decile": r["person__imd_decile"] or "",
            "research_consent": "not_recorded"
            if given is None
            else ("given" if given else "refused"),
            "status": r["status"],
            "status_reason": r["status_reason__code"] or "",
            "accepted_month": _month(r["accepted_at"]),
            "first_contact_month": _month(r["first_contact_at"]),
            "plan_month": _month(r["first_goal_at"]),
            "connected_month": _month(r["connected_at"]),
            "first_attended_month": _month(r["first_attended_at"]),
            "discharged_month": _month(r["case__discharged_at"]),
            "discharge_reason": r["case__discharge_reason__code"] or "",
            "contacts": r["contact_count"] or 0,
            "contact_minutes": r["contact_minutes"] or 0,
            "group_attendances": r["attendance_count"] or 0,
        }
        for prefix, code, score_key in _measure_columns():
            series = measures.get((r["pk"], code), [])
            base = next((m for m in series if m[0] == "baseline"), None)
            follow = None
            if base is not None:
                later = [
                    m
                    for m in series
                    if m[1] > base[1] and (m[0].startswith("follow_up") or m[0] == "discharge")
                ]
                follow = later[-1] if later else None
            row[f"{prefix}_baseline"] = _score(base, score_key)
            row[f"{prefix}_baseline_month"] = _month(base[1]) if base else ""
            row[f"{prefix}_follow_up"] = _score(follow, score_key)
            row[f"{prefix}_follow_up_month"] = _month(follow[1]) if follow else ""
        out.append(row)
    return out


def _score(measurement, key: str):
    if measurement is None:
        return ""
    value = measurement[2].get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return value


@dataclass(frozen=True)
class ExtractResult:
    rows: int
    files: tuple[str, ...]


def write_extract(
    *,
    start: datetime.date,
    end: datetime.date,
    output: Path,
    actor=None,
    key: str | None = None,
    research_consent_only: bool = False,
    channel: str = "cli",
) -> ExtractResult:
    """Write research_extract.csv and data_dictionary.csv into ``output``; audit once."""
    key = check_key(settings.LINKWELL_PSEUDONYM_KEY if key is None else key)
    if end < start:
        raise ExtractError("The end date must not be before the start date.")
    rows = build_rows(start, end, key, research_consent_only=research_consent_only)
    cols = columns()
    output.mkdir(parents=True, exist_ok=True)
    with (output / EXTRACT_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c.name for c in cols])
        writer.writeheader()
        writer.writerows(rows)
    with (output / DICTIONARY_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["column", "description", "values"])
        for c in cols:
            writer.writerow([c.name, c.description, c.values])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="reports.research_extract",
        object_id=f"{start}/{end}",
        channel=channel,
        detail=f"research extract rows={len(rows)}"
        + (" research-consent-only" if research_consent_only else ""),
    )
    return ExtractResult(len(rows), (EXTRACT_FILE, DICTIONARY_FILE))
