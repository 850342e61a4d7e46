"""Demo data: a year of a Sunderland social prescribing service, loaded into an empty database.

The people and organisations are made up; the places are real. Postcodes come from the
ONS postcode lookup shipped with Linkwell, so areas and deprivation deciles are real.
Phone numbers are only from Ofcom's drama ranges and NHS numbers only from the 999
test range, so nothing in the demo can reach or match a real person.

Everything is planned first by a pure function (`plan_demo`) driven by one
`random.Random(seed)`, then written through the same services the product uses, so the
demo exercises real validation, routing and the referral state machine. Services stamp
"now"; the planner's timestamps are written back afterwards so waits look real. Audit
entries are left as written: they truthfully record when the demo was loaded.
"""

from __future__ import annotations

import datetime
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.lib.postcode import lookup_area, sample_live_postcodes
from linkwell.people.models import Consent, Person
from linkwell.people.services import PersonDetails
from linkwell.people.vocabulary import LANGUAGES, CommunicationNeed, ContactMethod, Ethnicity
from linkwell.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralRoute,
    Source,
    Status,
    Urgency,
)
from linkwell.referrals.services import ReferralDetails, referral_submit, referral_transition

DEMO_PASSWORD = "linkwell-demo-2026"  # noqa: S105 - published on purpose: demo sign-ins only

SERVICE_NAME = "Sunderland Social Prescribing Service"
CHANNEL = "system"


class DemoRefused(Exception):
    """The database already has data; the demo only loads into an empty one."""


# --------------------------------------------------------------------------------------
# Organisations. Names are invented; postcodes are real and in the right district.
# ODS-style codes start with "Z9", which the NHS does not issue, so they can never clash.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    district: str = ""
    postcode: str = ""  # a fixed real postcode (e.g. a library venue) instead of a district pick
    ods_code: str = ""


K = OrganisationKind
ORGANISATIONS: list[OrgSpec] = [
    OrgSpec("gp1", "Millfield Green Surgery", K.GP_PRACTICE, "SR4", ods_code="Z90001"),
    OrgSpec("gp2", "Hendon Dene Medical Practice", K.GP_PRACTICE, "SR2", ods_code="Z90002"),
    OrgSpec("gp3", "Castletown Riverside Surgery", K.GP_PRACTICE, "SR5", ods_code="Z90003"),
    OrgSpec("gp4", "Seaburn Links Medical Practice", K.GP_PRACTICE, "SR6", ods_code="Z90004"),
    OrgSpec("pcn", "Wear Bridges Primary Care Network", K.PCN, "SR4", ods_code="Z9N001"),
    OrgSpec("pharmacy", "Hylton Corner Pharmacy", K.PHARMACY, "SR4", ods_code="Z9F001"),
    OrgSpec(
        "hospital",
        "Wearside General Hospital Discharge Team",
        K.HOSPITAL,
        "SR4",
        ods_code="Z9H001",
    ),
    OrgSpec("jobcentre", "Wearside Jobcentre", K.JOBCENTRE, "SR1"),
    OrgSpec("housing", "Wearside Homes Housing Association", K.HOUSING, "SR5"),
    OrgSpec("fire", "Wearside Fire and Rescue Safe and Well Team", K.FIRE, "SR5"),
    OrgSpec("police", "Wearside Police Neighbourhood Team", K.POLICE, "SR1"),
    OrgSpec("council", "Wearside City Council Adult Social Care", K.COUNCIL, "SR2"),
    OrgSpec("service", SERVICE_NAME, K.LINK_WORKER_SERVICE, "SR1"),
    # Fifteen community organisations.
    OrgSpec("garden", "Hendon Dene Community Garden", K.VCSE, "SR2"),
    OrgSpec("stitch", "Stitch and Speak Women's Group (ESOL and sewing)", K.VCSE, "SR4"),
    OrgSpec("shed", "Pallion Men's Shed", K.VCSE, "SR4"),
    OrgSpec("walkers", "Roker Seafront Walkers", K.VCSE, "SR6"),
    OrgSpec("welcome", "Wearside Welcome Refugee and Asylum Seeker Drop-in", K.VCSE, "SR1"),
    OrgSpec("debt", "Wear Money Advice", K.VCSE, "SR1"),
    OrgSpec("carers", "Wearside Carers' Hub", K.VCSE, "SR1"),
    OrgSpec("foodbank", "Southwick Community Food Bank", K.VCSE, "SR5"),
    OrgSpec("arts", "Sunniside Arts Collective", K.VCSE, "SR1"),
    OrgSpec("befriending", "Good Neighbours Befriending Wearside", K.VCSE, "SR3"),
    OrgSpec("bereavement", "Silksworth Bereavement Circle", K.VCSE, "SR3"),
    # Meets at City Library, Burdon Road, SR1 1PP: a real venue from "Public libraries in
    # England" (Libraries Hacked, Open Government Licence v3.0).
    OrgSpec("digital", "Digital Drop-in Café at City Library", K.VCSE, postcode="SR1 1PP"),
    OrgSpec("polish", "Polonia Wearside Polish Community Association", K.VCSE, "SR4"),
    # Meets at Hendon Library, Toward Road, SR2 8JG (same source as above).
    OrgSpec("bangladeshi", "Hendon Bangladeshi Women's Group", K.VCSE, postcode="SR2 8JG"),
    OrgSpec("chairs", "Doxford Chair-Based Exercise for Over-55s", K.VCSE, "SR3"),
    OrgSpec("directory", "Wearside City Council Community Directory Team", K.COUNCIL, "SR2"),
    OrgSpec("commissioner", "Wearside Health and Care Commissioning", K.COMMISSIONER, "SR1"),
]


@dataclass(frozen=True)
class UserSpec:
    email: str
    full_name: str
    org: str  # OrgSpec.key, or "" for no membership
    role: str
    description: str
    sex: str = ""


_REFERRERS = [
    ("referrer@example.org", "Sarah Milburn", "gp1", "GP"),
    ("referrer2@example.org", "Imran Chaudhry", "gp2", "GP"),
    ("referrer3@example.org", "Gemma Lowery", "gp3", "practice nurse"),
    ("referrer4@example.org", "Peter Charlton", "gp4", "GP"),
    ("pcn@example.org", "Kirsty Dodds", "pcn", "care coordinator"),
    ("pharmacy@example.org", "Nadia Karim", "pharmacy", "pharmacist"),
    ("hospital@example.org", "Michelle Hutchinson", "hospital", "discharge coordinator"),
    ("council@example.org", "Andrea Scott", "council", "social worker"),
    ("jobcentre@example.org", "Darren Lamb", "jobcentre", "work coach"),
    ("housing@example.org", "Louise Gibson", "housing", "tenancy support officer"),
    ("fire@example.org", "Craig Bell", "fire", "safe and well officer"),
    ("police@example.org", "Stephen Hall", "police", "neighbourhood officer"),
]
_ORG_NAME = {o.key: o.name for o in ORGANISATIONS}

USERS: list[UserSpec] = [
    *(
        UserSpec(email, name, org, Role.REFERRER, f"Referrer ({job}), {_ORG_NAME[org]}")
        for email, name, org, job in _REFERRERS
    ),
    UserSpec(
        "lead@example.org",
        "Lesley Thompson",
        "service",
        Role.LINK_WORKER_LEAD,
        f"Link worker lead, {SERVICE_NAME}",
        "female",
    ),
    UserSpec(
        "linkworker@example.org",
        "Hannah Robson",
        "service",
        Role.LINK_WORKER,
        f"Link worker, {SERVICE_NAME}",
        "female",
    ),
    UserSpec(
        "linkworker2@example.org",
        "Yusuf Rahman",
        "service",
        Role.LINK_WORKER,
        f"Link worker, {SERVICE_NAME}",
        "male",
    ),
    UserSpec(
        "linkworker3@example.org",
        "Aleksandra Nowak",
        "service",
        Role.LINK_WORKER,
        f"Link worker, {SERVICE_NAME}",
        "female",
    ),
    UserSpec(
        "linkworker4@example.org",
        "Claire Armstrong",
        "service",
        Role.LINK_WORKER,
        f"Link worker, {SERVICE_NAME}",
        "female",
    ),
    UserSpec(
        "provider@example.org",
        "Bernadette Quinn",
        "garden",
        Role.PROVIDER,
        f"Community provider, {_ORG_NAME['garden']}",
    ),
    UserSpec(
        "editor@example.org",
        "Mark Pearson",
        "directory",
        Role.DIRECTORY_EDITOR,
        f"Directory editor, {_ORG_NAME['directory']}",
    ),
    UserSpec(
        "commissioner@example.org",
        "Fiona Wade",
        "commissioner",
        Role.COMMISSIONER,
        f"Commissioner, {_ORG_NAME['commissioner']}",
    ),
]
ADMIN_EMAIL = "admin@example.org"
ADMIN_NAME = "Tom Carr"

DEMO_SIGN_INS: list[tuple[str, str]] = [
    *((u.email, u.description) for u in USERS),
    (ADMIN_EMAIL, "System administrator (Django admin)"),
]

LINK_WORKERS = [u for u in USERS if u.role == Role.LINK_WORKER]
REFERRER_OF_ORG = {u.org: u.email for u in USERS if u.role == Role.REFERRER}

# --------------------------------------------------------------------------------------
# People: names and languages reflecting Sunderland's communities.
# --------------------------------------------------------------------------------------


