import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_the_nhs_styled_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"nhsuk-header" in response.content


def test_someone_elses_referral_looks_the_same_as_a_missing_one(client, other_referrer, referral):
    client.force_login(other_referrer)
    response = client.get(f"/referrals/{referral.pk}/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_an_oversized_form_gets_a_plain_explanation_not_a_crash(client, service):
    response = client.post("/self-referral/name/", {"given_name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400
    assert b"too long" in response.content
