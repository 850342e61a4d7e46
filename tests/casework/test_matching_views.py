"""Matching against the database: candidates, scope (role × organisation), the page, the API,
audit and a query count that does not grow with the directory."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEntry
from linkwell.casework import matching
from linkwell.casework.matching_selectors import match_services_for_case
from linkwell.directory.models import Organization
from linkwell.directory.services import service_create
from linkwell.directory.vocabulary import taxonomy_term_uuid

# The cast's person: Arabic, needs an interpreter, born 1980, lives at SR1 1AA, referred for
# loneliness (met by the "social_group" term).


def listing(org, *, verified_days_ago=0, **overrides):
    data = {
        "name": "Arabic coffee morning",
        "description": "Tea and a chat.",
        "status": "active",
        "accepts_referrals": True,
        "places_per_session": 12,
        "target_groups": [],
        "taxonomy_terms": [str(taxonomy_term_uuid("social_group"))],
        "languages": [{"code": "ar", "name": "Arabic", "note": ""}],
        "cost_options": [{"option": "Free", "amount": "0", "amount_description": "Free"}],
        "schedules": [{"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}],
        "locations": [
            {
                "name": "Millfield Community Centre",
                "address_1": "1 Hylton Road",
                "city": "Sunderland",
                "postcode": "SR4 7AA",
                "accessibility": ["step_free"],
            }
        ],
    }
    data.update(overrides)
    return service_create(
        actor=None,
        organization=org,
        data=data,
        publish=True,
        verified_at=timezone.now() - datetime.timedelta(days=verified_days_ago),
    )


def place(postcode):
    return [{"name": "Hall", "address_1": "1 Road", "city": "Town", "postcode": postcode}]


@pytest.fixture
def org(vcse):
    return Organization.objects.create(name=vcse.name, organisation=vcse)


@pytest.fixture
def directory(org):
    return {
        "arabic": listing(org),
        "english": listing(
            org, name="English coffee morning", languages=[{"code": "en", "name": "English"}]
        ),
        "interpreted": listing(
            org,
            name="Interpreted lunch club",
            languages=[{"code": "en", "name": "English"}],
            interpretation_services="Interpreters on request",
        ),
        "far": listing(org, name="Durham Arabic circle", locations=place("DH1 1AA")),
        "stale": listing(org, name="Old Arabic group", verified_days_ago=400),
        "money": listing(
            org,
            name="Arabic money advice",
            taxonomy_terms=[str(taxonomy_term_uuid("money_advice"))],
        ),
        "paid": listing(
            org,
            name="Arabic singing",
            cost_options=[{"option": "Per session", "amount": "3.00"}],
        ),
        "over_55s": listing(org, name="Arabic over-55s", target_groups=["over_55s"]),
        "draft": service_create(
            actor=None, organization=org, data={"name": "Draft", "status": "active"}
        ),
    }


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def names(matches):
    return [m.service.name for m in matches]


# --- the selector ---


def test_matching_ranks_what_fits_and_leaves_out_what_cannot(case, link_worker, directory):
    matches = match_services_for_case(
        actor=link_worker, case_id=case.pk, preferences=matching.Preferences()
    )
    assert names(matches)[:2] == ["Arabic coffee morning", "Arabic singing"]
    found = set(names(matches))
    assert "Interpreted lunch club" in found
    assert "Durham Arabic circle" in found
    assert "English coffee morning" not in found  # interpreter needed, none available
    assert "Old Arabic group" not in found  # not checked for a year
    assert "Arabic money advice" not in found  # meets no need of the referral
    assert "Arabic over-55s" not in found  # the person is in their forties
    assert "Draft" not in found
    assert names(matches).index("Interpreted lunch club") > names(matches).index(
        "Arabic coffee morning"
    )
    top = matches[0]
    assert "speaks Arabic" in top.score.reasons
    assert "helps with" in top.score.summary
    assert "0.6 miles" in top.score.reasons  # SR1 1AA to SR4 7AA


def test_preferences_leave_out_far_paid_and_wrong_day_services(case, link_worker, directory):
    prefs = matching.Preferences(free_only=True, max_distance_km=8)
    found = names(match_services_for_case(actor=link_worker, case_id=case.pk, preferences=prefs))
    assert "Durham Arabic circle" not in found
    assert "Arabic singing" not in found
    assert "Arabic coffee morning" in found
    wednesday = matching.Preferences(availability=frozenset({("WE", "morning")}))
    assert match_services_for_case(actor=link_worker, case_id=case.pk, preferences=wednesday) == []


def test_matching_outside_the_service_is_not_found(case, outsider_link_worker, directory):
    from django.http import Http404

    with pytest.raises(Http404):
        match_services_for_case(
            actor=outsider_link_worker, case_id=case.pk, preferences=matching.Preferences()
        )


def test_matching_is_an_audited_view_of_the_case(case, colleague, directory):
    before = AuditEntry.objects.filter(object_type="casework.case", action="view").count()
    match_services_for_case(actor=colleague, case_id=case.pk, preferences=matching.Preferences())
    entries = AuditEntry.objects.filter(object_type="casework.case", action="view")
    assert entries.count() == before + 1
    assert entries.order_by("-pk").first().person_id == case.person_id


# --- the page ---


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("link_worker", 200),
        ("colleague", 200),
        ("lead", 200),
        ("outsider_link_worker", 404),
        ("referrer", 403),
        ("provider", 403),
        ("editor", 403),
        ("commissioner", 403),
        ("nobody", 403),
    ],
)
def test_the_matches_page_is_for_the_service_only(request, as_user, case, who, status):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("casework:matches", args=[case.pk]))
    assert response.status_code == status


def test_the_case_page_links_to_find_activities(as_user, case, link_worker):
    page = as_user(link_worker).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert reverse("casework:matches", args=[case.pk]) in page
    assert "Find activities" in page


def test_the_matches_page_lists_services_with_reasons_and_links(
    as_user, case, link_worker, directory
):
    response = as_user(link_worker).get(reverse("casework:matches", args=[case.pk]))
    page = response.content.decode()
    assert "Arabic coffee morning" in page
    assert "speaks Arabic" in page
    assert reverse("services:detail", args=[directory["arabic"].pk]) in page
    assert "English coffee morning" not in page
    assert 'name="max_miles"' in page


def test_the_preferences_form_works_without_javascript(as_user, case, link_worker, directory):
    response = as_user(link_worker).get(
        reverse("casework:matches", args=[case.pk]),
        {"free_only": "on", "max_miles": "5", "days": ["TU"], "times": ["morning"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Arabic coffee morning" in page
    assert "Tuesday 10:00 fits" in page
    assert "Arabic singing" not in page
    assert "Durham Arabic circle" not in page


def test_bad_preferences_are_explained(as_user, case, link_worker):
    response = as_user(link_worker).get(
        reverse("casework:matches", args=[case.pk]), {"max_miles": "500", "days": ["XX"]}
    )
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()


def test_the_matches_page_query_count_does_not_grow_with_the_directory(
    as_user, case, link_worker, org
):
    client = as_user(link_worker)
    url = reverse("casework:matches", args=[case.pk])
    for i in range(2):
        listing(org, name=f"Group {i}")
    client.get(url)  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(2, 14):
        listing(org, name=f"Group {i}", target_groups=["carers"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("Group 1") >= 1
    assert len(many) == len(few)
    assert len(many) <= 40


# --- the API ---


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("link_worker", 200),
        ("colleague", 200),
        ("outsider_link_worker", 404),
        ("referrer", 403),
        ("provider", 403),
        ("nobody", 403),
    ],
)
def test_the_matches_api_is_for_the_service_only(request, as_user, case, who, status):
    user = request.getfixturevalue(who)
    response = as_user(user).get(f"/api/v1/cases/{case.pk}/matches")
    assert response.status_code == status


def test_the_matches_api_returns_ranked_services_with_components_and_reasons(
    as_user, case, link_worker, directory
):
    response = as_user(link_worker).get(
        f"/api/v1/cases/{case.pk}/matches", {"free_only": "true", "days": ["TU"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["case"] == case.pk
    first = body["results"][0]
    assert first["rank"] == 1
    assert first["service"]["name"] == "Arabic coffee morning"
    assert first["service"]["url"] == f"/services/{directory['arabic'].pk}/"
    assert {c["code"] for c in first["components"]} == set(matching.WEIGHTS)
    assert "speaks Arabic" in first["reasons"]
    assert "Tuesday 10:00 fits" in first["reasons"]
    assert first["score"] == pytest.approx(sum(c["points"] for c in first["components"]))
    assert "Arabic singing" not in [r["service"]["name"] for r in body["results"]]


def test_the_matches_api_refuses_bad_preferences(as_user, case, link_worker):
    response = as_user(link_worker).get(f"/api/v1/cases/{case.pk}/matches", {"max_miles": "500"})
    assert response.status_code == 400
    assert "max_miles" in response.json()["errors"]
