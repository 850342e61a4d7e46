"""Who reaches what: commissioners reach the reports and nothing person-level; others no reports.

The person-level pages and API calls are enumerated from the URLconf, so a page added later is
checked too.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from linkwell.casework.models import Case
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

PERSON_LEVEL_NAMESPACES = {"referrals", "people", "casework", "outcomes", "groups", "messaging"}
# Reached without a signed-in session by design (a bearer secret), or the signed-in user's own
# staff notifications (about the user's work, addressed to them; a commissioner has none).
NOT_SESSION_PAGES = {
    "messaging:notify_callback",
    "messaging:notifications",
    "messaging:notifications_read_all",
    "messaging:notification_read",
}
# API routes that are not about a person: the vocabulary, the public self-referral and reports.
API_NOT_PERSON_LEVEL = {
    "api:need-list",
    "api:self-referral-create",
    "api:notification-list",
    "api:notification-read",
    "api:notifications-read-all",
}
# Person-level lists that answer a commissioner with an empty list rather than 403 (scoped to
# nothing): none now - the referral list answers 403 like the web list. Kept so a future list
# that scopes to nothing is still checked to be empty.
EMPTY_LIST_ANSWERS: set[str] = set()


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace, p


def _kwargs(pattern, ids):
    out = {}
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__
        if kind == "UUIDConverter":
            out[name] = uuid.uuid4()
        elif kind == "IntConverter":
            out[name] = ids.get(name, ids["pk"])
        else:
            out[name] = ids.get(name, "x")
    return out


def person_level_urls(ids):
    urls = []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        name = f"{namespace}:{pattern.name}"
        if namespace == "api":
            if name.startswith("api:report-") or name in API_NOT_PERSON_LEVEL:
                continue
        elif namespace not in PERSON_LEVEL_NAMESPACES or name in NOT_SESSION_PAGES:
            continue
        urls.append((name, reverse(name, kwargs=_kwargs(pattern, ids))))
    return urls


@pytest.fixture
def real_ids(referral, link_worker):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    case = Case.objects.get(referral=referral)
    return {
        "pk": referral.pk,
        "referral_id": referral.pk,
        "person_id": referral.person_id,
        "case_id": case.pk,
        "code": "SWEMWBS",
        "token": "x",
        "name": referral.person.given_name,
        "reference": referral.reference,
    }


@pytest.mark.django_db
def test_the_enumeration_covers_the_person_level_apps(real_ids):
    names = {name for name, _url in person_level_urls(real_ids)}
    for expected in ("referrals:detail", "people:detail", "casework:case", "outcomes:referral",
                     "groups:register", "messaging:person", "api:referral-detail",
                     "api:person-detail", "api:case-detail", "api:referral-measurements"):  # fmt: skip
        assert expected in names
    assert len(names) > 60


@pytest.mark.django_db
def test_a_commissioner_gets_403_or_404_on_every_person_level_page_and_api(
    client, commissioner, real_ids, link_worker
):
    # The same ids are real: the link worker reaches the case and the person.
    client.force_login(link_worker)
    assert client.get(reverse("casework:case", args=[real_ids["case_id"]])).status_code == 200
    assert client.get(reverse("people:detail", args=[real_ids["person_id"]])).status_code == 200
    client.force_login(commissioner)
    reached = []
    for name, url in person_level_urls(real_ids):
        for method in ("get", "post"):
            if method == "post" and name.startswith("api:"):
                response = client.post(url, "{}", content_type="application/json")
            else:
                response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            if method == "post" and name.startswith("api:") and response.status_code == 400:
                # The empty body is refused before the scope check; nothing about the person
                # comes back (the person's name and reference are not in the answer).
                text = response.content.decode()
                assert real_ids["name"] not in text and real_ids["reference"] not in text
                continue
            if name in EMPTY_LIST_ANSWERS and method == "get" and response.status_code == 200:
                body = response.json()
                assert body.get("results", body) == [] and body.get("count", 0) == 0, name
                continue
            if response.status_code not in (403, 404):
                reached.append((name, method, response.status_code))
    assert reached == [], "\n".join(map(str, reached))


@pytest.mark.django_db
def test_a_commissioner_reaches_the_reports_and_their_api(client, commissioner):
    client.force_login(commissioner)
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert client.get(reverse("api:report-index")).status_code == 200
    assert client.get(reverse("api:report-table", args=["pathway"])).status_code == 200
    assert client.get(reverse("reports:table-csv", args=["pathway"])).status_code == 200


REPORT_URLS = [
    ("reports:dashboard", []),
    ("reports:dashboard-xlsx", []),
    ("reports:quarterly-pdf", []),
    ("reports:table-csv", ["pathway"]),
    ("reports:table-xlsx", ["pathway"]),
    ("api:report-index", []),
    ("api:report-table", ["pathway"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["referrer", "link_worker", "lead", "provider", "editor", "nobody"])
def test_every_other_role_gets_403_on_the_commissioner_reports(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for name, args in REPORT_URLS:
        assert client.get(reverse(name, args=args)).status_code == 403, name


@pytest.mark.django_db
def test_signed_out_people_are_sent_to_sign_in_or_refused(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.get(reverse("api:report-index")).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["referrer", "editor", "commissioner", "nobody"])
def test_own_figures_are_for_link_workers_leads_and_providers_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:mine")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["link_worker", "lead", "provider"])
def test_link_workers_leads_and_providers_see_their_own_figures(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:mine"))
    assert response.status_code == 200
    assert "My figures" in response.content.decode()
