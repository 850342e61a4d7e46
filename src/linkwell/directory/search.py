"""Full-text index of services: SQLite FTS5 on the embedded database, PostgreSQL tsvector
(English stemming, GIN index) in production. The service layer calls `index_services` after
every write; an importer that writes rows directly calls it (or `reindex_all`) afterwards.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from . import match_places

_WORD_RE = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "directory_service_fts"
# FTS5's own table of the indexed rows (rowid `id`, `c0` = service_id, `c1` = body). Migration
# 0004 indexes `c0`, so a service's FTS rowid is found without reading the text: searches and
# deletes go by rowid, which FTS5 lists without touching the stored text.
FTS_CONTENT = f"{FTS_TABLE}_content"
SERVICE_ID_COLUMN = '"directory_service"."id"'


def _vendor() -> str:
    return connection.vendor


def service_text(service) -> str:
    """The searchable text of a service (as stored): what it is, who runs it, where,
    languages, terms."""
    return _texts([service.pk])[service.pk]


# The service's own searchable columns, read as plain values: building whole Service objects
# (dates, JSON, decimals) cost a third of indexing an import.
_SERVICE_TEXT_COLUMNS = (
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "culturally_specific_notes",
    "organization__name",
)


def _texts(ids: list) -> dict[uuid.UUID, str]:
    """The searchable text of each service, read in a fixed number of queries per batch (an
    import or `reindex_all` of 100,000 services must not issue queries per service)."""
    from .models import Attribute, Language, Service, ServiceAtLocation, TargetGroup

    ids = list(ids)
    extra: dict[uuid.UUID, dict[str, list[str]]] = {
        pk: {"languages": [], "terms": [], "places": [], "groups": []} for pk in ids
    }
    # Each part in a fixed order (by the row's id), whatever the plan: an import works the
    # same text out from the rows it writes (`by_read_order`) instead of reading it back.
    for sid, name, note in (
        Language.objects.filter(service_id__in=ids)
        .order_by("service_id", "id")
        .values_list("service_id", "name", "note")
    ):
        extra[sid]["languages"].append(f"{name} {note}")
    for sid, term in (
        Attribute.objects.filter(link_entity="service", link_id__in=ids)
        .order_by("link_id", "taxonomy_term_id")
        .values_list("link_id", "taxonomy_term__name")
    ):
        extra[sid]["terms"].append(term)
    for sid, place in (
        ServiceAtLocation.objects.filter(service_id__in=ids)
        .order_by("service_id", "location_id")
        .values_list("service_id", "location__name")
    ):
        extra[sid]["places"].append(place)
    through = TargetGroup.services.through
    groups = {g.pk: g for g in TargetGroup.objects.all()}
    ordered = sorted(groups.values(), key=lambda g: (g.order, g.code))
    rank = {g.pk: i for i, g in enumerate(ordered)}
    members: dict[uuid.UUID, list[int]] = {}
    for sid, gid in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "targetgroup_id"
    ):
        members.setdefault(sid, []).append(gid)
    for sid, gids in members.items():
        extra[sid]["groups"] = [str(groups[g].display_label) for g in sorted(gids, key=rank.get)]

    texts = {}
    for pk, *columns in Service.objects.filter(pk__in=ids).values_list(
        "pk", *_SERVICE_TEXT_COLUMNS
    ):
        e = extra[pk]
        texts[pk] = join_text(columns, e["languages"], e["terms"], e["places"], e["groups"])
    return texts


def join_text(columns, languages, terms, places, groups) -> str:
    """A service's searchable text from its parts: `columns` in the order of
    `_SERVICE_TEXT_COLUMNS`, then each language as "name note", its taxonomy terms' names, its
    places' names and its target groups' labels (empty parts left out)."""
    parts = [*columns, *languages, *terms, *places, *groups]
    return " ".join(p for p in parts if p)


def group_labels(groups) -> list[str]:
    """Target groups' labels in the order `_texts` gives them (by order, then code)."""
    return [str(g.display_label) for g in sorted(groups, key=lambda g: (g.order, g.code))]


INDEX_BATCH = 1000
# The tsvector of a text (`%s`): the same as SearchVector(Value(text), config="english").
VECTOR_SQL = "to_tsvector('english'::regconfig, COALESCE(%s, ''))"


def index_services(service_ids: Iterable[uuid.UUID]) -> None:
    """Index these services' text as it is in the database (after a write)."""
    _index(list(service_ids), {})


def by_read_order(rows: list, key) -> list:
    """A service's languages, taxonomy terms or places, given in the order they are written, in
    the order `_texts` reads them back: by the row's id (language) or the term's or
    location's id (`key(row)`, a UUID), on both databases whatever the query plan."""
    return sorted(rows, key=key) if len(rows) > 1 else rows


def index_imported(service_ids: list[uuid.UUID], worked_out: dict) -> None:
    """`index_services(service_ids)` at the end of an import, which worked out the text of the
    services it created from the rows it wrote (`worked_out`: id → (name, text, final), see
    `join_text`, `by_read_order`; `final` when no row it was made from can change later in
    the import).

    SQLite: a final text is written to the FTS table as it is, the others are read back; the
    rows go in the batches and the order `index_services` uses (by name, then id), which give
    them the same rowids. PostgreSQL: the services were written with the vector of that text
    (`VECTOR_SQL` in their INSERT); only the texts that are not final are read back, and a
    service whose text differs is updated."""
    _index(service_ids, worked_out)


