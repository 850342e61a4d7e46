"""Time the directory search (`directory.selectors.service_search`) on a generated directory.

Generates N services (default 100,000) with realistic community-activity text spread over the
postcode districts of England, builds the full-text index, then runs a fixed mix of typical
searches (text + need + distance + day + language, from a seeded RNG) and reports the 50th and
95th percentile in milliseconds. A "naive" baseline, measured in the same run on SQLite, loads
every published service and its related rows into Python for each search and filters and ranks
there.

SQLite always runs (a throw-away database in a temporary folder). When DATABASE_URL names a
PostgreSQL server, the same directory is also generated in a fresh database created on that
server and dropped afterwards. Prints exactly one JSON object. Not a test: nothing here passes
or fails.

    .venv/bin/python benchmarks/directory_search.py
    .venv/bin/python benchmarks/directory_search.py --services 20000 --queries 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/directory_search.py
    .venv/bin/python benchmarks/directory_search.py --import-check   # + export/import timing
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD_ENV = "LINKWELL_BENCH_DIRECTORY_CHILD"
CHUNK = 5000

# Outward codes outside England (Scotland, Wales, Northern Ireland, Crown dependencies).
NOT_ENGLAND = {
    "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD",
    "ZE", "CF", "LD", "LL", "NP", "SA", "BT", "GY", "JE", "IM",
}  # fmt: skip

ADJECTIVES = (
    "Friendly", "Community", "Neighbourhood", "Weekly", "Village", "Parish", "Riverside",
    "Hillside", "Park", "Library", "Sunrise", "Evening", "Morning", "Open", "Together",
)  # fmt: skip
EXTRA_SENTENCES = (
    "Everyone is welcome, whatever your background.",
    "Tea and biscuits provided.",
    "Run by local volunteers since {year}.",
    "Bring a friend or come on your own.",
    "No experience needed: we will show you everything.",
    "The room is on the ground floor with a ramp at the side door.",
    "We also organise trips in the summer.",
    "A quiet corner is available if you need a break.",
    "Free parking behind the hall.",
    "Buses stop outside the building.",
    "Please phone first if you have any questions about access.",
    "Materials and equipment are provided free.",
    "Carers and family members are welcome to come along too.",
    "We are a small, informal group and new faces are always welcome.",
)
LANGUAGES = (
    ("ar", "Arabic"), ("bn", "Bengali"), ("pl", "Polish"), ("ur", "Urdu"), ("pa", "Punjabi"),
    ("ro", "Romanian"), ("so", "Somali"), ("fa", "Farsi (Persian)"), ("ku", "Kurdish"),
    ("zh", "Chinese"), ("pt", "Portuguese"), ("gu", "Gujarati"), ("ti", "Tigrinya"),
    ("bfi", "British Sign Language"),
)  # fmt: skip
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SLOTS = (
    ("09:00", "10:30"), ("09:30", "11:30"), ("10:00", "12:00"), ("10:30", "12:00"),
    ("12:00", "13:30"), ("13:00", "15:00"), ("13:30", "15:30"), ("14:00", "16:00"),
    ("18:00", "20:00"), ("18:30", "20:30"), ("19:00", "21:00"),
)  # fmt: skip
CENTRE_NAMES = (
    "Community Centre", "Church Hall", "Community Hub", "Neighbourhood Centre", "Methodist Hall",
    "Library", "Youth and Community Centre", "Village Hall", "Scout Hut", "Leisure Centre",
)  # fmt: skip
STREETS = ("High", "Station", "Church", "Park", "Front", "Mill", "Victoria", "King", "Queen")
FEATURES = (
    "step_free", "accessible_toilet", "hearing_loop", "parking", "quiet_space", "bus_route",
    "large_print",
)  # fmt: skip
# The words people type: activity words, a few two-word phrases, some prefixes while typing.
QUERY_TEXTS = (
    "conversation", "english conversation", "coffee", "walk", "walking", "choir", "singing",
    "gardening", "garden", "knit", "art", "debt advice", "benefits", "food bank", "lunch",
    "carers", "memory cafe", "dementia", "bereavement", "football", "chair exercise", "yoga",
    "mindfulness", "women", "men's", "youth", "toddler", "cooking", "digital", "job club",
    "convers", "garde", "reading group", "volunteering", "recovery", "veterans", "Bengali",
    "Polish", "sewing", "woodwork",
)  # fmt: skip
WITHIN_KM = (2, 3, 5, 8, 10, 16)


# ---------------------------------------------------------------------------- generation


def england_districts():
    from linkwell.lib.postcode import _read_gzip_csv

    out = []
    for row in _read_gzip_csv("postcode_districts.csv.gz"):
        if not row["lat"] or not row["long"]:
            continue
        area = re.match(r"[A-Z]+", row["district"]).group(0)
        if area in NOT_ENGLAND:
            continue
        town = (row["town"] or "").split(",")[0].strip() or row["district"]
        out.append((row["district"], float(row["lat"]), float(row["long"]), town))
    return out


def generate(n: int, seed: int) -> dict:
    """Bulk-create the directory; returns facts the query mix needs."""
    from django.db import transaction
    from django.utils import timezone

    from linkwell.directory import search
    from linkwell.directory.demo import ACTIVITIES
    from linkwell.directory.models import (
        Accessibility,
        AccessibilityFeature,
        Address,
        ApprovalStatus,
        Attribute,
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
    )
    from linkwell.directory.vocabulary import taxonomy_term_uuid

    rng = random.Random(seed)
    now = timezone.now()
    districts = england_districts()
    activities = list(ACTIVITIES.values())
    features = {f.code: f.pk for f in AccessibilityFeature.objects.all()}
    groups = {g.code: g.pk for g in TargetGroup.objects.all()}
    group_codes = list(groups)
    term_codes = sorted({t for a in activities for t in a.terms})
    through = Service.target_groups.through

    n_orgs = max(1, n // 5)
    n_locations = max(1, n // 3)
    orgs, org_home = [], []
    for i in range(n_orgs):
        district, _lat, _long, town = rng.choice(districts)
        kind = rng.choice(("Community Association", "Trust", "Network", "Project", "Group",
                           "Residents' Association", "Wellbeing Collective", "Forum"))  # fmt: skip
        orgs.append(
            Organization(
                id=uuid.uuid4(),
                name=f"{town} {rng.choice(ADJECTIVES)} {kind} {i}",
                description=f"A community organisation in {town}.",
            )
        )
        org_home.append(district)
    locations, addresses, access = [], [], []
    for _i in range(n_locations):
        district, lat, long, town = rng.choice(districts)
        # Scatter around the district centre (about ±3 km).
        lat += rng.uniform(-0.027, 0.027)
        long += rng.uniform(-0.045, 0.045)
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        loc = Location(
            id=uuid.uuid4(),
            name=f"{town} {rng.choice(CENTRE_NAMES)}",
            latitude=round(lat, 6),
            longitude=round(long, 6),
            postcode=postcode,
        )
        locations.append(loc)
        addresses.append(
            Address(
                id=uuid.uuid4(),
                location_id=loc.id,
                address_1=f"{rng.randint(1, 200)} {rng.choice(STREETS)} Street",
                city=town,
                postal_code=postcode,
            )
        )
        for code in rng.sample(FEATURES, rng.randint(0, 3)):
            access.append(
                Accessibility(
                    id=uuid.uuid4(), location_id=loc.id, feature_id=features[code],
                    description=code.replace("_", " "),
                )
            )  # fmt: skip

    services, sals, schedules, langs, tgs, attrs, costs, phones = ([] for _ in range(8))
    for i in range(n):
        activity = rng.choice(activities)
        org_index = rng.randrange(n_orgs)
        loc = rng.choice(locations)
        town = loc.name.split(" ")[0]
        roll = rng.random()
        approval = ApprovalStatus.PUBLISHED if roll < 0.93 else ApprovalStatus.DRAFT
        status = ServiceStatus.ACTIVE if rng.random() < 0.95 else ServiceStatus.DEFUNCT
        verified_days = rng.choice((rng.randint(0, 150),) * 4 + (rng.randint(190, 540),))
        sentences = rng.sample(EXTRA_SENTENCES, 2)
        description = " ".join(
            [activity.description, *(s.format(year=rng.randint(1980, 2023)) for s in sentences)]
        )
        service = Service(
            id=uuid.uuid4(),
            organization_id=orgs[org_index].id,
            name=f"{rng.choice(ADJECTIVES)} {activity.name.lower()} – {town} {i}",
            description=description,
            status=status,
            approval_status=approval,
            application_process=activity.how or "Just turn up.",
            accepts_referrals=activity.referrals,
            minimum_age=activity.min_age,
            maximum_age=activity.max_age,
            places_per_session=rng.choice((8, 10, 12, 15, 20, None)),
            last_verified_at=now - datetime.timedelta(days=verified_days),
            deleted_at=now if rng.random() < 0.01 else None,
        )
        services.append(service)
        sal = None
        if not activity.online:
            sal = ServiceAtLocation(id=uuid.uuid4(), service_id=service.id, location_id=loc.id)
            sals.append(sal)
            if rng.random() < 0.1:  # a second venue
                other = rng.choice(locations)
                if other.id != loc.id:
                    sals.append(
                        ServiceAtLocation(
                            id=uuid.uuid4(), service_id=service.id, location_id=other.id
                        )
                    )
            for day in rng.sample(
                DAYS[:5] if rng.random() < 0.8 else DAYS, rng.choice((1, 1, 1, 2))
            ):
                opens, closes = rng.choice(activity.slots or SLOTS)
                schedules.append(
                    Schedule(
                        id=uuid.uuid4(), service_id=service.id, service_at_location_id=sal.id,
                        location_id=loc.id, freq="WEEKLY", interval=1, byday=day,
                        opens_at=datetime.time.fromisoformat(opens),
                        closes_at=datetime.time.fromisoformat(closes),
                    )
                )  # fmt: skip
        langs.append(Language(id=uuid.uuid4(), service_id=service.id, code="en", name="English"))
        if rng.random() < 0.3:
            for code, name in rng.sample(LANGUAGES, rng.choice((1, 1, 2))):
                note = rng.choice(("", f"A volunteer speaks {name}", f"{name} speaker most weeks"))
                langs.append(
                    Language(
                        id=uuid.uuid4(), service_id=service.id, code=code, name=name, note=note
                    )
                )
        wanted = set(activity.groups)
        if rng.random() < 0.15:
            wanted.add(rng.choice(group_codes))
        for code in sorted(wanted):
            tgs.append(through(service_id=service.id, targetgroup_id=groups[code]))
        terms = set(activity.terms)
        if rng.random() < 0.2:
            terms.add(rng.choice(term_codes))
        for code in sorted(terms):
            attrs.append(
                Attribute(id=uuid.uuid4(), link_id=service.id, link_entity="service",
                          taxonomy_term_id=taxonomy_term_uuid(code))
            )  # fmt: skip
        costs.append(
            CostOption(
                id=uuid.uuid4(), service_id=service.id,
                option="Free" if activity.cost is None else "Per session",
                amount=decimal.Decimal(activity.cost or "0"),
            )
        )  # fmt: skip
        phones.append(
            Phone(
                id=uuid.uuid4(),
                service_id=service.id,
                number=f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            )
        )

    rows = 0
    with transaction.atomic():
        for model, objs in (
            (Organization, orgs), (Location, locations), (Address, addresses),
            (Accessibility, access), (Service, services), (ServiceAtLocation, sals),
            (Schedule, schedules), (Language, langs), (through, tgs), (Attribute, attrs),
            (CostOption, costs), (Phone, phones),
        ):  # fmt: skip
            for start in range(0, len(objs), CHUNK):
                model.objects.bulk_create(objs[start : start + CHUNK])
            rows += len(objs)
    started = time.perf_counter()
    with transaction.atomic():
        search.reindex_all()
    return {"rows": rows, "index_seconds": time.perf_counter() - started, "districts": districts}


# ---------------------------------------------------------------------------- queries


def query_mix(count: int, seed: int, districts) -> list[dict]:
    """Typical searches: mostly text + distance, often with a need, a day or a language."""
    from linkwell.directory.demo import ACTIVITIES
    from linkwell.directory.vocabulary import TAXONOMY_TERMS

    need_codes = sorted({n for _c, _l, needs in TAXONOMY_TERMS for n in needs})
    del ACTIVITIES
    rng = random.Random(seed + 1)
    queries = []
    for _ in range(count):
        district = rng.choice(districts)[0]
        q: dict = {"near_postcode": f"{district} 1AA", "within_km": rng.choice(WITHIN_KM)}
        if rng.random() < 0.8:
            q["text"] = rng.choice(QUERY_TEXTS)
        if rng.random() < 0.4:
            q["needs"] = [rng.choice(need_codes)]
        if rng.random() < 0.5:
            q["day"] = rng.choice(DAYS)
        if rng.random() < 0.25:
            q["language"] = rng.choice(LANGUAGES)[0]
        if rng.random() < 0.1:
            q.pop("near_postcode")
            q.pop("within_km")
        if rng.random() < 0.1:
            q["free_only"] = True
        queries.append(q)
    return queries


def percentiles(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95 + 0.5) - 1)], 1),
        "queries": len(timings),
    }


def backend_cpu_ms():
    """A function returning the CPU time (ms) of this connection's PostgreSQL backend so far
    (the server runs on this machine: /proc/<pid>/schedstat), or 0 on SQLite, which runs in
    this process and is counted by time.thread_time()."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    if not stat.exists():
        return lambda: float("nan")
    return lambda: int(stat.read_text().split()[0]) / 1e6


