"""Periodic job: tell the allocated link worker, once, when a case's measures fall due.

Registered in ``OutcomesConfig.ready`` as ``outcomes.measures_due``. Idempotent: a
``MeasureDueNotice(case, timepoint)`` row (unique) is written in the same transaction as the
notification, so a second run, a second worker or a re-run after a crash never tells twice.
The notification names the case number and referral reference only, never the person.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.casework.models import Case
from linkwell.referrals.models import OPEN_STATUSES

from .models import MeasureDueNotice
from .selectors import due_on_cases

EVERY = datetime.timedelta(hours=1)
BATCH = 500


def measures_due_notify(now: datetime.datetime | None = None) -> int:
    """Notify each allocated link worker of measures newly due on their open cases."""
    from linkwell.messaging.notifications import notify_staff

    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = (
        Case.objects.filter(
            discharged_at__isnull=True,
            referral__status__in=OPEN_STATUSES,
            referral__accepted_at__isnull=False,
            link_worker__isnull=False,
        )
        .select_related("referral", "link_worker")
        .order_by("pk")
    )
    sent = 0
    last_pk = 0
    while True:
        batch = list(cases.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return sent
        last_pk = batch[-1].pk
        due = due_on_cases(batch, today=today)
        told = set(
            MeasureDueNotice.objects.filter(case__in=batch).values_list("case_id", "timepoint")
        )
        for case in batch:
            for item in due.get(case.pk, []):
                if (case.pk, item.timepoint) in told:
                    continue
                try:
                    with transaction.atomic():
                        MeasureDueNotice.objects.create(
                            case=case,
                            timepoint=item.timepoint,
                            notified_user=case.link_worker,
                            notified_at=now,
                        )
                        notify_staff(
                            users=[case.link_worker],
                            kind="measurement_due",
                            title=_("Outcome measures due (%(timepoint)s) on case %(case)s")
                            % {"timepoint": item.label, "case": case.referral.reference},
                            body=_("Due: %(measures)s.") % {"measures": item.instrument_names},
                            url=reverse("casework:case", args=[case.pk]),
                            related=case,
                        )
                except IntegrityError:
                    continue  # another worker told them first
                sent += 1
