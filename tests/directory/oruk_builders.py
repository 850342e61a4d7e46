"""A small but complete directory for the ORUK tests: every HSDS entity Linkwell stores."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from linkwell.directory.models import (
    Accessibility,
    AccessibilityFeature,
    Address,
    ApprovalStatus,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.search import index_services
from linkwell.directory.vocabulary import taxonomy_term_uuid

ENGLISH = taxonomy_term_uuid("english_conversation")
WALKING = taxonomy_term_uuid("walking_group")


def make_service(
    org,
    name,
    *,
    terms=(ENGLISH,),
    byday="TU",
    opens="10:00",
    closes="12:00",
    postcode="SR2 7AA",
    lat=54.902281,
    long=-1.391113,
    minimum_age=None,
    maximum_age=None,
    approval=ApprovalStatus.PUBLISHED,
    deleted=False,
    modified=None,
    location=None,
    monthly=False,
):
    service = Service.objects.create(
        organization=org,
        name=name,
        description=f"{name}: a friendly group.",
        status="active",
        url="https://example.org/groups",
        email="hello@example.org",
        eligibility_description="Anyone",
        application_process="Just turn up.",
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        assured_date=datetime.date(2026, 10, 1),
        approval_status=approval,
        deleted_at=timezone.now() if deleted else None,
        last_modified=modified or timezone.now(),
        last_verified_at=timezone.now(),
        accepts_referrals=True,
        places_per_session=12,
    )
    service.target_groups.set(TargetGroup.objects.filter(code="women_only"))
    if location is None:
        location = Location.objects.create(
            name="Community hall",
            postcode=postcode,
            latitude=lat,
            longitude=long,
            organization=org,
        )
        Address.objects.create(
            location=location, address_1="1 High Street", city="Sunderland", postal_code=postcode
        )
        Accessibility.objects.create(
            location=location,
            description="Step-free access",
            feature=AccessibilityFeature.objects.get(code="step_free"),
        )
        Language.objects.create(location=location, name="Urdu", code="ur")
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service,
        service_at_location=sal,
        location=location,
        freq="WEEKLY",
        interval=1,
        byday=byday,
        opens_at=opens,
        closes_at=closes,
        description="Every week in term time",
    )
    if monthly:
        Schedule.objects.create(service=service, freq="MONTHLY", byday="1SA", opens_at="14:00")
    Language.objects.create(service=service, name="Bengali", code="bn", note="A volunteer")
    CostOption.objects.create(service=service, option="Free", amount=Decimal("0"))
    contact = Contact.objects.create(service=service, name="Amina", title="Organiser")
    Phone.objects.create(contact=contact, number="0191 498 0001")
    phone = Phone.objects.create(service=service, number="0191 498 0000", type="voice")
    Language.objects.create(phone=phone, name="Polish", code="pl")
    for term in terms:
        Attribute.objects.create(link_id=service.pk, link_entity="service", taxonomy_term_id=term)
    index_services([service.pk])
    return service


def make_directory():
    """Three published services (two organisations), one pending and one deleted."""
    org = Organization.objects.create(
        name="Hendon Community Association",
        description="Groups for everyone in Hendon",
        email="info@example.org",
        website="https://example.org",
    )
    other = Organization.objects.create(name="Walkers Trust", description="")
    imported_taxonomy = Taxonomy.objects.create(
        id=uuid.UUID("11111111-2222-4333-8444-555555555555"),
        name="Imported taxonomy",
        description="From elsewhere",
    )
    imported_term = TaxonomyTerm.objects.create(
        id=uuid.UUID("66666666-7777-4888-9999-000000000000"),
        name="Nordic walking",
        description="Walking with poles",
        taxonomy=imported_taxonomy,
        parent_id=WALKING,
    )
    english = make_service(org, "English conversation for women", minimum_age=16, monthly=True)
    walk = make_service(
        other,
        "Roker seafront walk",
        terms=(WALKING, imported_term.pk),
        byday="SA",
        opens="09:00",
        closes="10:30",
        postcode="SR6 0PL",
        lat=54.9253,
        long=-1.3646,
        minimum_age=18,
        maximum_age=99,
        modified=timezone.now() - datetime.timedelta(days=400),
    )
    kids = make_service(
        org,
        "Homework club",
        terms=(),
        byday="WE",
        opens="15:30",
        closes="17:00",
        minimum_age=8,
        maximum_age=14,
        location=english.service_at_locations.get().location,
    )
    pending = make_service(org, "Secret pending group", approval=ApprovalStatus.PENDING)
    deleted = make_service(org, "Deleted group", deleted=True)
    return {
        "org": org,
        "english": english,
        "walk": walk,
        "kids": kids,
        "pending": pending,
        "deleted": deleted,
        "imported_term": imported_term,
        "imported_taxonomy": imported_taxonomy,
    }
