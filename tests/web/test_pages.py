"""Public pages (home, privacy, accessibility) and the dashboard that sends staff to their work."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["web:home", "web:privacy", "web:accessibility"])
def test_public_pages_need_no_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_the_home_page_explains_linkwell_and_links_to_self_referral_and_sign_in(client):
    page = client.get(reverse("web:home")).content.decode()
    assert "link worker" in page
    assert 'href="/self-referral/"' in page
    assert f'href="{reverse("accounts:login")}"' in page


def test_the_privacy_notice_covers_what_the_law_asks(client):
    page = client.get(reverse("web:privacy")).content.decode()
    for text in (
        "What we collect",
        "immigration status",
        "proof of identity",
        "Article 6(1)(e)",
        "Article 9(2)(h)",
        "Who can see your information",
        "How long we keep it",
        "Your rights",
        "Information Commissioner",
    ):
        assert text in page, text


def test_the_accessibility_statement_names_the_standard(client):
    page = client.get(reverse("web:accessibility")).content.decode()
    assert "WCAG" in page and "2.2 AA" in page
    assert "Enforcement procedure" in page


def test_the_dashboard_needs_sign_in(client):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "who, destination",
    [
        ("link_worker", "referrals:inbox"),
        ("lead", "referrals:inbox"),
        ("referrer", "referrals:list"),
    ],
)
def test_the_dashboard_sends_staff_to_where_they_start(request, client, who, destination):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("web:dashboard"))
    assert response["Location"] == reverse(destination)


@pytest.mark.parametrize(
    "who, text",
    [
        ("provider", "Referrals to your services"),
        ("provider", "/groups/"),
        ("editor", "approve listings"),
        ("commissioner", "small numbers are hidden"),
        ("nobody", "not linked to an organisation"),
    ],
)
def test_the_dashboard_says_what_other_roles_can_do(request, client, who, text):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize("who", ["provider", "editor", "commissioner", "nobody"])
def test_other_roles_get_no_referral_navigation(request, client, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("referrals:inbox") not in page
    assert reverse("referrals:create") not in page


def test_pages_are_translatable(client):
    client.cookies["linkwell_language"] = "cy"
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert 'lang="cy"' in response.content.decode()
