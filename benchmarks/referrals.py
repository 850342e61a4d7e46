"""Time the busiest referral pages, API calls and services against the demo data set.

Prints one JSON document. Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="linkwell-bench-")
    os.environ.setdefault("LINKWELL_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    os.environ["LINKWELL_ANON_RATE"] = "100000/minute"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo_seconds = time.perf_counter() - started

    from linkwell.accounts.models import User
    from linkwell.accounts.services import api_token_create
    from linkwell.people.services import PersonDetails
    from linkwell.referrals.models import Referral, Source
    from linkwell.referrals.services import ReferralDetails, referral_submit

    link_worker = User.objects.get(email="linkworker@example.org")
    referrer = User.objects.get(email="referrer@example.org")
    token = api_token_create(user=link_worker, name="bench")
    one = Referral.objects.filter(service__memberships__user=link_worker).first()

    def measure(name, fn):
        timings, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = fn()
                timings.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
            if response is not None and getattr(response, "status_code", 200) >= 400:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
        timings.sort()
        return {
            "name": name,
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "queries": queries,
        }

    web = Client()
    web.force_login(link_worker)
    gp = Client()
    gp.force_login(referrer)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    counter = iter(range(10**9))

    def submit():
        n = next(counter)
        referral_submit(
            actor=referrer,
            source=Source.PROFESSIONAL,
            details=ReferralDetails(needs=["loneliness"], reason="bench", consent_confirmed=True),
            person_details=PersonDetails(given_name=f"Bench{n}", postcode="SR1 1AA"),
            referrer_organisation=referrer.memberships.first().organisation,
        )

    results = [
        measure("page: link worker inbox", lambda: web.get("/referrals/inbox/")),
        measure("page: link worker referral list", lambda: web.get("/referrals/")),
        measure("page: referral detail", lambda: web.get(f"/referrals/{one.pk}/")),
        measure("page: referrer's referral list", lambda: gp.get("/referrals/")),
        measure("api: GET /api/v1/referrals", lambda: api.get("/api/v1/referrals")),
        measure("api: GET /api/v1/referrals/{id}", lambda: api.get(f"/api/v1/referrals/{one.pk}")),
        measure("service: referral_submit (new person)", submit),
    ]
    json.dump(
        {
            "benchmark": "referrals",
            "database": connection.vendor,
            "repeat": args.repeat,
            "demo_load_seconds": round(demo_seconds, 2),
            "referrals": Referral.objects.count(),
            "python": sys.version.split()[0],
            "results": results,
        },
        sys.stdout,
        indent=2,
    )
    print()


if __name__ == "__main__":
    main()
