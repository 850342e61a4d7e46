"""The dashboard's facts packed by day and area, so that a request reads a few thousand rows.

`ReferralFact` and `OutcomeFact` hold one row per referral (and per referral and tracked
score). Grouping a year of them on every request cost seconds of database CPU at a million
referrals, most of it spent handling each row (docs/performance.md). Here they are copied,
at every refresh, into one row per local day and area (`ReferralBlock`; `OutcomeBlock` also
per tracked score) holding that day's facts as fixed-width binary records. A request reads
the blocks of its period (and area: the (area, day) index) in one query per table and
counts, sums and ranks the records with numpy (`reports.dashboard`): the same records, so
the same figures, exactly (medians are the same `percentile_cont` ranks of the same values;
means come from the same changes summed in another order).

Records (big-endian, the byte order of PostgreSQL's `int4send` / `float8send`):

- referral: day (days since 2000-01-01, local date the referral was made), group codes
  (`CODES`, 4 bits each, plus the connected / attended / goals-met flags), date of birth
  (days since 2000-01-01, `NO_DATE` when unknown: the age band depends on the period, so it
  is worked out per request), days to the first successful contact and to the first goal
  (NaN: not yet);
- outcome: group codes, date of birth, change.

No identifier is stored: a record is a referral's groups and waits, as in the facts tables.
On PostgreSQL the blocks are built with SQL (`string_agg` of the packed records); elsewhere
(SQLite, small databases) in Python with the same layout. A refresh rebuilds the blocks of
the days and areas whose facts it changed, and of any whose count no longer matches the
facts (a referral deleted since: its facts went with it).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict

import numpy as np
from django.db import connection
from django.utils import timezone

from .models import OutcomeBlock, OutcomeFact, ReferralBlock, ReferralFact

EPOCH = datetime.date(2000, 1, 1)
NO_DATE = -(2**31)
REFERRAL_ROW = np.dtype(
    [("day", ">i4"), ("codes", ">i4"), ("dob", ">i4"), ("contact", ">f8"), ("plan", ">f8")]
)
OUTCOME_ROW = np.dtype([("codes", ">i4"), ("dob", ">i4"), ("change", ">f8")])


def _codes() -> dict[str, tuple[str, ...]]:
    from .dashboard import DIMENSIONS, SOURCE_KINDS

    codes = {"kind": tuple(k for k, _label in SOURCE_KINDS)}
    for dim in DIMENSIONS:
        if dim.key != "age":  # from the date of birth, per request
            codes[dim.key] = tuple(c for c, _label in dim.groups)
    return codes


# A group's code is its position in these lists; a value not listed gets the list's length
# ("unlisted": counted in every total, shown in no row, as the live queries did).
CODES = _codes()
SHIFT = {"kind": 0, "imd": 4, "ethnic": 8, "language": 12, "sex": 16}
FLAGS = {"connected": 20, "attended": 21, "goals_met": 22}
COLUMN = {"kind": "source_kind", "imd": "imd", "ethnic": "ethnic", "language": "language",
          "sex": "sex"}  # fmt: skip
assert all(len(v) < 16 for v in CODES.values())
# Beyond this share of the blocks changed, an incremental refresh rebuilds them all.
REBUILD_ALL_SHARE = 0.6


def group_codes(codes: np.ndarray, key: str) -> np.ndarray:
    """Each record's group of one dimension (its position in `CODES[key]`), as int8."""
    return ((codes >> SHIFT[key]) & 15).astype(np.int8)


def flag(codes: np.ndarray, name: str) -> np.ndarray:
    return ((codes >> FLAGS[name]) & 1).astype(bool)


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _tz() -> str:
    return timezone.get_current_timezone_name()


def _pg_codes(keys: tuple[str, ...], alias: str) -> tuple[str, list]:
    parts, params = [], []
    for key in keys:
        listed = list(CODES[key])
        parts.append(
            f"((COALESCE(array_position(%s::text[], {alias}.{COLUMN[key]}::text), "
            f"{len(listed) + 1}) - 1) << {SHIFT[key]})"
        )
        params.append(listed)
    return " | ".join(parts), params


def _pg_keys_filter(alias: str, keys) -> tuple[str, list]:
    """WHERE clause keeping the facts of these (day, area) blocks: a hash semi-join on the
    local day and area, within the keys' date range (the date index when they are recent)."""
    if keys is None:
        return "", []
    days = [d for d, _a in keys]
    areas = [a for _d, a in keys]
    tz = _tz()
    return (
        f"WHERE {alias}.created_at >= (%s::timestamp AT TIME ZONE %s) "  # noqa: S608
        f"AND {alias}.created_at < (%s::timestamp AT TIME ZONE %s) "
        f"AND (({alias}.created_at AT TIME ZONE %s)::date, {alias}.area) IN "
        f"(SELECT * FROM unnest(%s::date[], %s::text[]))",
        [min(days), tz, max(days) + datetime.timedelta(days=1), tz, tz, days, areas],
    )


