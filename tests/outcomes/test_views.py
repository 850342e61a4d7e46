"""Outcome measure pages: who may see and record, entry per instrument, licensed wording."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from linkwell.audit.models import AuditEntry
from linkwell.outcomes import wording
from linkwell.outcomes.models import Measurement
from linkwell.outcomes.services import measurement_record
from outcomes.conftest import SWEMWBS_21, SWEMWBS_25

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "wording"


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _date_fields(day=None):
    day = day or timezone.localdate()
    return {
        "completed_on_day": str(day.day),
        "completed_on_month": str(day.month),
        "completed_on_year": str(day.year),
    }


def _post_data(answers, timepoint="baseline", mode="assisted"):
    data = {"timepoint": timepoint, "mode": mode, **_date_fields()}
    data.update({f"answer_{k}": v for k, v in answers.items()})
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("link_worker", 200),
        ("colleague", 200),
        ("lead", 200),
        ("referrer", 403),  # sees the referral, never its outcome measures
        ("other_referrer", 403),
        ("outsider_link_worker", 404),
        ("provider", 403),
        ("commissioner", 403),
        ("nobody", 403),
    ],
)
def test_who_may_see_a_referrals_measures(accepted, as_user, request, who, status):
    client = as_user(request.getfixturevalue(who))
    url = reverse("outcomes:referral", args=[accepted.pk])
    assert client.get(url).status_code == status
    assert client.get(reverse("outcomes:record", args=[accepted.pk, "ONS4"])).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(accepted, client):
    response = client.get(reverse("outcomes:referral", args=[accepted.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("referrer", 403), ("outsider_link_worker", 404)])
def test_posting_a_measure_out_of_role_or_scope_saves_nothing(
    accepted, as_user, request, who, status
):
    client = as_user(request.getfixturevalue(who))
    url = reverse("outcomes:record", args=[accepted.pk, "SWEMWBS"])
    assert client.post(url, _post_data(SWEMWBS_21)).status_code == status
    assert Measurement.objects.count() == 0


def test_an_unknown_instrument_is_not_found(accepted, as_user, link_worker):
    url = reverse("outcomes:record", args=[accepted.pk, "PHQ9"])
    assert as_user(link_worker).get(url).status_code == 404


def test_a_referral_not_yet_accepted_cannot_have_measures_recorded(referral, as_user, link_worker):
    client = as_user(link_worker)
    page = client.get(reverse("outcomes:referral", args=[referral.pk]))
    assert "once the referral has been accepted" in page.content.decode()
    url = reverse("outcomes:record", args=[referral.pk, "SWEMWBS"])
    assert client.get(url).status_code == 403


def test_a_link_worker_records_baseline_and_follow_up_and_sees_the_change(
    accepted, as_user, link_worker
):
    client = as_user(link_worker)
    url = reverse("outcomes:record", args=[accepted.pk, "SWEMWBS"])
    response = client.post(url, _post_data(SWEMWBS_21))
    assert response.status_code == 302
    client.post(url, _post_data(SWEMWBS_25, timepoint="follow_up_12w"))
    page = client.get(reverse("outcomes:referral", args=[accepted.pk])).content.decode()
    assert "19.25" in page and "22.35" in page
    assert "+3.10" in page
    assert "Meaningful improvement" in page
    assert AuditEntry.objects.filter(
        action="view", object_type="outcomes.measurement", person_id=accepted.person_id
    ).exists()


def test_a_missing_answer_shows_errors_and_saves_nothing(accepted, as_user, link_worker):
    client = as_user(link_worker)
    url = reverse("outcomes:record", args=[accepted.pk, "SWEMWBS"])
    answers = dict(SWEMWBS_21)
    del answers["item3"]
    response = client.post(url, _post_data(answers))
    assert response.status_code == 400
    assert "Answer the question: Relaxed" in response.content.decode()
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "answers", "score_key", "expected"),
    [
        ("ONS4", {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3},
         "anxiety_band", "low"),
        ("EQ5D5L", {"mobility": 1, "self_care": 1, "usual_activities": 1, "pain_discomfort": 1,
                    "anxiety_depression": 2, "vas": 80}, "index", 0.879),
        ("WEMWBS", {f"item{n}": 3 for n in range(1, 15)}, "total", 42),
        ("UCLA3", {"item1": 2, "item2": 2, "item3": 3}, "band", "lonely"),
        ("ONS_LONELINESS", {"response": "occasionally"}, "band", "not_chronic"),
        ("GOAL_PROGRESS", {"progress": 6}, "total", 6),
    ],
)  # fmt: skip
def test_every_instrument_can_be_entered_on_its_form(
    accepted, as_user, link_worker, code, answers, score_key, expected
):
    client = as_user(link_worker)
    url = reverse("outcomes:record", args=[accepted.pk, code])
    assert client.get(url).status_code == 200
    response = client.post(url, _post_data(answers, mode="paper"))
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Measurement.objects.get(instrument=code)
    assert m.scores[score_key] == expected
    assert m.mode == "paper"


def test_ons4_ships_its_full_crown_copyright_wording(accepted, as_user, link_worker):
    page = as_user(link_worker).get(reverse("outcomes:record", args=[accepted.pk, "ONS4"]))
    html = page.content.decode()
    assert "Overall, how satisfied are you with your life nowadays?" in html
    assert "Open Government Licence" in html


def test_licensed_measures_show_short_labels_and_the_licence_notice(
    accepted, as_user, link_worker, settings
):
    settings.LINKWELL_LICENSED_WORDING_DIR = ""
    html = (
        as_user(link_worker)
        .get(reverse("outcomes:record", args=[accepted.pk, "SWEMWBS"]))
        .content.decode()
    )
    assert "Optimistic about the future" in html
    assert "licensed by Warwick Medical School" in html
    assert "Fixture statement" not in html


def test_a_deployment_can_load_licensed_wording_and_translations(
    accepted, as_user, link_worker, settings
):
    settings.LINKWELL_LICENSED_WORDING_DIR = str(FIXTURES)
    wording.clear_cache()
    client = as_user(link_worker)
    url = reverse("outcomes:record", args=[accepted.pk, "SWEMWBS"])
    html = client.get(url).content.decode()
    assert "Fixture statement one" in html
    assert "Fixture intro" in html
    assert "TEST LICENCE NOTICE 123" in html
    assert "Fixture always" in html
    assert wording.licensed_wording("SWEMWBS", "cy").items["item1"] == "Datganiad un"
    assert wording.licensed_wording("SWEMWBS", "pl").language == "en"
    assert wording.licensed_wording("EQ5D5L", "en") is None  # no file for it
    wording.clear_cache()


def test_a_malformed_wording_file_stops_with_a_message_naming_it(tmp_path, settings):
    from django.core.exceptions import ImproperlyConfigured

    (tmp_path / "WEMWBS.json").write_text(json.dumps({"languages": {"en": {"items": {}}}}))
    settings.LINKWELL_LICENSED_WORDING_DIR = str(tmp_path)
    wording.clear_cache()
    with pytest.raises(ImproperlyConfigured, match="WEMWBS.json"):
        wording.licensed_wording("WEMWBS", "en")
    wording.clear_cache()


def test_the_referral_page_links_to_outcome_measures_for_the_service_only(
    accepted, as_user, link_worker, referrer
):
    url = reverse("referrals:detail", args=[accepted.pk])
    link = reverse("outcomes:referral", args=[accepted.pk])
    assert link in as_user(link_worker).get(url).content.decode()
    assert link not in as_user(referrer).get(url).content.decode()


def test_the_overview_shows_due_and_overdue_measures(accepted, as_user, link_worker):
    accepted.accepted_at = timezone.now() - timezone.timedelta(days=30)
    accepted.save(update_fields=["accepted_at"])
    measurement_record(actor=link_worker, referral_id=accepted.pk, instrument="SWEMWBS",
                       timepoint="baseline", answers=SWEMWBS_21, mode="assisted")  # fmt: skip
    html = (
        as_user(link_worker).get(reverse("outcomes:referral", args=[accepted.pk])).content.decode()
    )
    assert "Overdue" in html and "Done" in html


def test_the_pages_work_in_another_language(accepted, as_user, link_worker):
    client = as_user(link_worker)
    with translation.override("cy"):
        response = client.get(
            reverse("outcomes:referral", args=[accepted.pk]), HTTP_ACCEPT_LANGUAGE="cy"
        )
    assert response.status_code == 200


def test_measures_due_list_the_caseload_overdue_first(
    accepted, as_user, link_worker, lead, colleague
):
    accepted.accepted_at = timezone.now() - timezone.timedelta(days=30)
    accepted.save(update_fields=["accepted_at"])
    measurement_record(actor=link_worker, referral_id=accepted.pk, instrument="SWEMWBS",
                       timepoint="baseline", answers=SWEMWBS_21, mode="assisted")  # fmt: skip
    html = as_user(link_worker).get(reverse("outcomes:due")).content.decode()
    assert "Overdue" in html and accepted.reference in html
    assert "Measures due" in html  # in the navigation too
    assert accepted.reference in as_user(lead).get(reverse("outcomes:due")).content.decode()
    # Not allocated to the colleague, who is not a lead.
    assert (
        accepted.reference not in as_user(colleague).get(reverse("outcomes:due")).content.decode()
    )
    assert AuditEntry.objects.filter(action="list", object_type="outcomes.measurement").exists()


@pytest.mark.parametrize("who", ["referrer", "provider", "nobody"])
def test_measures_due_is_for_link_workers_only(as_user, request, who):
    assert as_user(request.getfixturevalue(who)).get(reverse("outcomes:due")).status_code == 403