def run_indexed(queries: list[dict]) -> tuple[dict, list]:
    """Each search timed by the wall clock and by CPU time (this thread's, plus the PostgreSQL
    backend's): on a shared machine the wall clock is mostly waiting for a core."""
    import gc

    from linkwell.directory import selectors

    for q in queries[:5]:  # warm caches (postcode files, statement cache)
        selectors.service_search(**q)
    # As a pre-forking web server does after start-up: collect once and freeze what start-up
    # made, so a full collection does not rescan Django's own objects in the middle of a
    # timed search (that cost 90-110 ms, three times in 200 searches).
    gc.collect()
    gc.freeze()
    backend = backend_cpu_ms()
    wall, cpu, results = [], [], []
    load_before = os.getloadavg()
    for q in queries:
        b0, c0, t0 = backend(), time.thread_time(), time.perf_counter()
        result = selectors.service_search(**q)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000 + backend() - b0)
        results.append((result.total, [s.pk for s, _d in result.items]))
    out = dict(percentiles(wall), cpu=percentiles(cpu))
    out["load_average"] = {"before": load_before, "after": os.getloadavg()}
    return out, results


def naive_search(q: dict) -> tuple[int, list]:
    """Load every published service and its related rows; filter and rank in Python."""
    from linkwell.directory import search, selectors
    from linkwell.directory.models import (
        Attribute,
        CostOption,
        Language,
        NeedTaxonomyTerm,
        Schedule,
        ServiceAtLocation,
    )
    from linkwell.geo.services import area_for_postcode
    from linkwell.lib.postcode import distance_km

    services = {
        pk: {"name": name, "text": " ".join(filter(None, [name, desc, elig, notes, org])),
             "langs": set(), "terms": set(), "days": set(), "places": [], "paid": False}
        for pk, name, desc, elig, notes, org in selectors.service_public_queryset()
        .exclude(status="defunct")
        .values_list("pk", "name", "description", "eligibility_description",
                     "culturally_specific_notes", "organization__name")
    }  # fmt: skip
    for sid, code, name, note in Language.objects.values_list("service_id", "code", "name", "note"):
        if sid in services:
            services[sid]["langs"].add(code)
            services[sid]["text"] += f" {name} {note}"
    for sid, term, term_name in Attribute.objects.values_list(
        "link_id", "taxonomy_term_id", "taxonomy_term__name"
    ):
        if sid in services:
            services[sid]["terms"].add(term)
            services[sid]["text"] += f" {term_name}"
    for sid, byday in Schedule.objects.values_list("service_id", "byday"):
        if sid in services:
            services[sid]["days"].add(byday)
    for sid, lat, long, loc_name in ServiceAtLocation.objects.values_list(
        "service_id", "location__latitude", "location__longitude", "location__name"
    ):
        if sid in services:
            services[sid]["places"].append((lat, long))
            services[sid]["text"] += f" {loc_name}"
    for sid, amount in CostOption.objects.values_list("service_id", "amount"):
        if sid in services and amount and amount > 0:
            services[sid]["paid"] = True

    words = [w.casefold() for w in search.words(q.get("text", ""))]
    need_terms = set(
        NeedTaxonomyTerm.objects.filter(need__code__in=q.get("needs", ())).values_list(
            "taxonomy_term_id", flat=True
        )
    )
    origin = None
    if q.get("near_postcode"):
        area = area_for_postcode(q["near_postcode"])
        origin = (area.lat, area.long)
    hits = []
    for sid, s in services.items():
        if q.get("needs") and not (s["terms"] & need_terms):
            continue
        if q.get("day") and not any(q["day"] in d for d in s["days"]):
            continue
        if q.get("language") and q["language"] not in s["langs"]:
            continue
        if q.get("free_only") and s["paid"]:
            continue
        score = 0
        if words:
            tokens = re.findall(r"\w+", s["text"].casefold())
            if not all(any(t.startswith(w) for t in tokens) for w in words):
                continue
            score = sum(t.startswith(w) for t in tokens for w in words)
        distance = None
        if origin:
            ds = [distance_km(*origin, lat, long) for lat, long in s["places"] if lat is not None]
            distance = min(ds) if ds else None
            if q.get("within_km") and (distance is None or distance > q["within_km"]):
                continue
        hits.append((distance if distance is not None else float("inf"), -score, s["name"], sid))
    hits.sort()
    return len(hits), [h[3] for h in hits[:20]]


