"""The quarterly PDF renders every supported language: Noto fonts from npm (package.json) for
Latin with diacritics, Cyrillic, Arabic script and Bengali, shaped with uharfbuzz; Arabic,
Farsi and Urdu paragraphs run right to left and the table's columns are mirrored."""

import datetime
import re

import pytest
from django.utils import translation

from linkwell.reports.dashboard import Period
from linkwell.reports.exports import (
    PDF_FONTS,
    is_rtl,
    pdf_fonts_available,
    pdf_markup,
    quarterly_pdf,
)
from linkwell.reports.tables import LABEL, Column, Table

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def test_the_fonts_are_installed_with_the_project_and_shaping_is_available():
    import uharfbuzz  # noqa: F401 - a dependency in pyproject.toml
    from reportlab.pdfbase import pdfmetrics

    assert pdf_fonts_available()
    for name in PDF_FONTS:
        assert pdfmetrics.getFont(name).shapable, name


def test_arabic_and_bengali_runs_get_their_own_font_and_text_stays_escaped():
    markup = pdf_markup("Referrals <5: الإحالات حسب الشهر 2026 & মাস অনুযায়ী")
    assert markup.startswith("Referrals &lt;5: ")
    assert '<font name="LinkwellArabic">الإحالات حسب الشهر</font> 2026 &amp; ' in markup
    assert markup.endswith('<font name="LinkwellBengali">মাস অনুযায়ী</font>')
    assert pdf_markup("Skierowania – łączność") == "Skierowania – łączność"
    assert '<font name="LinkwellArabic-Bold">' in pdf_markup("تقرير", bold=True)


@pytest.mark.parametrize(
    "text, rtl",
    [("الإحالات", True), ("  2026 تقرير", True), ("Art for wellbeing", False), ("2026", False)],
)
def test_direction_is_that_of_the_first_strong_character(text, rtl):
    assert is_rtl(text) is rtl


def fonts_in(pdf: bytes) -> set[str]:
    return {
        name.split("+")[-1] for name in re.findall(r"/BaseFont\s*/([\w+-]+)", pdf.decode("latin-1"))
    }


@pytest.mark.parametrize(
    "lang, title, expected",
    [
        ("ar", "تقرير ربع سنوي", {"NotoSansArabic-Bold"}),
        ("ur", "سہ ماہی رپورٹ", {"NotoSansArabic-Bold"}),
        ("bn", "ত্রৈমাসিক প্রতিবেদন", {"NotoSansBengali-Bold"}),
        ("uk", "Квартальний звіт", {"NotoSans-Bold"}),
        ("pl", "Raport kwartalny – łączność", {"NotoSans-Bold"}),
    ],
)
def test_the_quarterly_pdf_embeds_a_font_for_each_language(lang, title, expected):
    table = Table("t", title, [Column("need", "Need", LABEL), Column("n", "n")], section="s")
    table.rows = [{"need": title, "n": 12}]
    with translation.override(lang):
        pdf = quarterly_pdf([table.publish()], PERIOD, title=title)
    assert pdf.startswith(b"%PDF")
    found = fonts_in(pdf)
    assert expected <= found, found
    assert "NotoSans-Regular" in found  # the period lines and figures
