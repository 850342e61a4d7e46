import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linkwell.directory import selectors, services
from linkwell.directory.models import (
    ApprovalStatus,
    Attribute,
    ListingReport,
    Location,
    Service,
    ServiceVersion,
)
from linkwell.directory.vocabulary import taxonomy_term_uuid

from .conftest import listing_data, make_listing

pytestmark = pytest.mark.django_db


def errors_of(exc_info):
    return exc_info.value.message_dict


def test_a_listing_is_stored_in_open_referral_shape(listing):
    assert listing.approval_status == ApprovalStatus.PUBLISHED
    assert listing.schedules.get().byday == "TU"
    sal = listing.service_at_locations.select_related("location").get()
    assert sal.location.postcode == "SR4 7AA"
    assert sal.location.latitude is not None
    assert sal.location.lsoa11
    assert sal.location.addresses.get().postal_code == "SR4 7AA"
    assert {a.feature.code for a in sal.location.accessibility.all()} == {
        "step_free",
        "hearing_loop",
    }
    assert Attribute.objects.get(link_id=listing.pk).taxonomy_term_id == taxonomy_term_uuid(
        "english_conversation"
    )
    assert set(listing.languages.values_list("code", flat=True)) == {"en", "bn"}


def test_a_location_postcode_is_normalised():
    location = services.location_create(
        name="Library", address_1="Street", city="Sunderland", postcode="sr47aa"
    )
    assert Location.objects.get(pk=location.pk).postcode == "SR4 7AA"


def test_a_need_finds_the_taxonomy_terms_that_answer_it():
    from linkwell.referrals.models import Need

    codes = set(Need.objects.get(code="esol").taxonomy_terms.values_list("code", flat=True))
    assert "english_conversation" in codes


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"schedules": [{"byday": "TU", "opens_at": "12:00", "closes_at": "10:00"}]}, "closes_at"),
        ({"schedules": [{"byday": "TUESDAY", "opens_at": "10:00"}]}, "byday"),
        ({"schedules": [{"byday": "XX", "opens_at": "10:00"}]}, "byday"),
        ({"minimum_age": 65, "maximum_age": 18}, "maximum_age"),
        ({"places_per_session": -1}, "places_per_session"),
        ({"taxonomy_terms": ["0d3c6f3e-0000-4000-8000-000000000000"]}, "taxonomy_terms"),
        ({"taxonomy_terms": ["not-a-uuid"]}, "taxonomy_terms"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"locations": [{"name": "X", "address_1": "1 St", "postcode": "NOPE"}]}, "postcode"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_listing_content_gives_a_field_error(directory_org, overrides, field):
    with pytest.raises(ValidationError) as exc_info:
        services.service_create(
            actor=None, organization=directory_org, data=listing_data(**overrides)
        )
    assert field in errors_of(exc_info)
    assert not Service.objects.exists()


def test_monthly_byday_with_an_ordinal_is_accepted():
    assert services.valid_byday("1MO,3MO")
    assert not services.valid_byday("")


def test_a_provider_edit_to_a_published_listing_waits_for_an_editor(listing, provider, editor):
    version = services.service_update(
        actor=provider,
        service=listing,
        data=listing_data(name="English conversation café"),
        comment="New name",
    )
    listing.refresh_from_db()
    assert version.status == ServiceVersion.Status.PENDING
    assert listing.name == "English conversation for women"  # the published version stays live
    assert selectors.service_public_queryset().filter(pk=listing.pk).exists()

    services.version_approve(actor=editor, version=version)
    listing.refresh_from_db()
    assert listing.name == "English conversation café"
    assert listing.approval_status == ApprovalStatus.PUBLISHED


def test_an_editor_returns_a_change_with_a_comment(listing, provider, editor):
    version = services.service_update(
        actor=provider, service=listing, data=listing_data(name="Changed")
    )
    with pytest.raises(ValidationError):
        services.version_return(actor=editor, version=version, comment="  ")
    services.version_return(actor=editor, version=version, comment="Add the room number")
    version.refresh_from_db()
    listing.refresh_from_db()
    assert version.status == ServiceVersion.Status.RETURNED
    assert version.review_comment == "Add the room number"
    assert listing.name == "English conversation for women"


