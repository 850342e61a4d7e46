"""Time matching for one case (`casework.matching_selectors.matches_for`) over a big directory.

Generates N services (default 100,000) with the directory search benchmark's generator
(`directory_search.generate`: services spread over the postcode districts of England), then
creates people and cases through the real services (`referral_submit`, `referral_transition`):
varied needs, languages (some needing an interpreter), sexes, ages, postcodes across the
generated districts, access needs, and the preferences a link worker sets on the matches page
(distance, free only, days and times the person is free). It then times
`matches_for(case, preferences)` once per case and reports the 50th and 95th percentile in
milliseconds, overall and by the distance asked for.

SQLite always runs (a throw-away database in a temporary folder). When DATABASE_URL names a
PostgreSQL server, the same data is also generated in a fresh database created on that server
and dropped afterwards. Prints exactly one JSON object, with the machine's load average.
Not a test: nothing here passes or fails.

    .venv/bin/python benchmarks/matching.py
    .venv/bin/python benchmarks/matching.py --services 2000 --cases 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/matching.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import directory_search  # noqa: E402  (the generator lives there; benchmarks is not a package)

ROOT = directory_search.ROOT
CHILD_ENV = "LINKWELL_BENCH_MATCHING_CHILD"

# (label, miles or None for "any distance", weight): the matches page defaults to 10 miles.
DISTANCES = (("2 miles", 2, 1), ("5 miles", 5, 2), ("10 miles", 10, 5), ("20 miles", 20, 1),
             ("any distance", None, 1))  # fmt: skip
ACCESS_NEEDS = ("hearing_loop", "large_print", "bsl", "easy_read")


def _need_codes() -> list[str]:
    """Needs that some directory taxonomy term answers (so matching has candidates)."""
    from linkwell.directory.models import NeedTaxonomyTerm

    return sorted(set(NeedTaxonomyTerm.objects.values_list("need__code", flat=True)))


def make_cases(count: int, seed: int, districts) -> list[tuple[int, object, str]]:
    """People and cases through the real services; returns [(case id, Preferences, distance)]."""
    from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from linkwell.casework import matching
    from linkwell.casework.models import Case
    from linkwell.people.services import PersonDetails
    from linkwell.people.vocabulary import LANGUAGE_CODES
    from linkwell.referrals.models import ReferralRoute, Source, Status
    from linkwell.referrals.services import ReferralDetails, referral_submit, referral_transition

    rng = random.Random(seed + 2)
    practice = Organisation.objects.create(
        name="Bench Surgery", kind=OrganisationKind.GP_PRACTICE, ods_code="B99999"
    )
    service = Organisation.objects.create(
        name="Bench Link Workers", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    ReferralRoute.objects.create(service=service, is_default=True)
    referrer = User.objects.create_user(
        email="bench-referrer@example.org", password=None, full_name="Bench Referrer"
    )
    Membership.objects.create(user=referrer, organisation=practice, role=Role.REFERRER)
    worker = User.objects.create_user(
        email="bench-linkworker@example.org", password=None, full_name="Bench Worker"
    )
    Membership.objects.create(user=worker, organisation=service, role=Role.LINK_WORKER)

    from linkwell.lib.postcode import InvalidPostcode, normalise_postcode

    def valid(district: str) -> bool:
        try:
            normalise_postcode(f"{district} 1AA")
        except InvalidPostcode:  # a few retired districts (W1M…) are not valid any more
            return False
        return True

    districts = [d for d in districts if valid(d[0])]
    needs = _need_codes()
    languages = [code for code, _name in directory_search.LANGUAGES if code in LANGUAGE_CODES]
    labels = [label for label, _m, weight in DISTANCES for _ in range(weight)]
    miles = {label: m for label, m, _w in DISTANCES}
    today = datetime.date.today()
    out = []
    for i in range(count):
        district = rng.choice(districts)[0]
        language = "en" if rng.random() < 0.65 else rng.choice(languages)
        details = PersonDetails(
            given_name=f"Bench{i}",
            family_name="Person",
            date_of_birth=today - datetime.timedelta(days=rng.randint(18 * 366, 92 * 365)),
            sex=rng.choice(("female", "female", "male", "male", "not_said")),
            phone="07700 900982",
            contact_methods=["phone"],
            postcode=f"{district} {rng.randint(1, 9)}AA",
            language=language,
            interpreter_needed=language != "en" and rng.random() < 0.6,
            communication_needs=([rng.choice(ACCESS_NEEDS)] if rng.random() < 0.15 else []),
        )
        referral, _created = referral_submit(
            actor=referrer,
            source=Source.PROFESSIONAL,
            details=ReferralDetails(
                needs=rng.sample(needs, rng.choice((1, 1, 2, 2, 3))),
                reason="Benchmark",
                consent_confirmed=True,
            ),
            person_details=details,
            referrer_organisation=practice,
        )
        for status in (Status.ACCEPTED, Status.IN_PROGRESS):
            referral_transition(actor=worker, referral_id=referral.pk, to_status=status)
        case_id = Case.objects.values_list("pk", flat=True).get(referral=referral)

        label = rng.choice(labels)
        availability = frozenset()
        if rng.random() < 0.5:  # the person said when they are free
            days = rng.sample(matching.DAYS[:5], rng.randint(1, 3))
            parts = rng.sample(tuple(matching.TIMES_OF_DAY), rng.randint(1, 2))
            availability = frozenset((d, p) for d in days for p in parts)
        prefs = matching.Preferences(
            free_only=rng.random() < 0.15,
            max_distance_km=miles[label] * matching.KM_PER_MILE if miles[label] else None,
            availability=availability,
        )
        out.append((case_id, prefs, label))
    return out


def time_matching(cases) -> dict:
    """Time `matches_for` for each case (the case row itself read beforehand, as the view
    reads it through `case_get_for`). Returns overall and per-distance percentiles."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linkwell.casework.matching_selectors import candidate_ids, matches_for, person_profile_for
    from linkwell.casework.models import Case

    loaded = [
        (Case.objects.select_related("person", "referral").get(pk=pk), prefs, label)
        for pk, prefs, label in cases
    ]
    for case, prefs, _label in loaded[:3]:  # warm caches (postcode files, statement cache)
        matches_for(case, prefs)
    timings, by_label, results, queries = [], defaultdict(list), [], 0
    for case, prefs, label in loaded:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            found = matches_for(case, prefs)
            ms = (time.perf_counter() - t0) * 1000
        queries = max(queries, len(ctx.captured_queries))
        timings.append(ms)
        by_label[label].append(ms)
        results.append(len(found))
    # Candidate counts, untimed: how much scoring each case needed.
    candidates = sorted(
        len(
            candidate_ids(
                person=person_profile_for(case),
                origin=(case.person.latitude, case.person.longitude)
                if case.person.latitude is not None
                else None,
                prefs=prefs,
            )
        )
        for case, prefs, _label in loaded
    )
    out = _percentiles(timings)
    out.update(
        max_queries=queries,
        median_results=sorted(results)[len(results) // 2],
        cases_without_results=sum(1 for r in results if r == 0),
        median_candidates=candidates[len(candidates) // 2],
        max_candidates=candidates[-1],
        by_distance={label: _percentiles(t) for label, t in sorted(by_label.items())},
    )
    return out


def _percentiles(timings: list[float]) -> dict:
    p = directory_search.percentiles(timings)
    return {"p50_ms": p["p50_ms"], "p95_ms": p["p95_ms"], "cases": p["queries"]}


# ---------------------------------------------------------------------------- processes


def child(args) -> None:
    """Runs in a subprocess with the database already chosen: generate, create cases, time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    facts = directory_search.generate(args.services, args.seed)
    generate_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    cases = make_cases(args.cases, args.seed, facts["districts"])
    cases_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    load_before = os.getloadavg()
    result = time_matching(cases)
    result.update(
        vendor=connection.vendor,
        generate_seconds=round(generate_seconds, 1),
        cases_seconds=round(cases_seconds, 1),
        load_average_before=[round(x, 2) for x in load_before],
        load_average_after=[round(x, 2) for x in os.getloadavg()],
    )
    json.dump(result, sys.stdout)


def spawn(args, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--services", str(args.services), "--cases",
           str(args.cases), "--seed", str(args.seed)]  # fmt: skip
    proc = subprocess.run(
        cmd, env=dict(env, **{CHILD_ENV: "1"}), cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--only-postgresql", action="store_true")
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        child(args)
        return

    data_dir = tempfile.mkdtemp(prefix="linkwell-bench-matching-")
    try:
        env = dict(os.environ, LINKWELL_DATA_DIR=data_dir)
        database_url = env.pop("DATABASE_URL", None)
        result: dict = {
            "services": args.services,
            "cases": args.cases,
            "python": sys.version.split()[0],
        }
        if not args.only_postgresql:
            result["sqlite"] = spawn(args, env)
        if (
            database_url
            and database_url.startswith(("postgres://", "postgresql://"))
            and not args.no_postgresql
        ):
            import psycopg

            admin, fresh, name = directory_search.postgres_admin(database_url)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                result["postgresql"] = spawn(args, dict(env, DATABASE_URL=fresh))
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        result["cpus"] = os.cpu_count()
        json.dump(result, sys.stdout, indent=2)
        print()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
