"""The community directory in Open Referral (HSDS 3.0 / ORUK 3.0) shape.

Entity and field names follow HSDS 3.0 (`../shared/data/openreferral/hsds-3.0/schema`), so the
ORUK API and import/export map one-to-one. Where Django needs a different shape it is noted:

- a foreign key `x` is HSDS `x_id` (Django's column is `x_id`);
- `TaxonomyTerm.taxonomy` is the foreign key (HSDS `taxonomy_id`); HSDS's free-text
  `taxonomy` name is `taxonomy.name`;
- `Schedule.service` is always set, also for schedules of a service at a location, so a
  search by day joins one table;
- Linkwell's own fields (approval, verification, soft delete, target groups, places,
  location postcode/area) are not part of HSDS and are not exported as HSDS fields.

Writes go through `directory.services`; reads through `directory.selectors`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.accounts.models import Organisation
from linkwell.referrals.models import Need, Vocabulary

from .vocabulary import ACCESSIBILITY_FEATURE_LABELS, TARGET_GROUP_LABELS, TAXONOMY_TERM_LABELS


class TargetGroup(Vocabulary):
    """Who a service is for (women only, over-55s, refugees and new arrivals…)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    @property
    def display_label(self):
        return TARGET_GROUP_LABELS.get(self.code, self.label)


class AccessibilityFeature(Vocabulary):
    """Searchable accessibility features of a location (step-free, hearing loop…)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("accessibility feature")
        verbose_name_plural = _("accessibility features")

    @property
    def display_label(self):
        return ACCESSIBILITY_FEATURE_LABELS.get(self.code, self.label)


class Provenance(models.Model):
    """Where an imported record came from (blank for records made in Linkwell)."""

    source = models.CharField(_("imported from"), max_length=500, blank=True)
    source_imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        abstract = True


class Organization(Provenance):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    legal_status = models.CharField(max_length=200, blank=True)
    logo = models.URLField(max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # The Linkwell organisation whose provider users keep these listings.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Linkwell organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory organisation")
        verbose_name_plural = _("directory organisations")

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    INACTIVE = "inactive", _("Not running at the moment")
    DEFUNCT = "defunct", _("Closed")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms"
    )
    language = models.CharField(max_length=35, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)
    disabled_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    needs = models.ManyToManyField(
        Need, through="NeedTaxonomyTerm", related_name="taxonomy_terms", blank=True
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        indexes = [models.Index(fields=["taxonomy", "code"])]

    def __str__(self) -> str:
        return str(self.display_label)

    @property
    def display_label(self):
        # Linkwell's own terms are translated in code; imported terms show their name.
        return TAXONOMY_TERM_LABELS.get(self.code, self.name) if self.code else self.name


class NeedTaxonomyTerm(models.Model):
    """A need (from referrals) is met by services tagged with these terms."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["need", "taxonomy_term"], name="need_taxonomy_term_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.taxonomy_term_id}"


class Service(Provenance):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to join"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    wait_time = models.CharField(max_length=255, blank=True)
    fees = models.CharField(max_length=255, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(_("alert"), blank=True)
    last_modified = models.DateTimeField(default=timezone.now)

    # Linkwell fields (not HSDS)
    accepts_referrals = models.BooleanField(
        _("accepts referrals"),
        default=False,
        help_text=_("No means signpost only: people just turn up or contact the group."),
    )
    places_per_session = models.PositiveIntegerField(_("places per session"), null=True, blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("who it is for"), blank=True, related_name="services"
    )
    culturally_specific_notes = models.TextField(_("culturally specific notes"), blank=True)
    last_verified_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    approval_status = models.CharField(
        _("approval"),
        max_length=16,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.DRAFT,
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # PostgreSQL full-text (English). Kept up to date by the service layer; unused on SQLite,
    # where the FTS5 table `directory_service_fts` plays the same part.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["approval_status", "deleted_at", "last_verified_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(Provenance):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Online")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("getting there"), blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=255, blank=True)
    external_identifier_type = models.CharField(max_length=255, blank=True)
    # Linkwell: the normalised postcode and what lookup_area derives from it.
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    lsoa11 = models.CharField(max_length=9, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            # The few online places (matching: online services are never too far).
            models.Index(
                fields=["location_type"],
                condition=models.Q(location_type="virtual"),
                name="location_online",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.postcode or str(self.id)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=255)
    address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("town or city"), max_length=255)
    region = models.CharField(max_length=255, blank=True)
    state_province = models.CharField(max_length=255, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=8)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(
        max_length=10,
        choices=Location.LocationType.choices,
        default=Location.LocationType.PHYSICAL,
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_1, self.city, self.postal_code) if p)


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    # Linkwell: the searchable feature this entry describes, when it is one we know.
    feature = models.ForeignKey(
        AccessibilityFeature, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description or str(self.id)


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Schedule(models.Model):
    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.SmallIntegerField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=7, choices=Freq.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, blank=True, help_text="RFC 5545, e.g. TU or 1MO,3MO")
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["opens_at"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at or ''}–{self.closes_at or ''}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("job title"), max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("phone number"), max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")

    def __str__(self) -> str:
        return self.option or str(self.amount)


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(_("language"), max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639-1 or 639-3")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        indexes = [
            models.Index(fields=["code"]),
            # Languages listed at a place (matching reads them by location id). Almost every
            # row is a service's, with no location: SQLite then distrusts the plain foreign-key
            # index and scans the table; this one holds only the rows that have a location.
            models.Index(
                fields=["location"],
                condition=models.Q(location__isnull=False),
                name="language_at_location",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Attribute(models.Model):
    """Links any HSDS record (in Linkwell: services) to a taxonomy term."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link_id = models.UUIDField()
    link_type = models.CharField(max_length=50, blank=True)
    link_entity = models.CharField(max_length=50, default="service")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [
            models.Index(fields=["link_entity", "link_id"]),
            models.Index(fields=["taxonomy_term", "link_entity"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "taxonomy_term"], name="attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id} → {self.taxonomy_term_id}"


class ServiceVersion(models.Model):
    """A snapshot of a listing as proposed (pending), approved or returned.

    The published listing stays live in the Service row while a newer version waits.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        WITHDRAWN = "withdrawn", _("Replaced by a later change")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("comment for the provider"), blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"


class ListingReport(models.Model):
    """A problem with a listing reported by anyone (no sign-in).

    The reporter's name and contact details are personal data: only directory editors see
    them (providers see the problem, not who reported it).
    """

    class Problem(models.TextChoices):
        CLOSED = "closed", _("It has closed or stopped running")
        WRONG_TIME = "wrong_time", _("The day or time is wrong")
        WRONG_PLACE = "wrong_place", _("The place is wrong")
        WRONG_CONTACT = "wrong_contact", _("The contact details are wrong")
        OTHER = "other", _("Something else")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    problem = models.CharField(_("what is wrong"), max_length=20, choices=Problem.choices)
    details = models.TextField(_("details"), blank=True)
    reporter_name = models.CharField(_("your name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("your email"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("listing report")
        verbose_name_plural = _("listing reports")

    def __str__(self) -> str:
        return f"{self.get_problem_display()} ({self.service_id})"
