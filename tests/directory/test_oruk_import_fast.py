"""The import's own INSERT writes what bulk_create would, and the import leaves the process
and the connection as it found them (garbage collector on, SQLite page cache size)."""

import datetime
import gc
import json
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from directory.test_oruk_import import service
from linkwell.directory import oruk_io
from linkwell.directory.models import CostOption, Organization, Schedule, Service

pytestmark = pytest.mark.django_db


def columns(model, pk) -> dict:
    names = [f.attname for f in model._meta.concrete_fields if f.attname != "search_vector"]
    return dict(zip(names, model.objects.filter(pk=pk).values_list(*names).get(), strict=True))


def test_insert_writes_the_same_values_as_bulk_create():
    org = Organization.objects.create(name="Org")
    now = timezone.now()
    made = {}
    for label in ("bulk", "fast"):
        sid = uuid.uuid4()
        svc = Service(
            id=sid,
            organization=org,
            name="Café – ünïcode",
            status="active",
            minimum_age=5,
            places_per_session=True,  # a JSON true: stored as 1 either way
            last_modified=now,
            last_verified_at=now - datetime.timedelta(days=3),
            assured_date=datetime.date(2025, 1, 31),
        )
        schedule = oruk_io._child(
            Schedule,
            id=uuid.uuid4(),
            service=svc,
            opens_at=datetime.time(9, 30),
            closes_at=datetime.time(11, 0),
            valid_from=datetime.date(2025, 2, 1),
            interval=1,
            byday="MO,WE",
        )
        cost = oruk_io._child(
            CostOption, id=uuid.uuid4(), service=svc, amount=Decimal("2.50"), option="Fee"
        )
        if label == "bulk":
            Service.objects.bulk_create([svc])
            Schedule.objects.bulk_create([Schedule(**schedule.values)])
            CostOption.objects.bulk_create([CostOption(**cost.values)])
        else:
            oruk_io._insert(Service, [svc])
            oruk_io._insert(Schedule, [schedule])
            oruk_io._insert(CostOption, [cost])
        made[label] = (sid, schedule.pk, cost.pk)

    def without_ids(model, pk):
        return {
            k: v
            for k, v in columns(model, pk).items()
            if k not in ("id", "service_id", "created_at")
        }

    for index, model in enumerate((Service, Schedule, CostOption)):
        assert without_ids(model, made["fast"][index]) == without_ids(model, made["bulk"][index])
    assert Service.objects.get(pk=made["fast"][0]).places_per_session == 1


def test_an_import_leaves_the_collector_and_the_page_cache_as_they_were(tmp_path):
    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size() if connection.vendor == "sqlite" else None
    good = tmp_path / "good.json"
    good.write_text(json.dumps([service(1)]))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    call_command("import_oruk", str(good), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(Exception, match="not JSON"):
        call_command("import_oruk", str(bad), stdout=StringIO(), stderr=StringIO())
    assert gc.isenabled()
    if before is not None:
        assert cache_size() == before
    assert Service.objects.count() == 1
