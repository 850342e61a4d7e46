"""Time matching for one case (`casework.matching_selectors.matches_for`) over a big directory.

Generates N services (default 100,000) with the directory search benchmark's generator
(`directory_search.generate`: services spread over the postcode districts of England), then
creates people and cases through the real services (`referral_submit`, `referral_transition`):
varied needs, languages (some needing an interpreter), sexes, ages, postcodes across the
generated districts, access needs, and the preferences a link worker sets on the matches page
(distance, free only, days and times the person is free). It then times
`matches_for(case, preferences)` once per case and reports the 50th and 95th percentile in
milliseconds, overall and by the distance asked for.

Each match is timed on the wall clock and on the CPU: the Python process's CPU time
(`time.process_time`) plus, on PostgreSQL, the server backend's time on a CPU (the first field
of `/proc/<pid>/schedstat`, read before and after each match; the server must run on this
machine for that, otherwise the figure is null). On a shared machine the wall clock is mostly
queueing; the CPU time is what the match itself costs.

SQLite always runs (a throw-away database in a temporary folder). When DATABASE_URL names a
PostgreSQL server, the same data is also generated in a fresh database created on that server
and dropped afterwards. `--data-dir DIR` keeps both instead (SQLite in DIR, PostgreSQL in a
database named after DIR) with the cases made, and reuses them on the next run.

The matching places (`directory.match_places`, migration 0008) are filled by the migration
for kept data made before them and by `search.reindex_all` for new data; `--time-refresh`
also times one rebuild of them (what an import of 20,000 services or more costs).

`--verify` also runs the previous implementation (`matching_selectors.py` as of
`--reference-revision`, read from git) on every case and compares the ranked services (ids,
order, totals); `--time-reference` times that implementation instead of the current one.
Prints exactly one JSON object, with the machine's load average. Not a test: nothing here
passes or fails.

    .venv/bin/python benchmarks/matching.py
    .venv/bin/python benchmarks/matching.py --services 2000 --cases 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/matching.py
    .venv/bin/python benchmarks/matching.py --data-dir /tmp/bench-matching --verify
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.util
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
# The implementation before the matching performance work (issue 3): what --verify compares with.
REFERENCE_REVISION = "20996ca8ede7ed18d6d777e895ee9b3999251ba0"
REFERENCE_PATH = "src/linkwell/casework/matching_selectors.py"


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


def reference_module(revision: str = REFERENCE_REVISION):
    """`matching_selectors` as it was at `revision` (read from git), loaded inside the
    `linkwell.casework` package so its relative imports resolve."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{REFERENCE_PATH}"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    name = f"linkwell.casework._matching_reference_{revision[:12]}"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = "linkwell.casework"
    sys.modules[name] = module
    exec(compile(source, f"{revision[:12]}:{REFERENCE_PATH}", "exec"), module.__dict__)  # noqa: S102
    return module


def _ranking(found) -> list[tuple[str, float]]:
    return [(str(m.profile.id), round(m.score.total, 9)) for m in found]


class BackendClock:
    """On-CPU nanoseconds of this connection's PostgreSQL backend (None elsewhere)."""

    def __init__(self, connection):
        self.path = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
            if path.exists():
                self.path = path

    def read(self) -> int | None:
        if self.path is None:
            return None
        return int(self.path.read_text().split()[0])