def _pg_build(cursor, keys) -> None:
    tz = _tz()
    day = "((f.created_at AT TIME ZONE %s)::date - DATE '2000-01-01')"
    codes, code_params = _pg_codes(tuple(SHIFT), "f")
    flags = " | ".join(f"(f.{name}::int << {shift})" for name, shift in FLAGS.items())
    dob = "COALESCE(f.date_of_birth - DATE '2000-01-01', '-2147483648'::int4)"
    join, join_params = _pg_keys_filter("f", keys)
    cursor.execute(
        f"INSERT INTO {ReferralBlock._meta.db_table} (day, area, n, rows) "  # noqa: S608
        f"SELECT DATE '2000-01-01' + d, area, count(*), string_agg(r, ''::bytea "
        f"ORDER BY referral_id) FROM (SELECT f.referral_id, f.area, {day} AS d, "
        f"int4send({day}) || int4send({codes} | {flags}) || int4send({dob}) "
        f"|| float8send(COALESCE(f.contact_days, 'NaN'::float8)) "
        f"|| float8send(COALESCE(f.plan_days, 'NaN'::float8)) AS r "
        f"FROM {ReferralFact._meta.db_table} f {join}) t GROUP BY d, area",
        [tz, tz, *code_params, *join_params],
    )
    codes, code_params = _pg_codes(("imd", "ethnic", "language", "sex"), "f")
    cursor.execute(
        f"INSERT INTO {OutcomeBlock._meta.db_table} "  # noqa: S608
        f"(day, area, instrument, measure, n, rows) "
        f"SELECT DATE '2000-01-01' + d, area, instrument, measure, count(*), "
        f"string_agg(r, ''::bytea ORDER BY fact_id) FROM (SELECT f.fact_id, f.area, "
        f"f.instrument, f.measure, {day} AS d, "
        f"int4send({codes}) || int4send({dob}) || float8send(f.change) AS r "
        f"FROM {OutcomeFact._meta.db_table} f {join}) t GROUP BY d, area, instrument, measure",
        [tz, *code_params, *join_params],
    )


def _code(key: str, value) -> int:
    listed = CODES[key]
    return listed.index(value) if value in listed else len(listed)


def _python_build(keys) -> None:
    tz = timezone.get_current_timezone()
    wanted = None if keys is None else set(keys)

    def local_day(at: datetime.datetime) -> datetime.date:
        return at.astimezone(tz).date()

    def dob_number(dob) -> int:
        return NO_DATE if dob is None else day_number(dob)

    referrals: dict = defaultdict(list)
    for row in ReferralFact.objects.order_by("referral_id").values_list(
        "created_at", "area", "source_kind", "imd", "ethnic", "language", "sex",
        "date_of_birth", "contact_days", "plan_days", "connected", "attended", "goals_met",
    ):  # fmt: skip
        created, area, kind, imd, ethnic, language, sex, dob, contact, plan, *flags = row
        day = local_day(created)
        if wanted is not None and (day, area) not in wanted:
            continue
        codes = 0
        for key, value in zip(SHIFT, (kind, imd, ethnic, language, sex), strict=True):
            codes |= _code(key, value) << SHIFT[key]
        for (_name, shift), on in zip(FLAGS.items(), flags, strict=True):
            codes |= int(bool(on)) << shift
        referrals[(day, area)].append(
            (
                day_number(day),
                codes,
                dob_number(dob),
                np.nan if contact is None else contact,
                np.nan if plan is None else plan,
            )
        )
    ReferralBlock.objects.bulk_create(
        ReferralBlock(
            day=day, area=area, n=len(rows), rows=np.array(rows, dtype=REFERRAL_ROW).tobytes()
        )
        for (day, area), rows in sorted(referrals.items())
    )
    outcomes: dict = defaultdict(list)
    for row in OutcomeFact.objects.order_by("fact_id", "instrument", "measure").values_list(
        "created_at", "area", "instrument", "measure", "imd", "ethnic", "language", "sex",
        "date_of_birth", "change",
    ):  # fmt: skip
        created, area, instrument, measure, imd, ethnic, language, sex, dob, change = row
        day = local_day(created)
        if wanted is not None and (day, area) not in wanted:
            continue
        codes = 0
        for key, value in zip(("imd", "ethnic", "language", "sex"), (imd, ethnic, language, sex),
                              strict=True):  # fmt: skip
            codes |= _code(key, value) << SHIFT[key]
        outcomes[(day, area, instrument, measure)].append((codes, dob_number(dob), change))
    OutcomeBlock.objects.bulk_create(
        OutcomeBlock(
            day=day,
            area=area,
            instrument=instrument,
            measure=measure,
            n=len(rows),
            rows=np.array(rows, dtype=OUTCOME_ROW).tobytes(),
        )
        for (day, area, instrument, measure), rows in sorted(outcomes.items())
    )


def _delete(keys) -> None:
    if keys is None:
        for model in (ReferralBlock, OutcomeBlock):
            model.objects.all()._raw_delete(model.objects.db)
        return
    by_area: dict[str, list] = defaultdict(list)
    for day, area in keys:
        by_area[area].append(day)
    for area, days in by_area.items():
        for i in range(0, len(days), 500):
            for model in (ReferralBlock, OutcomeBlock):
                model.objects.filter(area=area, day__in=days[i : i + 500])._raw_delete(
                    model.objects.db
                )


