"""Every page a person seeking help sees is translated into every supported language."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]

# Source files whose strings the public (no sign-in) pages and the self-referral show.
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/includes/",
    "templates/self_referral/",
    "templates/web/home.html",
    "templates/web/privacy.html",
    "templates/web/accessibility.html",
    "templates/400.html",
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "referrals/self_referral_forms.py",
    "referrals/self_referral_views.py",
    "people/vocabulary.py",
    "referrals/vocabulary.py",
    "people/validators.py",
    "web/forms_widgets.py",
    "web/templatetags/",
    "templates/directory/public/",
    "directory/public_views.py",
    "directory/vocabulary.py",
    "directory/templatetags/",
    "templates/outcomes/public_",
    "outcomes/instruments/",
    "outcomes/self_completion.py",
    "templates/casework/plan_print.html",
    "templates/casework/prescription.html",
    "casework/prescription.py",
    "casework/prescription_views.py",
    "templates/groups/public_feedback",
    "templates/groups/care/_faces.html",
    "groups/care_forms.py",
    "groups/care_views.py",
    "groups/feedback.py",
    "groups/models.py",
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")


def _catalog(lang):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.po").open("rb") as f:
        return read_po(f, locale=lang)


def _is_public(message) -> bool:
    return any(loc[0].startswith(PUBLIC_SOURCES) for loc in message.locations)


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_string_is_translated(lang):
    untranslated = [
        _strings(m.id)[0]
        for m in _catalog(lang)
        if m.id and _is_public(m) and (m.fuzzy or not all(_strings(m.string)))
    ]
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    broken = []
    for m in _catalog(lang):
        if not m.id or not m.string or m.fuzzy:  # fuzzy entries are never compiled
            continue
        wanted = sorted(PLACEHOLDER.findall(_strings(m.id)[-1]))
        for translated in _strings(m.string):
            found = PLACEHOLDER.findall(translated or "")
            # Plural forms may leave out a count that the language says in words.
            said_in_words = m.pluralizable and set(found) <= set(wanted)
            if translated and sorted(found) != wanted and not said_in_words:
                broken.append(_strings(m.id)[0])
    assert broken == [], f"{lang}: placeholders differ in {broken[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogues_compile(lang):
    write_mo(BytesIO(), _catalog(lang), use_fuzzy=False)


def test_the_self_referral_start_page_is_served_in_each_language(client, db):
    english = client.get("/self-referral/").content.decode()
    for lang in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        page = client.get("/self-referral/").content.decode()
        assert f'lang="{lang}"' in page
        assert page != english, lang
        expected_dir = "rtl" if lang in settings.LANGUAGES_BIDI else "ltr"
        assert f'dir="{expected_dir}"' in page
