"""The commissioner dashboard: aggregate figures only, computed in SQL, as `Table`s.

Every function takes a `Period` (dates and area) and returns plain `Table` objects that the
page, the API, CSV/XLSX and the PDF all render (`linkwell.reports.tables`). No person-level
row ever leaves this module: queries group and count in the database, except that on SQLite
(which has no percentile aggregate) the day counts for medians are fetched and ranked here.

The referral, pathway, waits, outcome and equity tables group the facts tables that
`reports.facts` keeps up to date (one row per referral), not the source tables: following
every referral through contacts, goals, bookings and measurements on each request took
seconds (docs/performance.md). Those tables say how fresh they are (`Freshness`).

The number of queries is fixed (independent of the amount of data): see `dashboard_tables`.
Definitions are in docs/reports.md.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from linkwell.accounts.models import OrganisationKind
from linkwell.groups.models import (
    ATTENDANCE,
    HOLDS_PLACE,
    Booking,
    BookingStatus,
    ServiceReferral,
    Session,
)
from linkwell.outcomes.instruments import INSTRUMENTS
from linkwell.people.vocabulary import ETHNIC_GROUP_OF, Sex
from linkwell.referrals.models import Referral, Source, Status
from linkwell.referrals.vocabulary import NEED_LABELS

from .evaluation import t_ppf
from .tables import AMOUNT, DAYS, LABEL, NUMBER, PERCENT, POINTS, Chart, Column, Table

# ---------------------------------------------------------------------------------------------
# Period and area
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    area: str = ""  # a postcode district, or "" for every area

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        following = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))

    def as_query(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "area": self.area}


def default_period(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    months = settings.LINKWELL_REPORT_MONTHS
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    day = min(today.day, 28)
    return Period(datetime.date(year, month, day) + datetime.timedelta(days=1), today)


def referral_base(period: Period) -> QuerySet[Referral]:
    # No ordering: Meta.ordering would leak into aggregate queries without a GROUP BY.
    qs = Referral.objects.filter(
        created_at__gte=period.start_at, created_at__lt=period.end_before
    ).order_by()
    if period.area:
        qs = qs.filter(person__postcode_district=period.area)
    return qs


# ---------------------------------------------------------------------------------------------
# SQL helpers
# ---------------------------------------------------------------------------------------------


class DaysBetween(Func):
    """Days (fractional) from `start` to `end`; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - per backend below
        raise NotImplementedError

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql_template(compiler, connection, "(julianday(%(e1)s) - julianday(%(e0)s))")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql_template(
            compiler, connection, "(EXTRACT(EPOCH FROM (%(e1)s - %(e0)s)) / 86400.0)"
        )

    def as_sql_template(self, compiler, connection, template):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params.extend(p)
        return template % {"e0": parts[0], "e1": parts[1]}, params


class Percentile(Aggregate):
    """PostgreSQL percentile_cont (linear interpolation between ranks)."""

    function = "percentile_cont"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"percentile_cont({self.fraction}) WITHIN GROUP (ORDER BY {sql})", params


