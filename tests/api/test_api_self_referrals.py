import pytest
from rest_framework.test import APIClient

from linkwell.audit.models import AuditEntry
from linkwell.referrals.models import Referral, Source

pytestmark = pytest.mark.django_db

URL = "/api/v1/self-referrals"


def body(**overrides):
    data = {
        "person": {
            "given_name": "Mariam",
            "phone": "07700 900555",
            "postcode": "SR2 8AA",
            "language": "fa",
            "interpreter_needed": True,
            "contact_methods": ["phone"],
            "no_voicemail": True,
        },
        "needs": ["loneliness", "esol"],
        "reason": "I would like to practise English and meet people",
        "consent_confirmed": True,
        "contact_sms": False,
    }
    data.update(overrides)
    return data


def test_anyone_can_refer_themselves_and_gets_only_a_reference_back(service):
    response = APIClient().post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    assert set(response.json()) == {"reference", "reply_within_working_days"}
    referral = Referral.objects.get()
    assert response.json()["reference"] == referral.reference
    assert referral.source == Source.SELF and referral.referrer_organisation is None
    assert referral.person.language == "fa" and referral.person.no_voicemail
    assert referral.person.consents.get(purpose="care").method == "online"
    assert AuditEntry.objects.filter(action="create", channel="self-referral").exists()


def test_it_refuses_a_self_referral_without_consent(service):
    response = APIClient().post(URL, body(consent_confirmed=False), format="json")
    assert response.status_code == 400
    assert "consent_confirmed" in response.json()["errors"]
    assert Referral.objects.count() == 0


def test_it_nests_person_field_errors_under_person(service):
    bad = body()
    bad["person"] = {**bad["person"], "phone": "123", "postcode": "NOT A POSTCODE"}
    response = APIClient().post(URL, bad, format="json")
    assert response.status_code == 400
    assert {"phone", "postcode"} <= set(response.json()["errors"]["person"])


def test_the_same_idempotency_key_and_body_make_one_referral(service):
    client = APIClient()
    first = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="kiosk-42")
    again = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="kiosk-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["reference"] == again.json()["reference"]
    assert Referral.objects.count() == 1
    changed = client.post(URL, body(reason="other"), format="json", HTTP_IDEMPOTENCY_KEY="kiosk-42")
    assert changed.status_code == 422


def test_it_ignores_any_credentials_sent(service, referrer):
    from linkwell.accounts.services import api_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)}")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 201
    assert Referral.objects.get().referrer_user is None


def test_it_wants_json(service):
    response = APIClient().post(URL, "given_name=x", content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()