def _index(ids: list, worked_out: dict) -> None:
    if not ids:
        return
    vendor = _vendor()
    for chunk in _chunks(ids, INDEX_BATCH):
        if vendor == "sqlite":
            texts = _read_or_known(chunk, worked_out)
            with connection.cursor() as cursor:
                for part in _chunks(chunk, 500):
                    marks = ",".join("%s" for _ in part)
                    cursor.execute(
                        f"DELETE FROM {FTS_TABLE} WHERE rowid IN "  # noqa: S608
                        f"(SELECT id FROM {FTS_CONTENT} WHERE c0 IN ({marks}))",
                        [uuid.UUID(str(i)).hex for i in part],
                    )
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (service_id, body) VALUES (%s, %s)",  # noqa: S608
                    [(pk.hex, text) for pk, text in texts.items()],
                )
        elif vendor == "postgresql":
            # One UPDATE per batch.
            unsure = [pk for pk in chunk if pk not in worked_out or not worked_out[pk][2]]
            rows = [
                (pk, text)
                for pk, text in _texts(unsure).items()
                if pk not in worked_out or worked_out[pk][1] != text
            ]
            vector = VECTOR_SQL % "v.body"
            for part in _chunks(rows, 500):
                values = ",".join("(%s::uuid, %s)" for _ in part)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE directory_service AS s SET search_vector = {vector} "  # noqa: S608
                        f"FROM (VALUES {values}) AS v(id, body) WHERE s.id = v.id",
                        [x for pk, text in part for x in (pk, text)],
                    )
    # Matching's table of places (casework issue 3), kept in step at the same points.
    match_places.refresh(ids)


def _read_or_known(chunk: list, worked_out: dict) -> dict:
    """SQLite: the batch's texts in the order `_texts` returns them (services by name, the
    model's ordering, then by id, the order of the primary key index they are found through),
    final texts taken as they are."""
    known = {pk: worked_out[pk] for pk in chunk if pk in worked_out and worked_out[pk][2]}
    if not known:
        return _texts(chunk)
    from .models import Service

    missing = [pk for pk in chunk if pk not in known]
    texts = {pk: known[pk][1] for pk in known}
    names = {pk: known[pk][0] for pk in known}
    if missing:
        texts.update(_texts(missing))
        names.update(Service.objects.filter(pk__in=missing).values_list("pk", "name"))
    return {pk: texts[pk] for pk in sorted(texts, key=lambda pk: (names[pk], pk.hex))}


def reindex_all() -> None:
    from .models import Service

    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
    index_services(Service.objects.values_list("pk", flat=True))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Left out of searches on both databases (PostgreSQL's English configuration drops them
# anyway; FTS5 would otherwise require them): "a group for the over-55s" = "group over 55s".
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "to",
        "with",
    ]
)


def words(text: str) -> list[str]:
    return [
        w for w in _WORD_RE.findall(text or "") if len(w) > 1 and w.casefold() not in STOP_WORDS
    ]


def text_matches(text: str) -> tuple[str, list] | SearchQuery | None:
    """How to find services matching `text` (every word must match, stemmed).

    SQLite: (SQL selecting matching service ids, params).
    PostgreSQL: a SearchQuery for `search_vector`.
    """
    tokens = words(text)
    if not tokens:
        return None
    if _vendor() == "postgresql":
        # Words only (\w+), so nothing typed can be a tsquery operator; the last as a prefix.
        expression = " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])
        return SearchQuery(expression, search_type="raw", config="english")
    # Each word quoted (so FTS5 operators in user input are just words); the last one as a
    # prefix so "convers" finds "conversation" while typing.
    expression = " ".join(f'"{t}"' for t in tokens[:-1]) + f' "{tokens[-1]}"*'
    # The matching rowids (cheap: no stored text is read), then their service ids.
    return (
        f"SELECT c0 FROM {FTS_CONTENT} WHERE id IN "  # noqa: S608
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
        [expression.strip()],
    )


def fts_rowid_sql(service_column: str) -> str:
    """SQLite: the FTS rowid of the service whose id is in `service_column` (via the index)."""
    return f"(SELECT id FROM {FTS_CONTENT} WHERE c0 = {service_column})"  # noqa: S608


def fts_candidate_sql(params: list) -> tuple[str, list]:
    """SQLite: a condition on one service row (`directory_service`) that is true when it
    matches, for queries driven by a small candidate set (a distance box): each candidate's
    rowid is looked up in the list of matching rowids, instead of the service ids of every
    match in the country being read."""
    rowid = fts_rowid_sql(SERVICE_ID_COLUMN)
    return (
        f"{rowid} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
        params,
    )


def fts_ranks_sql(params: list) -> tuple[str, list]:
    """SQLite: (rowid, bm25) of matching rows; callers add `AND +rowid IN (...)` to limit it to
    their candidates (the `+` keeps FTS5 from restarting the query for every rowid)."""
    return (
        f"SELECT rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        params,
    )