def percentile(values: list[float], fraction: float) -> float | None:
    """Same definition as percentile_cont: position fraction × (n − 1), interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


# ---------------------------------------------------------------------------------------------
# Equity dimensions
# ---------------------------------------------------------------------------------------------

UNKNOWN = "unknown"
ALL = "all"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    groups: tuple[tuple[str, str], ...]  # (code, label) in display order, UNKNOWN last

    def label(self, code: str) -> str:
        return str(dict(self.groups).get(code, code))


AGE_BANDS = ((0, 18), (18, 25), (25, 35), (35, 50), (50, 65), (65, 75), (75, None))

DIMENSIONS = (
    Dimension(
        "imd",
        _("Deprivation (IMD quintile)"),
        (
            ("1", _("1 (most deprived)")),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", _("5 (least deprived)")),
            (UNKNOWN, _("Not known")),
        ),
    ),
    Dimension(
        "ethnic",
        _("Ethnic group"),
        (
            ("asian", _("Asian or Asian British")),
            ("black", _("Black, Black British, Caribbean or African")),
            ("mixed", _("Mixed or multiple ethnic groups")),
            ("white", _("White")),
            ("other", _("Other ethnic group")),
            ("not_stated", _("Prefer not to say")),
            (UNKNOWN, _("Not recorded")),
        ),
    ),
    Dimension(
        "language",
        _("Main language"),
        (
            ("english", _("English")),
            ("not_english", _("Not English, no interpreter")),
            ("interpreter", _("Needs an interpreter")),
        ),
    ),
    Dimension(
        "age",
        _("Age band"),
        (
            *(
                (
                    f"{low}-{high - 1}" if high else f"{low}+",
                    f"{low} to {high - 1}" if high else f"{low} and over",
                )
                for low, high in AGE_BANDS
            ),
            (UNKNOWN, _("Not known")),
        ),
    ),
    Dimension(
        "sex",
        _("Sex"),
        (
            ("female", _("Female")),
            ("male", _("Male")),
            ("not_said", _("Prefer not to say")),
            (UNKNOWN, _("Not recorded")),
        ),
    ),
)
DIMENSION_KEYS = tuple(d.key for d in DIMENSIONS)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def imd_expression(p: str = "person__") -> Case:
    return Case(
        *(
            When(**{f"{p}imd_decile__in": [q * 2 - 1, q * 2]}, then=Value(str(q)))
            for q in range(1, 6)
        ),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def ethnic_expression(p: str = "person__") -> Case:
    by_group: dict[str, list[str]] = defaultdict(list)
    for code, group in ETHNIC_GROUP_OF.items():
        by_group[group].append(code)
    return Case(
        *(When(**{f"{p}ethnicity__in": codes}, then=Value(g)) for g, codes in by_group.items()),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def age_expression(period: Period, field: str = "person__date_of_birth") -> Case:
    """Age band on the last day of the period."""
    age_whens = [When(**{f"{field}__isnull": True}, then=Value(UNKNOWN))]
    for low, high in AGE_BANDS:
        code = f"{low}-{high - 1}" if high else f"{low}+"
        if high is None:
            age_whens.append(When(**{f"{field}__isnull": False}, then=Value(code)))
        else:
            # Born after this date: younger than `high` on the period's last day.
            age_whens.append(
                When(**{f"{field}__gt": _years_before(period.end, high)}, then=Value(code))
            )
    return Case(*age_whens, default=Value(UNKNOWN), output_field=CharField())


def dimension_expressions(period: Period, prefix: str = "person__") -> dict:
    """SQL CASE expressions giving each person's group, keyed dim_<key>.

    Age is the age on the last day of the period (docs/reports.md).
    """
    p = prefix
    imd = imd_expression(p)
    ethnic = ethnic_expression(p)
    language = Case(
        When(**{f"{p}interpreter_needed": True}, then=Value("interpreter")),
        When(**{f"{p}language": "en"}, then=Value("english")),
        default=Value("not_english"),
        output_field=CharField(),
    )
    age = age_expression(period, f"{p}date_of_birth")
    sex = Case(
        *(When(**{f"{p}sex": code}, then=Value(code)) for code in Sex.values),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )
    return {"dim_imd": imd, "dim_ethnic": ethnic, "dim_language": language, "dim_age": age,
            "dim_sex": sex}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Referral facts: the pathway and the waits
# ---------------------------------------------------------------------------------------------

FUNNEL = (
    ("referred", _("Referred")),
    ("contacted", _("Contacted (first successful contact)")),
    ("planned", _("Plan agreed (first goal recorded)")),
    ("connected", _("Connected to an activity")),
    ("attended", _("Attended an activity at least once")),
    ("goals_met", _("Discharged with goals met")),
)
CONNECTED_STATUSES = [Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED]
ATTENDED_STATUSES = [BookingStatus.ATTENDED, BookingStatus.LATE]


@dataclass
class GroupFacts:
    """Counts and waits of one group. For a group of an equity dimension only the counts,
    contact_n and contact_median are computed (what the tables show)."""

    referred: int = 0
    contacted: int = 0
    planned: int = 0
    connected: int = 0
    attended: int = 0
    goals_met: int = 0
    contact_n: int = 0
    contact_median: float | None = None
    contact_p90: float | None = None
    plan_n: int = 0
    plan_median: float | None = None
    plan_p90: float | None = None


def _percentile_sorted(ordered: np.ndarray, fraction: float) -> float | None:
    """`percentile` (PostgreSQL's percentile_cont) of values already in ascending order."""
    n = len(ordered)
    if not n:
        return None
    position = fraction * (n - 1)
    low = math.floor(position)
    high = min(low + 1, n - 1)
    first, second = float(ordered[low]), float(ordered[high])
    return first + (second - first) * (position - low)


AGE_CODES = tuple(code for code, _label in DIMENSIONS[DIMENSION_KEYS.index("age")].groups)


def age_codes(dob: np.ndarray, period: Period) -> np.ndarray:
    """Each record's age band on the last day of the period (position in `AGE_CODES`; the
    same bands as `age_expression`), from dates of birth as day numbers (`blocks`)."""
    from . import blocks

    # Born after the date `high` years before the period's last day: younger than `high`.
    limits = [blocks.day_number(_years_before(period.end, high)) for _low, high in AGE_BANDS
              if high is not None]  # fmt: skip
    ascending = np.array(limits[::-1], dtype=np.int64)
    band = len(limits) - np.searchsorted(ascending, dob.astype(np.int64), side="left")
    band[dob == blocks.NO_DATE] = len(AGE_CODES) - 1  # unknown
    return band.astype(np.int8)


def _groups(records: np.ndarray, key: str, period: Period) -> tuple[np.ndarray, tuple]:
    """Each record's group of one equity dimension and the dimension's codes (a record's
    group is a position in the codes; the codes' length means a value not listed)."""
    from . import blocks

    if key == "age":
        return age_codes(records["dob"], period), AGE_CODES
    return blocks.group_codes(records["codes"], key), blocks.CODES[key]


def pathway_facts(
    period: Period, records: np.ndarray | None = None
) -> dict[str, dict[str, GroupFacts]]:
    """dimension key (and ALL) -> group code -> counts and waits: the period's referral
    records (`reports.blocks`, one query) counted and ranked here."""
    from . import blocks

    if records is None:
        records = blocks.referral_records(period)
    codes = records["codes"]
    contact = records["contact"].astype(np.float64)
    plan = records["plan"].astype(np.float64)
    has_contact, has_plan = ~np.isnan(contact), ~np.isnan(plan)
    steps = {
        "contacted": has_contact,
        "planned": has_plan,
        **{name: blocks.flag(codes, name) for name in ("connected", "attended", "goals_met")},
    }
    result: dict[str, dict[str, GroupFacts]] = {ALL: {}}
    overall = result[ALL][ALL] = GroupFacts(referred=len(records))
    for name, on in steps.items():
        setattr(overall, name, int(np.count_nonzero(on)))
    # Contact waits in ascending order once; each dimension then orders them by group with a
    # stable sort of small integers, so every group's waits stay in ascending order.
    by_wait = np.argsort(contact[has_contact], kind="stable")
    contact_values = contact[has_contact][by_wait]
    plan_values = np.sort(plan[has_plan])
    overall.contact_n, overall.plan_n = len(contact_values), len(plan_values)
    overall.contact_median = _percentile_sorted(contact_values, 0.5)
    overall.contact_p90 = _percentile_sorted(contact_values, 0.9)
    overall.plan_median = _percentile_sorted(plan_values, 0.5)
    overall.plan_p90 = _percentile_sorted(plan_values, 0.9)
    for key in DIMENSION_KEYS:
        group, listed = _groups(records, key, period)
        size = len(listed) + 1
        referred = np.bincount(group, minlength=size)
        counts = {name: np.bincount(group[on], minlength=size) for name, on in steps.items()}
        waiting_group = group[has_contact][by_wait]
        order = np.argsort(waiting_group, kind="stable")
        ranked = contact_values[order]
        waits = np.bincount(waiting_group, minlength=size)
        starts = np.concatenate(([0], np.cumsum(waits)))
        result[key] = {}
        for i, code in enumerate(listed):
            if not referred[i]:
                continue
            facts = result[key][code] = GroupFacts(referred=int(referred[i]))
            for name in steps:
                setattr(facts, name, int(counts[name][i]))
            facts.contact_n = int(waits[i])
            facts.contact_median = _percentile_sorted(ranked[starts[i] : starts[i + 1]], 0.5)
    return result


def _rate(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


# ---------------------------------------------------------------------------------------------
# Tables: referrals
# ---------------------------------------------------------------------------------------------

SOURCE_KINDS = (
    ("gp", _("GP practice")),
    ("pharmacy", _("Pharmacy")),
    ("hospital", _("Hospital")),
    ("police", _("Police")),
    ("fire", _("Fire and rescue")),
    ("jobcentre", _("Jobcentre")),
    ("housing", _("Housing")),
    ("vcse", _("Voluntary or community")),
    ("self", _("Self-referral")),
    ("other", _("Other")),
)


def _source_kind():
    org = "referrer_organisation__kind"
    return Case(
        When(source=Source.SELF, then=Value("self")),
        When(**{f"{org}__in": [OrganisationKind.GP_PRACTICE, OrganisationKind.PCN]}, then=Value("gp")),
        *(
            When(**{org: kind}, then=Value(code))
            for code, kind in (
                ("pharmacy", OrganisationKind.PHARMACY),
                ("hospital", OrganisationKind.HOSPITAL),
                ("police", OrganisationKind.POLICE),
                ("fire", OrganisationKind.FIRE),
                ("jobcentre", OrganisationKind.JOBCENTRE),
                ("housing", OrganisationKind.HOUSING),
                ("vcse", OrganisationKind.VCSE),
            )
        ),
        default=Value("other"),
        output_field=CharField(),
    )  # fmt: skip


def _months(period: Period) -> list[datetime.date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def referral_tables(period: Period, records: np.ndarray | None = None) -> list[Table]:
    from . import blocks

    if records is None:
        records = blocks.referral_records(period)
    months = _months(period)
    counts: dict = {}
    if months and len(records):
        # Each record's month (of the local day it was made) as a position in `months`.
        days = np.datetime64(blocks.EPOCH, "D") + records["day"].astype(np.int64)
        month = (days.astype("datetime64[M]") - np.datetime64(months[0], "M")).astype(np.int64)
        kind = blocks.group_codes(records["codes"], "kind").astype(np.int64)
        size = len(blocks.CODES["kind"]) + 1
        grid = np.bincount(month * size + kind, minlength=len(months) * size).reshape(-1, size)
        for i, m in enumerate(months):
            for j, k in enumerate(blocks.CODES["kind"]):
                counts[(m, k)] = int(grid[i, j])
    kinds = [k for k, _label in SOURCE_KINDS]
    columns = [Column("month", _("Month"), LABEL)]
    columns += [Column(k, label) for k, label in SOURCE_KINDS]
    columns.append(Column("total", _("All referrals")))
    by_month = Table(
        "referrals-by-month",
        _("Referrals by month and by who referred"),
        columns,
        section=_("Referrals"),
        row_total="total",
        row_parts=tuple(kinds),
        chart=Chart("line", "month", "total", _("Referrals by month")),
        notes=[_("Counted by the date the referral was made.")],
    )
    total_row = {"month": _("All months"), "total": 0}
    for month in _months(period):
        row = {"month": date_format(month, "YEAR_MONTH_FORMAT")}
        for k in kinds:
            row[k] = counts.get((month, k), 0)
            total_row[k] = total_row.get(k, 0) + row[k]
        row["total"] = sum(row[k] for k in kinds)
        total_row["total"] += row["total"]
        by_month.rows.append(row)
    if total_row["total"]:
        by_month.rows.append(total_row)
        by_month.blocks = [(list(range(len(by_month.rows) - 1)), len(by_month.rows) - 1)]
    else:
        by_month.rows = []
        by_month.empty_message = _("No referrals in this period.")
    by_source = Table(
        "referrals-by-source",
        _("Referrals by who referred"),
        [
            Column("source", _("Referred by"), LABEL),
            Column("n", _("Referrals")),
            Column("share", _("Share of referrals"), PERCENT, source=("n",)),
        ],
        section=_("Referrals"),
        chart=Chart("bar", "source", "n", _("Referrals by who referred")),
    )
    total = total_row["total"]
    if total:
        for k, label in SOURCE_KINDS:
            n = total_row.get(k, 0)
            by_source.rows.append({"source": label, "n": n, "share": _rate(n, total)})
        by_source.rows.append({"source": _("All"), "n": total, "share": 100.0})
        by_source.blocks = [(list(range(len(SOURCE_KINDS))), len(SOURCE_KINDS))]
    else:
        by_source.empty_message = _("No referrals in this period.")
    return [by_month, by_source]


# ---------------------------------------------------------------------------------------------
# Tables: pathway, waits, equity
# ---------------------------------------------------------------------------------------------


def pathway_tables(facts: dict[str, dict[str, GroupFacts]]) -> list[Table]:
    overall = facts[ALL][ALL]
    funnel = Table(
        "pathway",
        _("The pathway: how many reach each step"),
        [
            Column("step", _("Step"), LABEL),
            Column("n", _("People (referrals)")),
            Column("share", _("Share of those referred"), PERCENT, source=("n",)),
        ],
        section=_("Pathway and waits"),
        chart=Chart("funnel", "step", "n", _("Pathway funnel")),
        notes=[
            _(
                "Each step counts referrals made in the period that have reached it so far; "
                "later steps include only referrals that also reached the earlier ones in most "
                "cases, but are counted independently."
            )
        ],
        blocks=[],  # steps are nested, not parts of a total: primary suppression only
    )
    if overall.referred:
        for key, label in FUNNEL:
            n = getattr(overall, key)
            funnel.rows.append({"step": label, "n": n, "share": _rate(n, overall.referred)})
        funnel.blocks = [([i], None) for i in range(len(funnel.rows))]
    else:
        funnel.empty_message = _("No referrals in this period.")
    waits = Table(
        "waits",
        _("Waiting times from referral"),
        [
            Column("wait", _("From referral to"), LABEL),
            Column("n", _("People")),
            Column("median", _("Median (days)"), DAYS, source=("n",)),
            Column("p90", _("90th percentile (days)"), DAYS, source=("n",)),
        ],
        section=_("Pathway and waits"),
        chart=Chart("bar", "wait", "median", _("Median wait in days")),
        notes=[
            _(
                "Only people who reached the step count towards its waiting time; people still "
                "waiting are not included."
            )
        ],
    )
    if overall.contact_n or overall.plan_n:
        waits.rows = [
            {
                "wait": _("First successful contact"),
                "n": overall.contact_n,
                "median": overall.contact_median,
                "p90": overall.contact_p90,
            },
            {
                "wait": _("Plan agreed"),
                "n": overall.plan_n,
                "median": overall.plan_median,
                "p90": overall.plan_p90,
            },
        ]
        waits.blocks = [([0], None), ([1], None)]
    else:
        waits.empty_message = _("Nobody referred in this period has been contacted yet.")
    return [funnel, waits]


def equity_tables(facts: dict[str, dict[str, GroupFacts]]) -> list[Table]:
    overall = facts[ALL][ALL]
    tables = []
    for dim in DIMENSIONS:
        table = Table(
            f"equity-{dim.key}",
            _("Who is referred and who benefits, by %(dimension)s") % {"dimension": dim.title},
            [
                Column("group", dim.title, LABEL),
                Column("referred", _("Referred")),
                Column("contacted", _("Contacted")),
                Column("contacted_pct", _("% contacted"), PERCENT, source=("contacted", "referred")),
                Column("contacted_diff", _("Difference from all (points)"), POINTS,
                       source=("contacted", "referred")),
                Column("attended", _("Attended an activity")),
                Column("attended_pct", _("% attended"), PERCENT, source=("attended", "referred")),
                Column("attended_diff", _("Difference from all (points)"), POINTS,
                       source=("attended", "referred")),
                Column("goals_met", _("Goals met")),
                Column("goals_pct", _("% goals met"), PERCENT, source=("goals_met", "referred")),
                Column("wait_n", _("People contacted (for the wait)")),
                Column("wait_median", _("Median days to contact"), DAYS, source=("wait_n",)),
                Column("wait_diff", _("Difference from all (days)"), NUMBER, source=("wait_n",)),
            ],
            section=_("Equity"),
            chart=Chart("bar", "group", "attended_pct", _("% who attended an activity")),
        )  # fmt: skip
        if not overall.referred:
            table.empty_message = _("No referrals in this period.")
            tables.append(table)
            continue
        all_contacted = _rate(overall.contacted, overall.referred)
        all_attended = _rate(overall.attended, overall.referred)
        groups = facts[dim.key]
        for code, label in dim.groups:
            g = groups.get(code)
            if g is None:
                if code == UNKNOWN:
                    continue
                g = GroupFacts()
            contacted_pct = _rate(g.contacted, g.referred)
            attended_pct = _rate(g.attended, g.referred)
            table.rows.append(
                {
                    "group": label,
                    "referred": g.referred,
                    "contacted": g.contacted,
                    "contacted_pct": contacted_pct,
                    "contacted_diff": _minus(contacted_pct, all_contacted),
                    "attended": g.attended,
                    "attended_pct": attended_pct,
                    "attended_diff": _minus(attended_pct, all_attended),
                    "goals_met": g.goals_met,
                    "goals_pct": _rate(g.goals_met, g.referred),
                    "wait_n": g.contact_n,
                    "wait_median": g.contact_median,
                    "wait_diff": _minus(g.contact_median, overall.contact_median),
                }
            )
        table.rows.append(
            {
                "group": _("All"),
                "referred": overall.referred,
                "contacted": overall.contacted,
                "contacted_pct": all_contacted,
                "contacted_diff": None,
                "attended": overall.attended,
                "attended_pct": all_attended,
                "attended_diff": None,
                "goals_met": overall.goals_met,
                "goals_pct": _rate(overall.goals_met, overall.referred),
                "wait_n": overall.contact_n,
                "wait_median": overall.contact_median,
                "wait_diff": None,
            }
        )
        table.blocks = [(list(range(len(table.rows) - 1)), len(table.rows) - 1)]
        table.notes = [
            _(
                "Differences are the group's figure minus the figure for everyone referred "
                "in the period (percentage points, or days for the median wait)."
            )
        ]
        if dim.key == "age":
            table.notes.append(_("Age is on the last day of the period."))
        tables.append(table)
    return tables


# ---------------------------------------------------------------------------------------------
# Outcome change
# ---------------------------------------------------------------------------------------------


@dataclass
class Moments:
    n: int = 0
    s1: float = 0.0
    s2: float = 0.0
    improved: int = 0

    def add(self, other: Moments) -> None:
        self.n += other.n
        self.s1 += other.s1
        self.s2 += other.s2
        self.improved += other.improved

    def minus(self, other: Moments) -> Moments:
        return Moments(
            self.n - other.n, self.s1 - other.s1, self.s2 - other.s2, self.improved - other.improved
        )

    @property
    def mean(self) -> float | None:
        return self.s1 / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        if self.n < 2:
            return None
        return max((self.s2 - self.s1 * self.s1 / self.n) / (self.n - 1), 0.0)

    def ci(self, confidence: float = 0.95) -> tuple[float | None, float | None]:
        """t-based CI for the mean change: the same as evaluation.paired_change."""
        if self.n < 2:
            return None, None
        se = math.sqrt(self.variance / self.n)
        t = t_ppf(1 - (1 - confidence) / 2, self.n - 1)
        return self.mean - t * se, self.mean + t * se


def welch_difference(a: Moments, b: Moments, confidence: float = 0.95):
    """Mean of a minus mean of b with a Welch CI; (None, None, None) without enough data."""
    if a.n < 2 or b.n < 2:
        return None, None, None
    va, vb = a.variance / a.n, b.variance / b.n
    diff = a.mean - b.mean
    se2 = va + vb
    if se2 == 0:
        return diff, diff, diff
    df = se2 * se2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1))
    half = t_ppf(1 - (1 - confidence) / 2, df) * math.sqrt(se2)
    return diff, diff - half, diff + half


@dataclass(frozen=True)
class Measure:
    instrument: str
    key: str
    label: str
    higher_is_better: bool
    threshold: float | None


def _measures(instruments: Iterable[str]) -> list[Measure]:
    out = []
    for code in instruments:
        instrument = INSTRUMENTS.get(code)
        if instrument is None:
            continue
        for tracked in instrument.tracked:
            threshold = tracked.meaningful_change
            out.append(
                Measure(
                    code,
                    tracked.key,
                    _(tracked.label),
                    tracked.higher_is_better,
                    float(threshold) if threshold is not None else None,
                )
            )
    return out


def outcome_moments(
    period: Period, records: dict[tuple[str, str], np.ndarray] | None = None
) -> dict[Measure, dict[str, dict[str, Moments]]]:
    """measure -> dimension key (and ALL) -> group code -> sufficient statistics of the change.

    Baseline: the first measurement at the ``baseline`` timepoint; follow-up: the latest
    measurement of the same measure at any other timepoint (paired when the facts are
    refreshed, `OutcomeFact`). The period's outcome records (`reports.blocks`, one query)
    are summed here by measure and group.
    """
    from . import blocks

    if records is None:
        records = blocks.outcome_records(period)
    result: dict[Measure, dict[str, dict[str, Moments]]] = {}
    for code in INSTRUMENTS:
        for m in _measures([code]):
            found = records.get((code, m.key))
            if found is None or not len(found):
                continue
            change = found["change"].astype(np.float64)
            if m.threshold is None:
                improved = np.zeros(len(change), dtype=bool)
            elif m.higher_is_better:
                improved = change >= float(m.threshold)
            else:
                improved = change <= -float(m.threshold)
            squares = change * change
            cells = result[m] = {
                ALL: {
                    ALL: Moments(
                        len(change),
                        float(change.sum()),
                        float(squares.sum()),
                        int(np.count_nonzero(improved)),
                    )
                }
            }
            for key in DIMENSION_KEYS:
                group, listed = _groups(found, key, period)
                size = len(listed) + 1
                n = np.bincount(group, minlength=size)
                s1 = np.bincount(group, weights=change, minlength=size)
                s2 = np.bincount(group, weights=squares, minlength=size)
                better = np.bincount(group[improved], minlength=size)
                cells[key] = {
                    c: Moments(int(n[i]), float(s1[i]), float(s2[i]), int(better[i]))
                    for i, c in enumerate(listed)
                    if n[i]
                }
    return result


def outcome_tables(moments: dict[Measure, dict[str, dict[str, Moments]]]) -> list[Table]:
    measures = sorted(moments, key=lambda m: (list(INSTRUMENTS).index(m.instrument), m.key))
    overall = Table(
        "outcome-change",
        _("Change from baseline to follow-up"),
        [
            Column("measure", _("Measure"), LABEL),
            Column("n", _("People with both")),
            Column("mean_change", _("Mean change"), NUMBER, source=("n",), decimals=2),
            Column("ci_low", _("95% CI low"), NUMBER, source=("n",), decimals=2),
            Column("ci_high", _("95% CI high"), NUMBER, source=("n",), decimals=2),
            Column("improved", _("Meaningful improvement")),
            Column("improved_pct", _("% meaningful improvement"), PERCENT,
                   source=("improved", "n")),
        ],
        section=_("Outcomes"),
        chart=Chart("bar", "measure", "mean_change", _("Mean change from baseline")),
        notes=[
            _(
                "Baseline is the first measure at the baseline timepoint; follow-up the latest "
                "later one. Positive changes are increases in the score: for loneliness and "
                "anxiety a decrease is an improvement."
            ),
            _(
                "Meaningful improvement uses the published threshold where one exists "
                "(SWEMWBS: 2.87 metric points); other measures have none, shown as –."
            ),
        ],
    )  # fmt: skip
    for m in measures:
        total = moments[m][ALL][ALL]
        low, high = total.ci()
        overall.rows.append(
            {
                "measure": f"{INSTRUMENTS[m.instrument].name}: {m.label}"
                if len(INSTRUMENTS[m.instrument].tracked) > 1
                else m.label,
                "n": total.n,
                "mean_change": total.mean,
                "ci_low": low,
                "ci_high": high,
                "improved": total.improved if m.threshold is not None else None,
                "improved_pct": _rate(total.improved, total.n) if m.threshold is not None else None,
            }
        )
    overall.blocks = [([i], None) for i in range(len(overall.rows))]
    if not overall.rows:
        overall.empty_message = _(
            "Nobody referred in this period has both a baseline and a follow-up measure yet."
        )
    tables = [overall]
    for dim in DIMENSIONS:
        table = Table(
            f"outcome-equity-{dim.key}",
            _("Change from baseline by %(dimension)s") % {"dimension": dim.title},
            [
                Column("measure", _("Measure"), LABEL),
                Column("group", dim.title, LABEL),
                Column("n", _("People with both")),
                Column("mean_change", _("Mean change"), NUMBER, source=("n",), decimals=2),
                Column("ci_low", _("95% CI low"), NUMBER, source=("n",), decimals=2),
                Column("ci_high", _("95% CI high"), NUMBER, source=("n",), decimals=2),
                Column("diff", _("Difference from everyone else"), NUMBER, source=("n",),
                       decimals=2),
                Column("diff_low", _("Difference: 95% CI low"), NUMBER, source=("n",),
                       decimals=2),
                Column("diff_high", _("Difference: 95% CI high"), NUMBER, source=("n",),
                       decimals=2),
            ],
            section=_("Outcomes"),
            notes=[
                _(
                    "The difference compares the group's mean change with everyone else's "
                    "(Welch's 95% confidence interval); an interval that excludes 0 suggests "
                    "a real difference."
                )
            ],
        )  # fmt: skip
        blocks = []
        for m in measures:
            groups = moments[m][dim.key]
            total = moments[m][ALL][ALL]
            members = []
            for code, label in dim.groups:
                g = groups.get(code)
                if g is None:
                    continue
                low, high = g.ci()
                diff, dlow, dhigh = welch_difference(g, total.minus(g))
                members.append(len(table.rows))
                table.rows.append(
                    {
                        "measure": m.label,
                        "group": label,
                        "n": g.n,
                        "mean_change": g.mean,
                        "ci_low": low,
                        "ci_high": high,
                        "diff": diff,
                        "diff_low": dlow,
                        "diff_high": dhigh,
                    }
                )
            low, high = total.ci()
            table.rows.append(
                {
                    "measure": m.label,
                    "group": _("All"),
                    "n": total.n,
                    "mean_change": total.mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
            blocks.append((members, len(table.rows) - 1))
        table.blocks = blocks
        if not table.rows:
            table.empty_message = overall.empty_message
        tables.append(table)
    return tables


# ---------------------------------------------------------------------------------------------
# Providers: replies, attendance, utilisation
# ---------------------------------------------------------------------------------------------


def _onward(period: Period, service_ids=None) -> QuerySet[ServiceReferral]:
    qs = ServiceReferral.objects.filter(
        created_at__gte=period.start_at, created_at__lt=period.end_before
    ).order_by()
    if service_ids is not None:
        qs = qs.filter(service_id__in=service_ids)
    if _has_field(ServiceReferral, "kind"):
        qs = qs.filter(kind="referral")
    if period.area:
        qs = qs.filter(case__person__postcode_district=period.area)
    return qs


def _service_rows(table: Table, rows: list[dict], total: dict) -> None:
    table.rows = sorted(rows, key=lambda r: str(r["service"]).lower())
    if table.rows:
        table.rows.append(total)
        table.blocks = [(list(range(len(table.rows) - 1)), len(table.rows) - 1)]


def provider_tables(period: Period, *, service_ids=None) -> list[Table]:
    """Replies, attendance and utilisation by service (only `service_ids` when given), live
    from the onward referrals, bookings and sessions (providers' own figures)."""
    return [
        _replies_table(*_live_replies(period, service_ids)),
        *_session_tables(period, service_ids),
    ]


def _live_replies(period: Period, service_ids=None) -> tuple[list[dict], dict]:
    onward = _onward(period, service_ids)
    has_reason = _has_field(ServiceReferral, "decline_reason")
    has_first = _has_field(ServiceReferral, "first_response")
    accepted = (
        Q(first_response=Status.ACCEPTED)
        if has_first
        else Q(status__in=CONNECTED_STATUSES, responded_at__isnull=False)
    )
    reply_rows = onward.values("service_id", "service__name").annotate(
        sent=Count("id"),
        replied=Count("id", filter=Q(responded_at__isnull=False)),
        accepted=Count("id", filter=accepted),
        capacity=Count("id", filter=Q(decline_reason="capacity"))
        if has_reason
        else Value(0, output_field=IntegerField()),
    )
    reply_days = onward.filter(responded_at__isnull=False).annotate(
        days=DaysBetween(F("created_at"), F("responded_at"))
    )
    medians: dict = {}
    if _postgres():
        for row in reply_days.values("service_id").annotate(m=Percentile(F("days"), 0.5)):
            medians[row["service_id"]] = row["m"]
        medians[ALL] = reply_days.aggregate(m=Percentile(F("days"), 0.5))["m"]
    else:
        values = defaultdict(list)
        for service_id, days in reply_days.values_list("service_id", "days"):
            values[service_id].append(days)
            values[ALL].append(days)
        medians = {k: percentile(v, 0.5) for k, v in values.items()}
    return list(reply_rows), medians


def fact_replies(period: Period) -> tuple[list[dict], dict]:
    """The reply figures of the dashboard from the onward referral facts (`OnwardFact`): the
    same counts and medians as `_live_replies`, without scanning every onward referral."""
    from linkwell.directory.models import Service

    from .models import OnwardFact

    onward = OnwardFact.objects.filter(
        created_at__gte=period.start_at, created_at__lt=period.end_before, referral=True
    ).order_by()
    if period.area:
        onward = onward.filter(area=period.area)
    counts = {
        "sent": Count("pk"),
        "replied": Count("reply_days"),
        "accepted": Count("pk", filter=Q(accepted=True)),
        "capacity": Count("pk", filter=Q(capacity=True)),
    }
    medians: dict = {}
    if _postgres():
        rows = list(
            onward.values("service_id").annotate(**counts, m=Percentile(F("reply_days"), 0.5))
        )
        medians = {row["service_id"]: row["m"] for row in rows}
        if rows:
            medians[ALL] = onward.aggregate(m=Percentile(F("reply_days"), 0.5))["m"]
    else:
        rows = list(onward.values("service_id").annotate(**counts))
        values = defaultdict(list)
        for service_id, days in onward.filter(reply_days__isnull=False).values_list(
            "service_id", "reply_days"
        ):
            values[service_id].append(days)
            values[ALL].append(days)
        medians = {k: percentile(v, 0.5) for k, v in values.items()}
    names = dict(
        Service.objects.filter(id__in=[r["service_id"] for r in rows]).values_list("id", "name")
    )
    for row in rows:
        row["service__name"] = names.get(row["service_id"], "")
    return rows, medians


def _replies_table(reply_rows: list[dict], medians: dict) -> Table:
    replies = Table(
        "provider-replies",
        _("Provider replies to onward referrals"),
        [
            Column("service", _("Service"), LABEL),
            Column("sent", _("Referrals sent")),
            Column("replied", _("Replied")),
            Column("median_reply", _("Median days to reply"), DAYS, source=("replied",)),
            Column("accepted", _("Accepted")),
            Column("acceptance", _("% accepted of replies"), PERCENT,
                   source=("accepted", "replied")),
            Column("capacity", _("Declined: no space")),
        ],
        section=_("Providers"),
        chart=Chart("bar", "service", "acceptance", _("% of replies accepted")),
        empty_message=_("No onward referrals in this period."),
    )  # fmt: skip
    rows, total = [], {"service": _("All services"), "sent": 0, "replied": 0, "accepted": 0,
                       "capacity": 0}  # fmt: skip
    for row in reply_rows:
        item = {
            "service": row["service__name"],
            "sent": row["sent"],
            "replied": row["replied"],
            "median_reply": medians.get(row["service_id"]),
            "accepted": row["accepted"],
            "acceptance": _rate(row["accepted"], row["replied"]),
            "capacity": row["capacity"],
        }
        for k in ("sent", "replied", "accepted", "capacity"):
            total[k] += item[k]
        rows.append(item)
    total["median_reply"] = medians.get(ALL)
    total["acceptance"] = _rate(total["accepted"], total["replied"])
    _service_rows(replies, rows, total)

    return replies


def _session_tables(period: Period, service_ids=None, *, area_facts: bool = False) -> list[Table]:
    """Attendance and utilisation, live. `area_facts`: the area of each onward referral from
    its facts (`OnwardFact`, as of the last refresh) instead of a join through cases and
    people."""
    in_period = Booking.objects.filter(
        session__starts_at__gte=period.start_at,
        session__starts_at__lt=period.end_before,
        session__cancelled=False,
    ).order_by()
    if service_ids is not None:
        in_period = in_period.filter(session__service_id__in=service_ids)
    booked = Q(service_referral__isnull=False)
    if period.area:
        booked &= _onward_in_area(period.area, "service_referral", area_facts)
    marked = [s.value for s in ATTENDANCE]
    counts = {
        "people": Count("service_referral", distinct=True,
                        filter=booked & ~Q(status=BookingStatus.CANCELLED)),
        "came": Count("service_referral", distinct=True,
                      filter=booked & Q(status__in=ATTENDED_STATUSES)),
        "attended": Count("id", filter=booked & Q(status__in=ATTENDED_STATUSES)),
        "marked": Count("id", filter=booked & Q(status__in=marked)),
    }  # fmt: skip
    taken: dict | None = None
    if not period.area or area_facts:
        # One pass over the period's bookings for both tables (the places taken count every
        # booking holding a place, with or without an onward referral, in every area).
        rows = in_period.values("session__service_id", "session__service__name").annotate(
            booked=Count("id", filter=booked),
            taken=Count("id", filter=Q(status__in=list(HOLDS_PLACE))),
            **counts,
        )
        rows = list(rows)
        attendance_rows = [r for r in rows if r["booked"]]
        taken = {r["session__service_id"]: r["taken"] for r in rows if r["taken"]}
    else:  # the area through cases and people: joins that must not restrict the places
        attendance_rows = (
            in_period.filter(booked)
            .values("session__service_id", "session__service__name")
            .annotate(
                people=Count(
                    "service_referral", distinct=True, filter=~Q(status=BookingStatus.CANCELLED)
                ),
                came=Count(
                    "service_referral", distinct=True, filter=Q(status__in=ATTENDED_STATUSES)
                ),
                attended=Count("id", filter=Q(status__in=ATTENDED_STATUSES)),
                marked=Count("id", filter=Q(status__in=marked)),
            )
        )
    attendance = Table(
        "attendance",
        _("Attendance and drop-out by service"),
        [
            Column("service", _("Service"), LABEL),
            Column("people", _("People booked")),
            Column("came", _("Came at least once")),
            Column("dropped", _("Never came (drop-out)")),
            Column("dropout", _("% drop-out"), PERCENT, source=("dropped", "people")),
            Column("marked", _("Places marked on registers")),
            Column("attended", _("Attended")),
            Column("rate", _("% attendance"), PERCENT, source=("attended", "marked")),
        ],
        section=_("Providers"),
        chart=Chart("bar", "service", "rate", _("% attendance")),
        empty_message=_("No bookings for sessions in this period."),
        notes=[
            _(
                "People are onward referrals booked on at least one session in the period; "
                "drop-out is those booked who never came. Attendance counts attended or late "
                "among register marks."
            )
        ],
    )
    rows, total = [], {"service": _("All services"), "people": 0, "came": 0, "dropped": 0,
                       "marked": 0, "attended": 0}  # fmt: skip
    for row in attendance_rows:
        item = {
            "service": row["session__service__name"],
            "people": row["people"],
            "came": row["came"],
            "dropped": max(row["people"] - row["came"], 0),
            "marked": row["marked"],
            "attended": row["attended"],
        }
        item["dropout"] = _rate(item["dropped"], item["people"])
        item["rate"] = _rate(item["attended"], item["marked"])
        for k in ("people", "came", "dropped", "marked", "attended"):
            total[k] += item[k]
        rows.append(item)
    total["dropout"] = _rate(total["dropped"], total["people"])
    total["rate"] = _rate(total["attended"], total["marked"])
    _service_rows(attendance, rows, total)

    sessions = Session.objects.filter(
        starts_at__gte=period.start_at, starts_at__lt=period.end_before, cancelled=False
    ).order_by()
    if service_ids is not None:
        sessions = sessions.filter(service_id__in=service_ids)
    session_rows = sessions.values("service_id", "service__name").annotate(
        sessions=Count("id"), places=Sum("places"), walk_ins=Sum("walk_ins__count")
    )
    if taken is None:
        taken = dict(
            Booking.objects.filter(session__in=sessions, status__in=list(HOLDS_PLACE))
            .order_by()
            .values("session__service_id")
            .annotate(n=Count("id"))
            .values_list("session__service_id", "n")
        )
    utilisation = Table(
        "utilisation",
        _("Utilisation of places"),
        [
            Column("service", _("Service"), LABEL),
            Column("sessions", _("Sessions"), AMOUNT),
            Column("places", _("Places"), AMOUNT),
            Column("taken", _("Places taken")),
            Column("walk_ins", _("Walk-ins")),
            Column("utilisation", _("% places taken"), PERCENT, source=("taken",)),
        ],
        section=_("Providers"),
        chart=Chart("bar", "service", "utilisation", _("% of places taken")),
        empty_message=_("No sessions in this period."),
        notes=[_("Places and sessions are for every area: a session is not tied to one.")],
    )
    rows, total = [], {"service": _("All services"), "sessions": 0, "places": 0, "taken": 0,
                       "walk_ins": 0}  # fmt: skip
    for row in session_rows:
        item = {
            "service": row["service__name"],
            "sessions": row["sessions"],
            "places": row["places"] or 0,
            "taken": taken.get(row["service_id"], 0),
            "walk_ins": row["walk_ins"] or 0,
        }
        item["utilisation"] = _rate(item["taken"], item["places"])
        for k in ("sessions", "places", "taken", "walk_ins"):
            total[k] += item[k]
        rows.append(item)
    total["utilisation"] = _rate(total["taken"], total["places"])
    _service_rows(utilisation, rows, total)
    return [attendance, utilisation]


def _onward_in_area(area: str, field: str, from_facts: bool) -> Q:
    """Bookings whose onward referral (`field`) is of a person living in `area`."""
    if from_facts:
        from .models import OnwardFact

        return Q(**{f"{field}_id__in": OnwardFact.objects.filter(area=area).values("onward_id")})
    return Q(**{f"{field}__case__person__postcode_district": area})


# ---------------------------------------------------------------------------------------------
# Unmet need
# ---------------------------------------------------------------------------------------------

MAX_AREA_COLUMNS = 8


def unmet_need_tables(
    period: Period,
    *,
    now: datetime.datetime | None = None,
    from_facts: bool = False,
) -> list[Table]:
    """Unmet needs and waitlists, live. `from_facts`: onward referrals declined for capacity
    and the area of each onward referral from their facts (`OnwardFact`, as of the last
    refresh) instead of scanning every onward referral and joining cases and people."""
    tables = []
    try:
        from linkwell.casework.models import UnmetNeed
    except ImportError:  # pragma: no cover - the model arrives with the casework extension
        UnmetNeed = None
    needs = Table(
        "unmet-need",
        _("Needs with no suitable service, by area"),
        [Column("need", _("Need"), LABEL)],
        section=_("Unmet need"),
        empty_message=_("No unmet needs recorded in this period."),
        notes=[
            _(
                "Needs a link worker recorded because no suitable service was found, by the "
                "person's postcode district when it was recorded."
            )
        ],
    )
    if UnmetNeed is not None:
        qs = UnmetNeed.objects.filter(
            recorded_at__gte=period.start_at, recorded_at__lt=period.end_before
        ).order_by()
        if period.area:
            qs = qs.filter(postcode_district=period.area)
        counts = list(
            qs.values("need__code", "postcode_district")
            .annotate(n=Count("id"))
            .order_by("need__code", "postcode_district")
        )
        by_area: dict[str, int] = defaultdict(int)
        for row in counts:
            by_area[row["postcode_district"] or ""] += row["n"]
        areas = sorted(by_area, key=lambda a: (-by_area[a], a))
        shown = [a for a in areas if a][:MAX_AREA_COLUMNS]
        other = len(areas) > len(shown)
        keys = [f"area_{a}" for a in shown] + (["area_other"] if other else [])
        needs.columns += [Column(f"area_{a}", a) for a in shown]
        if other:
            needs.columns.append(Column("area_other", _("Other or unknown areas")))
        needs.columns.append(Column("total", _("All areas")))
        needs.row_total, needs.row_parts = "total", tuple(keys)
        grid: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in counts:
            area = row["postcode_district"]
            grid[row["need__code"]][f"area_{area}" if area in shown else "area_other"] += row["n"]
        total = {"need": _("All needs"), "total": 0}
        for code in sorted(grid, key=lambda c: str(NEED_LABELS.get(c, c))):
            item = {"need": NEED_LABELS.get(code, code)}
            for k in keys:
                item[k] = grid[code].get(k, 0)
                total[k] = total.get(k, 0) + item[k]
            item["total"] = sum(item[k] for k in keys)
            total["total"] += item["total"]
            needs.rows.append(item)
        if needs.rows:
            needs.rows.append(total)
            needs.blocks = [(list(range(len(needs.rows) - 1)), len(needs.rows) - 1)]
    tables.append(needs)

    now = now or timezone.now()
    waiting = Booking.objects.filter(
        status=BookingStatus.WAITLISTED, session__starts_at__gte=now, session__cancelled=False
    ).order_by()
    if period.area:
        waiting = waiting.filter(_onward_in_area(period.area, "service_referral", from_facts))
    per_session = list(waiting.values("session__service_id", "session_id").annotate(n=Count("id")))
    longest: dict = defaultdict(int)
    for row in per_session:
        service_id = row["session__service_id"]
        longest[service_id] = max(longest[service_id], row["n"])
    waits = waiting.values("session__service_id", "session__service__name").annotate(
        people=Count("service_referral", distinct=True), sessions=Count("session", distinct=True)
    )
    if from_facts:
        from .models import OnwardFact

        declined = OnwardFact.objects.filter(
            created_at__gte=period.start_at,
            created_at__lt=period.end_before,
            referral=True,
            capacity=True,
        ).order_by()
        if period.area:
            declined = declined.filter(area=period.area)
        capacity = dict(
            declined.values("service_id").annotate(n=Count("pk")).values_list("service_id", "n")
        )
    elif _has_field(ServiceReferral, "decline_reason"):
        capacity = dict(
            _onward(period)
            .filter(decline_reason="capacity")
            .values("service_id")
            .annotate(n=Count("id"))
            .values_list("service_id", "n")
        )
    else:
        capacity = {}
    from linkwell.directory.models import Service

    names = dict(Service.objects.filter(id__in=list(capacity)).values_list("id", "name"))
    table = Table(
        "waitlists",
        _("Declined for capacity and waitlists"),
        [
            Column("service", _("Service"), LABEL),
            Column("capacity", _("Onward referrals declined: no space")),
            Column("people", _("People on a waitlist now")),
            Column("sessions", _("Upcoming sessions with a waitlist"), AMOUNT),
            Column("longest", _("Longest waitlist for one session"), AMOUNT,
                   source=("people",)),
        ],
        section=_("Unmet need"),
        chart=Chart("bar", "service", "people", _("People on a waitlist now")),
        empty_message=_("No declines for capacity in this period and nobody on a waitlist."),
        notes=[
            _(
                "Declines are onward referrals made in the period; waitlists are for upcoming "
                "sessions now, whatever the period."
            )
        ],
    )  # fmt: skip
    rows: dict = {}
    for row in waits:
        service_id = row["session__service_id"]
        rows[service_id] = {
            "service": row["session__service__name"],
            "capacity": capacity.get(service_id, 0),
            "people": row["people"],
            "sessions": row["sessions"],
            "longest": longest[service_id],
        }
    for service_id, n in capacity.items():
        if service_id not in rows:
            rows[service_id] = {
                "service": names.get(service_id, ""),
                "capacity": n,
                "people": 0,
                "sessions": 0,
                "longest": 0,
            }
    total = {
        "service": _("All services"),
        "capacity": sum(r["capacity"] for r in rows.values()),
        "people": sum(r["people"] for r in rows.values()),
        "sessions": sum(r["sessions"] for r in rows.values()),
        "longest": max((r["longest"] for r in rows.values()), default=0),
    }
    _service_rows(table, list(rows.values()), total)
    tables.append(table)
    return tables


# ---------------------------------------------------------------------------------------------
# The whole dashboard
# ---------------------------------------------------------------------------------------------

SECTIONS = (
    ("referrals", _("Referrals")),
    ("pathway", _("Pathway and waits")),
    ("providers", _("Providers")),
    ("outcomes", _("Outcomes")),
    ("equity", _("Equity")),
    ("unmet", _("Unmet need")),
)


@contextmanager
def _report_queries():
    """PostgreSQL's JIT compiles these wide CASE/aggregate queries for seconds before running
    them in milliseconds: switch it off for this transaction only."""
    if not _postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # Grouping the period's facts (hundreds of thousands of rows at a million
            # referrals) in the default 4 MB sorts on disk instead of hashing in memory.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


@dataclass(frozen=True)
class Freshness:
    """When the facts behind the referral, pathway, outcome and equity tables were brought up
    to date (`reports.facts`); `as_of` None: never (too large to build during a request)."""

    as_of: datetime.datetime | None
    stale: bool = False

    @property
    def note(self) -> str:
        if self.as_of is None:
            return str(NOT_READY)
        # The same explicit format as every other page (Django's "en" default is American).
        when = date_format(timezone.localtime(self.as_of), "j F Y, H:i")
        note = _("Figures as of %(time)s.") % {"time": when}
        if self.stale:
            note += " " + _(
                "They have not been brought up to date for more than %(minutes)s minutes: "
                "newer activity is not included."
            ) % {"minutes": stale_minutes()}
        return note


NOT_READY = _(
    "These figures are being prepared and are not available yet. An administrator can "
    "prepare them now with: linkwell refresh-report-facts --full"
)


def stale_minutes() -> int:
    return int(getattr(settings, "LINKWELL_REPORT_FACTS_STALE_MINUTES", 60))


def freshness() -> Freshness:
    """The facts' freshness for a request, building them first when they never were and the
    database is small (`facts.ensure_built`)."""
    from . import facts

    state = facts.ensure_built()
    if state is None:
        return Freshness(None)
    age = timezone.now() - state.refreshed_at
    return Freshness(state.refreshed_at, age > datetime.timedelta(minutes=stale_minutes()))


def _from_facts(tables: list[Table], fresh: Freshness) -> list[Table]:
    """Say how fresh the figures are on every table computed from the facts (the note goes
    with the table to the page, the API, CSV, XLSX and PDF); none at all before they exist."""
    for table in tables:
        if fresh.as_of is None:
            table.rows, table.blocks = [], None
            table.empty_message = NOT_READY
        else:
            table.notes = [*table.notes, fresh.note]
    return tables


def dashboard_tables(
    period: Period, fresh: Freshness | None = None, *, fact_tables_only: bool = False
) -> list[Table]:
    """Every dashboard table, in page order: a fixed number of queries (about 25), whatever
    the volume of data; fewer when the fact-based tables of this period, area and language
    were already computed from the same facts (`reports.snapshots`)."""
    fresh = fresh or freshness()
    from_facts = fresh.as_of is not None
    with _report_queries():
        fact = {t.name: t for t in _from_facts(_fact_tables(period, fresh), fresh)}
        if fact_tables_only:
            return list(fact.values())
        return [
            *(fact[n] for n in ("referrals-by-month", "referrals-by-source", "pathway", "waits")),
            fact["provider-replies"],
            *_session_tables(period, area_facts=from_facts),
            *(
                fact[n]
                for n in ("outcome-change", *(f"outcome-equity-{k}" for k in DIMENSION_KEYS))
            ),
            *(fact[f"equity-{k}"] for k in DIMENSION_KEYS),
            *unmet_need_tables(period, from_facts=from_facts),
        ]


def _fact_tables(period: Period, fresh: Freshness) -> list[Table]:
    """The tables computed from the facts, without the freshness note: stored snapshots when
    there is one for these facts, else computed (and stored)."""
    from . import snapshots

    if fresh.as_of is not None:
        stored = snapshots.load(period, fresh.as_of)
        if stored is not None:
            return stored
    from . import blocks

    records = blocks.referral_records(period)
    facts = pathway_facts(period, records)
    tables = referral_tables(period, records)
    tables += pathway_tables(facts)
    tables += outcome_tables(outcome_moments(period, blocks.outcome_records(period)))
    tables += equity_tables(facts)
    tables.append(_replies_table(*fact_replies(period)))
    if fresh.as_of is not None:
        snapshots.store(period, fresh.as_of, tables)
    return tables


TABLE_NAMES = (
    "referrals-by-month",
    "referrals-by-source",
    "pathway",
    "waits",
    "provider-replies",
    "attendance",
    "utilisation",
    "outcome-change",
    *(f"outcome-equity-{d.key}" for d in DIMENSIONS),
    *(f"equity-{d.key}" for d in DIMENSIONS),
    "unmet-need",
    "waitlists",
)


def dashboard_table(period: Period, name: str) -> Table | None:
    """One table by name, computing only what it needs."""
    if name not in TABLE_NAMES:
        return None
    fresh = freshness()
    with _report_queries():
        return _dashboard_table(period, name, fresh)


def _dashboard_table(period: Period, name: str, fresh: Freshness) -> Table:
    from . import snapshots

    live = ("attendance", "utilisation", "unmet-need", "waitlists")
    from_facts = fresh.as_of is not None
    if from_facts and name not in live:
        stored = snapshots.load(period, fresh.as_of)
        if stored is not None:
            return next(t for t in _from_facts(stored, fresh) if t.name == name)
    if name.startswith("referrals-"):
        tables = _from_facts(referral_tables(period), fresh)
    elif name in ("pathway", "waits"):
        tables = _from_facts(pathway_tables(pathway_facts(period)), fresh)
    elif name.startswith("equity-"):
        tables = _from_facts(equity_tables(pathway_facts(period)), fresh)
    elif name == "provider-replies":
        tables = _from_facts([_replies_table(*fact_replies(period))], fresh)
    elif name in ("attendance", "utilisation"):
        tables = _session_tables(period, area_facts=from_facts)
    elif name.startswith("outcome-"):
        tables = _from_facts(outcome_tables(outcome_moments(period)), fresh)
    else:
        tables = unmet_need_tables(period, from_facts=from_facts)
    return next(t for t in tables if t.name == name)


def area_choices() -> list[str]:
    """Postcode districts that have people referred (for the area filter): kept with the
    facts when they exist, so the filter costs no scan of the referrals."""
    from .models import FactsState

    state = FactsState.objects.filter(pk=1, refreshed_at__isnull=False).first()
    if state is not None:
        return list(state.areas)
    return sorted(
        d
        for d in Referral.objects.exclude(person__postcode_district="")
        .values_list("person__postcode_district", flat=True)
        .distinct()
        if d
    )


__all__ = [
    "Period",
    "Table",
    "dashboard_tables",
    "dashboard_table",
    "default_period",
]
