"""Controlled lists for the person record. Codes are stable; labels are translatable."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_SAID = "not_said", _("Prefer not to say")


class LinkWorkerSexPreference(models.TextChoices):
    NONE = "", _("No preference")
    FEMALE = "female", _("A woman")
    MALE = "male", _("A man")


class Ethnicity(models.TextChoices):
    """ONS 2021 Census ethnic groups (England and Wales), 19 categories plus not stated."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", _("Asian or Asian British: Bangladeshi")
    ASIAN_CHINESE = "asian_chinese", _("Asian or Asian British: Chinese")
    ASIAN_INDIAN = "asian_indian", _("Asian or Asian British: Indian")
    ASIAN_PAKISTANI = "asian_pakistani", _("Asian or Asian British: Pakistani")
    ASIAN_OTHER = "asian_other", _("Asian or Asian British: any other Asian background")
    BLACK_AFRICAN = "black_african", _("Black, Black British, Caribbean or African: African")
    BLACK_CARIBBEAN = "black_caribbean", _("Black, Black British, Caribbean or African: Caribbean")
    BLACK_OTHER = (
        "black_other",
        _("Black, Black British, Caribbean or African: any other Black background"),
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", _("Mixed or multiple: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        _("Mixed or multiple: White and Black African"),
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        _("Mixed or multiple: White and Black Caribbean"),
    )
    MIXED_OTHER = "mixed_other", _("Mixed or multiple: any other mixed background")
    WHITE_BRITISH = "white_british", _("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", _("White: Irish")
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", _("White: Gypsy or Irish Traveller")
    WHITE_ROMA = "white_roma", _("White: Roma")
    WHITE_OTHER = "white_other", _("White: any other White background")
    OTHER_ARAB = "other_arab", _("Other ethnic group: Arab")
    OTHER_ANY = "other_any", _("Other ethnic group: any other ethnic group")
    NOT_STATED = "not_stated", _("Prefer not to say")


# ONS 2021 high-level groups, for reporting.
ETHNIC_GROUP_OF = {
    code: code.split("_")[0] if not code.startswith("not") else "not_stated"
    for code in Ethnicity.values
}


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class CommunicationNeed(models.TextChoices):
    LARGE_PRINT = "large_print", _("Large print")
    EASY_READ = "easy_read", _("Easy read")
    BSL = "bsl", _("British Sign Language interpreter")
    BRAILLE = "braille", _("Braille")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    LIP_SPEAKER = "lip_speaker", _("Lip speaker")
    READING_HELP = "reading_help", _("Help with reading and writing")
    ADVOCATE = "advocate", _("An advocate or someone to support me")


# ISO 639-1 codes where they exist, ISO 639-3 otherwise (e.g. Sylheti "syl", BSL "bfi").
# Names are in English for staff; the self-referral shows each name in its own script too.
LANGUAGES: list[tuple[str, str, str]] = [
    ("en", _("English"), "English"),
    ("ar", _("Arabic"), "العربية"),
    ("bn", _("Bengali"), "বাংলা"),
    ("syl", _("Sylheti"), "সিলেটি"),
    ("bfi", _("British Sign Language"), "BSL"),
    ("zh", _("Chinese (Mandarin)"), "中文 (普通话)"),
    ("yue", _("Chinese (Cantonese)"), "粵語"),
    ("cy", _("Welsh"), "Cymraeg"),
    ("fa", _("Farsi (Persian)"), "فارسی"),
    ("prs", _("Dari"), "دری"),
    ("ps", _("Pashto"), "پښتو"),
    ("ku", _("Kurdish (Kurmanji)"), "Kurmancî"),
    ("ckb", _("Kurdish (Sorani)"), "سۆرانی"),
    ("fr", _("French"), "Français"),
    ("pt", _("Portuguese"), "Português"),
    ("es", _("Spanish"), "Español"),
    ("it", _("Italian"), "Italiano"),
    ("pl", _("Polish"), "Polski"),
    ("ro", _("Romanian"), "Română"),
    ("bg", _("Bulgarian"), "Български"),
    ("lt", _("Lithuanian"), "Lietuvių"),
    ("lv", _("Latvian"), "Latviešu"),
    ("cs", _("Czech"), "Čeština"),
    ("sk", _("Slovak"), "Slovenčina"),
    ("hu", _("Hungarian"), "Magyar"),
    ("sq", _("Albanian"), "Shqip"),
    ("uk", _("Ukrainian"), "Українська"),
    ("ru", _("Russian"), "Русский"),
    ("tr", _("Turkish"), "Türkçe"),
    ("so", _("Somali"), "Soomaali"),
    ("ti", _("Tigrinya"), "ትግርኛ"),
    ("am", _("Amharic"), "አማርኛ"),
    ("om", _("Oromo"), "Afaan Oromoo"),
    ("sw", _("Swahili"), "Kiswahili"),
    ("ln", _("Lingala"), "Lingála"),
    ("ur", _("Urdu"), "اردو"),
    ("pa", _("Punjabi"), "ਪੰਜਾਬੀ"),
    ("gu", _("Gujarati"), "ગુજરાતી"),
    ("hi", _("Hindi"), "हिन्दी"),
    ("ta", _("Tamil"), "தமிழ்"),
    ("ne", _("Nepali"), "नेपाली"),
    ("vi", _("Vietnamese"), "Tiếng Việt"),
    ("tl", _("Tagalog"), "Tagalog"),
    ("ms", _("Malay"), "Bahasa Melayu"),
    ("th", _("Thai"), "ไทย"),
    ("other", pgettext_lazy("language", "Another language"), ""),
]
LANGUAGE_CHOICES = [(code, name) for code, name, _native in LANGUAGES]
LANGUAGE_NATIVE = {code: native for code, _name, native in LANGUAGES}
LANGUAGE_CODES = frozenset(LANGUAGE_NATIVE)


class ConsentPurpose(models.TextChoices):
    CARE = "care", _("Linkwell keeps my details to help me")
    SHARE_WITH_PROVIDER = (
        "share_with_provider",
        _("Share what I agree with the groups I am referred to"),
    )
    CONTACT_SMS = "contact_sms", _("Send me text messages")
    RESEARCH = "research", _("Use my answers, without my name, to improve services")
