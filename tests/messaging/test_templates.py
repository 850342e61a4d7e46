"""Every person-facing message exists in every supported language with the same placeholders."""

import pytest

from linkwell.messaging.segments import sms_length
from linkwell.messaging.templates_text import (
    PERSON_LANGUAGES,
    PERSON_TEMPLATES,
    PLACEHOLDER,
    TEXTS,
    placeholders,
    render,
)

EXPECTED = {
    "referral_received",
    "appointment_reminder",
    "social_prescription",
    "session_reminder",
    "questionnaire_link",
    "tried_to_reach_you",
    "feedback_link",
    "we_missed_you",
}


def test_all_the_person_facing_templates_exist():
    assert PERSON_TEMPLATES == EXPECTED


@pytest.mark.parametrize("code", sorted(EXPECTED))
@pytest.mark.parametrize("language", PERSON_LANGUAGES)
def test_each_translation_has_exactly_the_english_placeholders(code, language):
    subject, body = TEXTS[code][language]
    assert subject.strip() and body.strip()
    assert set(PLACEHOLDER.findall(subject + " " + body)) == placeholders(code)


@pytest.mark.parametrize("code", sorted(EXPECTED))
@pytest.mark.parametrize("language", PERSON_LANGUAGES)
def test_messages_stay_short(code, language):
    rendered = render(code, language, dict.fromkeys(placeholders(code), "Xxxxxxxx"))
    assert sms_length(rendered.body).segments <= 4


def test_the_somali_confirmation_carries_the_reference():
    rendered = render(
        "referral_received",
        "so",
        {
            "name": "Hodan",
            "service": "Sunderland Link Workers",
            "reference": "LW-ABC234",
            "days": 5,
        },
    )
    assert rendered.language == "so" and not rendered.fell_back
    assert "LW-ABC234" in rendered.body
    assert rendered.body.startswith("Salaan Hodan.")


def test_a_missing_language_falls_back_to_english_and_says_so():
    rendered = render("questionnaire_link", "ti", {"name": "Selam", "link": "https://x.test/q"})
    assert rendered.language == "en"
    assert rendered.fell_back
    assert rendered.body.startswith("Hello Selam.")


def test_english_texts_are_plain_gsm7_but_arabic_costs_more_segments():
    values = dict.fromkeys(placeholders("tried_to_reach_you"), "Amina")
    english = sms_length(render("tried_to_reach_you", "en", values).body)
    arabic = sms_length(render("tried_to_reach_you", "ar", values).body)
    assert english.encoding == "GSM-7" and english.segments == 1
    assert arabic.encoding == "UCS-2" and arabic.segments >= english.segments


def test_the_social_prescription_carries_the_activities_and_reference_in_every_language():
    values = {
        "first_name": "Hodan",
        "activities": "Walking group",
        "reference": "LW-ABC234",
        "phone": "0191 496 0000",
    }
    for language in PERSON_LANGUAGES:
        body = render("social_prescription", language, values).body
        assert "Hodan" in body and "Walking group" in body and "LW-ABC234" in body


def test_the_staff_notification_email_has_only_title_body_and_link():
    assert placeholders("staff_notification") == {"title", "body", "url"}
    assert set(TEXTS["staff_notification"]) == {"en"}
