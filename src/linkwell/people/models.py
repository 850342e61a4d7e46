"""The person supported by Linkwell.

Deliberately absent: immigration status, and any field for identity documents or proof
of address. Do not add them (see docs/architecture.md, "Privacy by default").
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .vocabulary import (
    LANGUAGE_CHOICES,
    ConsentPurpose,
    ContactMethod,
    Ethnicity,
    LinkWorkerSexPreference,
    Sex,
)


class Person(models.Model):
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("name they like to be called"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nhs_number = models.CharField(_("NHS number"), max_length=10, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"), max_length=40, choices=Ethnicity.choices, blank=True
    )

    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    phone_is_shared = models.BooleanField(
        _("phone is shared or not safe for messages"), default=False
    )
    email = models.EmailField(_("email address"), blank=True)

    address_line_1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    care_of = models.CharField(
        _("care of"),
        max_length=200,
        blank=True,
        help_text=_("If letters should go to someone else's address, their name or organisation."),
    )
    no_fixed_abode = models.BooleanField(_("no fixed address"), default=False)

    # Derived from the postcode by people.services; never typed in.
    postcode_district = models.CharField(max_length=4, blank=True, editable=False)
    lsoa11 = models.CharField(_("LSOA (2011)"), max_length=9, blank=True, editable=False)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)

    language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    language_detail = models.CharField(
        _("dialect or other language"),
        max_length=100,
        blank=True,
        help_text=_("For example Sylheti, or a language not in the list."),
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    link_worker_sex_preference = models.CharField(
        _("would prefer a link worker who is"),
        max_length=8,
        choices=LinkWorkerSexPreference.choices,
        blank=True,
    )
    communication_needs = models.JSONField(_("communication needs"), default=list, blank=True)
    communication_notes = models.CharField(
        _("other communication needs"), max_length=500, blank=True
    )

    contact_methods = models.JSONField(_("how they want to be contacted"), default=list, blank=True)
    no_voicemail = models.BooleanField(_("do not leave voicemail"), default=False)
    safe_times_to_call = models.CharField(_("safe times to call"), max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["family_name", "given_name", "date_of_birth"])]

    def __str__(self) -> str:
        # Never used in logs; only rendered to users who may see the person.
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.given_name

    def age_on(self, day: datetime.date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def phone_only(self) -> bool:
        return self.contact_methods == [ContactMethod.PHONE]

    @property
    def contact_method_labels(self) -> list[str]:
        labels = dict(ContactMethod.choices)
        return [str(labels.get(code, code)) for code in self.contact_methods]

    @property
    def communication_need_labels(self) -> list[str]:
        from .vocabulary import CommunicationNeed

        labels = dict(CommunicationNeed.choices)
        return [str(labels.get(code, code)) for code in self.communication_needs]


class Consent(models.Model):
    """One decision by the person about one purpose. The latest row per purpose is current."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(
        max_length=16,
        choices=[
            ("online", _("Online by the person")),
            ("verbal", _("Told a member of staff")),
            ("written", _("In writing")),
        ],
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'given' if self.given else 'withdrawn'}"
