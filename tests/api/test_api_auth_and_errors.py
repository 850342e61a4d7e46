import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from linkwell.accounts.models import ApiToken
from linkwell.accounts.services import api_token_create
from linkwell.api.errors import exception_handler

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"


# --- Authentication -------------------------------------------------------------------------


def test_it_accepts_a_token_in_the_authorization_header(referrer, referral):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)}")

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert ApiToken.objects.get().last_used_at is not None


def test_it_refuses_a_revoked_token(referrer, referral):
    raw = api_token_create(user=referrer)
    ApiToken.objects.update(revoked_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token."}
    assert response["WWW-Authenticate"] == "Token"


def test_it_refuses_a_token_it_never_issued(referrer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token lw_made-up")

    assert client.get(URL).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(referrer):
    raw = api_token_create(user=referrer)
    referrer.is_active = False
    referrer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    assert client.get(URL).status_code == 401


def test_it_does_not_take_the_token_under_another_keyword(referrer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=referrer)}")

    assert client.get(URL).status_code == 401


def test_it_accepts_a_signed_in_session_too(referrer, referral):
    client = APIClient()
    client.force_login(referrer)

    assert client.get(URL).json()["count"] == 1


# --- Every error is JSON --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/referrals/abc", "/api/v1/referrals/"])
def test_it_answers_unknown_api_paths_with_json(path, client_as):
    response = client_as("referrer").get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_it_answers_a_post_to_an_unknown_api_path_with_json(client_as):
    response = client_as("referrer").post("/api/v1/nowhere", {"a": 1}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_never_says_what_it_could_not_find():
    from django.http import Http404

    response = exception_handler(Http404("No Referral matches the given query."), {})

    assert response.status_code == 404
    assert response.data == {"detail": "Not found."}


def test_it_answers_a_method_it_does_not_support_with_json(client_as, referral):
    response = client_as("link_worker").delete(f"{URL}/{referral.pk}")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_it_answers_a_huge_id_with_404_not_a_crash(client_as, referral):
    response = client_as("link_worker").get(f"{URL}/{'9' * 30}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_turns_a_service_validation_error_into_field_errors():
    response = exception_handler(
        ValidationError({"phone": ["Enter a phone number"], "postcode": "Enter a postcode"}), {}
    )

    assert response.status_code == 400
    assert response.data["errors"] == {
        "phone": ["Enter a phone number"],
        "postcode": ["Enter a postcode"],
    }
    assert response.data["detail"]


def test_it_puts_an_error_about_no_one_field_under_non_field_errors():
    response = exception_handler(ValidationError("Something is wrong"), {})

    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Something is wrong"]}


def test_it_translates_error_messages(client_as, referral):
    response = client_as("link_worker").get(
        f"{URL}/{referral.pk + 1000}", HTTP_ACCEPT_LANGUAGE="pl"
    )

    assert response.status_code == 404
    # Django REST framework ships Polish: the message follows the request's language.
    assert response.json()["detail"] != "Not found."


def test_it_leaves_unexpected_errors_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None
