"""The page providers, editors and commissioners land on after signing in: every link leads to
something that exists, and nothing promises as "coming soon" what is already built."""

import pytest
from django.urls import reverse
from tests.cast import make_org, make_user

from linkwell.accounts.models import OrganisationKind, Role


def landing(client, role, kind):
    user = make_user(f"{role}@example.test", make_org(f"{role} org", kind), role)
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_provider_lands_on_links_to_the_inbox_sessions_concerns_and_funding(client):
    body = landing(client, Role.PROVIDER, OrganisationKind.VCSE)
    for name in (
        "groups:inbox",
        "groups:sessions",
        "groups:concerns",
        "groups:funding",
        "directory:dashboard",
        "reports:mine",
        "noticeboard:list",
    ):
        url = reverse(name)
        assert f'href="{url}"' in body, name
        assert client.get(url).status_code == 200, name
    assert "Coming soon" not in body


@pytest.mark.django_db
def test_a_commissioner_lands_on_a_link_to_the_reports(client):
    body = landing(client, Role.COMMISSIONER, OrganisationKind.COMMISSIONER)
    url = reverse("reports:dashboard")
    assert f'href="{url}"' in body
    assert "being built" not in body
    assert client.get(url).status_code == 200