def rebuild(cursor, keys=None) -> None:
    """Rebuild the blocks of these (day, area) keys from the facts (None: all of them)."""
    keys = None if keys is None else sorted(keys)
    if keys is not None and not keys:
        return
    if keys is not None and connection.vendor != "postgresql":
        keys = None  # SQLite databases are small: rebuilding everything is simplest
    if keys is not None and len(keys) > REBUILD_ALL_SHARE * max(ReferralBlock.objects.count(), 1):
        keys = None
    _delete(keys)
    if connection.vendor == "postgresql":
        _pg_build(cursor, keys)
    else:
        _python_build(keys)


def keys_of(cursor, referral_ids: list[int]) -> set[tuple[datetime.date, str]]:
    """The (local day, area) of these referrals' facts as they are now."""
    if not referral_ids:
        return set()
    if connection.vendor == "postgresql":
        cursor.execute(
            f"SELECT DISTINCT (created_at AT TIME ZONE %s)::date, area "  # noqa: S608
            f"FROM {ReferralFact._meta.db_table} WHERE referral_id = ANY(%s)",
            [_tz(), list(referral_ids)],
        )
        return {(d, a) for d, a in cursor.fetchall()}
    tz = timezone.get_current_timezone()
    keys = set()
    for i in range(0, len(referral_ids), 500):
        for created, area in ReferralFact.objects.filter(
            referral_id__in=referral_ids[i : i + 500]
        ).values_list("created_at", "area"):
            keys.add((created.astimezone(tz).date(), area))
    return keys


def stale_keys(cursor) -> set[tuple[datetime.date, str]] | None:
    """Blocks whose record count differs from the facts now (a referral deleted since the
    last refresh took its facts with it; blocks never built). None: rebuild them all (SQLite
    compares the totals only)."""
    if connection.vendor != "postgresql":
        stored = sum(ReferralBlock.objects.values_list("n", flat=True))
        return None if stored != ReferralFact.objects.count() else set()
    cursor.execute(
        f"SELECT COALESCE(f.d, b.day), COALESCE(f.area, b.area) FROM ("  # noqa: S608
        f"SELECT (created_at AT TIME ZONE %s)::date AS d, area, count(*) AS c "
        f"FROM {ReferralFact._meta.db_table} GROUP BY 1, 2) f "
        f"FULL JOIN {ReferralBlock._meta.db_table} b ON b.day = f.d AND b.area = f.area "
        f"WHERE f.c IS DISTINCT FROM b.n",
        [_tz()],
    )
    return {(d, a) for d, a in cursor.fetchall()}


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _filter(period) -> tuple[str, list]:
    where, params = "day >= %s AND day <= %s", [period.start, period.end]
    if period.area:
        where += " AND area = %s"
        params.append(period.area)
    return where, params


def _fetch(sql: str, params: list) -> list[tuple]:
    """Run a query returning packed records; on PostgreSQL with binary results (bytea as
    bytes, not hex text), on the connection's current transaction."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            rows = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if connection.queries_logged:  # seen by query counts and the debug toolbar like any other
        connection.queries_log.append(
            {
                "sql": sql % tuple(repr(p) for p in params),
                "time": f"{time.perf_counter() - started:.3f}",
            }
        )
    return rows


def _records(data, dtype: np.dtype) -> np.ndarray:
    if not data:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(bytes(data), dtype=dtype)


def referral_records(period) -> np.ndarray:
    """The period's (and area's) referral records, in day and area order."""
    where, params = _filter(period)
    table = ReferralBlock._meta.db_table
    if connection.vendor == "postgresql":
        ((data,),) = _fetch(
            f"SELECT string_agg(rows, ''::bytea ORDER BY day, area) FROM {table} "  # noqa: S608
            f"WHERE {where}",
            params,
        )
        return _records(data, REFERRAL_ROW)
    rows = _fetch(f"SELECT rows FROM {table} WHERE {where} ORDER BY day, area", params)  # noqa: S608
    return _records(b"".join(bytes(r[0]) for r in rows), REFERRAL_ROW)


def outcome_records(period) -> dict[tuple[str, str], np.ndarray]:
    """(instrument, measure) -> the period's (and area's) outcome records."""
    where, params = _filter(period)
    table = OutcomeBlock._meta.db_table
    if connection.vendor == "postgresql":
        rows = _fetch(
            f"SELECT instrument, measure, string_agg(rows, ''::bytea ORDER BY day, area) "  # noqa: S608
            f"FROM {table} WHERE {where} GROUP BY instrument, measure",
            params,
        )
        return {(i, m): _records(data, OUTCOME_ROW) for i, m, data in rows}
    parts: dict = defaultdict(list)
    for instrument, measure, data in _fetch(
        f"SELECT instrument, measure, rows FROM {table} WHERE {where} "  # noqa: S608
        f"ORDER BY day, area",
        params,
    ):
        parts[(instrument, measure)].append(bytes(data))
    return {k: _records(b"".join(v), OUTCOME_ROW) for k, v in parts.items()}