def time_matching(cases, *, verify: bool = False, reference: bool = False) -> dict:
    """Time `matches_for` for each case (the case row itself read beforehand, as the view
    reads it through `case_get_for`): wall and CPU time. Returns overall and per-distance
    percentiles; with `verify`, how many cases rank the same services (ids, order, totals)
    as the previous implementation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linkwell.casework import matching_selectors
    from linkwell.casework.models import Case

    timed = reference_module() if reference else matching_selectors
    loaded = [
        (Case.objects.select_related("person", "referral").get(pk=pk), prefs, label)
        for pk, prefs, label in cases
    ]
    for case, prefs, _label in loaded[:3]:  # warm caches (postcode files, statement cache)
        timed.matches_for(case, prefs)
    clock = BackendClock(connection)
    wall, cpu, by_label, results, queries, rankings = [], [], defaultdict(dict), [], 0, []
    for case, prefs, label in loaded:
        with CaptureQueriesContext(connection) as ctx:
            backend0 = clock.read()
            cpu0 = time.process_time()
            t0 = time.perf_counter()
            found = timed.matches_for(case, prefs)
            ms = (time.perf_counter() - t0) * 1000
            cpu_ms = (time.process_time() - cpu0) * 1000
            backend1 = clock.read()
        if backend0 is not None:
            cpu_ms += (backend1 - backend0) / 1e6
        queries = max(queries, len(ctx.captured_queries))
        wall.append(ms)
        cpu.append(cpu_ms)
        by_label[label].setdefault("wall", []).append(ms)
        by_label[label].setdefault("cpu", []).append(cpu_ms)
        results.append(len(found))
        rankings.append(_ranking(found))
    out = _percentiles(wall)
    out.update(
        cpu=_percentiles(cpu),
        cpu_includes_postgresql_backend=clock.path is not None,
        implementation=f"reference {REFERENCE_REVISION[:12]}" if reference else "current",
        max_queries=queries,
        median_results=sorted(results)[len(results) // 2],
        cases_without_results=sum(1 for r in results if r == 0),
        by_distance={
            label: dict(_percentiles(t["wall"]), cpu=_percentiles(t["cpu"]))
            for label, t in sorted(by_label.items())
        },
    )
    if not reference:  # how many candidates there were and how many were scored (untimed)
        counts = sorted(_counts(case, prefs) for case, prefs, _label in loaded)
        out.update(
            median_candidates=counts[len(counts) // 2][0],
            max_candidates=max(c for c, _s in counts),
            median_scored=sorted(s for _c, s in counts)[len(counts) // 2],
            max_scored=max(s for _c, s in counts),
        )
    if verify:
        out["verify"] = _verify(loaded, rankings, reference=not reference)
    return out


def time_rebuild() -> dict:
    """Rebuild the matching places (`directory.match_places.refresh_all`, what an import of
    20,000 services or more costs at the end) once, timed on the wall clock and the CPU (this
    process plus the PostgreSQL backend), with the load average."""
    from django.db import connection, transaction

    from linkwell.directory import match_places

    clock = BackendClock(connection)
    backend0, cpu0, t0 = clock.read(), time.process_time(), time.perf_counter()
    with transaction.atomic():
        match_places.refresh_all()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    backend1 = clock.read()
    if backend0 is not None:
        cpu += (backend1 - backend0) / 1e9
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {match_places.TABLE}")  # noqa: S608
        rows = cursor.fetchone()[0]
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "rows": rows,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _counts(case, prefs) -> tuple[int, int]:
    from linkwell.casework import matching_selectors

    stats: dict = {}
    matching_selectors.matches_for(case, prefs, stats=stats)
    return stats["candidates"], stats["scored"]


def _verify(loaded, rankings, *, reference: bool) -> dict:
    """Rank every case with the other implementation and compare (untimed)."""
    from linkwell.casework import matching_selectors

    other = reference_module() if reference else matching_selectors
    by_label: dict = defaultdict(lambda: {"cases": 0, "identical": 0})
    differing = []
    for (case, prefs, label), ranking in zip(loaded, rankings, strict=True):
        theirs = _ranking(other.matches_for(case, prefs))
        by_label[label]["cases"] += 1
        if theirs == ranking:
            by_label[label]["identical"] += 1
        else:
            ours_ids, their_ids = [i for i, _t in ranking], [i for i, _t in theirs]
            differing.append(
                {
                    "case": str(case.pk),
                    "distance": label,
                    "same_ids_in_order": ours_ids == their_ids,
                    "shared_ids": len(set(ours_ids) & set(their_ids)),
                    "results": [len(ranking), len(theirs)],
                }
            )
    return {
        "against": REFERENCE_REVISION[:12],
        "cases": len(loaded),
        "identical": sum(v["identical"] for v in by_label.values()),
        "by_distance": dict(sorted(by_label.items())),
        "differing": differing[:20],
    }


def _percentiles(timings: list[float]) -> dict:
    p = directory_search.percentiles(timings)
    return {"p50_ms": p["p50_ms"], "p95_ms": p["p95_ms"], "cases": p["queries"]}


# ---------------------------------------------------------------------------- processes


def _save_cases(path: Path, cases) -> None:
    path.write_text(
        json.dumps(
            [
                [
                    str(pk),
                    {
                        "free_only": prefs.free_only,
                        "max_distance_km": prefs.max_distance_km,
                        "availability": sorted(prefs.availability),
                        "language": prefs.language,
                    },
                    label,
                ]
                for pk, prefs, label in cases
            ]
        )
    )


def _load_cases(path: Path):
    from linkwell.casework import matching

    return [
        (
            pk,
            matching.Preferences(
                free_only=p["free_only"],
                max_distance_km=p["max_distance_km"],
                availability=frozenset(tuple(a) for a in p["availability"]),
                language=p["language"],
            ),
            label,
        )
        for pk, p, label in json.loads(path.read_text())
    ]


def child(args) -> None:
    """Runs in a subprocess with the database already chosen: generate (or reuse), create
    cases, time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from linkwell.directory.models import Service

    call_command("migrate", interactive=False, verbosity=0)
    cases_file = Path(args.data_dir, f"cases-{connection.vendor}.json") if args.data_dir else None
    generate_seconds = cases_seconds = 0.0
    reused = bool(cases_file and cases_file.exists() and Service.objects.exists())
    if reused:
        cases = _load_cases(cases_file)
    else:
        t0 = time.perf_counter()
        facts = directory_search.generate(args.services, args.seed)
        generate_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        cases = make_cases(args.cases, args.seed, facts["districts"])
        cases_seconds = time.perf_counter() - t0
        if cases_file:
            _save_cases(cases_file, cases)
    cases = cases[: args.cases]
    rebuild = time_rebuild() if args.time_refresh else None
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    load_before = os.getloadavg()
    result = time_matching(cases, verify=args.verify, reference=args.time_reference)
    if rebuild is not None:
        result["match_places_rebuild"] = rebuild
    result.update(
        vendor=connection.vendor,
        services_in_database=Service.objects.count(),
        reused_data=reused,
        generate_seconds=round(generate_seconds, 1),
        cases_seconds=round(cases_seconds, 1),
        load_average_before=[round(x, 2) for x in load_before],
        load_average_after=[round(x, 2) for x in os.getloadavg()],
    )
    json.dump(result, sys.stdout)


