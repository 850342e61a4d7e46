"""Self-completion links: expiring, single-use, in the person's language, nothing half-saved."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEntry
from linkwell.outcomes import wording
from linkwell.outcomes.models import Measurement, SelfCompletionLink
from linkwell.outcomes.self_completion import self_completion_link_create

pytestmark = pytest.mark.django_db

ONS4 = {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 2}


@pytest.fixture
def link_token(accepted, link_worker):
    _link, token = self_completion_link_create(
        actor=link_worker, referral_id=accepted.pk, instrument="ONS4", timepoint="follow_up_12w"
    )
    return token


def _post(client, token, answers):
    return client.post(
        reverse("outcomes_public:complete", args=[token]),
        {f"answer_{k}": v for k, v in answers.items()},
    )


def test_a_link_worker_makes_a_link_and_sees_it_once(accepted, client, link_worker):
    client.force_login(link_worker)
    response = client.post(
        reverse("outcomes:link-create", args=[accepted.pk]),
        {"instrument": "ONS4", "timepoint": "follow_up_12w", "delivery": "show"},
    )
    assert response.status_code == 200
    url = re.search(r'value="(http://testserver/q/[^"]+/)"', response.content.decode())[1]
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = SelfCompletionLink.objects.get()
    assert token not in link.token_hash  # only a hash is kept
    assert AuditEntry.objects.filter(
        action="create", object_type="outcomes.selfcompletionlink"
    ).exists()


def test_the_person_completes_ons4_without_an_account_in_their_language(
    accepted, client, link_token
):
    # The cast's person prefers Arabic: the page comes in Arabic, right to left.
    page = client.get(reverse("outcomes_public:complete", args=[link_token]))
    assert page.status_code == 200
    assert page["Content-Language"] == accepted.person.language == "ar"
    assert 'dir="rtl"' in page.content.decode()
    done = _post(client, link_token, ONS4)
    assert done.status_code == 200
    m = Measurement.objects.get()
    assert (m.mode, m.entered_by, m.timepoint) == ("self", None, "follow_up_12w")
    assert m.scores["anxiety_band"] == "low"
    assert AuditEntry.objects.filter(channel="self", object_type="outcomes.measurement").exists()


def test_a_used_link_cannot_be_used_again(client, link_token):
    _post(client, link_token, ONS4)
    again = _post(client, link_token, ONS4)
    assert again.status_code == 410
    assert client.get(reverse("outcomes_public:complete", args=[link_token])).status_code == 410
    assert Measurement.objects.count() == 1


def test_an_expired_link_is_refused(client, link_token):
    SelfCompletionLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("outcomes_public:complete", args=[link_token]))
    assert response.status_code == 410
    assert _post(client, link_token, ONS4).status_code == 410
    assert Measurement.objects.count() == 0


def test_an_unknown_link_is_refused_without_saying_whose(client, db):
    response = client.get(reverse("outcomes_public:complete", args=["x" * 32]))
    assert response.status_code == 410


def test_bad_answers_save_nothing_and_leave_the_link_usable(client, link_token):
    response = _post(client, link_token, ONS4 | {"anxiety": ""})
    assert response.status_code == 400
    assert Measurement.objects.count() == 0
    assert _post(client, link_token, ONS4).status_code == 200


def test_a_referrer_cannot_make_a_link_and_an_outsider_gets_not_found(
    accepted, client, referrer, outsider_link_worker
):
    url = reverse("outcomes:link-create", args=[accepted.pk])
    data = {"instrument": "ONS4", "timepoint": "baseline"}
    client.force_login(referrer)
    assert client.post(url, data).status_code == 403
    client.force_login(outsider_link_worker)
    assert client.post(url, data).status_code == 404
    assert SelfCompletionLink.objects.count() == 0


def test_licensed_measures_are_offered_only_with_their_wording_loaded(
    accepted, client, link_worker, settings
):
    from pathlib import Path

    settings.LINKWELL_LICENSED_WORDING_DIR = ""
    wording.clear_cache()
    client.force_login(link_worker)
    url = reverse("outcomes:link-create", args=[accepted.pk])
    client.post(url, {"instrument": "SWEMWBS", "timepoint": "baseline", "delivery": "show"})
    assert SelfCompletionLink.objects.count() == 0
    settings.LINKWELL_LICENSED_WORDING_DIR = str(Path(__file__).parent / "fixtures" / "wording")
    wording.clear_cache()
    response = client.post(
        url, {"instrument": "SWEMWBS", "timepoint": "baseline", "delivery": "show"}
    )
    assert response.status_code == 200
    token = re.search(r'/q/([^/"]+)/', response.content.decode())[1]
    page = client.get(reverse("outcomes_public:complete", args=[token])).content.decode()
    assert "Fixture statement one" in page  # no Arabic in the fixture: English wording
    wording.clear_cache()
