"""Indexes for the distance search: the places in a box, their services, the public filter.

A search within a distance lists the located places in the bounding box, measures each once,
then finds their services and checks each service against the public filter (see
`directory.selectors._nearby_sql`). Profiled on 100,000 services (a 16 km box in central
London: 3,500 places, 10,000 services), each step read table rows only to find one column;
these covering indexes let all three steps read an index alone:

- places: (latitude, longitude, id) — the box is a range on latitude filtered on longitude;
- services at a place: (location_id, service_id);
- the public filter by service id: (id, approval_status, deleted_at, status,
  last_verified_at).

And for the filters checked on those candidates or listed: the services tagged with a
need's terms, (taxonomy_term_id, link_entity, link_id) — the existing (taxonomy_term_id,
link_entity) index made SQLite read the table row of every tagged service to find its id
(20,000 rows for "physical activity"); a service's schedules, (service_id, byday, opens_at,
closes_at), and cost options, (service_id, amount), so the day/time and "free only" checks
read no table rows (a day and "free only" over 5,500 candidates: 41 → 28 ms).

An R*Tree (SQLite) and a GiST index on point(longitude, latitude) (PostgreSQL) were measured
for the box and left out: England is narrow, so the latitude strip of a 16 km box holds
only about twice the places in the box and the B-tree reads it as fast as the R*Tree
(≈5 ms); the R*Tree also needs the exact coordinates read back from the table (its 32-bit
boxes are rounded outwards), which made it three times slower, and triggers on every write.
PostgreSQL estimates `point <@ box` with a fixed selectivity (a few rows), which led the
planner into nested loops that took 30 s for one search. Figures in docs/performance.md.
"""

from django.db import migrations

PLACES = "directory_location_box"
SERVICES_AT = "directory_serviceatlocation_location_service"
PUBLIC_BY_ID = "directory_service_id_public"
TAGGED = "directory_attribute_term_link"
SCHEDULES = "directory_schedule_service_times"
COSTS = "directory_costoption_service_amount"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    places = "(latitude, longitude, id)"
    public = "(id, approval_status, deleted_at, status, last_verified_at)"
    if vendor == "postgresql":
        places = "(latitude, longitude) INCLUDE (id)"
        public = "(id) INCLUDE (approval_status, deleted_at, status, last_verified_at)"
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {PLACES} ON directory_location {places}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SERVICES_AT} "
        "ON directory_serviceatlocation (location_id, service_id)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_BY_ID} ON directory_service {public}"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TAGGED} "
        "ON directory_attribute (taxonomy_term_id, link_entity, link_id)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SCHEDULES} "
        "ON directory_schedule (service_id, byday, opens_at, closes_at)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {COSTS} ON directory_costoption (service_id, amount)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        for name in (PLACES, SERVICES_AT, PUBLIC_BY_ID, TAGGED, SCHEDULES, COSTS):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_matching_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
