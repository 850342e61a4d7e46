"""API test helpers: a client signed in with a real API token as any member of the cast."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Anonymous requests are throttled per IP in the cache; tests must not share a budget.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_as(request, db):
    """client_as("referrer") → an APIClient sending `Authorization: Token <raw>` for that user."""

    def build(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            user = request.getfixturevalue(role)
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build
