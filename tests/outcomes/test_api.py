"""GET/POST /api/v1/referrals/{id}/measurements: the same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.outcomes.models import Measurement
from outcomes.conftest import SWEMWBS_21

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(request):
    def build(role):
        client = APIClient()
        if role != "anonymous":
            user = request.getfixturevalue(role)
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


def url(referral):
    return f"/api/v1/referrals/{referral.pk}/measurements"


BODY = {"instrument": "SWEMWBS", "timepoint": "baseline", "mode": "assisted", "answers": SWEMWBS_21}


def test_a_link_worker_records_and_lists_measurements(accepted, client_as):
    client = client_as("link_worker")
    response = client.post(url(accepted), BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scores"] == {"raw": 21, "metric": 19.25}
    assert body["instrument"] == "SWEMWBS" and body["mode"] == "assisted"
    listed = client.get(url(accepted)).json()
    assert [m["id"] for m in listed] == [body["id"]]
    assert AuditEntry.objects.filter(channel="api", object_type="outcomes.measurement").count() == 2


def test_eq5d5l_over_the_api_takes_a_value_set(accepted, client_as):
    answers = {"mobility": 1, "self_care": 2, "usual_activities": 3, "pain_discomfort": 4,
               "anxiety_depression": 5, "vas": 55}  # fmt: skip
    response = client_as("link_worker").post(
        url(accepted),
        {**BODY, "instrument": "EQ5D5L", "answers": answers, "value_set": "england-devlin-2018"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["scores"]["index"] == 0.322
    assert response.json()["value_set"] == "england-devlin-2018"


def test_bad_answers_come_back_nested_under_answers(accepted, client_as):
    response = client_as("link_worker").post(
        url(accepted), {**BODY, "answers": SWEMWBS_21 | {"item1": 6, "item2": None}}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["answers"]["item1"] == ["Enter a whole number from 1 to 5."]
    assert "no prorating" in errors["non_field_errors"][0]
    assert Measurement.objects.count() == 0


def test_an_unknown_value_set_is_refused(accepted, client_as):
    response = client_as("link_worker").post(
        url(accepted), {**BODY, "instrument": "EQ5D5L", "value_set": "us"}, format="json"
    )
    assert response.status_code == 400
    assert "value_set" in response.json()["errors"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("colleague", 200),
        ("lead", 200),
        ("referrer", 403),
        ("outsider_link_worker", 404),
        ("provider", 404),
        ("commissioner", 404),
        ("nobody", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_list_and_record_over_the_api(accepted, client_as, role, status):
    client = client_as(role)
    assert client.get(url(accepted)).status_code == status
    post = client.post(url(accepted), BODY, format="json")
    assert post.status_code == (201 if status == 200 else status)


def test_a_self_completion_link_can_be_made_over_the_api(accepted, client_as):
    link_url = f"/api/v1/referrals/{accepted.pk}/measurement-links"
    response = client_as("link_worker").post(
        link_url, {"instrument": "ONS4", "timepoint": "baseline"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith("http://testserver/q/")
    bad = client_as("link_worker").post(
        link_url, {"instrument": "EQ5D5L", "timepoint": "baseline"}, format="json"
    )
    assert bad.status_code == 400 and "instrument" in bad.json()["errors"]
    assert (
        client_as("referrer")
        .post(link_url, {"instrument": "ONS4", "timepoint": "baseline"}, format="json")
        .status_code
        == 403
    )
