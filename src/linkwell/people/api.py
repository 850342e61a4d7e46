"""The person record over the API: reading one person, and parsing a person sent with a referral.

Serializers here parse types and cap sizes only. Whether a value is allowed (a real NHS
number, a postcode, a phone number, a date of birth in the past, a code from a list) is
decided by `people.services.person_details_clean`, so the API and the pages agree.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.api.errors import error_responses
from linkwell.referrals import selectors

from .models import Person
from .services import PersonDetails
from .vocabulary import (
    LANGUAGE_CODES,
    CommunicationNeed,
    ContactMethod,
    Ethnicity,
    LinkWorkerSexPreference,
    Sex,
)

# Large enough for any real value, small enough that nobody can post a novel. The real limits
# (and their messages) are in the services.
TEXT_GUARD = 10_000
SHORT_GUARD = 100
LIST_GUARD = 50


class CodeField(serializers.CharField):
    """A code from a controlled list, parsed as text: the service decides if it is allowed,
    so the API gives the same message as the pages. The schema lists the codes."""

    def __init__(self, *, codes, **kwargs):
        self.codes = [str(code) for code in codes]
        kwargs.setdefault("max_length", SHORT_GUARD)
        super().__init__(**kwargs)


class CodeFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CodeField

    def map_serializer_field(self, auto_schema, direction):
        codes = list(self.target.codes)
        if self.target.allow_blank and "" not in codes:
            codes.append("")
        return {"type": "string", "enum": codes}


def _text(**kwargs) -> serializers.CharField:
    kwargs.setdefault("max_length", TEXT_GUARD)
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(**kwargs)


def _flag(**kwargs) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, default=False, **kwargs)


def _codes(codes, **kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=CodeField(codes=codes), required=False, default=list, max_length=LIST_GUARD, **kwargs
    )


class PersonDetailsSerializer(serializers.Serializer):
    """A new person, sent with a referral. Every field except `given_name` may be left out."""

    given_name = _text(required=True)
    family_name = _text()
    preferred_name = _text()
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None, input_formats=["iso-8601"]
    )
    nhs_number = _text(max_length=SHORT_GUARD, help_text="10 digits; spaces allowed.")
    sex = CodeField(codes=Sex.values, required=False, allow_blank=True)
    ethnicity = CodeField(codes=Ethnicity.values, required=False, allow_blank=True)
    phone = _text(max_length=SHORT_GUARD, help_text="UK or international number.")
    phone_is_shared = _flag()
    email = _text(max_length=SHORT_GUARD * 3)
    address_line_1 = _text()
    address_line_2 = _text()
    town = _text()
    postcode = _text(max_length=SHORT_GUARD)
    care_of = _text()
    no_fixed_abode = _flag()
    language = CodeField(codes=sorted(LANGUAGE_CODES), required=False, default="en")
    language_detail = _text()
    interpreter_needed = _flag()
    link_worker_sex_preference = CodeField(
        codes=LinkWorkerSexPreference.values, required=False, allow_blank=True
    )
    communication_needs = _codes(CommunicationNeed.values)
    communication_notes = _text()
    contact_methods = _codes(ContactMethod.values)
    no_voicemail = _flag()
    safe_times_to_call = _text()

    def to_details(self) -> PersonDetails:
        return PersonDetails(**self.validated_data)


class PersonSerializer(serializers.ModelSerializer):
    """The full person record, for the link worker service and the referring organisation."""

    age = serializers.IntegerField(allow_null=True, read_only=True)
    communication_needs = serializers.ListField(child=serializers.CharField(), read_only=True)
    contact_methods = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "age",
            "nhs_number",
            "sex",
            "ethnicity",
            "phone",
            "phone_is_shared",
            "email",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "care_of",
            "no_fixed_abode",
            "postcode_district",
            "lsoa11",
            "imd_decile",
            "language",
            "language_detail",
            "interpreter_needed",
            "link_worker_sex_preference",
            "communication_needs",
            "communication_notes",
            "contact_methods",
            "no_voicemail",
            "safe_times_to_call",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PersonDetailView(APIView):
    """One person's full record. Only people with a referral the user may see; every read is
    audited. (Who may see a person is decided by their referrals, so the selector lives there.)"""

    @extend_schema(
        operation_id="people_retrieve",
        tags=["people"],
        responses={200: PersonSerializer, **error_responses(401, 404)},
    )
    def get(self, request, person_id: int):
        person = selectors.person_get_for(request.user, person_id, channel="api")
        return Response(PersonSerializer(person).data)