def run_naive(queries: list[dict]) -> dict:
    wall, cpu = [], []
    for q in queries:
        c0, t0 = time.thread_time(), time.perf_counter()
        naive_search(q)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return dict(percentiles(wall), cpu=percentiles(cpu))


# ---------------------------------------------------------------------------- processes


def child(args) -> None:
    """Runs in a subprocess with the database already chosen: generate, index, measure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    os.environ["LINKWELL_ANON_RATE"] = "100000/minute"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from linkwell.directory.models import Service

    t0 = time.perf_counter()
    reuse = args.data_dir or args.pg_database  # a kept database (profiling, iterations)
    if reuse and Service.objects.exists():
        facts = {"rows": None, "index_seconds": 0.0, "districts": england_districts()}
    else:
        facts = generate(args.services, args.seed)
    generate_seconds = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    queries = query_mix(args.queries, args.seed, facts["districts"])
    indexed, results = run_indexed(queries)
    found = [[total, [str(i) for i in ids]] for total, ids in results]
    if args.save_results:
        Path(args.save_results).write_text(json.dumps(found))
    if args.verify:
        expected = json.loads(Path(args.verify).read_text())
        differ = [i for i, (old, new) in enumerate(zip(expected, found, strict=True)) if old != new]
        indexed["verify"] = {"searches": len(found), "same": len(found) - len(differ)}
        if differ:
            indexed["verify"]["differ"] = [{"query": queries[i], "expected": expected[i],
                                            "found": found[i]} for i in differ[:5]]  # fmt: skip
    # Not part of the issue's mix: the first searches from a postcode again with "any
    # distance" (the public form's default), nearest first over the whole directory.
    anywhere = [
        {k: v for k, v in q.items() if k != "within_km"} for q in queries if q.get("near_postcode")
    ][: args.any_distance]
    if anywhere:
        indexed["any_distance"], _found = run_indexed(anywhere)
    out = {
        "vendor": connection.vendor,
        "generate_seconds": round(generate_seconds, 1),
        "index_seconds": round(facts["index_seconds"], 1),
        "rows": facts["rows"],
        "indexed": indexed,
    }
    if args.naive_queries:
        out["naive"] = run_naive(queries[: args.naive_queries])
    if args.import_check:
        out["import"] = import_check(args)
    json.dump(out, sys.stdout)


def import_check(args) -> dict:
    """Export the published directory as HSDS JSON, then time `linkwell import-oruk` of that
    file into an empty database (same engine as this run: SQLite only)."""
    from linkwell.directory.oruk_io import export_to

    work = Path(tempfile.mkdtemp(prefix="linkwell-bench-import-"))
    try:
        path = work / "directory.json"
        t0 = time.perf_counter()
        count = export_to(path)
        export_seconds = time.perf_counter() - t0
        env = dict(os.environ, LINKWELL_DATA_DIR=str(work / "data"))
        env.pop("DATABASE_URL", None)
        linkwell = str(ROOT / ".venv" / "bin" / "linkwell")
        subprocess.run([linkwell, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        t0 = time.perf_counter()
        subprocess.run(
            [linkwell, "import-oruk", str(path)],
            env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        return {
            "services": count,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "export_seconds": round(export_seconds, 1),
            "import_seconds": round(time.perf_counter() - t0, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def spawn(args, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--services", str(args.services), "--queries",
           str(args.queries), "--seed", str(args.seed), "--naive-queries"]  # fmt: skip
    if args.data_dir and env.get("DATABASE_URL") is None:
        cmd += ["--data-dir", args.data_dir]
    if args.pg_database and env.get("DATABASE_URL"):
        cmd += ["--pg-database", args.pg_database]
    cmd.insert(
        cmd.index("--naive-queries") + 1,
        str(args.naive_queries if env.get("DATABASE_URL") is None else 0),
    )
    if args.import_check and env.get("DATABASE_URL") is None:
        cmd.append("--import-check")
    if args.save_results:
        cmd += ["--save-results", args.save_results]
    cmd += ["--any-distance", str(args.any_distance)]
    if args.verify:
        cmd += ["--verify", args.verify]
    proc = subprocess.run(
        cmd, env=dict(env, **{CHILD_ENV: "1"}), cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def postgres_admin(url: str, keep: str | None = None):
    """(admin URL of the server's `postgres` database, URL of the benchmark's database, its
    name): `keep` (kept and reused between runs) or a fresh name (dropped afterwards)."""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    name = keep or f"linkwell_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    return f"{base}/postgres", f"{base}/{name}", name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--import-check", action="store_true")
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--only-postgresql", action="store_true")
    parser.add_argument(
        "--data-dir",
        help="keep the SQLite database in this folder and reuse it on the next run "
        "(for profiling; the default is a throw-away folder)",
    )
    parser.add_argument(
        "--pg-database",
        help="keep the PostgreSQL database under this name and reuse it on the next run",
    )
    parser.add_argument(
        "--any-distance",
        type=int,
        default=20,
        help="also time this many searches of the mix from a postcode with no distance limit",
    )
    parser.add_argument("--save-results", help="write each search's total and page ids (JSON)")
    parser.add_argument(
        "--verify",
        help="compare each search's total and page ids with a --save-results file of an "
        "earlier run on the same database (the result says how many are the same)",
    )
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        child(args)
        return

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="linkwell-bench-directory-")
    try:
        env = dict(os.environ, LINKWELL_DATA_DIR=data_dir)
        database_url = env.pop("DATABASE_URL", None)
        result: dict = {"services": args.services}
        sqlite = {} if args.only_postgresql else spawn(args, env)
        if sqlite:
            result["sqlite"] = sqlite["indexed"]
            result["naive"] = sqlite.get("naive")
        if sqlite.get("naive"):
            naive, indexed = sqlite["naive"], sqlite["indexed"]
            result["speedup_sqlite_p95"] = {
                "wall": round(naive["p95_ms"] / max(indexed["p95_ms"], 0.001), 1),
                "cpu": round(naive["cpu"]["p95_ms"] / max(indexed["cpu"]["p95_ms"], 0.001), 1),
            }
        if sqlite:
            result["sqlite"]["index_seconds"] = sqlite["index_seconds"]
            result["generate_seconds"] = sqlite["generate_seconds"]
            result["rows"] = sqlite["rows"]
        if "import" in sqlite:
            result["import_check"] = sqlite["import"]
        if (
            database_url
            and database_url.startswith(("postgres://", "postgresql://"))
            and not args.no_postgresql
        ):
            import psycopg

            admin, fresh, name = postgres_admin(database_url, args.pg_database)
            with psycopg.connect(admin, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{name}"')
            try:
                pg = spawn(args, dict(env, DATABASE_URL=fresh))
            finally:
                if not args.pg_database:
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            result["postgresql"] = dict(
                pg["indexed"],
                generate_seconds=pg["generate_seconds"],
                index_seconds=pg["index_seconds"],
            )
        json.dump(result, sys.stdout, indent=2)
        print()
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
