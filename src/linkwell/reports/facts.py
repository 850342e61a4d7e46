"""Refresh the dashboard's per-referral facts (`ReferralFact`, `OutcomeFact`).

Following every referral through contacts, goals, onward referrals, bookings and measurements
on every request costs seconds at 100,000 referrals (docs/performance.md). The facts hold the
result of that work, one narrow row per referral, so the dashboard only groups and counts.

`reports` reads the other apps' tables and is never imported by them, so the facts are not
updated by their services: this module brings them up to date, set-based (INSERT … SELECT
built by the ORM, the same on SQLite and PostgreSQL):

- **incremental** (`refresh()`): referrals whose own row, person, case, contacts, goals,
  onward referrals, bookings or measurements changed since the last refresh (their
  `updated_at` / `recorded_at` / `created_at`, less a margin for transactions that committed
  late), and referrals without facts, are deleted and inserted again;
- **full** (`refresh(full=True)`): every fact is rebuilt. Deletions of contacts, goals or
  bookings and bulk `.update()`s leave no timestamp, so the periodic job rebuilds in full once
  a day (`FULL_EVERY`).

Both run in one transaction holding the `FactsState` row, so two workers never interleave
and a request sees the old facts or the new ones, never half. The figures are "as of" the
moment the last refresh started (`FactsState.refreshed_at`), shown with every table.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from linkwell.casework.models import Case as CaseModel
from linkwell.casework.models import Contact, PlanGoal
from linkwell.groups.models import Booking, ServiceReferral
from linkwell.outcomes.instruments import INSTRUMENTS
from linkwell.outcomes.models import Measurement
from linkwell.people.vocabulary import Sex
from linkwell.referrals.models import Referral, Status

from . import blocks, snapshots
from .dashboard import (
    ATTENDED_STATUSES,
    CONNECTED_STATUSES,
    UNKNOWN,
    DaysBetween,
    _has_field,
    _measures,
    _source_kind,
    ethnic_expression,
    imd_expression,
)
from .models import (
    DashboardSnapshot,
    FactsState,
    OnwardFact,
    OutcomeBlock,
    OutcomeFact,
    ReferralBlock,
    ReferralFact,
)

logger = logging.getLogger(__name__)

JOB_EVERY = datetime.timedelta(minutes=10)
FULL_EVERY = datetime.timedelta(hours=24)
# A row saved in a transaction that commits after a refresh started carries an earlier
# timestamp than that refresh: look back this far.
MARGIN = datetime.timedelta(minutes=10)
FULL_SHARE = 0.05  # changed referrals beyond this share: rebuild in full instead
CHUNK = 500  # referral ids per incremental DELETE / INSERT (SQLite's parameter limit)
# Copied from the referral's facts onto each of its outcome rows.
COPIED = ("created_at", "area", "imd", "ethnic", "language", "date_of_birth", "sex")


# ---------------------------------------------------------------------------------------------
# What one referral's facts are (the definitions of docs/reports.md)
# ---------------------------------------------------------------------------------------------


def first_contact_at() -> Subquery:
    """When the referral (`OuterRef("pk")`) first had a successful contact (the research
    extract uses the same definition)."""
    return Subquery(
        Contact.objects.filter(case__referral=OuterRef("pk"), successful=True)
        .order_by("at")
        .values("at")[:1]
    )


def first_goal_at() -> Subquery:
    """When the referral's (`OuterRef("pk")`) first plan goal was agreed: the plan date."""
    return Subquery(
        PlanGoal.objects.filter(case__referral=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )


def _with_facts(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    connected = Q(status__in=CONNECTED_STATUSES)
    if _has_field(ServiceReferral, "kind"):
        connected |= Q(kind="signposted")
    return qs.annotate(
        first_contact_at=first_contact_at(),
        first_goal_at=first_goal_at(),
        is_connected=Exists(
            ServiceReferral.objects.filter(connected, case__referral=OuterRef("pk"))
        ),
        is_attended=Exists(
            Booking.objects.filter(
                service_referral__case__referral=OuterRef("pk"), status__in=ATTENDED_STATUSES
            )
        ),
        is_goals_met=Case(
            When(case__discharge_reason__code="goals_met", then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _referral_select(qs: QuerySet[Referral]) -> tuple[list[str], QuerySet]:
    p = "person__"
    language = Case(
        When(**{f"{p}interpreter_needed": True}, then=Value("interpreter")),
        When(**{f"{p}language": "en"}, then=Value("english")),
        default=Value("not_english"),
        output_field=CharField(),
    )
    sex = Case(
        *(When(**{f"{p}sex": code}, then=Value(code)) for code in Sex.values),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )
    # Every column is an annotation so that its name in the inner SELECT is known.
    columns = {
        "referral_id": F("id"),
        "created_at": F("created_at"),
        "area": Coalesce(F(f"{p}postcode_district"), Value(""), output_field=CharField()),
        "source_kind": _source_kind(),
        "imd": imd_expression(p),
        "ethnic": ethnic_expression(p),
        "language": language,
        "date_of_birth": F(f"{p}date_of_birth"),
        "sex": sex,
        "contact_days": DaysBetween(F("created_at"), F("first_contact_at")),
        "plan_days": DaysBetween(F("created_at"), F("first_goal_at")),
        "connected": F("is_connected"),
        "attended": F("is_attended"),
        "goals_met": F("is_goals_met"),
    }
    aliased = {f"x_{k}": v for k, v in columns.items()}
    inner = _with_facts(qs.order_by()).annotate(**aliased).values(*aliased)
    return list(columns), inner


def _insert_referral_facts(cursor, qs: QuerySet[Referral], *, ordered: bool = False) -> int:
    columns, inner = _referral_select(qs)
    if ordered:  # a full rebuild lays rows down in date order: period scans read fewer pages
        inner = inner.order_by("created_at")
    sql, params = inner.query.sql_with_params()
    table = ReferralFact._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names only
        f"SELECT {', '.join('x_' + c for c in columns)} FROM ({sql}) t",
        params,
    )
    return cursor.rowcount


def _insert_onward_facts(cursor, referral_ids: list[int] | None) -> int:
    """One row per onward referral of the referrals' cases (the provider reply tables and the
    area of each onward referral, for the live provider and waitlist tables)."""
    qs = ServiceReferral.objects.order_by().filter(case__referral__isnull=False)
    if referral_ids is not None:
        qs = qs.filter(case__referral_id__in=referral_ids)
    yes_no = {"default": Value(False), "output_field": BooleanField()}
    accepted = (
        Q(first_response=Status.ACCEPTED)
        if _has_field(ServiceReferral, "first_response")
        else Q(status__in=CONNECTED_STATUSES, responded_at__isnull=False)
    )
    columns = {
        "onward_id": F("id"),
        "fact_id": F("case__referral_id"),
        "created_at": F("created_at"),
        "service_id": F("service_id"),
        "area": Coalesce(F("case__person__postcode_district"), Value(""), output_field=CharField()),
        "referral": Case(When(kind="referral", then=Value(True)), **yes_no)
        if _has_field(ServiceReferral, "kind")
        else Value(True, output_field=BooleanField()),
        "reply_days": DaysBetween(F("created_at"), F("responded_at")),
        "accepted": Case(When(accepted, then=Value(True)), **yes_no),
        "capacity": Case(When(decline_reason="capacity", then=Value(True)), **yes_no)
        if _has_field(ServiceReferral, "decline_reason")
        else Value(False, output_field=BooleanField()),
    }
    aliased = {f"x_{k}": v for k, v in columns.items()}
    inner = qs.annotate(**aliased).values(*aliased)
    if referral_ids is None:  # a full rebuild lays rows down in date order, as for referrals
        inner = inner.order_by("created_at")
    sql, params = inner.query.sql_with_params()
    cursor.execute(
        f"INSERT INTO {OnwardFact._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join('x_' + c for c in columns)} FROM ({sql}) t",
        params,
    )
    return cursor.rowcount


def _score_sql(key: str) -> str:
    # Score keys are the instruments' own constants (letters, digits, underscores).
    if not key.replace("_", "").isalnum():
        raise ValueError(f"unexpected score key {key!r}")
    return (
        f"(CASE WHEN jsonb_typeof(scores->'{key}') = 'number' THEN (scores->>'{key}')::float END)"
    )


def _insert_outcome_facts(cursor, referral_ids: list[int] | None) -> int:
    """Baseline: the first measurement at the ``baseline`` timepoint; follow-up: the latest of
    the same instrument at any other timepoint; only pairs with both scores are kept."""
    table, facts = OutcomeFact._meta.db_table, ReferralFact._meta.db_table
    columns = ", ".join(("fact_id", "instrument", "measure", "change", *COPIED))
    copied = ", ".join(f"r.{c}" for c in COPIED)
    made = 0
    for code in INSTRUMENTS:
        measures = _measures([code])
        if not measures:
            continue
        if connection.vendor == "postgresql":
            # One grouped pass over the instrument's measurements (as the live query did).
            pairs, values = [], []
            for i, m in enumerate(measures):
                score = _score_sql(m.key)
                pairs.append(
                    f"(array_agg({score} ORDER BY completed_at, id) "
                    f"FILTER (WHERE timepoint = 'baseline'))[1] AS b{i}"
                )
                pairs.append(
                    f"(array_agg({score} ORDER BY completed_at DESC, id DESC) "
                    f"FILTER (WHERE timepoint <> 'baseline'))[1] AS f{i}"
                )
                values.append(f"(%s, b{i}, f{i})")
            where, params = "instrument = %s AND referral_id IS NOT NULL", [code]
            if referral_ids is not None:
                where += " AND referral_id = ANY(%s)"
                params.append(list(referral_ids))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - our own names only
                f"SELECT x.referral_id, %s, v.measure, v.f - v.b, {copied} FROM ("
                f"SELECT referral_id, {', '.join(pairs)} "
                f"FROM {Measurement._meta.db_table} WHERE {where} GROUP BY referral_id) x "
                f"JOIN {facts} r ON r.referral_id = x.referral_id "
                f"CROSS JOIN LATERAL (VALUES {', '.join(values)}) AS v(measure, b, f) "
                f"WHERE v.b IS NOT NULL AND v.f IS NOT NULL",
                [code, *params, *(m.key for m in measures)],
            )
            made += cursor.rowcount
            continue
        base = Referral.objects.order_by().filter(
            Exists(Measurement.objects.filter(referral=OuterRef("pk"), instrument=code))
        )
        if referral_ids is not None:
            base = base.filter(id__in=referral_ids)
        for m in measures:
            value = Cast(KT(f"scores__{m.key}"), FloatField())
            baseline = (
                Measurement.objects.filter(
                    referral=OuterRef("pk"), instrument=code, timepoint="baseline"
                )
                .order_by("completed_at", "id")
                .annotate(v=value)
                .values("v")[:1]
            )
            follow = (
                Measurement.objects.filter(referral=OuterRef("pk"), instrument=code)
                .exclude(timepoint="baseline")
                .order_by("-completed_at", "-id")
                .annotate(v=value)
                .values("v")[:1]
            )
            inner = base.annotate(
                x_id=F("id"),
                x_b=Subquery(baseline, output_field=FloatField()),
                x_f=Subquery(follow, output_field=FloatField()),
            ).values("x_id", "x_b", "x_f")
            sql, params = inner.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - our own names only
                f"SELECT x_id, %s, %s, x_f - x_b, {copied} FROM ({sql}) t "
                f"JOIN {facts} r ON r.referral_id = t.x_id "
                f"WHERE x_b IS NOT NULL AND x_f IS NOT NULL",
                [code, m.key, *params],
            )
            made += cursor.rowcount
    return made


# ---------------------------------------------------------------------------------------------
# Which referrals changed
# ---------------------------------------------------------------------------------------------


def changed_referral_ids(since: datetime.datetime) -> set[int]:
    """Referrals whose facts may differ from what was stored at `since` (plus those with no
    facts yet). One query per source table, each over that table's own timestamp."""
    ids: set[int] = set()
    sources = [
        Referral.objects.filter(updated_at__gte=since).values_list("id", flat=True),
        Referral.objects.filter(person__updated_at__gte=since).values_list("id", flat=True),
        Referral.objects.filter(
            ~Exists(ReferralFact.objects.filter(referral_id=OuterRef("pk")))
        ).values_list("id", flat=True),
        CaseModel.objects.filter(updated_at__gte=since).values_list("referral_id", flat=True),
        Contact.objects.filter(recorded_at__gte=since).values_list("case__referral_id", flat=True),
        PlanGoal.objects.filter(updated_at__gte=since).values_list("case__referral_id", flat=True),
        ServiceReferral.objects.filter(updated_at__gte=since).values_list(
            "case__referral_id", flat=True
        ),
        Booking.objects.filter(updated_at__gte=since, service_referral__isnull=False).values_list(
            "service_referral__case__referral_id", flat=True
        ),
        Measurement.objects.filter(created_at__gte=since, referral__isnull=False).values_list(
            "referral_id", flat=True
        ),
    ]
    for qs in sources:
        ids.update(i for i in qs.order_by().distinct() if i is not None)
    return ids


# ---------------------------------------------------------------------------------------------
# Refresh
# ---------------------------------------------------------------------------------------------


def _rebuild(cursor) -> int:
    OutcomeFact.objects.all()._raw_delete(OutcomeFact.objects.db)
    OnwardFact.objects.all()._raw_delete(OnwardFact.objects.db)
    ReferralFact.objects.all()._raw_delete(ReferralFact.objects.db)
    done = _insert_referral_facts(cursor, Referral.objects.all(), ordered=True)
    _insert_outcome_facts(cursor, None)
    _insert_onward_facts(cursor, None)
    blocks.rebuild(cursor)
    return done


def refresh(
    *, full: bool = False, now: datetime.datetime | None = None, prepare: bool = True
) -> int:
    """Bring the facts up to date; returns how many referrals were (re)computed. A first
    refresh is always full. Then (`prepare`) the default period's tables are computed from
    the new facts, so the first visit after a refresh does not wait for them."""
    started = now or timezone.now()
    with transaction.atomic():
        FactsState.objects.get_or_create(pk=1)
        state = FactsState.objects.select_for_update().get(pk=1)
        full = full or state.refreshed_at is None
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Compiling these wide queries costs more than running them; grouping a
                # million rows in 4 MB (the default) spills to disk.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
            ids: list[int] = []
            if not full:
                ids = sorted(changed_referral_ids(state.refreshed_at - MARGIN))
                # Past a few percent, 500 at a time costs more than rebuilding everything.
                full = len(ids) > max(CHUNK, Referral.objects.count() * FULL_SHARE)
            done = 0
            stale_blocks = False
            if full:
                done = _rebuild(cursor)
                state.full_at = started
            else:
                touched: set = set()
                for i in range(0, len(ids), CHUNK):
                    chunk = ids[i : i + CHUNK]
                    touched |= blocks.keys_of(cursor, chunk)  # where they were
                    OutcomeFact.objects.filter(fact_id__in=chunk)._raw_delete(
                        OutcomeFact.objects.db
                    )
                    OnwardFact.objects.filter(fact_id__in=chunk)._raw_delete(OnwardFact.objects.db)
                    ReferralFact.objects.filter(referral_id__in=chunk)._raw_delete(
                        ReferralFact.objects.db
                    )
                    done += _insert_referral_facts(cursor, Referral.objects.filter(id__in=chunk))
                    _insert_outcome_facts(cursor, chunk)
                    _insert_onward_facts(cursor, chunk)
                    touched |= blocks.keys_of(cursor, chunk)  # where they are now
                stale = blocks.stale_keys(cursor)
                touched = None if stale is None else touched | stale
                blocks.rebuild(cursor, touched)
                # Blocks out of step with the facts (a referral deleted since): the figures
                # changed even if no record did.
                stale_blocks = touched is None or bool(touched)
            if full and connection.vendor == "postgresql":
                for model in (ReferralFact, OutcomeFact, OnwardFact, ReferralBlock, OutcomeBlock):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        state.areas = sorted(
            a
            for a in ReferralFact.objects.order_by().values_list("area", flat=True).distinct()
            if a
        )
        unchanged = not full and not ids and not stale_blocks
        state.refreshed_at = started
        state.save()
        if unchanged:
            # Nothing changed since the last refresh: the stored tables still hold; they are
            # now as of this refresh (every 10 minutes the worker would otherwise throw away
            # and recompute the default period for nothing).
            DashboardSnapshot.objects.update(as_of=started)
        else:
            # Tables computed from the previous facts are out of date.
            DashboardSnapshot.objects.all().delete()
    # Counts only: never personal data in logs.
    logger.info("report facts refreshed (%s): %d referrals", "full" if full else "changes", done)
    if prepare:
        snapshots.prepare_default()
    return done


def refresh_job(now: datetime.datetime) -> int:
    """Periodic job: changes every `JOB_EVERY`, everything once every `FULL_EVERY`."""
    state = FactsState.objects.filter(pk=1).first()
    full = state is None or state.full_at is None or now - state.full_at >= FULL_EVERY
    return refresh(full=full, now=now)


def state() -> FactsState | None:
    return FactsState.objects.filter(pk=1, refreshed_at__isnull=False).first()


def ensure_built() -> FactsState | None:
    """The facts' state for a request. Facts never built are built now when the database is
    small enough for a request to wait (`LINKWELL_REPORT_FACTS_BUILD_MAX` referrals);
    otherwise None and the dashboard says they are being prepared."""
    current = state()
    if current is not None:
        return current
    limit = getattr(settings, "LINKWELL_REPORT_FACTS_BUILD_MAX", 20000)
    if Referral.objects.count() > limit:
        return None
    refresh(full=True)
    return state()
