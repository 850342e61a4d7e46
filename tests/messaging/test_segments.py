"""SMS segment counting: GSM-7 160/153, UCS-2 70/67, extension characters count double."""

import pytest

from linkwell.messaging.segments import is_gsm7, sms_length, sms_segments


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_texts_fit_160_then_153_per_segment(length, segments):
    assert sms_segments("a" * length) == segments
    assert sms_length("a" * length).encoding == "GSM-7"


@pytest.mark.parametrize(
    ("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_unicode_texts_fit_70_then_67_per_segment(length, segments):
    text = "س" * length
    assert sms_length(text).encoding == "UCS-2"
    assert sms_segments(text) == segments


def test_extension_characters_take_two_places():
    assert sms_length("€").units == 2
    assert sms_segments("€" * 80) == 1
    assert sms_segments("€" * 81) == 2
    assert sms_segments("[" + "a" * 159) == 2


def test_one_arabic_letter_makes_the_whole_text_unicode():
    text = "Hello " + "a" * 70 + " مرحبا"
    assert not is_gsm7(text)
    assert sms_length(text).encoding == "UCS-2"
    assert sms_segments(text) == 2


def test_pound_sign_and_accents_in_gsm7_stay_gsm7_but_welsh_circumflex_does_not():
    assert is_gsm7("£5 café à")
    assert not is_gsm7("cysylltu â chi")


def test_emoji_count_as_two_utf16_units():
    assert sms_length("🙂").units == 2
    assert sms_segments("🙂" * 35) == 1
    assert sms_segments("🙂" * 36) == 2