def _t(words: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in words.split())


_WB_F = _t(
    "Susan Linda Margaret Patricia Carol Christine Pauline Joan Doreen Brenda Sandra Julie "
    "Karen Tracey Lisa Michelle Joanne Nicola Gemma Laura Amy Chloe Jessica Sophie Kayleigh "
    "Dorothy Irene Jean Maureen Sheila Eileen Barbara Elaine Denise Dawn Hayley Stacey Emma "
    "Rachel Lynn"
)
_WB_M = _t(
    "John David Michael Peter Robert William James Stephen Paul Ian Alan Kevin Gary Mark Craig "
    "Lee Dean Darren Jamie Ryan Liam Daniel Thomas George Kenneth Ronald Brian Raymond Norman "
    "Derek Colin Keith Anthony Christopher Shaun Jordan Callum Matthew Andrew Neil"
)
_WB_FAMILY = _t(
    "Robson Smith Brown Thompson Wilson Armstrong Charlton Milburn Dodds Bell Hall Scott Wood "
    "Walker Johnson Elliott Ridley Todd Storey Hutchinson Lamb Gibson Graham Patterson Young "
    "Taylor Robinson White Lowery Anderson Hodgson Watson Forster Nicholson Pickering Errington "
    "Shield Tate Stoker Ferguson Kerr Davison Proud Harrison Heslop Carr"
)


@dataclass(frozen=True)
class Community:
    key: str
    weight: float
    ethnicities: tuple[str, ...]
    languages: tuple[str, ...]  # first is the most common
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    limited_english: float = 0.0  # chance the person needs an interpreter
    young: bool = False  # age profile of a more recently arrived community
    women_family: tuple[str, ...] = ()  # family names used by women only (e.g. Begum)
    districts: tuple[str, ...] = ("SR1", "SR2", "SR3", "SR4", "SR5", "SR6")
    female_share: float = 0.55


COMMUNITIES: list[Community] = [
    Community(
        "white_british",
        80,
        (Ethnicity.WHITE_BRITISH,),
        ("en",),
        _WB_F,
        _WB_M,
        _WB_FAMILY,
        female_share=0.58,
    ),
    Community(
        "irish",
        1,
        (Ethnicity.WHITE_IRISH,),
        ("en",),
        _t("Siobhan Bridget Mary Aoife"),
        _t("Patrick Sean Michael Declan"),
        _t("Murphy O'Neill Kelly Doherty McCann Gallagher"),
    ),
    Community(
        "mixed",
        1.5,
        (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, Ethnicity.MIXED_WHITE_ASIAN, Ethnicity.MIXED_OTHER),
        ("en",),
        _WB_F[15:30],
        _WB_M[15:30],
        _WB_FAMILY[:20],
        young=True,
    ),
    Community(
        "african_english",
        1.5,
        (Ethnicity.BLACK_AFRICAN,),
        ("en",),
        _t("Blessing Chiamaka Grace Abena Ngozi Tendai"),
        _t("Emeka Kwame Chidi Tunde Tatenda Kofi"),
        _t("Okafor Adeyemi Mensah Boateng Okonkwo Moyo Eze"),
        young=True,
    ),
    Community(
        "polish",
        4,
        (Ethnicity.WHITE_OTHER,),
        ("pl",),
        _t("Agnieszka Katarzyna Magdalena Joanna Anna Ewa Małgorzata Natalia"),
        _t("Piotr Tomasz Krzysztof Paweł Marek Łukasz Jakub Michał"),
        _t("Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Woźniak"),
        limited_english=0.3,
        young=True,
        districts=("SR2", "SR4", "SR5"),
    ),
    Community(
        "romanian",
        3,
        (Ethnicity.WHITE_OTHER, Ethnicity.WHITE_OTHER, Ethnicity.WHITE_ROMA),
        ("ro",),
        _t("Maria Elena Ioana Andreea Mihaela Alina Cristina"),
        _t("Ion Andrei Mihai Alexandru Gheorghe Florin Constantin Marian"),
        _t("Popescu Ionescu Popa Stan Dumitru Munteanu Stoica Lungu"),
        limited_english=0.45,
        young=True,
        districts=("SR2", "SR4", "SR5"),
    ),
    Community(
        "ukrainian",
        2.5,
        (Ethnicity.WHITE_OTHER,),
        ("uk",),
        _t("Olena Oksana Iryna Nataliia Tetiana Yuliia Svitlana Kateryna"),
        _t("Oleksandr Andrii Serhii Volodymyr Mykola Dmytro Yurii"),
        _t("Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boyko Lysenko"),
        limited_english=0.55,
        young=True,
        female_share=0.7,
    ),
    Community(
        "arabic",
        4.5,
        (Ethnicity.OTHER_ARAB,),
        ("ar",),
        _t("Fatima Aisha Maryam Huda Rania Noor Samira Layla Amal Hanan Zainab"),
        _t("Mohammed Ahmed Omar Khaled Hassan Ali Mahmoud Yousef Ibrahim Abdullah Tariq"),
        _t("Al-Hassan Haddad Khalil Al-Ahmad Ibrahim Mansour Hamdan Al-Obaidi Saleh Osman"),
        limited_english=0.75,
        young=True,
        districts=("SR1", "SR2", "SR4", "SR5"),
    ),
    Community(
        "kurdish",
        3,
        (Ethnicity.OTHER_ANY,),
        ("ckb", "ckb", "ku"),
        _t("Shilan Zhino Avin Berivan Nasrin Rezan Hana Shirin"),
        _t("Karwan Rebwar Hemin Dilshad Aram Azad Sherzad Bakhtiyar"),
        _t("Rasul Aziz Hama Kareem Qadir Mustafa Abdullah Faraj"),
        limited_english=0.7,
        young=True,
        districts=("SR1", "SR2", "SR4", "SR5"),
        female_share=0.4,
    ),
    Community(
        "farsi",
        2,
        (Ethnicity.ASIAN_OTHER, Ethnicity.OTHER_ANY),
        ("fa",),
        _t("Maryam Zahra Fatemeh Leila Shirin Parisa Niloufar Sara"),
        _t("Reza Mohammad Ali Hossein Amir Mehdi Saeed Behzad"),
        _t("Hosseini Mohammadi Ahmadi Rezaei Moradi Karimi Jafari Rahimi"),
        limited_english=0.6,
        young=True,
        districts=("SR1", "SR2", "SR4", "SR5"),
        female_share=0.45,
    ),
    Community(
        "pakistani",
        2,
        (Ethnicity.ASIAN_PAKISTANI,),
        ("ur", "ur", "pa"),
        _t("Nasreen Shazia Samina Rubina Farzana Ayesha Saima Nazia"),
        _t("Muhammad Imran Tariq Asif Zahid Khalid Shahid Naveed"),
        _t("Khan Hussain Ahmed Akhtar Iqbal Butt Malik Mahmood Chaudhry"),
        limited_english=0.4,
        districts=("SR2", "SR3", "SR4"),
    ),
    Community(
        "indian_punjabi",
        1,
        (Ethnicity.ASIAN_INDIAN,),
        ("pa",),
        _t("Harjit Gurpreet Manjit Jaswinder"),
        _t("Gurdeep Harpal Sukhwinder Balbir"),
        _t("Sandhu Gill Dhillon Bains"),
        limited_english=0.3,
        districts=("SR2", "SR3", "SR4"),
    ),
    Community(
        "bangladeshi",
        3,
        (Ethnicity.ASIAN_BANGLADESHI,),
        ("syl", "syl", "bn"),
        _t("Rahima Jahanara Shahana Nazma Rokeya Halima Momena Amina"),
        _t("Abdul Mohammed Shahid Rashid Abul Jamal Kamal Mizanur Anwar Habibur"),
        _t("Miah Uddin Rahman Ali Islam Hoque Chowdhury Ahmed"),
        limited_english=0.55,
        women_family=_t("Begum Begum Khatun"),
        districts=("SR2", "SR2", "SR4"),
    ),
    Community(
        "somali",
        1.5,
        (Ethnicity.BLACK_AFRICAN,),
        ("so",),
        _t("Hodan Fadumo Amina Ifrah Sahra Ubah Khadra Nimco"),
        _t("Abdi Mohamed Abdirahman Ahmed Hassan Yusuf Mahad Said"),
        _t("Abdi Farah Warsame Hussein Jama Osman Egal Nur Aden"),
        limited_english=0.55,
        young=True,
        districts=("SR1", "SR2", "SR4", "SR5"),
    ),
    Community(
        "chinese",
        1.5,
        (Ethnicity.ASIAN_CHINESE,),
        ("yue", "zh"),
        _t("Mei Xiu_Ying Hui Lan Wai_Ling Siu_Mei"),
        _t("Wei Jian Hao Ming Kwok_Wai Chi_Keung"),
        _t("Wong Chan Cheung Lau Lee Wang Li Zhang Chen"),
        limited_english=0.5,
    ),
    Community(
        "filipino",
        1,
        (Ethnicity.ASIAN_OTHER,),
        ("tl",),
        _t("Maria_Cristina Rowena Marites Jocelyn Analyn Rosario"),
        _t("Jose Rodel Mark_Anthony Romeo Jun"),
        _t("Santos Reyes Cruz Bautista Garcia Mendoza Dela_Cruz Villanueva"),
        limited_english=0.05,
        young=True,
        female_share=0.7,
    ),
]

