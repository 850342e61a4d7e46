"""Casework API parity: goal edits (409 on a stale version), follow-up done, reallocation,
the what-matters conversation, and Idempotency-Key on every case POST."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.casework import services
from linkwell.casework.models import Contact, FollowUp, PlanGoal
from linkwell.referrals.models import IdempotencyRecord, Referral


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_as(request, db):
    def build(role: str) -> APIClient:
        client = APIClient()
        user = request.getfixturevalue(role)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


@pytest.fixture
def goal(case, link_worker):
    return services.plan_goal_add(
        actor=link_worker, case_id=case.pk, version=0, wording="Make a friend", steps="Walk"
    )


@pytest.fixture
def follow_up(case, link_worker, tomorrow):
    return services.follow_up_add(actor=link_worker, case_id=case.pk, due=tomorrow, what="Ring")


# --- PATCH goals ---------------------------------------------------------------------------


def test_patch_a_goal_changes_only_what_is_sent(client_as, case, goal):
    review = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}/goals/{goal.pk}",
        {"version": 1, "wording": "Make two friends", "review_on": review},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["plan_version"] == 2
    assert body["goals"][0]["wording"] == "Make two friends"
    assert body["goals"][0]["steps"] == "Walk"
    assert body["goals"][0]["review_on"] == review


def test_patch_a_goal_from_a_stale_version_is_a_409_and_saves_nothing(client_as, case, goal):
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}/goals/{goal.pk}",
        {"version": 0, "wording": "Overwritten"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "Someone else changed this plan" in body["detail"]
    assert body["errors"]["version"] == [body["detail"]]
    goal.refresh_from_db()
    assert goal.wording == "Make a friend"


def test_adding_a_goal_from_a_stale_version_is_a_409(client_as, case, goal):
    response = client_as("link_worker").post(
        f"/api/v1/cases/{case.pk}/goals", {"version": 0, "wording": "Another"}, format="json"
    )
    assert response.status_code == 409
    assert PlanGoal.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1, "wording": ""}, "wording"),
        ({"version": 1, "review_on": "2000-01-01"}, "review_on"),
        ({"wording": "No version"}, "version"),
    ],
)
def test_patch_a_goal_with_bad_input_is_a_400(client_as, case, goal, body, field):
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}/goals/{goal.pk}", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    goal.refresh_from_db()
    assert goal.wording == "Make a friend"


def test_patch_a_goal_of_another_case_is_a_404(client_as, case, goal, other_referral, lead):
    from linkwell.referrals.models import Status
    from linkwell.referrals.services import referral_transition

    referral_transition(actor=lead, referral_id=other_referral.pk, to_status=Status.ACCEPTED)
    other_case = Referral.objects.get(pk=other_referral.pk).case
    response = client_as("lead").patch(
        f"/api/v1/cases/{other_case.pk}/goals/{goal.pk}",
        {"version": 0, "wording": "x"},
        format="json",
    )
    assert response.status_code == 404


# --- PATCH the case (what matters) ----------------------------------------------------------


def test_patch_the_case_records_what_matters(client_as, case):
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}",
        {"version": 0, "what_matters": "Seeing my grandchildren", "risk_flags": ["lone_working"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["what_matters"] == "Seeing my grandchildren"
    assert body["risk_flags"] == ["lone_working"]
    assert body["plan_version"] == 1
    # Leaving risk_flags out keeps them; a stale version is refused.
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}", {"version": 1, "what_matters": "Walking"}, format="json"
    )
    assert response.json()["risk_flags"] == ["lone_working"]
    stale = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}", {"version": 1, "what_matters": "Lost"}, format="json"
    )
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.what_matters == "Walking"


def test_patch_the_case_with_an_unknown_risk_flag_is_a_400(client_as, case):
    response = client_as("link_worker").patch(
        f"/api/v1/cases/{case.pk}", {"version": 0, "risk_flags": ["nonsense"]}, format="json"
    )
    assert response.status_code == 400
    assert "risk_flags" in response.json()["errors"]


# --- follow-up done ------------------------------------------------------------------------


def test_marking_a_follow_up_done(client_as, case, follow_up):
    client = client_as("link_worker")
    url = f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}/done"
    response = client.post(url, format="json")
    assert response.status_code == 200
    assert response.json()["follow_ups"][0]["done_at"] is not None
    follow_up.refresh_from_db()
    first = follow_up.done_at
    assert client.post(url, format="json").status_code == 200  # twice changes nothing
    follow_up.refresh_from_db()
    assert follow_up.done_at == first


def test_marking_an_unknown_follow_up_done_is_a_404(client_as, case):
    response = client_as("link_worker").post(
        f"/api/v1/cases/{case.pk}/follow-ups/999999/done", format="json"
    )
    assert response.status_code == 404


# --- reallocation -------------------------------------------------------------------------


def test_a_lead_reallocates_over_the_api(client_as, case, colleague):
    response = client_as("lead").post(
        f"/api/v1/cases/{case.pk}/reallocate", {"link_worker": colleague.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["link_worker"] == colleague.pk
    assert Referral.objects.get(pk=case.referral_id).allocated_to_id == colleague.pk


def test_a_link_worker_may_not_reallocate(client_as, case, colleague):
    response = client_as("link_worker").post(
        f"/api/v1/cases/{case.pk}/reallocate", {"link_worker": colleague.pk}, format="json"
    )
    assert response.status_code == 403


def test_reallocating_to_someone_outside_the_service_is_a_400(client_as, case, provider):
    response = client_as("lead").post(
        f"/api/v1/cases/{case.pk}/reallocate", {"link_worker": provider.pk}, format="json"
    )
    assert response.status_code == 400
    assert "link_worker" in response.json()["errors"]


# --- scope for the new endpoints ------------------------------------------------------------


def _new_calls(case, goal, follow_up, colleague):
    base = f"/api/v1/cases/{case.pk}"
    return [
        ("patch", base, {"version": 1, "what_matters": "x"}),
        ("patch", f"{base}/goals/{goal.pk}", {"version": 1, "wording": "x"}),
        ("post", f"{base}/follow-ups/{follow_up.pk}/done", {}),
        ("post", f"{base}/reallocate", {"link_worker": colleague.pk}),
    ]


@pytest.mark.parametrize("who", ["referrer", "provider", "commissioner"])
def test_other_roles_get_403_on_the_new_endpoints(client_as, case, goal, follow_up, colleague, who):
    client = client_as(who)
    for method, url, body in _new_calls(case, goal, follow_up, colleague):
        assert getattr(client, method)(url, body, format="json").status_code == 403, url


def test_another_service_gets_404_on_the_new_endpoints(client_as, case, goal, follow_up, colleague):
    client = client_as("outsider_link_worker")
    for method, url, body in _new_calls(case, goal, follow_up, colleague):
        assert getattr(client, method)(url, body, format="json").status_code == 404, url


def test_a_colleague_reads_but_may_not_change_through_the_new_endpoints(
    client_as, case, goal, follow_up, colleague
):
    client = client_as("colleague")
    for method, url, body in _new_calls(case, goal, follow_up, colleague)[:3]:
        assert getattr(client, method)(url, body, format="json").status_code == 403, url


# --- Idempotency-Key on every case POST -----------------------------------------------------


def _posts(case, goal, follow_up, colleague):
    base = f"/api/v1/cases/{case.pk}"
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    return {
        "contacts": (f"{base}/contacts", {"mode": "phone", "minutes": 10}),
        "goals": (f"{base}/goals", {"version": 1, "wording": "Learn to cook"}),
        "progress": (f"{base}/goals/{goal.pk}/progress", {"score": 5}),
        "follow-ups": (f"{base}/follow-ups", {"due": due, "what": "Ring back"}),
        "done": (f"{base}/follow-ups/{follow_up.pk}/done", {}),
        "reallocate": (f"{base}/reallocate", {"link_worker": colleague.pk}),
        "discharge": (f"{base}/discharge", {"reason": "goals_met", "summary": "Done"}),
    }


def _counts(case):
    return (
        Contact.objects.filter(case=case).count(),
        PlanGoal.objects.filter(case=case).count(),
        FollowUp.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize(
    "which", ["contacts", "goals", "progress", "follow-ups", "done", "reallocate", "discharge"]
)
def test_the_same_key_and_body_replay_without_doing_it_twice(
    client_as, case, goal, follow_up, colleague, which
):
    client = client_as("lead")  # leads may do every one of these
    url, body = _posts(case, goal, follow_up, colleague)[which]
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code in (200, 201), first.json()
    assert "Idempotent-Replayed" not in first
    counts = _counts(case)
    progress = goal.progress.count()
    second = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"] == case.pk
    assert _counts(case) == counts and goal.progress.count() == progress


def test_the_same_key_with_another_body_is_a_422(client_as, case):
    client = client_as("link_worker")
    url = f"/api/v1/cases/{case.pk}/contacts"
    assert (
        client.post(
            url, {"mode": "phone", "minutes": 10}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        ).status_code
        == 201
    )
    response = client.post(
        url, {"mode": "phone", "minutes": 11}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Contact.objects.filter(case=case).count() == 1


def test_the_same_key_on_another_path_is_a_422(client_as, case, tomorrow):
    client = client_as("link_worker")
    base = f"/api/v1/cases/{case.pk}"
    client.post(
        f"{base}/contacts",
        {"mode": "phone", "minutes": 10},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    response = client.post(
        f"{base}/follow-ups",
        {"due": tomorrow.isoformat(), "what": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422
    assert not FollowUp.objects.filter(case=case).exists()


def test_a_refused_request_keeps_its_key_free(client_as, case):
    client = client_as("link_worker")
    url = f"/api/v1/cases/{case.pk}/contacts"
    bad = client.post(
        url, {"mode": "phone", "minutes": -1}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k").exists()
    fixed = client.post(
        url, {"mode": "phone", "minutes": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert fixed.status_code == 201


def test_keys_are_per_user(client_as, case, lead):
    url = f"/api/v1/cases/{case.pk}/contacts"
    body = {"mode": "phone", "minutes": 10}
    assert (
        client_as("link_worker")
        .post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
        .status_code
        == 201
    )
    assert (
        client_as("lead").post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code
        == 201
    )
    assert Contact.objects.filter(case=case).count() == 2


def test_a_case_key_never_replays_a_referral(client_as, case):
    # The referrals API keeps its own keys ("user:<id>"); a case key lives apart.
    client_as("link_worker").post(
        f"/api/v1/cases/{case.pk}/contacts",
        {"mode": "phone", "minutes": 10},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert set(IdempotencyRecord.objects.values_list("scope", flat=True)) == {
        f"case-api:user:{case.link_worker_id}"
    }


def test_an_overlong_key_is_a_400(client_as, case):
    response = client_as("link_worker").post(
        f"/api/v1/cases/{case.pk}/contacts",
        {"mode": "phone", "minutes": 10},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 201,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Contact.objects.filter(case=case).exists()
