"""The shared cast for tests: two GP practices, a link worker service and its team, a provider,
an editor, a commissioner and an outsider organisation. Builders live in tests/cast.py.
"""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from cast import make_org, make_user, submit_referral
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.referrals.models import ReferralRoute


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Tests see the same translations as the product, even when run without `make`."""
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)


VOCABULARY_MIGRATIONS = (
    "linkwell.referrals.migrations.0002_load_vocabularies",
    "linkwell.directory.migrations.0002_load_vocabularies",
    "linkwell.casework.migrations.0002_vocabulary_and_backfill",
)


@pytest.fixture(autouse=True)
def _vocabularies_for_transactional_tests(request):
    """Django empties every table after a transactional test, taking the vocabularies that
    data migrations loaded with it; put them back before each transactional test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for name in VOCABULARY_MIGRATIONS:
        importlib.import_module(name).load(apps, None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing don't need it."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _reset_language():
    """A test that switches language must not leak it into the next test."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def practice(db):
    return make_org("Millfield Surgery", OrganisationKind.GP_PRACTICE, ods_code="A00001")


@pytest.fixture
def other_practice(db):
    return make_org("Hendon Medical Centre", OrganisationKind.GP_PRACTICE, ods_code="A00002")


@pytest.fixture
def service(db):
    svc = make_org("Sunderland Link Workers", OrganisationKind.LINK_WORKER_SERVICE)
    ReferralRoute.objects.create(service=svc, is_default=True)
    return svc


@pytest.fixture
def other_service(db):
    return make_org("Durham Link Workers", OrganisationKind.LINK_WORKER_SERVICE)


@pytest.fixture
def vcse(db):
    return make_org("Hendon Community Garden", OrganisationKind.VCSE)


@pytest.fixture
def referrer(practice):
    return make_user("referrer@example.org", practice, Role.REFERRER, full_name="Rita Referrer")


@pytest.fixture
def other_referrer(other_practice):
    return make_user(
        "referrer2@example.org", other_practice, Role.REFERRER, full_name="Oscar Other"
    )


@pytest.fixture
def link_worker(service):
    return make_user("linkworker@example.org", service, Role.LINK_WORKER, full_name="Lina Worker")


@pytest.fixture
def colleague(service):
    return make_user(
        "colleague@example.org", service, Role.LINK_WORKER, full_name="Colin Colleague"
    )


@pytest.fixture
def lead(service):
    return make_user("lead@example.org", service, Role.LINK_WORKER_LEAD, full_name="Lee Lead")


@pytest.fixture
def outsider_link_worker(other_service):
    return make_user(
        "outsider@example.org", other_service, Role.LINK_WORKER, full_name="Olly Outsider"
    )


@pytest.fixture
def provider(vcse):
    return make_user("provider@example.org", vcse, Role.PROVIDER, full_name="Pat Provider")


@pytest.fixture
def editor(db):
    org = make_org("Directory Team", OrganisationKind.COUNCIL)
    return make_user("editor@example.org", org, Role.DIRECTORY_EDITOR, full_name="Eddie Editor")


@pytest.fixture
def commissioner(db):
    org = make_org("Sunderland Commissioning", OrganisationKind.COMMISSIONER)
    return make_user(
        "commissioner@example.org", org, Role.COMMISSIONER, full_name="Cora Commissioner"
    )


@pytest.fixture
def nobody(db):
    """Signed in, but a member of no organisation."""
    return make_user("nobody@example.org")


@pytest.fixture
def referral(referrer, practice, service):
    """A new referral from the practice, routed to the service."""
    return submit_referral(referrer, practice)


@pytest.fixture
def other_referral(other_referrer, other_practice, service):
    return submit_referral(other_referrer, other_practice)


@pytest.fixture
def now():
    return timezone.now()
