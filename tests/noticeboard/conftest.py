import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.accounts.services import api_token_create
from linkwell.noticeboard.services import post_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hospital_referrer(db):
    """A referrer, but not at a GP practice: not part of the network."""
    org = make_org("Sunderland Royal", OrganisationKind.HOSPITAL)
    return make_user("ward@example.org", org, Role.REFERRER)


@pytest.fixture
def post(provider):
    return post_create(
        actor=provider,
        topic="new_group",
        area="SR2",
        title="New gardening group on Tuesdays",
        body="We have space for six more. Step-free access.",
    )


@pytest.fixture
def api_as(request, db):
    def build(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            user = request.getfixturevalue(role)
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build
