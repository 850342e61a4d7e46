"""Time the commissioner dashboard (`reports.dashboard.dashboard_tables`) on a large database.

Creates a scratch PostgreSQL database on the server named by DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), migrates it, and generates with SQL `generate_series`
(no Python loops over rows):

- 1,000,000 referrals over three years from ten referrer organisations (500,000 people with
  deprivation, ethnicity, language, age and sex spread), 70% accepted into cases, first
  contacts, plans, discharges with goals met;
- 3,000,000 outcome measurements (SWEMWBS and EQ-5D-5L at baseline and 12 weeks, UCLA-3 at
  baseline);
- onward referrals, sessions, bookings with attendance and waitlists, unmet needs.

Then runs the full dashboard for the default period (last 12 months) several times and prints
one JSON object: timings (min/median seconds), query count, per-part timings and row counts.
The scratch database is dropped afterwards unless --keep. Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/dashboard.py
    .venv/bin/python benchmarks/dashboard.py --referrals 100000 --measurements 300000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "lw_bench_dashboard"


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432"
    if not url.startswith("postgres"):
        sys.exit("benchmarks/dashboard.py needs a PostgreSQL DATABASE_URL")
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _sql_defaults(model, given: dict[str, str]) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for an INSERT ... SELECT: `given` plus a neutral value for
    every other NOT NULL column (Django keeps defaults in Python, not in the database)."""
    from django.db import models

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in given:
            continue
        column = field.column
        if field.name in given:
            columns.append(column)
            values.append(given[field.name])
            continue
        if field.null:
            continue
        if isinstance(field, models.BooleanField):
            expr = "false"
        elif isinstance(field, models.JSONField):
            expr = "'[]'::jsonb" if field.default is list else "'{}'::jsonb"
        elif isinstance(field, models.DateTimeField):
            expr = "now()"
        elif isinstance(field, models.DateField):
            expr = "current_date"
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            expr = "0"
        elif isinstance(field, models.UUIDField):
            expr = "gen_random_uuid()"
        elif isinstance(field, models.CharField | models.TextField):
            expr = "''"
        else:
            raise RuntimeError(f"no neutral value for {model.__name__}.{field.name}")
        columns.append(column)
        values.append(expr)
    return columns, values


def _insert(cursor, model, given: dict[str, str], source: str) -> int:
    columns, values = _sql_defaults(model, given)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    cursor.execute(sql)
    return cursor.rowcount


