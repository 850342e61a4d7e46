import pytest

from linkwell.audit.models import AppendOnlyError, AuditEntry
from linkwell.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_it_cannot_be_changed_once_written(link_worker):
    entry = audit_record(actor=link_worker, action="view", object_type="people.person", object_id=1)
    entry.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_it_cannot_be_changed_in_bulk(link_worker):
    audit_record(actor=link_worker, action="view", object_type="people.person", object_id=1)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_it_echoes_a_well_formed_request_id_for_tracing(client, referrer, referral):
    client.force_login(referrer)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-12345678")
    assert response["X-Request-ID"] == "req-12345678"


def test_it_stores_no_personal_data(referral):
    person = referral.person
    for entry in AuditEntry.objects.all():
        text = " ".join(str(v) for v in entry.__dict__.values())
        assert person.given_name not in text
        assert person.phone not in text
