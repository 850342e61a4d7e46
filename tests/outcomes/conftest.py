import pytest

from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition


@pytest.fixture
def accepted(referral, link_worker):
    """The cast's referral, accepted by the link worker and in progress."""
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    referral.refresh_from_db()
    return referral


SWEMWBS_21 = {f"item{n}": 3 for n in range(1, 8)}
SWEMWBS_25 = SWEMWBS_21 | {"item1": 5, "item2": 5}  # raw 25 -> 22.35