LANGUAGE_NAMES = {code: str(name) for code, name, _native in LANGUAGES}

STREETS = {
    "SR1": _t("Tatham_Street Borough_Road Norfolk_Street Frederick_Street Villiers_Street"),
    "SR2": _t("Hendon_Road Villette_Road Ryhope_Road Toward_Road Suffolk_Street Mowbray_Road"),
    "SR3": _t("Silksworth_Road Durham_Road Mill_Hill_Road Grindon_Lane Tudor_Grove"),
    "SR4": _t("Hylton_Road Chester_Road Kayll_Road Pallion_Road Pennywell_Road Cleveland_Road"),
    "SR5": _t("Southwick_Road Castletown_Road Hylton_Lane Carley_Road Beaumont_Street"),
    "SR6": _t("Roker_Avenue Dykelands_Road Sea_Road Fulwell_Road Newcastle_Road Side_Cliff_Road"),
    "SR7": _t("Church_Street North_Terrace Station_Road Byron_Street"),
    "SR8": _t("Yoden_Way Passfield_Way Edenhill_Road Manor_Way"),
}
TOWN = {"SR7": "Seaham", "SR8": "Peterlee"}
GP_OF_DISTRICT = {
    "SR1": "gp2",
    "SR2": "gp2",
    "SR3": "gp1",
    "SR4": "gp1",
    "SR5": "gp3",
    "SR6": "gp4",
}

# Sunderland is one of the more deprived places in England and social prescribing reaches
# further into its most deprived areas, so decile 1 is drawn most often.
DECILE_WEIGHTS = {1: 30, 2: 18, 3: 12, 4: 10, 5: 8, 6: 6, 7: 5, 8: 4, 9: 4, 10: 3}
# Shared accommodation is mostly in the most deprived areas.
DISPERSAL_DECILE_WEIGHTS = {1: 60, 2: 25, 3: 10, 4: 5}

# Communities here largely through asylum dispersal and resettlement (housed where the Home
# Office contracts place them, mostly the most deprived areas).
REFUGEE_COMMUNITIES = frozenset({"arabic", "kurdish", "farsi", "somali"})

# Letters for people with no fixed address can go to these organisations.
CARE_OF_ADDRESSES = {"welcome": "14 Norfolk Street", "foodbank": "2 Southwick Road"}

# What some people like to be called.
KNOWN_AS = {
    "Margaret": "Maggie",
    "Patricia": "Pat",
    "Dorothy": "Dot",
    "Christopher": "Chris",
    "Kenneth": "Ken",
    "Anthony": "Tony",
    "Mohammed": "Mo",
    "Abdirahman": "Abdi",
    "Oleksandr": "Sasha",
    "Małgorzata": "Gosia",
    "Katarzyna": "Kasia",
}

SAFE_TIMES = [
    "Weekday mornings before 12",
    "After 3pm, I work nights",
    "Not before 10am please",
    "Any time except the school run (8–9am and 3–4pm)",
    "Tuesdays and Thursdays only",
]

# --------------------------------------------------------------------------------------
# What referrers write and what people say. {name}, {their} and {them} are filled in.
# --------------------------------------------------------------------------------------

REASONS: dict[str, list[str]] = {
    "loneliness": [
        "{name} lives alone and says whole days go by without speaking to anyone.",
        "Since {their} partner died {name} has stopped going out and lost touch with friends.",
        "{name} has become very isolated since giving up driving.",
    ],
    "low_mood": [
        "Low mood for several months; doesn't want more medication and would like something to do.",
        "{name} is anxious about leaving the house and has been struggling to sleep.",
        "Feeling low since losing {their} job. Already waiting for NHS Talking Therapies.",
    ],
    "physical_activity": [
        "Advised to be more active after a heart attack last year; nervous about exercising alone.",
        "Knee pain and putting on weight; wants to build up walking gradually.",
        "Less steady on {their} feet lately and would like a gentle exercise group.",
    ],
    "healthy_eating": [
        "Recently diagnosed with type 2 diabetes and wants help with eating well on a budget.",
        "Wants to lose weight before a knee operation.",
    ],
    "long_term_condition": [
        "COPD; gets breathless and has stopped going out. Would benefit from support day to day.",
        "Lives with fibromyalgia and chronic pain; looking for support beyond medication.",
        "Type 2 diabetes, struggling to keep on top of appointments and medicines.",
    ],
    "money_debt": [
        "Behind on gas and electric and worried about bailiff letters.",
        "Council tax arrears and a catalogue debt; can't see a way through.",
    ],
    "welfare_benefits": [
        "Needs help with a PIP application; was turned down once before.",
        "Moved onto Universal Credit and gets less than expected; needs a benefits check.",
    ],
    "housing": [
        "Damp and mould in the flat is affecting {their} chest; landlord not responding.",
        "At risk of losing {their} tenancy because of rent arrears.",
        "Stairs are getting too much; would like help looking at housing options.",
    ],
    "employment": [
        "Keen to get back to work after a long period of ill health but lacks confidence.",
        "Wants help to find part-time work that fits around the family.",
    ],
    "education_skills": [
        "Would like to do a course to build confidence and skills.",
        "Left school without qualifications and wants to get maths and English.",
    ],
    "esol": [
        "Speaks little English and wants to join an English class.",
        "Wants to improve {their} English to talk to the doctor and the school.",
    ],
    "digital_skills": [
        "Needs help using a smartphone to manage Universal Credit and order prescriptions.",
        "Has a tablet from the family but doesn't know how to use it for video calls.",
    ],
    "carer_support": [
        "Full-time carer for {their} partner who has dementia; exhausted, no break in months.",
        "Cares for an adult son with learning disabilities and never gets a break.",
    ],
    "bereavement": [
        "{name}'s partner died in the spring and evenings and weekends are very hard.",
        "Bereaved six months ago; not ready for counselling but would like to meet others.",
    ],
    "arts_creativity": [
        "Used to paint and would like to find a creative group.",
        "Enjoys music and crafts; would like a group to belong to.",
    ],
    "nature_green": [
        "Enjoys gardening but no longer has a garden; would like to get outdoors.",
        "Feels better outside; would like a walking or gardening group.",
    ],
    "befriending": [
        "Housebound and would value a regular visitor or phone call.",
        "Family live away; would like someone to talk to each week.",
    ],
    "food": [
        "Running out of food before payday; has used the food bank twice this month.",
        "Cannot afford to heat food and the house; skipping meals.",
    ],
    "legal_immigration_advice": [
        "Has a letter about a legal matter {name} doesn't understand; needs a regulated adviser.",
    ],
    "substance_use": [
        "Drinking more since retiring and wants to cut down; not dependent.",
        "Stopped drinking after a detox and needs things to fill the day.",
    ],
    "parenting": [
        "Single parent of three, feeling overwhelmed; would like to meet other parents.",
    ],
    "domestic_abuse": [
        "Disclosed controlling behaviour by {their} partner. Only contact at the safe times "
        "given. Already linked with the IDVA service.",
    ],
}

WHAT_MATTERS: dict[str, list[str]] = {
    "loneliness": [
        "I just want someone to have a cup of tea and a chat with.",
        "Getting out of the house and meeting people my own age.",
        "Having a reason to get dressed in the morning.",
    ],
    "low_mood": [
        "Feeling like myself again.",
        "I want to sleep better and stop worrying all the time.",
        "Having something to look forward to each week.",
    ],
    "physical_activity": [
        "Being able to walk to the shops without stopping.",
        "Getting fitter so I can keep up with the grandbairns.",
        "Not being frightened of falling.",
    ],
    "healthy_eating": ["Cooking proper meals instead of takeaways.", "Getting my sugars down."],
    "long_term_condition": [
        "Being able to get out even on bad days.",
        "Managing my pain so I can do more.",
    ],
    "money_debt": ["Stopping the letters coming through the door.", "Knowing I can pay the bills."],
    "welfare_benefits": [
        "Getting the money I'm entitled to.",
        "Someone to help me fill the forms in.",
    ],
    "housing": ["A warm, dry home for me and the kids.", "Somewhere safe to live."],
    "employment": [
        "Getting a job and standing on my own two feet.",
        "Working again, even part time.",
    ],
    "education_skills": ["Getting my maths so I can go to college.", "Learning something new."],
    "esol": [
        "Speaking English so I can talk to my neighbours.",
        "Helping my children with their homework.",
    ],
    "digital_skills": ["Video calling my family.", "Doing my shopping online."],
    "carer_support": [
        "A couple of hours to myself each week.",
        "Knowing Mam is looked after while I have a break.",
    ],
    "bereavement": ["Talking to people who understand.", "Learning to live on my own."],
    "arts_creativity": ["Doing something creative again.", "Making things with other people."],
    "nature_green": ["Being outside in the fresh air.", "Growing my own veg."],
    "befriending": ["A canny natter with someone once a week.", "A friendly voice on the phone."],
    "food": ["Having enough food for the kids.", "Not going without at the end of the month."],
    "legal_immigration_advice": ["Understanding what the letter means."],
    "substance_use": ["Staying off the drink.", "Cutting down and feeling healthier."],
    "parenting": ["Being a good parent and having a bit of time for me."],
    "domestic_abuse": ["Feeling safe.", "Having my own money and my own friends again."],
}

