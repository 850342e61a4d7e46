"""Needs and closure reasons: stable codes with translatable labels.

The tables (Need, ClosureReason) are loaded from these lists by data migrations. A code is
never reused or deleted; retire it by setting `disabled_on`.
"""

from django.utils.translation import gettext_lazy as _

# code, label for staff, plain-language label for the person (self-referral)
NEEDS: list[tuple[str, str, str]] = [
    ("loneliness", _("Loneliness and isolation"), _("I feel lonely or cut off")),
    ("low_mood", _("Low mood or anxiety"), _("I feel low, worried or stressed")),
    ("physical_activity", _("Physical activity"), _("I want to be more active")),
    (
        "healthy_eating",
        _("Healthy eating and weight"),
        _("I want to eat better or manage my weight"),
    ),
    ("money_debt", _("Money and debt"), _("I am worried about money or debt")),
    ("welfare_benefits", _("Welfare benefits"), _("I need help with benefits")),
    ("housing", _("Housing"), _("I have a problem with my home or housing")),
    ("employment", _("Employment"), _("I want help to find work")),
    ("education_skills", _("Education and skills"), _("I want to learn something new")),
    ("esol", _("English language (ESOL)"), _("I want to learn or practise English")),
    ("digital_skills", _("Digital skills"), _("I want help using a phone or computer")),
    ("carer_support", _("Carer support"), _("I look after someone and need support")),
    ("bereavement", _("Bereavement"), _("Someone close to me has died")),
    ("arts_creativity", _("Arts and creativity"), _("I would like to do something creative")),
    ("nature_green", _("Nature and green activities"), _("I would like to spend time outdoors")),
    ("befriending", _("Befriending"), _("I would like someone to talk to regularly")),
    ("food", _("Food"), _("I do not always have enough food")),
    (
        "legal_immigration_advice",
        _("Legal and immigration advice (signpost to regulated advisers)"),
        _("I need advice about a legal problem"),
    ),
    ("substance_use", _("Substance use"), _("I want help with alcohol or drugs")),
    (
        "long_term_condition",
        _("Long-term condition self-management"),
        _("I want help living with a health condition"),
    ),
    ("parenting", _("Parenting"), _("I want support as a parent")),
    ("domestic_abuse", _("Domestic abuse support"), _("I do not feel safe at home")),
]
NEED_LABELS = {code: label for code, label, _plain in NEEDS}
NEED_PLAIN_LABELS = {code: plain for code, _label, plain in NEEDS}

# code, label, which target statuses the reason may explain
CLOSURE_REASONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("person_declined", _("The person decided not to take part"), ("rejected", "cancelled")),
    ("not_eligible", _("Not eligible for this service"), ("rejected",)),
    ("needs_clinical_care", _("Needs clinical or specialist care instead"), ("rejected",)),
    ("out_of_area", _("Lives outside the area this service covers"), ("rejected",)),
    ("duplicate", _("Duplicate of another referral"), ("rejected", "cancelled")),
    ("referred_elsewhere", _("Referred to a more suitable service"), ("rejected", "cancelled")),
    ("withdrawn_by_referrer", _("Withdrawn by the referrer"), ("cancelled",)),
    ("unable_to_contact", _("Unable to contact the person"), ("failed", "cancelled")),
    ("person_moved", _("The person moved away"), ("cancelled", "failed")),
    ("person_died", _("The person died"), ("cancelled", "failed")),
    (
        "waiting_for_person",
        _("Waiting for the person (for example illness or travel)"),
        ("on-hold",),
    ),
    ("goals_met", _("Goals met"), ("completed",)),
    ("other", _("Other reason (explain below)"), ("rejected", "cancelled", "failed", "on-hold")),
]
CLOSURE_REASON_LABELS = {code: label for code, label, _s in CLOSURE_REASONS}
# Reasons that later stages add through their own migrations (casework 0002); their labels
# live here so the referrer's view can show them translated.
CLOSURE_REASON_LABELS.update(
    {
        "connected_to_community": _("Connected to community activities"),
        "needs_met_elsewhere": _("Needs met elsewhere"),
        "inappropriate_referral": _("Referral was not appropriate"),
    }
)

SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING = "871731000000106"
SNOMED_SOCIAL_PRESCRIBING_DECLINED = "871711000000103"