def spawn(args, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--services", str(args.services), "--cases",
           str(args.cases), "--seed", str(args.seed)]  # fmt: skip
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    if args.verify:
        cmd.append("--verify")
    if args.time_reference:
        cmd.append("--time-reference")
    if args.time_refresh:
        cmd.append("--time-refresh")
    proc = subprocess.run(
        cmd, env=dict(env, **{CHILD_ENV: "1"}), cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def kept_database_name(data_dir: str) -> str:
    """The PostgreSQL database kept for `--data-dir` (one per folder, so runs from different
    folders never share one)."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:10]
    return f"linkwell_bench_matching_{digest}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--only-postgresql", action="store_true")
    parser.add_argument(
        "--data-dir",
        help="keep the generated directory and cases (SQLite in this folder, PostgreSQL in a "
        "database named after it) and reuse them on the next run",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="compare every case's ranking with the previous implementation's (untimed)",
    )
    parser.add_argument(
        "--time-reference",
        action="store_true",
        help=f"time the previous implementation (git {REFERENCE_REVISION[:12]}) instead",
    )
    parser.add_argument(
        "--time-refresh",
        action="store_true",
        help="also time one rebuild of the matching places (directory.match_places)",
    )
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        child(args)
        return

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="linkwell-bench-matching-")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
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
            if args.data_dir:
                name = kept_database_name(args.data_dir)
                fresh = f"{fresh.rsplit('/', 1)[0]}/{name}"
            with psycopg.connect(admin, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{name}"')
            try:
                result["postgresql"] = spawn(args, dict(env, DATABASE_URL=fresh))
                result["postgresql"]["database"] = name if args.data_dir else None
            finally:
                if not args.data_dir:
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        result["cpus"] = os.cpu_count()
        json.dump(result, sys.stdout, indent=2)
        print()
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