SELF_REASONS: dict[str, str] = {
    "loneliness": "I live on my own and hardly see anyone from one week to the next.",
    "low_mood": "I've been feeling really down for a while and I don't want more tablets.",
    "physical_activity": "I want to get fitter but I don't like gyms.",
    "healthy_eating": "I want to eat better and lose a bit of weight.",
    "long_term_condition": "My arthritis is getting me down and I've stopped doing things.",
    "money_debt": "I'm behind on my bills and it's keeping me up at night.",
    "welfare_benefits": "I don't know what benefits I can get.",
    "housing": "My flat is damp and cold and the landlord won't do anything.",
    "employment": "I want to get back into work.",
    "education_skills": "I want to learn something new, maybe a course.",
    "esol": "I want to learn English.",
    "digital_skills": "I need help using my phone and the internet.",
    "carer_support": "I look after my husband and I'm worn out.",
    "bereavement": "My mam died last year and I can't seem to get going again.",
    "arts_creativity": "I used to love drawing and want to get back into it.",
    "nature_green": "I'd love to do some gardening or walking.",
    "befriending": "I'd like someone to talk to every week.",
    "food": "Some weeks I don't have enough food.",
    "legal_immigration_advice": "I have a letter I don't understand and need advice.",
    "substance_use": "I'm drinking too much and want to cut down.",
    "parenting": "I'm a single parent and struggling.",
    "domestic_abuse": "I don't feel safe at home.",
}

OPENERS = {
    K.GP_PRACTICE: ["Seen in surgery today.", "Telephone consultation.", "Seen at annual review."],
    K.PCN: ["Seen in the long-term conditions clinic.", "Care coordinator review."],
    K.PHARMACY: ["Came in for a medicines review.", "Spoke to me at the counter."],
    K.HOSPITAL: ["Going home after a fall.", "Discharged after a chest infection."],
    K.COUNCIL: ["Adult social care assessment.", "Known to adult social care."],
    K.JOBCENTRE: ["Work coach appointment.", "Seen at the jobcentre."],
    K.HOUSING: ["Tenancy support visit.", "Repair visit flagged concerns."],
    K.FIRE: ["Safe and well visit at home.", "Home fire safety check."],
    K.POLICE: ["Welfare check.", "Seen after a call about a neighbour dispute."],
}

NEED_WEIGHTS_BY_KIND: dict[str, dict[str, float]] = {
    K.GP_PRACTICE: {
        "low_mood": 3,
        "loneliness": 3,
        "physical_activity": 2,
        "long_term_condition": 2,
        "healthy_eating": 1,
        "bereavement": 1,
        "money_debt": 1,
        "carer_support": 1,
        "befriending": 1,
    },
    K.PCN: {
        "long_term_condition": 3,
        "healthy_eating": 2,
        "physical_activity": 2,
        "low_mood": 2,
        "loneliness": 2,
    },
    K.PHARMACY: {"long_term_condition": 3, "loneliness": 2, "healthy_eating": 2, "low_mood": 1},
    K.HOSPITAL: {
        "loneliness": 3,
        "befriending": 2,
        "physical_activity": 2,
        "carer_support": 2,
        "long_term_condition": 2,
        "housing": 1,
    },
    K.COUNCIL: {
        "carer_support": 3,
        "housing": 2,
        "money_debt": 2,
        "loneliness": 2,
        "food": 1,
        "parenting": 1,
    },
    K.JOBCENTRE: {
        "employment": 4,
        "education_skills": 2,
        "digital_skills": 2,
        "low_mood": 2,
        "money_debt": 2,
    },
    K.HOUSING: {
        "housing": 3,
        "money_debt": 3,
        "welfare_benefits": 2,
        "loneliness": 2,
        "substance_use": 1,
    },
    K.FIRE: {
        "loneliness": 3,
        "long_term_condition": 2,
        "befriending": 2,
        "carer_support": 1,
        "substance_use": 1,
    },
    K.POLICE: {
        "loneliness": 2,
        "low_mood": 2,
        "substance_use": 2,
        "domestic_abuse": 1,
        "money_debt": 1,
        "housing": 1,
    },
    "self": {
        "loneliness": 3,
        "low_mood": 3,
        "physical_activity": 2,
        "arts_creativity": 2,
        "nature_green": 2,
        "money_debt": 1,
        "education_skills": 1,
        "befriending": 1,
    },
}

RISKS = [
    "Large dog in the house; ask for it to be shut away before visiting.",
    "Son at the address can be verbally aggressive; meet at the surgery or visit in pairs.",
    "Lives on the 9th floor and the lift is often broken.",
    "Uses home oxygen; no smoking near the property.",
]

REJECTIONS = {
    "not_eligible": [
        "Needs personal care at home, which we can't provide; passed back to adult social care.",
        "Already has a social worker doing the same work; agreed they will lead.",
    ],
    "needs_clinical_care": [
        "Describes thoughts of self-harm. Called the GP the same day and the crisis team is "
        "involved. Happy to take a new referral once things are more settled.",
    ],
    "person_declined": [
        "Rang {name} to introduce the service: said thanks, but doesn't want support right now. "
        "Leaflet posted.",
    ],
    "out_of_area": [
        "Lives in {town}, County Durham, outside Sunderland. With {their} agreement, passed "
        "details to the County Durham social prescribing team.",
    ],
}
NEEDS_ALCOHOL_SERVICE_TEXT = (
    "Drinking heavily every day and asking for a detox; needs the alcohol service first."
)
ON_HOLD_TEXTS = [
    "In hospital for an operation; will pick up when home.",
    "Visiting family abroad for six weeks.",
    "Asked to pause while {their} partner is unwell.",
    "Poorly with a chest infection; will ring back in a fortnight.",
]
# How a case ends well, by the first thing the person wanted help with.
COMPLETED_TEXTS = {
    "loneliness": "Going to the lunch club twice a week and has made friends there.",
    "befriending": "Matched with a befriender who rings every Wednesday.",
    "physical_activity": "Going to the walking group every week and feels more confident.",
    "low_mood": "Sleeping better and going to a group each week; happy to finish.",
    "money_debt": "Debt plan in place with the money advice service; the letters have stopped.",
    "welfare_benefits": "Benefits check done and the PIP claim went in; no longer needs support.",
    "esol": "Going to English classes twice a week.",
    "carer_support": "Carer's break arranged and joined the carers' group.",
    "nature_green": "Volunteering at the community garden every Thursday.",
    "arts_creativity": "Joined the arts collective and painting again.",
    "digital_skills": "Can now video call the family and order prescriptions online.",
    "employment": "Started a part-time job.",
    "bereavement": "Going to the bereavement circle and finding it helps.",
    "long_term_condition": "Joined the chair-based exercise group; managing better day to day.",
    "healthy_eating": "Doing a cook-and-eat course and has lost some weight.",
    "food": "Registered with the food bank and the benefits are sorted.",
    "housing": "Repairs done after the housing association got involved.",
    "substance_use": "Cut down with help from the alcohol service and found things to fill the day.",
}
COMPLETED_TEXT = "Settled into a group and made friends there; happy to finish."
FAILED_TEXTS = {
    "unable_to_contact": "Three calls on different days, two texts and a letter; no reply. "
    "Told the referrer.",
    "person_moved": "Moved out of the area to be near family.",
}
WITHDRAWN_TEXTS = [
    "{name} has been admitted to hospital.",
    "{name} is now getting support from the community mental health team.",
    "Sent in error; meant for the falls service.",
]
DECLINED_AFTER_START_TEXT = (
    "After the first call {name} decided this isn't right for {them} at the moment. "
    "Explained how to self-refer in future."
)
DUPLICATE_TEXT = "Same referral sent twice; working from the earlier one."

# The Arabic-speaking self-referral that is always waiting in the inbox.
ARABIC_REASON = (
    "أشعر بالوحدة منذ وصولي إلى سندرلاند. أريد أن أتعلم الإنجليزية وأن ألتقي بنساء أخريات."
)
ARABIC_WHAT_MATTERS = "أن أتكلم الإنجليزية مع جيراني ومع طبيب أطفالي."


# --------------------------------------------------------------------------------------
# The plan: plain data, no database.
# --------------------------------------------------------------------------------------


@dataclass
class PersonPlan:
    key: int
    community: str
    details: PersonDetails
    gp: str  # OrgSpec.key of their practice
    age: int
    out_of_area: bool = False
    dispersal: bool = False


@dataclass
class EventPlan:
    status: str
    at: datetime.datetime
    actor: str  # a user email
    reason_code: str = ""
    reason_text: str = ""
    allocate_to: str = ""  # user email, for "accepted"


@dataclass
class ReferralPlan:
    key: int
    person: int  # PersonPlan.key
    first: bool  # creates the person
    source: str
    org: str  # OrgSpec.key, "" for self-referral
    created_at: datetime.datetime
    details: ReferralDetails
    consents: dict[str, bool]
    events: list[EventPlan] = field(default_factory=list)
    reference: str = ""
    kind: str = ""  # "duplicate" / "re-referral" / ""

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else Status.REQUESTED

    @property
    def closed_at(self) -> datetime.datetime | None:
        if self.events and self.status in _CLOSED:
            return self.events[-1].at
        return None


@dataclass
class DemoPlan:
    seed: int
    today: datetime.date
    now: datetime.datetime
    people: list[PersonPlan]
    referrals: list[ReferralPlan]
    postcodes: dict[str, str]  # OrgSpec.key -> postcode
    phones: dict[str, str]  # OrgSpec.key -> phone


