"""The case page costs a bounded number of queries, however long the case's history."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwell.casework import services
from linkwell.outcomes.services import measurement_record

SWEMWBS = {f"item{n}": 3 for n in range(1, 8)}


def _add_history(case, actor, n, start):
    version = case.plan_version
    for i in range(n):
        services.contact_record(
            actor=actor,
            case_id=case.pk,
            at=timezone.now() - datetime.timedelta(hours=i + 1),
            mode="phone",
            minutes=10,
            successful=i % 3 != 0,
            with_interpreter=True,
            interpreter_language="Arabic",
            notes=f"Call {start + i}",
        )
        goal = services.plan_goal_add(
            actor=actor, case_id=case.pk, version=version, wording=f"Goal {start + i}"
        )
        version += 1
        services.goal_progress_record(actor=actor, case_id=case.pk, goal_id=goal.pk, score=3)
        services.goal_progress_record(actor=actor, case_id=case.pk, goal_id=goal.pk, score=5)
        services.plan_goal_update(
            actor=actor, case_id=case.pk, goal_id=goal.pk, version=version, wording=f"G {i}"
        )
        version += 1
        follow_up = services.follow_up_add(
            actor=actor,
            case_id=case.pk,
            due=timezone.localdate() + datetime.timedelta(days=i + 1),
            what=f"Ring {i}",
        )
        if i % 2:
            services.follow_up_done(actor=actor, case_id=case.pk, follow_up_id=follow_up.pk)
        measurement_record(
            actor=actor,
            referral_id=case.referral_id,
            instrument="SWEMWBS",
            timepoint="other",
            answers=SWEMWBS,
            mode="assisted",
        )
        case.refresh_from_db()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_case_page_is_bounded_however_many_contacts_goals_and_events(
    case, client, link_worker, lead
):
    url = reverse("casework:case", args=[case.pk])
    _add_history(case, link_worker, 1, 0)
    for user in (link_worker, lead):  # the owner's and a lead's page (more forms)
        client.force_login(user)
        client.get(url)
        few = _count(client, url)
        _add_history(case, link_worker, 12, 100)
        many = _count(client, url)
        assert many <= few, f"{user.email}: {few} queries with 1 of each, {many} with more"
