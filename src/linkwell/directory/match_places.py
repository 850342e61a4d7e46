"""Matching places: a derived table of every located place of every service with the facts
matching filters candidates on beside the coordinates, so the services near a person that
could fit are found by reading one index (`casework.matching_selectors`).

One row per service and located place (`directory_matchplace`): service id, location id,
latitude, longitude, `need_bits` (bit n set when one of the service's taxonomy terms answers
the need with id n, through NeedTaxonomyTerm), the service's minimum and maximum age, and
`paid` (a cost option with an amount above 0). A covering index on the coordinates and those
columns lets the candidate query check every place in a box without looking anything up;
only the places that pass meet the service row, for what changes without a listing being
saved (approval, deletion, status, last checked: never copied here).

Kept in step by `refresh(service_ids)`, which `search.index_services` calls after indexing
the text: every service-layer write of a listing (`services._apply`) and the importer end
there, and `reindex_all` refreshes every service. A refresh also refreshes the other
services at the same places (a place's coordinates belong to every service there). The
table is plain SQL (like the FTS5 table), made and filled by migration 0008; `refresh_all`
rebuilds it (after a change to the needs' taxonomy terms, which only migrations make).

Needs with an id above `MAX_NEED_ID` have no bit: matching then filters by needs the
earlier way (`matching_selectors._filter_sql`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from django.db import connection

TABLE = "directory_matchplace"
BOX_INDEX = "directory_matchplace_box"
MAX_NEED_ID = 62
BATCH = 5000
# From this many services a refresh rebuilds the whole table (an import).
REBUILD_FROM = 20000


# The columns after the coordinates, as the candidate query reads them.
FACTS = (
    "virtual",  # this place is online (location type virtual)
    "need_bits",
    "minimum_age",
    "maximum_age",
    "paid",
    "online",  # the service has an online place
    "languages",  # ",code,code," of the service and of all its places ("": none listed)
    "interpretation",  # interpretation_services is not empty
    "accepts_referrals",
    "has_places",  # places_per_session given (not 0)
    "groups",  # bits of GROUP_BITS: the target groups that can leave a service out
    "access",  # bits of ACCESS_BITS: the venue features of all its places matching weighs
)
# What the candidate query filters on (in the box index with the coordinates).
FILTERED = ("need_bits", "minimum_age", "maximum_age", "paid", "virtual")
GROUP_BITS = {"women_only": 1, "men_only": 2, "over_55s": 4, "young_people": 8}
ACCESS_BITS = {"hearing_loop": 1, "bsl": 2, "large_print": 4}


def create_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "service_id char(32) NOT NULL, location_id char(32) NOT NULL, "
            "latitude real NOT NULL, longitude real NOT NULL, virtual bool NOT NULL, "
            "need_bits integer NOT NULL, minimum_age integer NULL, maximum_age integer NULL, "
            "paid bool NOT NULL, online bool NOT NULL, languages text NOT NULL, "
            "interpretation bool NOT NULL, accepts_referrals bool NOT NULL, "
            "has_places bool NOT NULL, groups integer NOT NULL, access integer NOT NULL, "
            "PRIMARY KEY (service_id, location_id)) WITHOUT ROWID",
            # Covers the candidate query (the primary key, service_id, rides along); the
            # other facts are read by primary key for the nearest candidates only.
            f"CREATE INDEX IF NOT EXISTS {BOX_INDEX} ON {TABLE} "
            f"(latitude, longitude, {', '.join(FILTERED)})",
        ]
    if vendor == "postgresql":
        return [
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "service_id uuid NOT NULL, location_id uuid NOT NULL, "
            "latitude double precision NOT NULL, longitude double precision NOT NULL, "
            "virtual boolean NOT NULL, need_bits bigint NOT NULL, minimum_age integer NULL, "
            "maximum_age integer NULL, paid boolean NOT NULL, online boolean NOT NULL, "
            "languages text NOT NULL, interpretation boolean NOT NULL, "
            "accepts_referrals boolean NOT NULL, has_places boolean NOT NULL, "
            "groups integer NOT NULL, access integer NOT NULL, "
            "PRIMARY KEY (service_id, location_id))",
            f"CREATE INDEX IF NOT EXISTS {BOX_INDEX} ON {TABLE} (latitude, longitude) "
            f"INCLUDE ({', '.join(FILTERED)}, service_id)",
        ]
    return []


def available() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def _db_ids(ids: Iterable) -> list:
    out = []
    for value in ids:
        u = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        out.append(u.hex if connection.vendor == "sqlite" else u)
    return out


def _ids_table(ids: list) -> tuple[str, list]:
    if connection.vendor == "sqlite":
        return "json_each(%s) AS c", [json.dumps(ids)]
    return "unnest(%s::uuid[]) AS c(value)", [ids]


def refresh(service_ids: Iterable) -> None:
    """Rewrite the rows of these services and of the other services at their places, in a
    fixed number of statements per batch of `BATCH` services; from `REBUILD_FROM` services
    (an import) the whole table is rebuilt instead, which is cheaper than finding and
    replacing most of its rows."""
    if not available():
        return
    ids = set(_db_ids(service_ids))
    if not ids:
        return
    if len(ids) >= REBUILD_FROM:
        refresh_all()
        return
    with connection.cursor() as cursor:
        # The other services at the same places (a place's coordinates are every service's).
        others: set = set()
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH):
            table, params = _ids_table(ordered[start : start + BATCH])
            cursor.execute(
                f"SELECT DISTINCT other.service_id FROM {table} "  # noqa: S608
                "JOIN directory_serviceatlocation sal ON sal.service_id = c.value "
                "JOIN directory_serviceatlocation other ON other.location_id = sal.location_id",
                params,
            )
            others.update(row[0] for row in cursor.fetchall())
        ordered = sorted(ids | others)
        for start in range(0, len(ordered), BATCH):
            table, params = _ids_table(ordered[start : start + BATCH])
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE service_id IN (SELECT c.value FROM {table})",  # noqa: S608
                params,
            )
            cursor.execute(
                _insert_sql(f"{table} JOIN directory_service s ON s.id = c.value"), params
            )


def refresh_all() -> None:
    """Rebuild the whole table (two statements)."""
    if not available():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        # In key order: 20% faster than in the order of the join on SQLite. PostgreSQL:
        # one aggregate per fact (a lookup per row: 2.3–3.2 s at 100,000 services; SQLite
        # has no index on the aggregates to join and took minutes).
        grouped = connection.vendor == "postgresql"
        cursor.execute(
            _insert_sql("directory_service s", grouped=grouped) + " ORDER BY s.id, l.id", []
        )


def _insert_sql(services: str, *, grouped: bool = False) -> str:
    """INSERT … SELECT of the rows of the services in the FROM item `services` (alias s).

    `grouped`: each fact from one aggregate over its whole table, joined by service id (for
    every service: a rebuild), instead of a lookup per service and place (for a few)."""
    sqlite = connection.vendor == "sqlite"
    bit = "(1 << nt.need_id)" if sqlite else "(1::bigint << nt.need_id::integer)"
    total = f"SUM(DISTINCT {bit})" + ("" if sqlite else "::bigint")
    need_bits = (
        f"COALESCE((SELECT {total} FROM directory_attribute a "  # noqa: S608
        "JOIN directory_needtaxonomyterm nt ON nt.taxonomy_term_id = a.taxonomy_term_id "
        f"WHERE a.link_entity = 'service' AND a.link_id = s.id AND nt.need_id <= {MAX_NEED_ID}"
        "), 0)"
    )
    paid = (
        "EXISTS (SELECT 1 FROM directory_costoption co WHERE co.service_id = s.id "
        "AND co.amount > 0)"
    )
    online = (
        "EXISTS (SELECT 1 FROM directory_serviceatlocation sv "
        "JOIN directory_location lv ON lv.id = sv.location_id "
        "WHERE sv.service_id = s.id AND lv.location_type = 'virtual')"
    )
    codes = (
        "SELECT lg.code FROM directory_language lg WHERE lg.service_id = s.id UNION ALL "
        "SELECT lp.code FROM directory_serviceatlocation sp "
        "JOIN directory_language lp ON lp.location_id = sp.location_id "
        "WHERE sp.service_id = s.id AND lp.location_id IS NOT NULL"
    )
    joined = "group_concat(x.code, ',')" if sqlite else "string_agg(x.code, ',')"
    languages = f"COALESCE((SELECT ',' || {joined} || ',' FROM ({codes}) AS x), '')"  # noqa: S608
    as_int = "" if sqlite else "::integer"

    def bits(column: str, values: dict) -> str:
        cases = " ".join(f"WHEN '{code}' THEN {bit}" for code, bit in values.items())
        return f"SUM(DISTINCT CASE {column} {cases} ELSE 0 END){as_int}"

    groups = (
        f"COALESCE((SELECT {bits('t.code', GROUP_BITS)} "  # noqa: S608
        "FROM directory_service_target_groups tg "
        "JOIN directory_targetgroup t ON t.id = tg.targetgroup_id WHERE tg.service_id = s.id), 0)"
    )
    access = (
        f"COALESCE((SELECT {bits('f.code', ACCESS_BITS)} "  # noqa: S608
        "FROM directory_serviceatlocation sa "
        "JOIN directory_accessibility ac ON ac.location_id = sa.location_id "
        "JOIN directory_accessibilityfeature f ON f.id = ac.feature_id "
        "WHERE sa.service_id = s.id), 0)"
    )
    joins = ""
    if grouped:
        joins = (
            f"LEFT JOIN (SELECT a.link_id AS id, {total} AS v FROM directory_attribute a "  # noqa: S608
            "JOIN directory_needtaxonomyterm nt ON nt.taxonomy_term_id = a.taxonomy_term_id "
            f"WHERE a.link_entity = 'service' AND nt.need_id <= {MAX_NEED_ID} "
            "GROUP BY a.link_id) nb ON nb.id = s.id "
            "LEFT JOIN (SELECT DISTINCT co.service_id AS id FROM directory_costoption co "
            "WHERE co.amount > 0) pd ON pd.id = s.id "
            "LEFT JOIN (SELECT DISTINCT sv.service_id AS id FROM directory_serviceatlocation sv "
            "JOIN directory_location lv ON lv.id = sv.location_id "
            "WHERE lv.location_type = 'virtual') ol ON ol.id = s.id "
            f"LEFT JOIN (SELECT x.id, {joined} AS v FROM (SELECT lg.service_id AS id, lg.code "
            "FROM directory_language lg WHERE lg.service_id IS NOT NULL UNION ALL "
            "SELECT sp.service_id, lp.code FROM directory_serviceatlocation sp "
            "JOIN directory_language lp ON lp.location_id = sp.location_id) AS x "
            "GROUP BY x.id) lc ON lc.id = s.id "
            f"LEFT JOIN (SELECT tg.service_id AS id, {bits('t.code', GROUP_BITS)} AS v "
            "FROM directory_service_target_groups tg "
            "JOIN directory_targetgroup t ON t.id = tg.targetgroup_id "
            "GROUP BY tg.service_id) gr ON gr.id = s.id "
            f"LEFT JOIN (SELECT sa.service_id AS id, {bits('f.code', ACCESS_BITS)} AS v "
            "FROM directory_serviceatlocation sa "
            "JOIN directory_accessibility ac ON ac.location_id = sa.location_id "
            "JOIN directory_accessibilityfeature f ON f.id = ac.feature_id "
            "GROUP BY sa.service_id) ax ON ax.id = s.id "
        )
        need_bits, paid, online = "COALESCE(nb.v, 0)", "pd.id IS NOT NULL", "ol.id IS NOT NULL"
        languages = "COALESCE(',' || lc.v || ',', '')"
        groups, access = "COALESCE(gr.v, 0)", "COALESCE(ax.v, 0)"
    return (
        f"INSERT INTO {TABLE} (service_id, location_id, latitude, longitude, "  # noqa: S608
        f"{', '.join(FACTS)}) "
        "SELECT s.id, l.id, l.latitude, l.longitude, l.location_type = 'virtual', "
        f"{need_bits}, s.minimum_age, s.maximum_age, {paid}, {online}, {languages}, "
        "s.interpretation_services <> '', s.accepts_referrals, "
        f"COALESCE(s.places_per_session, 0) <> 0, {groups}, {access} "
        f"FROM {services} "
        "JOIN directory_serviceatlocation sal ON sal.service_id = s.id "
        f"JOIN directory_location l ON l.id = sal.location_id {joins}"
        "WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
    )


def need_mask(need_ids: Iterable[int]) -> int | None:
    """The bits of these needs, or None when one has no bit (filter the earlier way)."""
    mask = 0
    for need_id in need_ids:
        if not 0 <= need_id <= MAX_NEED_ID:
            return None
        mask |= 1 << need_id
    return mask