_CLOSED = {Status.COMPLETED, Status.CANCELLED, Status.FAILED, Status.REJECTED}
ORG_KIND = {o.key: o.kind for o in ORGANISATIONS}


class _Planner:
    def __init__(self, seed: int, today: datetime.date, now: datetime.datetime) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = now
        self.tz = timezone.get_current_timezone()
        pcs = sample_live_postcodes()
        self.by_district: dict[str, list[str]] = {}
        self.by_district_decile: dict[tuple[str, int], list[str]] = {}
        for pc in pcs:
            district = pc.split(" ")[0]
            decile = lookup_area(pc).imd_decile
            self.by_district.setdefault(district, []).append(pc)
            self.by_district_decile.setdefault((district, decile), []).append(pc)
        self.mobiles = list(range(1000))
        self.landlines = list(range(900))  # 0900-0999 are kept for organisations
        self.rng.shuffle(self.mobiles)
        self.rng.shuffle(self.landlines)
        self.nhs_numbers: set[str] = set()
        self.org_postcodes = {
            spec.key: spec.postcode or self.rng.choice(self.by_district[spec.district])
            for spec in ORGANISATIONS
        }
        self.references: set[str] = set()

    # -- small helpers ------------------------------------------------------------------

    def weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def mobile(self) -> str:
        return f"07700 900{self.mobiles.pop():03d}"

    def landline(self) -> str:
        return f"0191 498 0{self.landlines.pop():03d}"

    def nhs_number(self) -> str:
        from nhs_number import calculate_checksum

        while True:
            stem = f"999{self.rng.randrange(10**6):06d}"
            check = calculate_checksum(stem)
            number = f"{stem}{check}"
            if check is not None and check != 10 and number not in self.nhs_numbers:
                self.nhs_numbers.add(number)
                return number

    def reference(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        while True:
            ref = "LW-" + "".join(self.rng.choice(alphabet) for _ in range(6))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def postcode(self, districts, decile_weights) -> str:
        for _ in range(50):
            district = self.rng.choice(districts)
            decile = self.weighted(decile_weights)
            options = self.by_district_decile.get((district, decile))
            if options:
                return self.rng.choice(options)
        return self.rng.choice(self.by_district[districts[0]])

    def local(self, day: datetime.date, hour: float) -> datetime.datetime:
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
        return timezone.make_aware(naive, self.tz)

    def working(self, moment: datetime.datetime) -> datetime.datetime:
        """The same moment, or the start of the next working period: staff act 9 to 5, Mon-Fri."""
        local = timezone.localtime(moment, self.tz)
        day, hour = local.date(), local.hour + local.minute / 60
        if 9 <= hour < 17 and day.weekday() < 5:
            return moment
        if hour >= 17:
            day, hour = day + datetime.timedelta(days=1), 9 + self.rng.random() * 2
        elif hour < 9:
            hour = 9 + self.rng.random() * 2
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
            hour = 9 + self.rng.random() * 2
        return self.local(day, hour)

    def after(self, moment: datetime.datetime, low: float, high: float) -> datetime.datetime:
        return self.working(moment + datetime.timedelta(days=self.rng.uniform(low, high)))

    def fill(self, text: str, person: PersonPlan) -> str:
        d = person.details
        their = {"female": "her", "male": "his"}.get(d.sex, "their")
        them = {"female": "her", "male": "him"}.get(d.sex, "them")
        return text.format(
            name=d.preferred_name or d.given_name, their=their, them=them, town=d.town
        )

    # -- people -------------------------------------------------------------------------

    def age_for(self, community: Community) -> int:
        if community.young:
            band = self.weighted(
                {(18, 34): 30, (35, 54): 40, (55, 69): 18, (70, 84): 10, (85, 95): 2}
            )
        else:
            band = self.weighted(
                {(18, 34): 14, (35, 54): 22, (55, 69): 26, (70, 84): 28, (85, 95): 10}
            )
        return self.rng.randint(*band)

    def person(self, key: int, community: Community, **force) -> PersonPlan:
        rng = self.rng
        sex = force.get("sex") or ("female" if rng.random() < community.female_share else "male")
        # A few people prefer not to say; the name lists still need a sex to draw from.
        sex_recorded = "not_said" if rng.random() < 0.01 and "sex" not in force else sex
        given = rng.choice(community.female if sex == "female" else community.male)
        if sex == "female" and community.women_family and rng.random() < 0.7:
            family = rng.choice(community.women_family)
        else:
            family = rng.choice(community.family)
            if community.key == "polish" and sex == "female":
                family = family.removesuffix("ski") + "ska" if family.endswith("ski") else family
        if community.key == "indian_punjabi":
            family = (
                rng.choice(("Kaur", family)) if sex == "female" else rng.choice(("Singh", family))
            )
        age = force.get("age") or self.age_for(community)
        dob = self.today - datetime.timedelta(days=int((age + rng.random()) * 365.25))

        language = "en"
        language_detail = ""
        interpreter = False
        notes = ""
        limited = rng.random() < community.limited_english + (0.15 if age >= 65 else 0)
        if force.get("limited_english"):
            limited = True
        if community.languages != ("en",):
            home_language = rng.choice(community.languages)
            if limited:
                language = home_language
                if rng.random() < 0.9:
                    interpreter = True
                else:
                    notes = (
                        "Prefers a family member to interpret; "
                        "offer a professional interpreter each time."
                    )
            elif rng.random() < 0.4:
                language = home_language
            if language == "bn" or (language == "syl" and rng.random() < 0.3):
                language, language_detail = "bn", "Sylheti"
            if community.key == "pakistani" and language == "pa" and rng.random() < 0.5:
                language_detail = "Pahari-Pothwari (Mirpuri)"

        dispersal = community.key in REFUGEE_COMMUNITIES
        out_of_area = force.get("out_of_area", False)
        if out_of_area:
            district = rng.choice(("SR7", "SR8"))
            postcode = rng.choice(self.by_district[district])
        elif force.get("postcode"):
            postcode = force["postcode"]
        else:
            postcode = self.postcode(
                community.districts, DISPERSAL_DECILE_WEIGHTS if dispersal else DECILE_WEIGHTS
            )
        district = postcode.split(" ")[0]
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS[district])}"
        if rng.random() < 0.15:
            address = f"Flat {rng.randint(1, 24)}, {address}"
        town = TOWN.get(district, "Sunderland")
        no_fixed_abode = False
        care_of = ""
        roll = rng.random()
        settled = out_of_area or bool(force.get("postcode"))
        if force.get("no_fixed_abode") or (roll < 0.012 and not settled):
            no_fixed_abode = True
            if rng.random() < 0.6:
                org = "welcome" if community.key in REFUGEE_COMMUNITIES else "foodbank"
                care_of, address = _ORG_NAME[org], CARE_OF_ADDRESSES[org]
                postcode = self.org_postcodes[org]
            else:
                address, postcode = "", ""
        elif force.get("no_postcode") or (roll < 0.025 and not settled):
            address, postcode = "", ""  # gave no address: the self-referral never insists

        has_mobile = rng.random() < (0.92 if age < 70 else 0.6 if age < 85 else 0.3)
        has_landline = rng.random() < (0.1 if age < 60 else 0.7)
        phone = self.mobile() if has_mobile else self.landline() if has_landline else ""
        email = ""
        if rng.random() < (0.35 if age < 65 else 0.12):
            ascii_given = _ascii(given).split(" ")[0]
            email = f"{ascii_given}.{_ascii(family)}{rng.randint(1, 99)}@example.com"
        methods: list[str]
        if has_mobile:
            methods = self.weighted(
                {
                    ("phone", "sms"): 45,
                    ("phone",): 25,
                    ("sms",): 10,
                    ("phone", "email"): 10,
                    ("letter", "phone"): 10,
                }
            )
        elif phone:
            methods = self.weighted({("phone",): 60, ("phone", "letter"): 30, ("letter",): 10})
        else:
            methods = ("letter",)
        methods = [
            m
            for m in methods
            if not (m == "email" and not email)
            and not (m == "letter" and not (address and postcode))
        ]
        if not methods:
            methods = ["phone"] if phone else ["email"] if email else []
        if not phone and not email and not (address and postcode):
            phone = self.mobile()
            methods = ["phone"]

        comm_needs: list[str] = []
        if age >= 75 and rng.random() < 0.25:
            comm_needs.append(CommunicationNeed.LARGE_PRINT)
        if age >= 75 and rng.random() < 0.15:
            comm_needs.append(CommunicationNeed.HEARING_LOOP)
        if rng.random() < 0.03:
            comm_needs.append(CommunicationNeed.EASY_READ)
        if community.key == "white_british" and rng.random() < 0.05:
            comm_needs.append(CommunicationNeed.READING_HELP)
        if force.get("bsl"):
            language, interpreter = "bfi", True
            comm_needs = [CommunicationNeed.BSL]
            methods = ["sms", "email"] if email else ["sms"]
            if not phone.startswith("07"):
                phone = self.mobile()

        lw_pref = ""
        if sex == "female":
            muslim = community.key in {
                "arabic",
                "kurdish",
                "farsi",
                "pakistani",
                "bangladeshi",
                "somali",
            }
            if rng.random() < (0.35 if muslim else 0.06):
                lw_pref = "female"
        elif rng.random() < 0.03:
            lw_pref = "male"

        details = PersonDetails(
            given_name=given,
            family_name=family,
            preferred_name=(KNOWN_AS[given] if given in KNOWN_AS and rng.random() < 0.35 else ""),
            date_of_birth=dob,
            nhs_number=self.nhs_number() if rng.random() < 0.75 else "",
            sex=sex_recorded,
            ethnicity=(
                Ethnicity.NOT_STATED if rng.random() < 0.03 else rng.choice(community.ethnicities)
            ),
            phone=phone,
            phone_is_shared=rng.random() < 0.04,
            email=email,
            address_line_1=address,
            town=town,
            postcode=postcode,
            care_of=care_of,
            no_fixed_abode=no_fixed_abode,
            language=language,
            language_detail=language_detail,
            interpreter_needed=interpreter,
            link_worker_sex_preference=lw_pref,
            communication_needs=comm_needs,
            communication_notes=notes,
            contact_methods=list(methods),
            no_voicemail=rng.random() < 0.08,
            safe_times_to_call=rng.choice(SAFE_TIMES) if rng.random() < 0.08 else "",
        )
        gp = GP_OF_DISTRICT.get(district, rng.choice(("gp1", "gp2", "gp3", "gp4")))
        return PersonPlan(
            key=key,
            community=community.key,
            details=details,
            gp=gp,
            age=age,
            out_of_area=out_of_area,
            dispersal=dispersal,
        )

    # -- referrals ----------------------------------------------------------------------

    def referrer_for(self, person: PersonPlan) -> str:
        if person.out_of_area:
            return self.rng.choice(("self", "hospital", "police", "fire"))
        weights = {
            "gp": 38,
            "pcn": 5,
            "pharmacy": 5,
            "hospital": 8,
            "council": 5,
            "jobcentre": 5,
            "housing": 5,
            "fire": 3,
            "police": 3,
            "self": 22,
        }
        if person.age >= 67:
            weights.update(jobcentre=0, fire=6, hospital=12)
        if person.age >= 80:
            weights["self"] = 8
        if person.details.interpreter_needed:
            weights["self"] = 10
        choice = self.weighted(weights)
        return person.gp if choice == "gp" else choice

    def needs_for(self, person: PersonPlan, kind: str, avoid: set[str] = frozenset()) -> list[str]:
        weights = dict(NEED_WEIGHTS_BY_KIND[kind])
        for code in ("arts_creativity", "nature_green", "digital_skills", "welfare_benefits"):
            weights.setdefault(code, 0.5)
        if person.age >= 70:
            for code, extra in (("loneliness", 2), ("befriending", 2), ("physical_activity", 1)):
                weights[code] = weights.get(code, 0) + extra
        if person.details.interpreter_needed or person.details.language not in ("en", "bfi"):
            for code, extra in (("esol", 5), ("loneliness", 2), ("employment", 1), ("food", 1)):
                weights[code] = weights.get(code, 0) + extra
            if person.dispersal:
                weights["legal_immigration_advice"] = 1
        if person.age >= 67:
            weights.pop("employment", None)
        if person.age >= 50:
            weights.pop("parenting", None)
        for code in avoid:
            weights.pop(code, None)
        count = self.weighted({1: 40, 2: 40, 3: 20})
        chosen: list[str] = []
        while len(chosen) < count and weights:
            code = self.weighted(weights)
            chosen.append(code)
            weights.pop(code)
        return chosen

    def details_for(self, person: PersonPlan, org: str, needs: list[str]) -> ReferralDetails:
        rng = self.rng
        d = person.details
        if org:
            kind = ORG_KIND[org]
            parts = [rng.choice(OPENERS[kind])]
            parts += [self.fill(rng.choice(REASONS[n]), person) for n in needs]
            if d.interpreter_needed and d.language != "bfi":
                lang = d.language_detail or LANGUAGE_NAMES[d.language]
                parts.append(f"Needs a {lang} interpreter; we used a telephone interpreter today.")
            reason = " ".join(parts)
            said = " ".join(rng.choice(WHAT_MATTERS[n]) for n in needs[:2])
            what_matters = f"(Said through an interpreter) {said}" if d.interpreter_needed else said
            user = next(u for u in USERS if u.email == REFERRER_OF_ORG[org])
            phone = f"0191 498 0{900 + list(_ORG_NAME).index(org):03d}"
            contact = f"{user.full_name}, {_ORG_NAME[org]}, {phone}"
        else:
            reason = " ".join(SELF_REASONS[n] for n in needs)
            what_matters = rng.choice(WHAT_MATTERS[needs[0]])
            contact = ""
        urgency = self.weighted({Urgency.ROUTINE: 75, Urgency.SOON: 20, Urgency.URGENT: 5})
        if "domestic_abuse" in needs:
            urgency = rng.choice((Urgency.SOON, Urgency.URGENT))
            d.no_voicemail = True
            d.safe_times_to_call = "Weekdays 10am to 2pm only"
        elif set(needs) & {"food", "money_debt", "housing"} and rng.random() < 0.4:
            urgency = Urgency.SOON
        risks = rng.choice(RISKS) if org and rng.random() < 0.08 else ""
        return ReferralDetails(
            needs=needs,
            reason=reason,
            what_matters=what_matters,
            urgency=urgency,
            risks=risks,
            referrer_contact=contact,
            consent_confirmed=True,
        )

    def consents_for(self, person: PersonPlan, source: str) -> dict[str, bool]:
        consents: dict[str, bool] = {}
        if self.rng.random() < 0.7:
            consents["share_with_provider"] = True
        if source == Source.SELF:
            consents["contact_sms"] = ContactMethod.SMS in person.details.contact_methods
            consents["research"] = self.rng.random() < 0.6
        return consents

    def created_at(self, days_ago: float, source: str) -> datetime.datetime:
        day = self.today - datetime.timedelta(days=int(days_ago))
        if source == Source.SELF:
            moment = self.local(day, self.rng.uniform(7, 23))
        else:
            while day.weekday() >= 5:
                day -= datetime.timedelta(days=1)
            moment = self.local(day, self.rng.uniform(8.5, 17))
        if moment >= self.now:
            moment = self.now - datetime.timedelta(hours=self.rng.uniform(0.5, 6))
        return moment

    def allocate(self, person: PersonPlan) -> str:
        d = person.details
        options = {u.email: 1.0 for u in LINK_WORKERS}
        if d.link_worker_sex_preference:
            options = {u.email: 1.0 for u in LINK_WORKERS if u.sex == d.link_worker_sex_preference}
        if d.language in ("bn", "syl") and "linkworker2@example.org" in options:
            options["linkworker2@example.org"] = 4  # speaks Sylheti
        if d.language == "pl" and "linkworker3@example.org" in options:
            options["linkworker3@example.org"] = 4  # speaks Polish
        return self.weighted(options)

    def timeline(self, plan: ReferralPlan, person: PersonPlan, outcome: str) -> list[EventPlan]:
        rng = self.rng
        lead = "lead@example.org"
        lw = self.allocate(person)
        urgency = plan.details.urgency
        events: list[EventPlan] = []
        t = plan.created_at

        def step(status, actor, low, high, **extra):
            nonlocal t
            t = self.after(t, low, high)
            events.append(EventPlan(status=status, at=t, actor=actor, **extra))

        def receive():
            backlog = rng.uniform(2, 6) if urgency == Urgency.ROUTINE and rng.random() < 0.15 else 0
            high = {Urgency.URGENT: 0.5, Urgency.SOON: 1.5}.get(urgency, 4)
            step(Status.RECEIVED, rng.choice((lead, lead, lw)), 0.02 + backlog, high + backlog)

        def accept():
            low, high = {Urgency.URGENT: (0.1, 1.5), Urgency.SOON: (0.5, 5)}.get(urgency, (1, 14))
            if urgency == Urgency.ROUTINE and rng.random() < 0.2:
                low, high = low + 7, high + 14  # waiting list in busy months
            actor = lw if rng.random() < 0.2 else lead
            step(Status.ACCEPTED, actor, low, high, allocate_to=lw)

        if outcome == "duplicate":
            if rng.random() < 0.5:
                receive()
            step(
                Status.CANCELLED, lead, 0.1, 2, reason_code="duplicate", reason_text=DUPLICATE_TEXT
            )
        elif outcome == "rejected":
            if person.out_of_area:
                code = "out_of_area"
            else:
                code = self.weighted(
                    {"not_eligible": 3, "needs_clinical_care": 3, "person_declined": 4}
                )
            text = rng.choice(REJECTIONS[code])
            if code == "needs_clinical_care" and "substance_use" in plan.details.needs:
                text = NEEDS_ALCOHOL_SERVICE_TEXT
            if rng.random() < 0.7:
                receive()
            step(
                Status.REJECTED,
                lead,
                0.2,
                5,
                reason_code=code,
                reason_text=self.fill(text, person),
            )
        elif outcome == "withdrawn":
            if rng.random() < 0.5:
                receive()
            step(
                Status.CANCELLED,
                REFERRER_OF_ORG[plan.org],
                0.5,
                8,
                reason_code="withdrawn_by_referrer",
                reason_text=self.fill(rng.choice(WITHDRAWN_TEXTS), person),
            )
        else:
            if rng.random() < 0.85:
                receive()
            accept()
            if outcome == "accepted":
                pass
            elif outcome == "failed":
                if rng.random() < 0.3:
                    step(Status.IN_PROGRESS, lw, 2, 18)
                code = self.weighted({"unable_to_contact": 9, "person_moved": 1})
                step(Status.FAILED, lw, 14, 35, reason_code=code, reason_text=FAILED_TEXTS[code])
            elif outcome == "declined":
                if rng.random() < 0.5:
                    step(Status.IN_PROGRESS, lw, 2, 18)
                step(
                    Status.CANCELLED,
                    lw,
                    2,
                    10,
                    reason_code="person_declined",
                    reason_text=self.fill(DECLINED_AFTER_START_TEXT, person),
                )
            else:
                step(Status.IN_PROGRESS, lw, 2, 18)
                hold = outcome == "on-hold" or (outcome == "completed" and rng.random() < 0.2)
                if hold:
                    step(
                        Status.ON_HOLD,
                        lw,
                        10,
                        50,
                        reason_code="waiting_for_person",
                        reason_text=self.fill(rng.choice(ON_HOLD_TEXTS), person),
                    )
                if outcome == "completed":
                    if hold:
                        step(Status.IN_PROGRESS, lw, 14, 45)
                    step(
                        Status.COMPLETED,
                        lw,
                        30,
                        100,
                        reason_code="goals_met",
                        reason_text=COMPLETED_TEXTS.get(plan.details.needs[0], COMPLETED_TEXT),
                    )
        return [e for e in events if e.at <= self.now]

    def outcome_for(self, plan: ReferralPlan, person: PersonPlan) -> str:
        if person.out_of_area:
            return "rejected"
        weights = {
            "completed": 40,
            "failed": 9,
            "rejected": 8,
            "withdrawn": 3 if plan.org else 0,
            "declined": 3,
            "in-progress": 14,
            "on-hold": 7,
            "accepted": 3,
        }
        outcome = self.weighted(weights)
        age_days = (self.now - plan.created_at).days
        if outcome in ("in-progress", "on-hold", "accepted") and age_days > 150:
            outcome = "completed"  # nobody's case runs that long in the demo
        return outcome

    # -- the whole plan -----------------------------------------------------------------

    def plan(self, *, people: int = 200, referrals: int = 300) -> tuple[list, list]:
        rng = self.rng
        communities = {c.key: c for c in COMMUNITIES}
        weights = {c.key: c.weight for c in COMMUNITIES}
        person_plans: list[PersonPlan] = []
        referral_plans: list[ReferralPlan] = []

        # The inbox always holds a new self-referral from an Arabic speaker.
        arabic = self.person(
            0,
            communities["arabic"],
            sex="female",
            age=34,
            limited_english=True,
            postcode=self.postcode(("SR4",), {1: 1}),
        )
        if not arabic.details.phone.startswith("07"):
            arabic.details.phone = self.mobile()
        arabic.details.contact_methods = ["sms", "phone"]
        arabic.details.interpreter_needed = True
        arabic.details.language = "ar"
        arabic.details.link_worker_sex_preference = "female"
        arabic.details.communication_notes = ""
        person_plans.append(arabic)

        special = {
            7: {"out_of_area": True},
            19: {"bsl": True},
            23: {"no_fixed_abode": True},
            61: {"no_fixed_abode": True},
            113: {"no_fixed_abode": True},
            150: {"no_postcode": True},
        }
        for i in range(1, people):
            force = special.get(i, {})
            if i % 37 == 5:
                force = {"out_of_area": True}
            community = communities[self.weighted(weights)]
            person_plans.append(self.person(i, community, **force))

        for person in person_plans:
            org = "" if person.key == 0 else self.referrer_for(person)
            org = "" if org == "self" else org
            source = Source.PROFESSIONAL if org else Source.SELF
            if person.key == 0:
                created = self.now - datetime.timedelta(hours=rng.uniform(14, 30))
                needs = ["loneliness", "esol"]
            else:
                created = self.created_at(365 * rng.random() ** 1.25, source)
                needs = self.needs_for(person, ORG_KIND[org] if org else "self")
            details = self.details_for(person, org, needs)
            plan = ReferralPlan(
                key=len(referral_plans),
                person=person.key,
                first=True,
                source=source,
                org=org,
                created_at=created,
                details=details,
                consents=self.consents_for(person, source),
            )
            if person.key == 0:
                details.reason, details.what_matters = ARABIC_REASON, ARABIC_WHAT_MATTERS
                details.urgency = Urgency.ROUTINE
                plan.consents = {"share_with_provider": True, "contact_sms": True}
            else:
                plan.events = self.timeline(plan, person, self.outcome_for(plan, person))
            referral_plans.append(plan)

        # Duplicates and re-referrals reuse people their referrer already knows.
        by_key = {p.key: p for p in person_plans}
        duplicates = 12
        attempts = 0
        while len(referral_plans) < referrals and attempts < 5000:
            attempts += 1
            earlier = rng.choice(referral_plans)
            person = by_key[earlier.person]
            if not earlier.org or person.out_of_area or earlier.kind == "duplicate":
                continue
            if duplicates:
                created = earlier.created_at + datetime.timedelta(days=rng.uniform(0.05, 2))
                if created >= self.now - datetime.timedelta(days=3):
                    continue
                kind, outcome = "duplicate", "duplicate"
                needs = list(earlier.details.needs)
                org = earlier.org
            else:
                closed = earlier.closed_at
                if closed is None:
                    continue
                if any(p.person == person.key and p.created_at > closed for p in referral_plans):
                    continue  # already re-referred
                room = (self.now - closed).total_seconds() / 86400 - 1
                if room < 14:
                    continue
                created = self.working(
                    closed + datetime.timedelta(days=rng.uniform(14, min(room, 120)))
                )
                if created >= self.now:
                    continue
                kind = "re-referral"
                org = earlier.org
                needs = self.needs_for(person, ORG_KIND[org], avoid=set(earlier.details.needs))
                outcome = ""
            plan = ReferralPlan(
                key=len(referral_plans),
                person=person.key,
                first=False,
                source=Source.PROFESSIONAL,
                org=org,
                created_at=created,
                details=self.details_for(person, org, needs),
                consents=self.consents_for(person, Source.PROFESSIONAL),
                kind=kind,
            )
            plan.events = self.timeline(plan, person, outcome or self.outcome_for(plan, person))
            referral_plans.append(plan)
            if kind == "duplicate":
                duplicates -= 1

        referral_plans.sort(key=lambda p: (p.created_at, p.key))
        for plan in referral_plans:
            plan.reference = self.reference()
        from linkwell.messaging.demo import plan_somali_self_referral  # issue 6

        plan_somali_self_referral(person_plans, referral_plans)
        return person_plans, referral_plans


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()


