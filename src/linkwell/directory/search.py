"""Full-text index of services: SQLite FTS5 on the embedded database, PostgreSQL tsvector
(English stemming, GIN index) in production. The service layer calls `index_services` after
every write; an importer that writes rows directly calls it (or `reindex_all`) afterwards.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import TextField, Value

_WORD_RE = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "directory_service_fts"


def _vendor() -> str:
    return connection.vendor


def service_text(service) -> str:
    """The searchable text of a service: what it is, who runs it, where, languages, terms."""
    from .models import Attribute, Language, ServiceAtLocation

    parts = [
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.culturally_specific_notes,
        service.organization.name,
    ]
    parts += [
        f"{lang.name} {lang.note}"
        for lang in Language.objects.filter(service_id=service.pk).only("name", "note")
    ]
    parts += [
        a.taxonomy_term.name
        for a in Attribute.objects.filter(link_entity="service", link_id=service.pk).select_related(
            "taxonomy_term"
        )
    ]
    for sal in ServiceAtLocation.objects.filter(service_id=service.pk).select_related("location"):
        parts.append(sal.location.name)
    parts += [str(tg.display_label) for tg in service.target_groups.all()]
    return " ".join(p for p in parts if p)


def index_services(service_ids: Iterable[uuid.UUID]) -> None:
    from .models import Service

    ids = list(service_ids)
    if not ids:
        return
    services = Service.objects.filter(pk__in=ids).select_related("organization")
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, 500):
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE} WHERE service_id IN ({','.join('%s' for _ in chunk)})",  # noqa: S608
                    [uuid.UUID(str(i)).hex for i in chunk],
                )
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (service_id, body) VALUES (%s, %s)",  # noqa: S608
                [(s.pk.hex, service_text(s)) for s in services],
            )
    elif _vendor() == "postgresql":
        for s in services:
            Service.objects.filter(pk=s.pk).update(
                search_vector=SearchVector(
                    Value(service_text(s), output_field=TextField()), config="english"
                )
            )


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
    return (
        f"SELECT service_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [expression.strip()],
    )


def fts_ranks_sql(params: list) -> tuple[str, list]:
    return (
        f"SELECT service_id, bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        params,
    )
