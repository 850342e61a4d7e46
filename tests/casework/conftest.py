import datetime

import pytest
from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition


@pytest.fixture
def case(referral, link_worker) -> Case:
    """The cast's referral accepted by the link worker (so it is their case) and in progress."""
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    return Case.objects.select_related("referral").get(referral=referral)


@pytest.fixture
def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