def _now_for(today: datetime.date | None) -> tuple[datetime.date, datetime.datetime]:
    if today is None:
        return timezone.localdate(), timezone.now()
    naive = datetime.datetime.combine(today, datetime.time(18, 0))
    return today, timezone.make_aware(naive, timezone.get_current_timezone())


def plan_demo(*, seed: int = 2026, today: datetime.date | None = None) -> DemoPlan:
    """The whole demo as plain data. The same seed and day always give the same plan."""
    today, now = _now_for(today)
    planner = _Planner(seed, today, now)
    postcodes: dict[str, str] = {}
    phones: dict[str, str] = {}
    for index, spec in enumerate(ORGANISATIONS):
        postcodes[spec.key] = planner.org_postcodes[spec.key]
        phones[spec.key] = f"0191 498 0{900 + index:03d}"
    people, referrals = planner.plan()
    return DemoPlan(
        seed=seed,
        today=today,
        now=now,
        people=people,
        referrals=referrals,
        postcodes=postcodes,
        phones=phones,
    )


def plan_fingerprint(plan: DemoPlan) -> list[tuple[str, str, tuple[str, ...]]]:
    tz = timezone.get_current_timezone()
    return sorted(
        (
            r.status,
            timezone.localtime(r.created_at, tz).date().isoformat(),
            tuple(sorted(r.details.needs)),
        )
        for r in plan.referrals
    )