def test_a_provider_cannot_approve_its_own_change(listing, provider):
    version = services.service_update(
        actor=provider, service=listing, data=listing_data(name="Changed")
    )
    with pytest.raises(PermissionDenied):
        services.version_approve(actor=provider, version=version)


def test_a_new_listing_is_a_draft_until_approved(directory_org, provider, editor):
    service = services.service_create(
        actor=provider, organization=directory_org, data=listing_data()
    )
    assert service.approval_status == ApprovalStatus.DRAFT
    assert not selectors.service_public_queryset().filter(pk=service.pk).exists()
    version = services.service_submit(actor=provider, service=service)
    services.version_return(actor=editor, version=version, comment="Needs a time")
    service.refresh_from_db()
    assert service.approval_status == ApprovalStatus.RETURNED
    version = services.service_submit(actor=provider, service=service)
    services.version_approve(actor=editor, version=version)
    service.refresh_from_db()
    assert service.approval_status == ApprovalStatus.PUBLISHED
    assert service.last_verified_at is not None


def test_a_provider_cannot_edit_another_organisations_listing(other_listing, provider):
    with pytest.raises(PermissionDenied):
        services.service_update(actor=provider, service=other_listing, data=listing_data())


def test_still_accurate_sets_the_last_checked_date(directory_org, provider):
    service = make_listing(directory_org, verified_days_ago=400)
    assert selectors.is_stale(service)
    services.service_confirm_accurate(actor=provider, service=service)
    assert not selectors.is_stale(service)


def test_stale_listings_are_flagged_and_then_hidden_from_matching(directory_org, settings):
    settings.LINKWELL_LISTING_STALE_DAYS = 30
    settings.LINKWELL_LISTING_HIDDEN_DAYS = 60
    fresh = make_listing(directory_org, name="Fresh")
    stale = make_listing(directory_org, name="Stale", verified_days_ago=40)
    old = make_listing(directory_org, name="Old", verified_days_ago=90)
    assert not selectors.is_stale(fresh)
    assert selectors.is_stale(stale) and not selectors.is_hidden_from_matching(stale)
    assert selectors.is_hidden_from_matching(old)
    everything = {s.name for s, _d in selectors.service_search().items}
    matching = {s.name for s, _d in selectors.service_search(include_stale=False).items}
    assert everything == {"Fresh", "Stale", "Old"}
    assert matching == {"Fresh", "Stale"}


def test_a_soft_deleted_listing_disappears_but_is_kept(listing, provider):
    services.service_delete(actor=provider, service=listing)
    assert Service.objects.filter(pk=listing.pk).exists()
    assert not selectors.service_public_queryset().filter(pk=listing.pk).exists()


def test_anyone_can_report_a_problem_and_only_editors_see_who(listing, provider, editor):
    report = services.listing_report_create(
        service=listing,
        problem="wrong_time",
        details="It is now on Wednesdays",
        reporter_name="Sam",
        reporter_email="sam@example.org",
    )
    assert list(selectors.listing_reports_for(provider)) == [report]
    assert list(selectors.listing_reports_for(editor)) == [report]
    provider_view = selectors.listing_reports_for(provider).get()
    assert {"reporter_name", "reporter_email"} <= provider_view.get_deferred_fields()


def test_a_report_needs_a_problem(listing):
    with pytest.raises(ValidationError):
        services.listing_report_create(service=listing, problem="bogus")
    assert not ListingReport.objects.exists()


def test_every_change_is_kept_as_a_version(listing, provider, editor):
    v = services.service_update(actor=provider, service=listing, data=listing_data(name="Two"))
    services.version_approve(actor=editor, version=v)
    numbers = list(listing.versions.values_list("number", "status"))
    assert numbers == [(2, "approved"), (1, "approved")]
