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

The database (`lw_dashboard_bench_<referrals>`, or --db) is kept and reused by later runs
(--regenerate to make it again, --drop to remove it afterwards). Then it times the facts
refresh (full, and incremental after 1% of referrals change), the whole dashboard cold (no
stored tables: every table computed, the fact-based ones from the day-and-area blocks) and
warm (the default period stored by the refresh), one area, and the parts (reading the blocks,
counting and ranking them, the reply table, the live session and unmet-need tables);
--check also compares every table with the live implementation (tests/reports);
wall and CPU time (Python + the PostgreSQL backend from /proc/<pid>/schedstat) and the load
average, printed as one JSON object (--output FILE too). --sqlite PATH runs the same on a
SQLite file (bulk_create generator, for smaller sizes). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/dashboard.py
    DATABASE_URL=… .venv/bin/python benchmarks/dashboard.py --referrals 200000 \
        --measurements 600000 --live
    .venv/bin/python benchmarks/dashboard.py --sqlite /tmp/b.sqlite3 --referrals 20000 \
        --measurements 60000
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
                "date_of_birth": "date '1940-01-01' + ((g::bigint * 7919) % 27000)::int",
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


def generate_sqlite(n_referrals: int, n_measurements: int) -> dict:
    """The same shape as `generate` through the ORM's bulk_create (SQLite has no
    generate_series or arrays): for a smaller SQLite run."""
    import datetime

    from django.utils import timezone

    from linkwell.accounts.models import Organisation, OrganisationKind
    from linkwell.casework.models import Case, Contact, DischargeReason, PlanGoal
    from linkwell.directory.models import Organization, Service
    from linkwell.groups.models import Booking, ServiceReferral, Session
    from linkwell.outcomes.models import Measurement
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral

    now = timezone.now()
    kinds = [OrganisationKind.GP_PRACTICE, OrganisationKind.PHARMACY, OrganisationKind.HOSPITAL,
             OrganisationKind.HOUSING, OrganisationKind.VCSE]  # fmt: skip
    referrers = [Organisation.objects.create(name=f"Referrer {i}", kind=k) for i, k in
                 enumerate(kinds)]  # fmt: skip
    lw_service = Organisation.objects.create(
        name="Link workers", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    hsds = Organization.objects.create(
        name="Provider",
        organisation=Organisation.objects.create(name="Provider", kind=OrganisationKind.VCSE),
    )
    services = [Service.objects.create(organization=hsds, name=f"Group {i}") for i in range(10)]
    goals_met = DischargeReason.objects.get(code="goals_met")
    ethnic = ["white_british", "white_british", "white_other", "asian_bangladeshi",
              "black_african", "mixed_other", "other_arab", "not_stated", ""]  # fmt: skip
    districts = ["SR1", "SR2", "SR3", "SR4", "SR5", "NE1"]
    people = Person.objects.bulk_create(
        Person(
            given_name=f"P{i}",
            date_of_birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=i * 7919 % 27000),
            sex=["female", "male", "female", "male", "not_said", ""][i % 6],
            ethnicity=ethnic[i * 31 % len(ethnic)],
            postcode_district=districts[i * 17 % len(districts)],
            imd_decile=None if i % 23 == 0 else 1 + i * 13 % 10,
            language=["en", "en", "en", "en", "pl", "ar", "ro", "so"][i % 8],
            interpreter_needed=i % 8 >= 6,
        )
        for i in range(max(n_referrals // 2, 1))
    )
    statuses = ["requested", "in-progress", "in-progress", "completed", "completed",
                "completed", "cancelled", "in-progress", "rejected", "completed"]  # fmt: skip
    referrals = Referral.objects.bulk_create(
        Referral(
            reference=f"B{i:09d}",
            person=people[i % len(people)],
            source="self" if i % 20 == 0 else "professional",
            referrer_organisation=None if i % 20 == 0 else referrers[i % len(referrers)],
            service=lw_service,
            urgency="routine",
            consent_confirmed_at=now,
            status=statuses[i % 10],
            created_at=now - datetime.timedelta(days=i % 1095, minutes=i % 1440),
        )
        for i in range(n_referrals)
    )
    cases = Case.objects.bulk_create(
        Case(
            referral=r,
            person_id=r.person_id,
            opened_at=r.created_at + datetime.timedelta(days=3),
            discharge_reason=goals_met if r.status == "completed" and r.pk % 3 else None,
            discharged_at=r.created_at + datetime.timedelta(days=90)
            if r.status == "completed"
            else None,
        )
        for r in referrals
        if r.status not in ("requested", "rejected")
    )
    Contact.objects.bulk_create(
        Contact(
            case=k,
            at=k.opened_at + datetime.timedelta(days=k.pk % 30),
            mode="phone",
            minutes=10 + k.pk % 50,
            successful=True,
        )  # fmt: skip
        for k in cases
        if k.pk % 5
    )
    PlanGoal.objects.bulk_create(
        PlanGoal(
            case=k, wording="Goal", created_at=k.opened_at + datetime.timedelta(days=10 + k.pk % 40)
        )  # fmt: skip
        for k in cases
        if k.pk % 5 < 3
    )
    per_case = [
        ("SWEMWBS", "baseline", lambda k: {"metric": 18 + k.pk % 12}, 0),
        ("SWEMWBS", "12w", lambda k: {"metric": 19 + k.pk * 7 % 14}, 84),
        ("EQ5D5L", "baseline", lambda k: {"index": 0.5 + k.pk % 40 / 100, "vas": 40 + k.pk % 40}, 0),
        ("EQ5D5L", "12w", lambda k: {"index": 0.55 + k.pk * 3 % 40 / 100, "vas": 45 + k.pk * 7 % 40}, 84),
        ("UCLA3", "baseline", lambda k: {"total": 3 + k.pk % 7}, 0),
    ]  # fmt: skip
    made = 0
    for instrument, timepoint, scores, offset in per_case:
        batch = [
            Measurement(
                person_id=k.person_id,
                referral_id=k.referral_id,
                case=k,
                instrument=instrument,
                timepoint=timepoint,
                answers={},
                scores=scores(k),
                mode="assisted",
                completed_at=k.opened_at + datetime.timedelta(days=offset),
            )  # fmt: skip
            for k in cases[: max(n_measurements - made, 0)]
        ]
        made += len(Measurement.objects.bulk_create(batch, batch_size=2000))
    onward = ServiceReferral.objects.bulk_create(
        ServiceReferral(
            case=k,
            service=services[k.pk % 10],
            status=["accepted", "rejected", "completed", "requested"][k.pk % 4],
            shared_first_name="P",
            created_at=k.opened_at + datetime.timedelta(days=20),
            responded_at=k.opened_at + datetime.timedelta(days=23) if k.pk % 4 != 3 else None,
        )
        for k in cases
        if k.pk % 3 == 0
    )
    sessions = Session.objects.bulk_create(
        Session(
            service=services[i % 10],
            starts_at=now - datetime.timedelta(days=i % 1000 - 2),
            ends_at=now - datetime.timedelta(days=i % 1000 - 2, hours=-2),
            places=12,
        )  # fmt: skip
        for i in range(3000)
    )
    Booking.objects.bulk_create(
        Booking(
            session=sessions[s.pk % len(sessions)],
            service_referral=s,
            status=["attended", "attended", "absent", "late", "booked", "waitlisted"][s.pk % 6],
        )  # fmt: skip
        for s in onward
        if s.status in ("accepted", "completed")
    )
    backdate()
    return {"referrals": len(referrals), "cases": len(cases), "measurements": made,
            "onward": len(onward), "generated_at": now.isoformat()}  # fmt: skip


def backdate() -> None:
    """bulk_create stamps every row's updated_at with now: move those stamps back to before the
    rows were made (some events are dated in the future), so that an incremental refresh sees
    only later changes."""
    import datetime

    from django.utils import timezone

    from linkwell.casework.models import Case, Contact, PlanGoal
    from linkwell.groups.models import Booking, ServiceReferral
    from linkwell.outcomes.models import Measurement
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral

    day_ago = timezone.now() - datetime.timedelta(days=1)
    Referral.objects.update(updated_at=day_ago)
    Person.objects.update(updated_at=day_ago)
    Case.objects.update(updated_at=day_ago)
    Contact.objects.update(recorded_at=day_ago)
    PlanGoal.objects.update(updated_at=day_ago)
    ServiceReferral.objects.update(updated_at=day_ago)
    Booking.objects.update(updated_at=day_ago)
    Measurement.objects.update(created_at=day_ago)


def main_sqlite(args) -> None:
    """--sqlite PATH: generate (once) into a SQLite file and time the same things."""
    path = Path(args.sqlite)
    fresh = not path.exists() or args.regenerate
    if fresh and path.exists():
        path.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    out: dict = {"benchmark": "dashboard", "database": "sqlite", "db": str(path)}
    call_command("migrate", verbosity=0)
    if fresh:
        t0 = time.perf_counter()
        out["rows"] = generate_sqlite(args.referrals, args.measurements)
        out["generate_seconds"] = round(time.perf_counter() - t0, 1)
    else:
        out["rows"] = "reused"
    out.update(
        measure(args.repeat, parallel=False, live=args.live, refresh=args.refresh, check=args.check)
    )
    text = json.dumps(out, indent=2, default=str)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")


def _exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--measurements", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--db", default="", help="database name (default lw_dashboard_bench_<referrals>)"
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="drop and regenerate even if the database exists"
    )
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument(
        "--refresh",
        choices=["full", "incremental", "both", "none"],
        default="both",
        help="which facts refreshes to time before the dashboard (a first one is always full)",
    )
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="let PostgreSQL use parallel workers (their CPU time is then not counted)",
    )
    parser.add_argument("--output", help="also write the JSON to this file")
    parser.add_argument(
        "--live", action="store_true", help="also time the previous live implementation once"
    )
    parser.add_argument("--sqlite", help="run on this SQLite file instead (generated once)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="also assert that every table equals the live implementation's (default period, "
        "1,000 days, a past period and nine months of one area; minutes at scale)",
    )
    args = parser.parse_args()
    if args.sqlite:
        main_sqlite(args)
        return

    server = _server_url()
    name = args.db or f"lw_dashboard_bench_{args.referrals}"
    reuse = _exists(server, name) and not args.regenerate
    if not reuse:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(server, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_db(server, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    out: dict = {"benchmark": "dashboard", "database": "postgresql", "db": name}
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        out["migrate_seconds"] = round(time.perf_counter() - started, 1)
        if reuse:
            out["rows"] = "reused"
        else:
            t0 = time.perf_counter()
            out["rows"] = generate(args.referrals, args.measurements)
            out["generate_seconds"] = round(time.perf_counter() - t0, 1)
        if not args.generate_only:
            out.update(
                measure(
                    args.repeat,
                    parallel=args.parallel,
                    live=args.live,
                    refresh=args.refresh,
                    check=args.check,
                )
            )
        text = json.dumps(out, indent=2, default=str)
        print(text)
        if args.output:
            Path(args.output).write_text(text + "\n")
    finally:
        connection.close()
        if args.drop:
            _admin(server, f'DROP DATABASE IF EXISTS "{name}"')


def _backend_cpu(pid: int) -> float:
    """Seconds on CPU of a PostgreSQL backend (the server runs on this machine); 0 for SQLite
    (in-process: its time is the Python process's)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def _timed(fn, pid: int) -> dict:
    wall, cpu, backend = time.perf_counter(), time.process_time(), _backend_cpu(pid)
    fn()
    backend = _backend_cpu(pid) - backend
    cpu = time.process_time() - cpu
    return {
        "wall": round(time.perf_counter() - wall, 3),
        "python_cpu": round(cpu, 3),
        "postgres_cpu": round(backend, 3),
        "cpu": round(cpu + backend, 3),
    }


def _summary(runs: list[dict]) -> dict:
    out = {}
    for key in ("wall", "cpu", "python_cpu", "postgres_cpu"):
        values = [r[key] for r in runs]
        out[key] = {"min": min(values), "median": round(statistics.median(values), 3)}
    out["runs"] = runs
    return out


def _touch_one_percent(cursor) -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        from django.utils import timezone

        from linkwell.casework.models import Case, Contact
        from linkwell.referrals.models import Referral

        now = timezone.now()
        Contact.objects.bulk_create(
            Contact(case=k, at=now, mode="phone", minutes=15, successful=True)
            for k in Case.objects.all()
            if k.referral_id % 100 == 0
        )
        return Referral.objects.filter(
            id__in=[i for i in Referral.objects.values_list("id", flat=True) if i % 100 == 0]
        ).update(updated_at=now)

    """Change 1% of referrals as a working day would: a new successful contact on the case,
    the referral saved again (updated_at)."""
    from linkwell.casework.models import Contact

    _insert(
        cursor,
        Contact,
        {"case": "k.id", "at": "now()", "mode": "'phone'", "minutes": "15",
         "successful": "true", "recorded_at": "now()"},
        "casework_case k WHERE k.referral_id % 100 = 0",
    )  # fmt: skip
    cursor.execute("UPDATE referrals_referral SET updated_at = now() WHERE id % 100 = 0")
    return cursor.rowcount


def measure(repeat: int, *, parallel: bool, live: bool, refresh: str, check: bool = False) -> dict:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linkwell.referrals.models import Referral
    from linkwell.reports import dashboard as d
    from linkwell.reports import facts, snapshots
    from linkwell.reports.models import DashboardSnapshot, OutcomeFact, ReferralFact

    pid = 0
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT pg_backend_pid()")
            pid = c.fetchone()[0]
        if connection.vendor == "postgresql" and not parallel:
            # Parallel workers are other processes whose CPU time /proc/<pid> does not show.
            c.execute("SET max_parallel_workers_per_gather = 0")
    out: dict = {"parallel_workers": parallel, "loadavg_before": os.getloadavg()}
    if refresh in ("full", "both") or facts.state() is None:
        out["refresh_full"] = _timed(lambda: facts.refresh(full=True, prepare=False), pid)
    if refresh in ("incremental", "both"):
        with connection.cursor() as c:
            out["changed_referrals"] = _touch_one_percent(c)
        counted = {}
        out["refresh_incremental"] = _timed(lambda: counted.setdefault("n", facts.refresh()), pid)
        out["refresh_incremental"]["referrals"] = counted["n"]
    out["facts_rows"] = {
        "referrals": Referral.objects.count(),
        "referral_facts": ReferralFact.objects.count(),
        "outcome_facts": OutcomeFact.objects.count(),
    }
    period = d.default_period()
    out["period"] = [period.start.isoformat(), period.end.isoformat()]

    def page():  # what a request builds: the area filter's choices and every table
        d.area_choices()
        for table in d.dashboard_tables(period):
            table.publish()

    def cold():  # nothing stored for these facts: every table computed (and stored)
        DashboardSnapshot.objects.all().delete()

    runs = []
    for _ in range(repeat):
        cold()
        with CaptureQueriesContext(connection) as ctx:
            runs.append(_timed(page, pid))
        out["dashboard_queries_cold"] = len(ctx.captured_queries)
    out["dashboard_cold"] = _summary(runs)
    # What the refresh does after the facts: the default period's tables, stored.
    cold()
    out["prepare_default"] = _timed(snapshots.prepare_default, pid)
    runs = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            runs.append(_timed(page, pid))
        out["dashboard_queries_warm"] = len(ctx.captured_queries)
    out["dashboard_warm"] = _summary(runs)
    area = d.Period(period.start, period.end, area="SR4")
    runs = []
    for _ in range(repeat):
        cold()
        runs.append(_timed(lambda: d.dashboard_tables(area), pid))
    out["dashboard_one_area_cold"] = _summary(runs)
    parts = {}
    from linkwell.reports import blocks

    records = blocks.referral_records(period)
    outcomes = blocks.outcome_records(period)
    for name, fn in (
        ("referral_records", lambda: blocks.referral_records(period)),
        ("outcome_records", lambda: blocks.outcome_records(period)),
        ("referral_tables", lambda: d.referral_tables(period, records)),
        ("pathway_facts", lambda: d.pathway_facts(period, records)),
        ("outcome_moments", lambda: d.outcome_moments(period, outcomes)),
        ("fact_replies", lambda: d.fact_replies(period)),
        ("session_tables", lambda: d._session_tables(period, area_facts=True)),
        ("unmet_need_tables", lambda: d.unmet_need_tables(period, from_facts=True)),
        ("publish", lambda: [t.publish() for t in d.dashboard_tables(period)]),
    ):
        with d._report_queries():
            parts[name] = _timed(fn, pid)
    out["part_seconds"] = parts
    if check:  # every table equals the live implementation's (tests/reports/live_dashboard.py)
        sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/cast.py, as under pytest
        from tests.reports.test_dashboard_facts import assert_same_tables

        today = period.end
        checks = {
            "default": period,
            "1000_days": d.Period(today - datetime.timedelta(days=1000), today),
            "custom": d.Period(
                today - datetime.timedelta(days=400), today - datetime.timedelta(days=95)
            ),
            "one_area_9_months": d.Period(today - datetime.timedelta(days=270), today, area="SR4"),
        }
        out["equal_to_live"] = {}
        for name, p in checks.items():
            started = time.perf_counter()
            values = assert_same_tables(p)
            out["equal_to_live"][name] = {
                "period": [p.start.isoformat(), p.end.isoformat(), p.area],
                "values_compared": values,
                "seconds": round(time.perf_counter() - started, 1),
            }
    if live:  # the previous implementation (tests/reports/live_dashboard.py), once
        sys.path.insert(0, str(ROOT))
        from tests.reports import live_dashboard

        out["live_dashboard"] = _timed(lambda: live_dashboard.dashboard_tables(period), pid)
    out["loadavg_after"] = os.getloadavg()
    out["target_seconds"] = 1.0
    for kind in ("cold", "warm"):
        out[f"met_{kind}_wall"] = out[f"dashboard_{kind}"]["wall"]["min"] <= 1.0
        out[f"met_{kind}_cpu"] = out[f"dashboard_{kind}"]["cpu"]["min"] <= 1.0
    return out


if __name__ == "__main__":
    main()