def database_fingerprint() -> list[tuple[str, str, tuple[str, ...]]]:
    tz = timezone.get_current_timezone()
    needs: dict[int, list[str]] = {}
    for referral_id, code in Referral.needs.through.objects.values_list(
        "referral_id", "need__code"
    ):
        needs.setdefault(referral_id, []).append(code)
    return sorted(
        (
            status,
            timezone.localtime(created_at, tz).date().isoformat(),
            tuple(sorted(needs.get(pk, []))),
        )
        for pk, status, created_at in Referral.objects.values_list("pk", "status", "created_at")
    )


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    organisations: int
    users: int
    people: int
    referrals: int
    by_status: dict[str, int]
    by_referrer_kind: dict[str, int]
    sign_ins: list[tuple[str, str]]
    password: str
    seconds: float

    def as_text(self) -> str:
        lines = [
            f"Loaded the Linkwell demo in {self.seconds:.1f} s: {self.organisations} organisations, "
            f"{self.users} users, {self.people} people, {self.referrals} referrals.",
            "",
            "Referrals by status:",
            *(f"  {status:<12} {n:>4}" for status, n in self.by_status.items()),
            "",
            "Referrals by who referred:",
            *(f"  {kind:<24} {n:>4}" for kind, n in self.by_referrer_kind.items()),
            "",
            f"Sign in with any of these; the password for all is {self.password}",
        ]
        width = max(len(email) for email, _ in self.sign_ins)
        lines += [f"  {email:<{width}}  {role}" for email, role in self.sign_ins]
        return "\n".join(lines)


def database_has_data() -> bool:
    return Organisation.objects.exists()