def generate(n_referrals: int, n_measurements: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from linkwell.casework.models import Case, Contact, DischargeReason, PlanGoal, UnmetNeed
    from linkwell.directory.models import Organization, Service
    from linkwell.groups.models import Booking, ServiceReferral, Session
    from linkwell.outcomes.models import Measurement
    from linkwell.people.models import Person
    from linkwell.referrals.models import Need, Referral

    kinds = [
        OrganisationKind.GP_PRACTICE, OrganisationKind.PHARMACY, OrganisationKind.HOSPITAL,
        OrganisationKind.POLICE, OrganisationKind.FIRE, OrganisationKind.JOBCENTRE,
        OrganisationKind.HOUSING, OrganisationKind.VCSE, OrganisationKind.GP_PRACTICE,
    ]  # fmt: skip
    referrers = [Organisation.objects.create(name=f"Referrer {i}", kind=k) for i, k in
                 enumerate(kinds)]  # fmt: skip
    lw_service = Organisation.objects.create(
        name="Link workers", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    workers = []
    for i in range(20):
        user = User.objects.create(email=f"lw{i}@example.org", full_name=f"Worker {i}")
        Membership.objects.create(user=user, organisation=lw_service, role=Role.LINK_WORKER)
        workers.append(user.pk)
    provider_org = Organisation.objects.create(name="Provider", kind=OrganisationKind.VCSE)
    hsds = Organization.objects.create(name="Provider", organisation=provider_org)
    services = [
        Service.objects.create(organization=hsds, name=f"Group {i}", places_per_session=12)
        for i in range(30)
    ]
    goals_met = DischargeReason.objects.get(code="goals_met").pk
    need_ids = list(Need.objects.values_list("pk", flat=True)[:10])
    n_people = max(n_referrals // 2, 1)
    counts = {}
    with connection.cursor() as c:
        districts = "ARRAY['SR1','SR2','SR3','SR4','SR5','SR6','SR7','SR8','NE1','NE2']"
        ethnic = (
            "ARRAY['white_british','white_british','white_british','white_other','asian_bangladeshi',"
            "'asian_pakistani','black_african','mixed_other','other_arab','not_stated','']"
        )
        counts["people"] = _insert(
            c,
            Person,
            {
                "given_name": "'P' || g",
                "family_name": "'Bench'",
                "date_of_birth": "date '1940-01-01' + ((g * 7919) % 27000)",
                "sex": "(ARRAY['female','male','female','male','not_said',''])[1 + g % 6]",
                "ethnicity": f"({ethnic})[1 + (g * 31) % 11]",
                "postcode_district": f"({districts})[1 + (g * 17) % 10]",
                "imd_decile": "CASE WHEN g % 23 = 0 THEN NULL ELSE 1 + (g * 13) % 10 END",
                "language": "(ARRAY['en','en','en','en','pl','ar','ro','so'])[1 + g % 8]",
                "interpreter_needed": "(g % 8 >= 6)",
                "contact_methods": "'[\"phone\"]'::jsonb",
            },
            f"generate_series(1, {n_people}) AS g",
        )
        c.execute("SELECT min(id) FROM people_person")
        first_person = c.fetchone()[0]
        org_ids = "ARRAY[" + ",".join(str(o.pk) for o in referrers) + "]"
        days = 3 * 365
        counts["referrals"] = _insert(
            c,
            Referral,
            {
                "reference": "'B' || lpad(g::text, 9, '0')",
                "person": f"{first_person} + (g % {n_people})",
                "source": "CASE WHEN g % 20 = 0 THEN 'self' ELSE 'professional' END",
                "referrer_organisation": f"CASE WHEN g % 20 = 0 THEN NULL "
                f"ELSE ({org_ids})[1 + g % 9] END",
                "service": str(lw_service.pk),
                "urgency": "'routine'",
                "consent_confirmed_at": "now()",
                "status": "(ARRAY['requested','in-progress','in-progress','completed',"
                "'completed','completed','cancelled','in-progress','rejected','completed'])"
                "[1 + g % 10]",
                "created_at": f"now() - ((g % {days}) || ' days')::interval "
                "- ((g % 1440) || ' minutes')::interval",
            },
            f"generate_series(1, {n_referrals}) AS g",
        )
        worker_ids = "ARRAY[" + ",".join(map(str, workers)) + "]"
        counts["cases"] = _insert(
            c,
            Case,
            {
                "referral": "r.id",
                "person": "r.person_id",
                "link_worker": f"({worker_ids})[1 + r.id % 20]",
                "opened_at": "r.created_at + interval '3 days'",
                "discharge_reason": f"CASE WHEN r.status = 'completed' AND r.id % 3 <> 0 "
                f"THEN {goals_met} END",
                "discharged_at": "CASE WHEN r.status = 'completed' "
                "THEN r.created_at + interval '90 days' END",
            },
            "referrals_referral r WHERE r.status NOT IN ('requested', 'rejected')",
        )
        counts["contacts"] = _insert(
            c,
            Contact,
            {
                "case": "k.id",
                "at": "k.opened_at + ((k.id % 30) || ' days')::interval",
                "mode": "'phone'",
                "minutes": "10 + k.id % 50",
                "successful": "true",
            },
            "casework_case k WHERE k.id % 5 <> 0",
        )
        counts["goals"] = _insert(
            c,
            PlanGoal,
            {
                "case": "k.id",
                "wording": "'Goal'",
                "created_at": "k.opened_at + ((10 + k.id % 40) || ' days')::interval",
            },
            "casework_case k WHERE k.id % 5 < 3",
        )
        # Measurements: pairs for SWEMWBS and EQ-5D-5L, then UCLA-3 baselines, up to the total.
        per_case = [
            ("SWEMWBS", "baseline", "jsonb_build_object('metric', 18 + (k.id % 12))", 0),
            ("SWEMWBS", "12w", "jsonb_build_object('metric', 19 + (k.id * 7 % 14))", 84),
            ("EQ5D5L", "baseline", "jsonb_build_object('index', 0.5 + (k.id % 40) / 100.0, "
             "'vas', 40 + k.id % 40)", 0),
            ("EQ5D5L", "12w", "jsonb_build_object('index', 0.55 + (k.id * 3 % 40) / 100.0, "
             "'vas', 45 + k.id * 7 % 40)", 84),
            ("UCLA3", "baseline", "jsonb_build_object('total', 3 + k.id % 7)", 0),
        ]  # fmt: skip
        made = 0
        for instrument, timepoint, scores, offset in per_case:
            left = n_measurements - made
            if left <= 0:
                break
            made += _insert(
                c,
                Measurement,
                {
                    "person": "k.person_id",
                    "referral": "k.referral_id",
                    "case": "k.id",
                    "instrument": f"'{instrument}'",
                    "timepoint": f"'{timepoint}'",
                    "answers": "'{}'::jsonb",
                    "scores": scores,
                    "mode": "'assisted'",
                    "completed_at": f"k.opened_at + interval '{offset} days'",
                },
                f"(SELECT * FROM casework_case ORDER BY id LIMIT {left}) k",
            )
        counts["measurements"] = made
        service_ids = "ARRAY[" + ",".join(f"'{s.pk}'::uuid" for s in services) + "]"
        counts["onward"] = _insert(
            c,
            ServiceReferral,
            {
                "case": "k.id",
                "service": f"({service_ids})[1 + k.id % 30]",
                "status": "(ARRAY['accepted','rejected','completed','requested'])[1 + k.id % 4]",
                "shared_first_name": "'P'",
                "created_at": "k.opened_at + interval '20 days'",
                "responded_at": "CASE WHEN k.id % 4 <> 3 THEN k.opened_at + interval '23 days' END",
                "first_response": "CASE WHEN k.id % 4 = 1 THEN 'rejected' "
                "WHEN k.id % 4 = 3 THEN '' ELSE 'accepted' END",
                "decline_reason": "CASE WHEN k.id % 4 = 1 THEN 'capacity' ELSE '' END",
                "kind": "'referral'",
            },
            "casework_case k WHERE k.id % 3 = 0",
        )
        counts["sessions"] = _insert(
            c,
            Session,
            {
                "service": f"({service_ids})[1 + g % 30]",
                "starts_at": "now() - ((g % 1000) || ' days')::interval + interval '2 days'",
                "ends_at": "now() - ((g % 1000) || ' days')::interval + interval '2 days 2 hours'",
                "places": "12",
            },
            "generate_series(1, 30000) AS g",
        )
        c.execute("SELECT min(id), count(*) FROM groups_session")
        first_session, n_sessions = c.fetchone()
        counts["bookings"] = _insert(
            c,
            Booking,
            {
                "session": f"{first_session} + (s.id % {n_sessions})",
                "service_referral": "s.id",
                "status": "(ARRAY['attended','attended','absent','late','booked','waitlisted'])"
                "[1 + s.id % 6]",
                "waitlist_position": "CASE WHEN s.id % 6 = 5 THEN 1 + s.id % 5 END",
            },
            "groups_servicereferral s WHERE s.status IN ('accepted', 'completed')",
        )
        need_array = "ARRAY[" + ",".join(map(str, need_ids)) + "]"
        counts["unmet_needs"] = _insert(
            c,
            UnmetNeed,
            {
                "case": "k.id",
                "need": f"({need_array})[1 + k.id % {len(need_ids)}]",
                "postcode_district": f"({districts})[1 + k.id % 10]",
                "recorded_at": "k.opened_at + interval '15 days'",
            },
            "casework_case k WHERE k.id % 20 = 0",
        )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    counts["generated_at"] = timezone.now().isoformat()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--measurements", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    server = _server_url()
    _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}"')
    _admin(server, f'CREATE DATABASE "{SCRATCH}"')
    os.environ["DATABASE_URL"] = _with_db(server, SCRATCH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from linkwell.reports import dashboard as d

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()
        counts = generate(args.referrals, args.measurements)
        generated = time.perf_counter()
        period = d.default_period()
        runs, parts = [], {}
        queries = 0
        for _ in range(args.repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                d.dashboard_tables(period)
                runs.append(time.perf_counter() - t0)
            queries = len(ctx.captured_queries)
        for name, fn in (
            ("pathway_facts", lambda: d.pathway_facts(period)),
            ("referral_tables", lambda: d.referral_tables(period)),
            ("provider_tables", lambda: d.provider_tables(period)),
            ("outcome_moments", lambda: d.outcome_moments(period)),
            ("unmet_need_tables", lambda: d.unmet_need_tables(period)),
        ):
            with d._report_queries():
                t0 = time.perf_counter()
                fn()
                parts[name] = round(time.perf_counter() - t0, 3)
        print(
            json.dumps(
                {
                    "benchmark": "dashboard",
                    "database": "postgresql",
                    "rows": counts,
                    "period": [period.start.isoformat(), period.end.isoformat()],
                    "migrate_seconds": round(migrated - started, 1),
                    "generate_seconds": round(generated - migrated, 1),
                    "dashboard_seconds": {
                        "min": round(min(runs), 3),
                        "median": round(statistics.median(runs), 3),
                        "runs": [round(r, 3) for r in runs],
                    },
                    "dashboard_queries": queries,
                    "part_seconds": parts,
                    "target_seconds": 1.0,
                    "met": min(runs) <= 1.0,
                },
                indent=2,
            )
        )
    finally:
        connection.close()
        if not args.keep:
            _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}"')


if __name__ == "__main__":
    main()
