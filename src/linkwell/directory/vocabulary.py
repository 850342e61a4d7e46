"""Directory vocabularies: stable codes with translatable labels.

Loaded into tables by data migrations. A code is never reused or deleted; retire it by
setting `disabled_on`. Taxonomy term ids are uuid5 of the code so they are the same in every
installation (ORUK consumers filter by `taxonomy_term_id`).
"""

import uuid

from django.utils.translation import gettext_lazy as _

TARGET_GROUPS: list[tuple[str, str]] = [
    ("women_only", _("Women only")),
    ("men_only", _("Men only")),
    ("over_55s", _("Over-55s")),
    ("young_people", _("Young people")),
    ("families", _("Families")),
    ("carers", _("Carers")),
    ("refugees_new_arrivals", _("Refugees and new arrivals")),
    ("lgbtq", _("LGBTQ+ people")),
    ("disabled_people", _("Disabled people")),
    ("veterans", _("Veterans")),
    ("people_living_with_dementia", _("People living with dementia")),
    ("people_in_recovery", _("People in recovery")),
]
TARGET_GROUP_LABELS = dict(TARGET_GROUPS)

ACCESSIBILITY_FEATURES: list[tuple[str, str]] = [
    ("step_free", _("Step-free access")),
    ("accessible_toilet", _("Accessible toilet")),
    ("hearing_loop", _("Hearing loop")),
    ("parking", _("Disabled parking")),
    ("bsl", _("British Sign Language")),
    ("large_print", _("Large print materials")),
    ("quiet_space", _("Quiet space")),
    ("changing_places", _("Changing Places toilet")),
    ("bus_route", _("On a bus route")),
]
ACCESSIBILITY_FEATURE_LABELS = dict(ACCESSIBILITY_FEATURES)

LINKWELL_TAXONOMY_ID = uuid.UUID("6b0c4b8e-3f5d-5a51-9d55-6c1b2f3e7a10")
LINKWELL_TAXONOMY_NAME = "Linkwell community activities"
_TERM_NAMESPACE = uuid.UUID("0e7c7f8a-2d0b-4f5e-8a0c-1c9f3d6b5e21")


def taxonomy_term_uuid(code: str) -> uuid.UUID:
    return uuid.uuid5(_TERM_NAMESPACE, code)


# code, label, the needs (referrals.Need codes) the term answers
TAXONOMY_TERMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("social_group", _("Social groups and coffee mornings"), ("loneliness", "befriending")),
    ("befriending", _("Befriending"), ("befriending", "loneliness")),
    ("peer_support", _("Peer support groups"), ("low_mood", "loneliness")),
    ("mental_wellbeing", _("Mental wellbeing"), ("low_mood",)),
    ("exercise_class", _("Exercise classes"), ("physical_activity",)),
    ("walking_group", _("Walking groups"), ("physical_activity", "nature_green")),
    ("sport", _("Sport"), ("physical_activity",)),
    ("gardening", _("Gardening and conservation"), ("nature_green", "physical_activity")),
    ("cooking", _("Cooking and healthy eating"), ("healthy_eating", "food")),
    ("weight_management", _("Weight management"), ("healthy_eating",)),
    ("arts_crafts", _("Arts and crafts"), ("arts_creativity",)),
    ("music_singing", _("Music and singing"), ("arts_creativity", "loneliness")),
    ("english_conversation", _("English conversation and ESOL"), ("esol", "education_skills")),
    ("adult_learning", _("Adult learning"), ("education_skills",)),
    ("digital_skills", _("Digital skills"), ("digital_skills",)),
    ("employment_support", _("Employment support"), ("employment",)),
    ("money_advice", _("Money and debt advice"), ("money_debt",)),
    ("benefits_advice", _("Benefits advice"), ("welfare_benefits", "money_debt")),
    ("housing_advice", _("Housing advice"), ("housing",)),
    ("food_support", _("Food banks and community meals"), ("food",)),
    ("carers_support", _("Support for carers"), ("carer_support",)),
    ("bereavement_support", _("Bereavement support"), ("bereavement",)),
    ("legal_advice", _("Legal and immigration advice"), ("legal_immigration_advice",)),
    ("substance_use_support", _("Alcohol and drug support"), ("substance_use",)),
    ("condition_support", _("Living with a health condition"), ("long_term_condition",)),
    ("parenting_support", _("Parenting support"), ("parenting",)),
    ("domestic_abuse_support", _("Domestic abuse support"), ("domestic_abuse",)),
    ("volunteering", _("Volunteering"), ("loneliness", "employment")),
]
TAXONOMY_TERM_LABELS = {code: label for code, label, _needs in TAXONOMY_TERMS}