def load_demo(*, seed: int = 2026, today: datetime.date | None = None, stdout=None) -> DemoSummary:
    """Load the demo into an empty database and return what was loaded.

    Raises DemoRefused if any organisation exists: the demo never mixes with real data.
    """
    started = time.monotonic()
    if database_has_data():
        raise DemoRefused(
            "The demo loads into an empty database, and this one already has organisations. "
            "Use a fresh database: point DATABASE_URL at a new one and run migrate first."
        )

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    plan = plan_demo(seed=seed, today=today)
    say(f"Planned {len(plan.people)} people and {len(plan.referrals)} referrals (seed {seed}).")
    with transaction.atomic():
        orgs = _create_organisations(plan)
        users = _create_users(orgs)
        say(f"Created {len(orgs)} organisations and {len(users)} users.")
        created = _create_referrals(plan, orgs, users, say)
        _restamp(plan, created)
        from linkwell.messaging.demo import demo_date_messages

        demo_date_messages()  # self-referral confirmations carry their referral's time
        from linkwell.outcomes.demo import load_outcomes_demo  # outcomes demo (issue 4)

        load_outcomes_demo(random.Random(seed + 4), today=plan.today, now=plan.now)
        from linkwell.directory.demo import load_directory_demo  # directory demo (issue 2)

        load_directory_demo(random.Random(seed + 2), orgs, now=plan.now)
        from linkwell.casework.demo import load_casework_demo  # casework demo (issue 3)

        load_casework_demo(random.Random(seed + 3), now=plan.now)
        from linkwell.groups.demo import load_groups_demo  # provider sessions (issue 7)

        load_groups_demo(random.Random(seed + 7))
        from linkwell.groups.demo import load_onward_demo  # onward referrals, inbox (issue 3/7)

        load_onward_demo(random.Random(seed + 8), now=plan.now)
        from linkwell.groups.demo_care import load_care_demo  # feedback and concerns (issue 7)

        load_care_demo(random.Random(seed + 9), now=plan.now)
        from linkwell.groups.demo_funding import load_funding_demo  # funding and costs (issue 7)

        load_funding_demo(random.Random(seed + 10), now=plan.now)
        from linkwell.noticeboard.demo import load_noticeboard_demo  # noticeboard (issue 7)

        load_noticeboard_demo(now=plan.now)
        from linkwell.groups.demo import load_history_demo  # the year behind the dashboard (5)

        history = load_history_demo(random.Random(seed + 11), now=plan.now)
        say(
            "A year of activity: {onward} onward referrals, {sessions} past sessions, "
            "{marked} register marks, {unmet} unmet needs, {waitlisted} on waitlists.".format(
                **history
            )
        )
        from linkwell.groups.reminders import load_reminders_demo  # reminders (issue 6)

        load_reminders_demo(now=plan.now)
    _refresh_report_facts()
    return _summary(time.monotonic() - started)


def _refresh_report_facts() -> None:
    """The dashboard reads precomputed per-referral facts: compute them for the whole demo, so
    /reports/ shows the demo at once rather than "being prepared"."""
    from linkwell.reports.facts import refresh

    refresh(full=True)


def _create_organisations(plan: DemoPlan) -> dict[str, Organisation]:
    orgs = {}
    for spec in ORGANISATIONS:
        orgs[spec.key] = Organisation(
            name=spec.name,
            kind=spec.kind,
            ods_code=spec.ods_code,
            postcode=plan.postcodes[spec.key],
            phone=plan.phones[spec.key],
            email=f"{spec.key}@example.org",
            created_at=plan.now - datetime.timedelta(days=400),
        )
    Organisation.objects.bulk_create(orgs.values())
    # bulk_create sets primary keys on SQLite and PostgreSQL; fetch to be safe elsewhere.
    by_name = {o.name: o for o in Organisation.objects.all()}
    orgs = {key: by_name[o.name] for key, o in orgs.items()}
    ReferralRoute.objects.create(service=orgs["service"], is_default=True)
    return orgs


def _create_users(orgs: dict[str, Organisation]) -> dict[str, User]:
    # One hash for every demo user: hashing is deliberately slow, and these share a password.
    hashed = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for spec in USERS:
        user = User.objects.create(email=spec.email, full_name=spec.full_name, password=hashed)
        Membership.objects.create(user=user, organisation=orgs[spec.org], role=spec.role)
        users[spec.email] = user
    users[ADMIN_EMAIL] = User.objects.create(
        email=ADMIN_EMAIL, full_name=ADMIN_NAME, password=hashed, is_staff=True, is_superuser=True
    )
    return users


def _create_referrals(plan: DemoPlan, orgs, users, say) -> dict[int, tuple[int, int]]:
    created: dict[int, tuple[int, int]] = {}
    people: dict[int, Person] = {}
    person_plans = {p.key: p for p in plan.people}
    for index, rp in enumerate(plan.referrals, start=1):
        actor = users[REFERRER_OF_ORG[rp.org]] if rp.org else None
        kwargs = {}
        if rp.first:
            kwargs["person_details"] = _copy_details(person_plans[rp.person].details)
        else:
            kwargs["person"] = people[rp.person]
        referral, _created = referral_submit(
            actor=actor,
            source=rp.source,
            details=ReferralDetails(**{**rp.details.__dict__, "needs": list(rp.details.needs)}),
            referrer_organisation=orgs[rp.org] if rp.org else None,
            consents=dict(rp.consents),
            channel=CHANNEL,
            **kwargs,
        )
        people.setdefault(rp.person, referral.person)
        created[rp.key] = (referral.pk, referral.person_id)
        for event in rp.events:
            referral_transition(
                actor=users[event.actor],
                referral_id=referral.pk,
                to_status=event.status,
                reason_code=event.reason_code,
                reason_text=event.reason_text,
                allocate_to=users[event.allocate_to] if event.allocate_to else None,
                channel=CHANNEL,
            )
        if index % 100 == 0:
            say(f"  {index} referrals…")
    return created


def _copy_details(details: PersonDetails) -> PersonDetails:
    # Services normalise details in place; keep the plan untouched.
    values = dict(details.__dict__)
    values["communication_needs"] = list(details.communication_needs)
    values["contact_methods"] = list(details.contact_methods)
    return PersonDetails(**values)


def _restamp(plan: DemoPlan, created: dict[int, tuple[int, int]]) -> None:
    """Write the planned times over the moments the services stamped.

    `created` maps each ReferralPlan.key to the (referral id, person id) it became.
    """
    by_id = {created[rp.key][0]: rp for rp in plan.referrals}
    referrals = list(Referral.objects.filter(pk__in=by_id))
    for referral in referrals:
        rp = by_id[referral.pk]
        times = {e.status: e.at for e in rp.events}
        referral.reference = rp.reference
        referral.created_at = referral.consent_confirmed_at = rp.created_at
        # Accepting straight from "requested" counts as receiving it too, as the service does.
        referral.received_at = times.get(Status.RECEIVED) or times.get(Status.ACCEPTED)
        referral.accepted_at = times.get(Status.ACCEPTED)
        referral.closed_at = rp.closed_at
        referral.updated_at = rp.events[-1].at if rp.events else rp.created_at
    Referral.objects.bulk_update(
        referrals,
        [
            "reference",
            "created_at",
            "consent_confirmed_at",
            "received_at",
            "accepted_at",
            "closed_at",
            "updated_at",
        ],
        batch_size=200,
    )

    events = list(ReferralEvent.objects.filter(referral_id__in=by_id).order_by("referral_id", "id"))
    moments: dict[int, list[datetime.datetime]] = {
        pk: [rp.created_at, *(e.at for e in rp.events)] for pk, rp in by_id.items()
    }
    for event in events:
        event.at = moments[event.referral_id].pop(0)
    ReferralEvent.objects.bulk_update(events, ["at"], batch_size=500)

    first_seen: dict[int, datetime.datetime] = {}
    consent_times: dict[int, list[datetime.datetime]] = {}
    for rp in plan.referrals:  # already in creation order
        pid = created[rp.key][1]
        first_seen.setdefault(pid, rp.created_at)
        consent_times.setdefault(pid, []).extend([rp.created_at] * (1 + len(rp.consents)))
    people = list(Person.objects.filter(pk__in=first_seen))
    for person in people:
        person.created_at = person.updated_at = first_seen[person.pk]
    Person.objects.bulk_update(people, ["created_at", "updated_at"], batch_size=200)
    consents = list(Consent.objects.filter(person_id__in=first_seen).order_by("person_id", "id"))
    for consent in consents:
        consent.recorded_at = consent_times[consent.person_id].pop(0)
    Consent.objects.bulk_update(consents, ["recorded_at"], batch_size=500)


def _summary(seconds: float) -> DemoSummary:
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    kinds = Counter(
        kind or "self"
        for kind in Referral.objects.values_list("referrer_organisation__kind", flat=True)
    )
    kind_labels = dict(OrganisationKind.choices)
    return DemoSummary(
        organisations=Organisation.objects.count(),
        users=User.objects.count(),
        people=Person.objects.count(),
        referrals=Referral.objects.count(),
        by_status={s.value: statuses.get(s.value, 0) for s in Status},
        by_referrer_kind={
            (str(kind_labels[k]) if k in kind_labels else "Self-referral"): n
            for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])
        },
        sign_ins=list(DEMO_SIGN_INS),
        password=DEMO_PASSWORD,
        seconds=seconds,
    )
